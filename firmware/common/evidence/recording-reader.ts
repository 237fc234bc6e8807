/**
 * Reading recordings for offload: list them, read a chunk's ciphertext and digest, describe a
 * recording as a manifest entry, and delete one only once its custody was acknowledged.
 */
import type { Storage } from '../../../hal/storage/contract.js';
import { HalError } from '../../../hal/errors.js';
import type { Recording } from '../../../protocols/manifest.js';
import { FRAME_HEADER_BYTES, frameIntact, type ChunkFrame } from './chunk-file.js';
import { RECORDING_ID_BYTES, checkLength, hex } from './envelope.js';
import { EvidenceError } from './errors.js';
import { DEFAULT_RECORDINGS_ROOT, chunkPath, readState, recordingDir, scanFrames, statePath } from './layout.js';
import type { RecordingState, RecordingStatus } from './state-file.js';

export interface RecordingSummary {
  recordingId: Uint8Array;
  idHex: string;
  status: RecordingStatus;
  chunkCount: number;
  totalBytes: number;
  startTimeMs: number;
}

/** What a chunk request is answered with (protocols ChunkData). */
export interface StoredChunk {
  ciphertext: Uint8Array;
  digest: Uint8Array;
  /** The recording's final chunk (transfer flag; the AEAD's last flag is set only when closed). */
  last: boolean;
}

/** Recordings on storage, oldest start first; unreadable state files are left out (recovery reports them). */
export async function listRecordings(storage: Storage, options: { root?: string } = {}): Promise<RecordingSummary[]> {
  const root = options.root ?? DEFAULT_RECORDINGS_ROOT;
  const out: RecordingSummary[] = [];
  for (const idHex of await storage.list(root)) {
    let state: RecordingState;
    try {
      state = await readState(storage, root, idHex);
    } catch (e) {
      if (e instanceof EvidenceError || (e instanceof HalError && e.code === 'ENOENT')) continue;
      throw e;
    }
    out.push({
      recordingId: Uint8Array.from(Buffer.from(idHex, 'hex')), idHex, status: state.status,
      chunkCount: state.chunkCount, totalBytes: state.totalBytes, startTimeMs: state.meta.startTimeMs,
    });
  }
  return out.sort((a, b) => a.startTimeMs - b.startTimeMs || a.idHex.localeCompare(b.idHex));
}

/**
 * Open a closed or interrupted recording for offload: reads its state and its frame headers.
 * EvidenceError ENOTFOUND when absent, EBADSTATE while still open (run recoverRecordings at
 * boot), ECORRUPT when the chunk file holds fewer whole frames than the state says.
 */
export async function openRecording(storage: Storage, recordingId: Uint8Array, options: { root?: string } = {}): Promise<RecordingReader> {
  checkLength(recordingId, RECORDING_ID_BYTES, 'recordingId');
  const root = options.root ?? DEFAULT_RECORDINGS_ROOT;
  const idHex = hex(recordingId);
  let state: RecordingState;
  try {
    state = await readState(storage, root, idHex);
  } catch (e) {
    if (e instanceof HalError && e.code === 'ENOENT') throw new EvidenceError('ENOTFOUND', `no recording ${idHex} in ${storage.name}:${root}`);
    throw e;
  }
  if (state.status === 'open') {
    throw new EvidenceError('EBADSTATE', `recording ${idHex} is still open: expected a closed or interrupted recording (recoverRecordings closes those a power cut left open)`);
  }
  const scan = await scanFrames(storage, root, idHex, state, { count: state.chunkCount });
  if (scan.frames.length !== state.chunkCount || scan.end !== state.chunkFileBytes) {
    throw new EvidenceError('ECORRUPT', `recording ${idHex}: chunk file holds ${scan.frames.length} whole chunks ending at byte ${scan.end}, expected ${state.chunkCount} ending at ${state.chunkFileBytes}`);
  }
  return new RecordingReader(storage, root, Uint8Array.from(recordingId), state, scan.frames);
}

export class RecordingReader {
  readonly idHex: string;
  /** @internal use openRecording() */
  constructor(
    private readonly storage: Storage,
    private readonly root: string,
    readonly recordingId: Uint8Array,
    readonly state: RecordingState,
    private readonly frames: ChunkFrame[],
  ) {
    this.idHex = hex(recordingId);
  }

  get chunkCount(): number { return this.frames.length; }
  get interrupted(): boolean { return this.state.status === 'interrupted'; }
  get sealedKey(): Uint8Array { return Uint8Array.from(Buffer.from(this.state.sealedKey, 'base64')); }
  /** One digest per chunk, from the frame headers. */
  get chunkDigests(): Uint8Array[] { return this.frames.map((f) => f.digest.slice()); }

  /** Chunk `index`'s ciphertext, checked against its digest (ECORRUPT when the medium changed it). */
  async readChunk(index: number): Promise<StoredChunk> {
    const frame = this.frames[index];
    if (!Number.isInteger(index) || !frame) {
      throw new EvidenceError('ENOTFOUND', `recording ${this.idHex} has no chunk ${index}: expected 0 to ${this.frames.length - 1}`);
    }
    const ciphertext = await this.storage.readRange(chunkPath(this.root, this.idHex), frame.offset + FRAME_HEADER_BYTES, frame.length);
    if (!frameIntact(frame, ciphertext, this.state.digestAlgorithm)) {
      throw new EvidenceError('ECORRUPT', `recording ${this.idHex} chunk ${index}: stored bytes do not match their digest (medium error)`);
    }
    return { ciphertext, digest: frame.digest.slice(), last: index === this.frames.length - 1 };
  }

  /** This recording as a manifest entry (protocols Recording). */
  manifestEntry(): Recording {
    const s = this.state;
    const lastTime = this.frames[this.frames.length - 1]?.mediaTimeMs ?? 0;
    const lastClip = s.clips[s.clips.length - 1];
    const stop = s.end?.stopTimeMs ?? Math.max(s.meta.startTimeMs, lastTime, lastClip?.stopTimeMs ?? 0);
    return {
      recordingId: this.recordingId.slice(), userId: s.meta.userId, cameraSerial: s.meta.cameraSerial,
      triggerOnReason: s.meta.triggerOnReason, triggerOnTimeMs: s.meta.triggerOnTimeMs,
      triggerOffReason: s.end?.triggerOffReason ?? 'TRIGGER_REASON_UNSPECIFIED', triggerOffTimeMs: s.end?.triggerOffTimeMs ?? stop,
      startTimeMs: s.meta.startTimeMs, stopTimeMs: stop, interrupted: this.interrupted,
      chunkCount: this.frames.length, chunkSize: s.chunkSize, totalBytes: s.totalBytes, digestAlgorithm: s.digestAlgorithm,
      chunkDigests: this.chunkDigests, sealedKey: this.sealedKey, clips: s.clips.map((c) => ({ ...c })),
      timeZone: s.meta.timeZone, firmwareVersion: s.meta.firmwareVersion,
      // An interrupted recording stops at its last durable media: a bookmark made after that
      // points at video that was lost, so it is left out (the manifest keeps bookmarks within start..stop).
      bookmarkTimesMs: s.bookmarks.filter((b) => b >= s.meta.startTimeMs && b <= stop),
    };
  }
}

/**
 * Delete a recording once the next holder acknowledged custody (holds it durably and verified).
 * The state file goes first, so a power cut mid-way leaves a folder recovery finishes removing.
 * EBADSTATE without the acknowledgement or while the recording is open.
 */
export async function deleteRecording(
  storage: Storage, recordingId: Uint8Array, options: { custodyAcknowledged: boolean; root?: string; evaluationReset?: boolean },
): Promise<void> {
  checkLength(recordingId, RECORDING_ID_BYTES, 'recordingId');
  const root = options.root ?? DEFAULT_RECORDINGS_ROOT;
  const idHex = hex(recordingId);
  // The one other reason: the user reset a camera of a system in evaluation mode (manual: recordings not transferred are deleted).
  if (options.custodyAcknowledged !== true && options.evaluationReset !== true) {
    throw new EvidenceError('EBADSTATE', `recording ${idHex} not deleted: expected custodyAcknowledged true (the next holder has it durably and verified)`);
  }
  let state: RecordingState | undefined;
  try {
    state = await readState(storage, root, idHex);
  } catch (e) {
    if (!(e instanceof HalError && e.code === 'ENOENT')) throw e;
  }
  if (state?.status === 'open') throw new EvidenceError('EBADSTATE', `recording ${idHex} is open: expected it closed before deletion`);
  await storage.remove(statePath(root, idHex));
  for (const f of await storage.list(recordingDir(root, idHex))) await storage.remove(`${recordingDir(root, idHex)}/${f}`);
}
