/**
 * Writes one recording: plaintext (the clip container bytes) is buffered into chunks, each chunk
 * sealed and appended as one frame to the recording's chunk file; sync() makes everything so far
 * durable; the state file is replaced atomically at start, at clip boundaries and at close.
 *
 * Why one append-only chunk file rather than a file per chunk: a chunk per file needs an atomic
 * replace (two fsyncs, a rename, a directory fsync) for every chunk and every partial chunk a
 * sync() flushes; the append file needs one fdatasync per sync(). A torn tail is harmless: each
 * frame carries its index, length and ciphertext digest, so recovery keeps exactly the whole
 * frames and records where they end (the Storage contract has no truncate; the torn bytes are
 * ignored, never read back as a chunk).
 */
import type { AppendFile, Storage } from '../../../hal/storage/contract.js';
import type { Clip, DigestAlgorithm } from '../../../protocols/manifest.js';
import { MAX_CHUNK_BYTES, MAX_SEALED_KEY_BYTES } from '../../../protocols/fields.js';
import { MAX_BOOKMARKS } from '../../../protocols/manifest.js';
import { encodeFrame } from './chunk-file.js';
import {
  DEFAULT_DIGEST_ALGORITHM, RECORDING_ID_BYTES, RECORDING_KEY_BYTES, checkLength, chunkDigest, hex, sealChunk,
} from './envelope.js';
import { EvidenceError } from './errors.js';
import { DEFAULT_RECORDINGS_ROOT, chunkPath, statePath } from './layout.js';
import { STATE_FORMAT, encodeState, type RecordingEnd, type RecordingMeta, type RecordingState } from './state-file.js';

/** Default plaintext bytes per chunk (1 MiB). */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface CreateRecordingOptions {
  recordingId: Uint8Array;
  /** The recording key (32 bytes) from newRecordingKey(); the writer zeroes it at close. */
  key: Uint8Array;
  /** The same key sealed to the system's public key. */
  sealedKey: Uint8Array;
  meta: RecordingMeta;
  /** Plaintext bytes per chunk, 1 byte to 4 MiB (default 1 MiB). */
  chunkSize?: number;
  digestAlgorithm?: DigestAlgorithm;
  /** Folder of recordings on the storage (default `recordings`). */
  root?: string;
}

/** Start a recording: writes its state file (status open) and creates its chunk file. */
export async function createRecording(storage: Storage, options: CreateRecordingOptions): Promise<RecordingWriter> {
  checkLength(options.recordingId, RECORDING_ID_BYTES, 'recordingId');
  checkLength(options.key, RECORDING_KEY_BYTES, 'key');
  if (!(options.sealedKey instanceof Uint8Array) || options.sealedKey.length === 0 || options.sealedKey.length > MAX_SEALED_KEY_BYTES) {
    throw new TypeError(`sealedKey must be 1 to ${MAX_SEALED_KEY_BYTES} bytes`);
  }
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) {
    throw new RangeError(`chunkSize must be an integer from 1 to ${MAX_CHUNK_BYTES}, got ${chunkSize}`);
  }
  const m = options.meta;
  if (typeof m?.cameraSerial !== 'string' || m.cameraSerial.length === 0) throw new TypeError('meta.cameraSerial must be the serial number of the recording camera');
  if (typeof m.triggerOnReason !== 'string' || m.triggerOnReason.endsWith('_UNSPECIFIED')) throw new TypeError(`meta.triggerOnReason must name what started the recording, got ${String(m.triggerOnReason)}`);
  for (const f of ['triggerOnTimeMs', 'startTimeMs'] as const) {
    if (!(Number.isFinite(m[f]) && m[f] >= 0)) throw new TypeError(`meta.${f} must be a time in ms since the epoch, got ${m[f]}`);
  }
  const root = options.root ?? DEFAULT_RECORDINGS_ROOT;
  const idHex = hex(options.recordingId);
  if (await storage.size(statePath(root, idHex)) !== undefined) {
    throw new EvidenceError('EBADSTATE', `recording ${idHex} already exists in ${storage.name}:${root}: expected a new recording id`);
  }
  const state: RecordingState = {
    format: STATE_FORMAT, recordingId: idHex, sealedKey: Buffer.from(options.sealedKey).toString('base64'),
    chunkSize, digestAlgorithm: options.digestAlgorithm ?? DEFAULT_DIGEST_ALGORITHM, status: 'open',
    chunkCount: 0, chunkFileBytes: 0, totalBytes: 0, meta: { ...options.meta }, end: null, clips: [], openClip: null,
    bookmarks: [],
  };
  // State first: a chunk file without a state file is a deletion in progress.
  await storage.writeAtomic(statePath(root, idHex), encodeState(state));
  const file = await storage.openAppend(chunkPath(root, idHex));
  return new RecordingWriter(storage, root, options.recordingId, new Uint8Array(options.key), state, file);
}

export type RecordingWriterStatus = 'open' | 'closed' | 'failed';

export class RecordingWriter {
  readonly idHex: string;
  private readonly buffer: Uint8Array;
  private fill = 0;
  private mediaTimeMs = 0;
  /** A sealed frame not yet appended (its append failed, e.g. disk full): written before anything else. */
  private pending: { frame: Uint8Array; ciphertextBytes: number } | undefined;
  private count = 0;
  private fileBytes = 0;
  private total = 0;
  private synced = { count: 0, fileBytes: 0, total: 0 };
  private queue: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private _status: RecordingWriterStatus = 'open';

  /** @internal use createRecording() */
  constructor(
    private readonly storage: Storage,
    private readonly root: string,
    readonly recordingId: Uint8Array,
    private readonly key: Uint8Array,
    private readonly state: RecordingState,
    private readonly file: AppendFile,
  ) {
    this.idHex = hex(recordingId);
    this.buffer = new Uint8Array(state.chunkSize);
  }

  get status(): RecordingWriterStatus { return this._status; }
  /** Chunks sealed so far. */
  get chunkCount(): number { return this.count; }
  /** Plaintext bytes waiting for the next chunk. */
  get bufferedBytes(): number { return this.fill; }
  /** Clips finished so far. */
  get clips(): readonly Clip[] { return this.state.clips; }
  /** Bookmarks kept so far (wall-clock ms, ascending). */
  get bookmarks(): readonly number[] { return this.state.bookmarks; }

  /**
   * Bookmark the recording at `wallMs` (wall-clock ms since the epoch; a press of the recording
   * button while recording). The state file is replaced at once, so when this resolves the
   * bookmark survives a power cut (one atomic write per press; presses are rare). Resolves
   * false, writing nothing, when the bookmark is already there (same ms), lies before the
   * recording's start (prebuffer included) or the recording already holds MAX_BOOKMARKS; a
   * bookmark older than the newest one (the wall clock stepped back) is kept in time order.
   */
  addBookmark(wallMs: number): Promise<boolean> {
    if (!Number.isFinite(wallMs) || wallMs < 0) return Promise.reject(new TypeError(`addBookmark: wallMs must be a time in ms since the epoch, got ${wallMs}`));
    const at = Math.floor(wallMs);
    return this.run('addBookmark', async () => {
      const marks = this.state.bookmarks;
      if (at < this.state.meta.startTimeMs || marks.length >= MAX_BOOKMARKS || marks.includes(at)) return false;
      let i = marks.length;
      while (i > 0 && marks[i - 1]! > at) i--;
      marks.splice(i, 0, at);
      try {
        await this.writeState();
      } catch (e) {
        marks.splice(i, 1);
        throw e;
      }
      return true;
    });
  }

  /**
   * Add plaintext; every full chunk is sealed and appended (not yet durable: see sync()).
   * `mediaTimeMs` (wall-clock ms of the newest media in these bytes) is kept with the chunk so
   * recovery knows when an interrupted recording stopped.
   */
  append(plaintext: Uint8Array, mediaTimeMs?: number): Promise<void> {
    return this.run('append', async () => {
      if (mediaTimeMs !== undefined && Number.isFinite(mediaTimeMs)) this.mediaTimeMs = Math.max(this.mediaTimeMs, mediaTimeMs);
      let at = 0;
      while (at < plaintext.length) {
        const n = Math.min(plaintext.length - at, this.buffer.length - this.fill);
        this.buffer.set(plaintext.subarray(at, at + n), this.fill);
        this.fill += n;
        at += n;
        if (this.fill === this.buffer.length) await this.sealBuffer(false);
      }
    });
  }

  /** Make everything appended so far durable: a power cut after this resolves loses none of it. */
  sync(): Promise<void> {
    return this.run('sync', () => this.syncNow());
  }

  /** Start a clip at the next chunk boundary (the buffered bytes are sealed first). */
  beginClip(startTimeMs: number): Promise<void> {
    return this.run('beginClip', async () => {
      if (this.state.openClip) throw new EvidenceError('EBADSTATE', `recording ${this.idHex}: beginClip while clip from chunk ${this.state.openClip.firstChunk} is open: expected endClip first`);
      if (this.fill > 0) await this.sealBuffer(false);
      await this.syncNow();
      this.state.openClip = { firstChunk: this.count, startTimeMs };
      await this.writeState();
    });
  }

  /**
   * End the open clip: its bytes are sealed, synced and recorded in the state file. Returns the
   * clip, or undefined when it held no bytes.
   */
  endClip(stopTimeMs: number): Promise<Clip | undefined> {
    return this.run('endClip', async () => {
      const open = this.state.openClip;
      if (!open) throw new EvidenceError('EBADSTATE', `recording ${this.idHex}: endClip with no open clip: expected beginClip first`);
      if (this.fill > 0) await this.sealBuffer(false);
      await this.syncNow();
      const clip = this.finishClip(stopTimeMs);
      await this.writeState();
      return clip;
    });
  }

  /**
   * Close: the buffered bytes (possibly none) become the last chunk, sealed as last; the open
   * clip ends with it; everything is synced and the state file says closed. Returns the state.
   */
  close(end: RecordingEnd): Promise<RecordingState> {
    if (!end || end.triggerOffReason.endsWith('_UNSPECIFIED') || !(end.stopTimeMs >= 0) || !(end.triggerOffTimeMs >= 0)) {
      return Promise.reject(new TypeError('close: end must name triggerOffReason (not unspecified) with triggerOffTimeMs and stopTimeMs in ms since the epoch'));
    }
    return this.run('close', async () => {
      await this.syncFile();
      // Record how it ended before the last chunk exists, so recovery can finish a close cut short.
      this.state.end = { ...end };
      await this.writeState();
      await this.sealBuffer(true);
      await this.syncNow();
      if (this.state.openClip) this.finishClip(end.stopTimeMs);
      this.state.status = 'closed';
      await this.writeState();
      await this.file.close();
      this.key.fill(0);
      this._status = 'closed';
      return structuredClone(this.state);
    });
  }

  /**
   * Give up on a recording whose close failed (storage full, a medium error): the chunk file is
   * closed and the key zeroed; what was synced stays on storage for recovery (recoverRecording
   * now, or at the next boot). Nothing more is written by this writer.
   */
  async abandon(): Promise<void> {
    if (this._status === 'closed') return;
    this._status = 'failed';
    this.failure ??= new EvidenceError('EBADSTATE', `recording ${this.idHex}: abandoned after a failed close`);
    this.key.fill(0);
    await this.queue;
    await this.file.close().catch(() => undefined);
  }

  private finishClip(stopTimeMs: number): Clip | undefined {
    const open = this.state.openClip!;
    this.state.openClip = null;
    const chunkCount = this.count - open.firstChunk;
    if (chunkCount === 0) return undefined;
    const clip: Clip = { firstChunk: open.firstChunk, chunkCount, startTimeMs: open.startTimeMs, stopTimeMs };
    this.state.clips.push(clip);
    return { ...clip };
  }

  private run<T>(op: string, body: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.failure) throw this.failure;
      if (this._status !== 'open') throw new EvidenceError('EBADSTATE', `recording ${this.idHex}: ${op} after close`);
      try {
        return await body();
      } catch (e) {
        // Lost power: the key is gone with the RAM; nothing more is written by this writer.
        if ((e as { code?: string }).code === 'EPOWER') {
          this.failure = e;
          this._status = 'failed';
          this.key.fill(0);
        }
        throw e;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async sealBuffer(last: boolean): Promise<void> {
    if (this.pending) await this.writePending();
    const ciphertext = sealChunk(this.key, { recordingId: this.recordingId, index: this.count, last }, this.buffer.subarray(0, this.fill));
    const digest = chunkDigest(ciphertext, this.state.digestAlgorithm);
    // From here the index is used: the frame is written as is, never sealed again.
    this.pending = { frame: encodeFrame({ index: this.count, last, mediaTimeMs: this.mediaTimeMs, digest }, ciphertext), ciphertextBytes: ciphertext.length };
    this.count++;
    this.fill = 0;
    await this.writePending();
  }

  private async writePending(): Promise<void> {
    const p = this.pending!;
    await this.file.append(p.frame);
    this.pending = undefined;
    this.fileBytes += p.frame.length;
    this.total += p.ciphertextBytes;
  }

  private async syncNow(): Promise<void> {
    if (this.fill > 0) await this.sealBuffer(false);
    await this.syncFile();
  }

  /** Sync what is appended (and a pending frame), leaving buffered plaintext buffered. */
  private async syncFile(): Promise<void> {
    if (this.pending) await this.writePending();
    await this.file.sync();
    this.synced = { count: this.count, fileBytes: this.fileBytes, total: this.total };
  }

  private async writeState(): Promise<void> {
    this.state.chunkCount = this.synced.count;
    this.state.chunkFileBytes = this.synced.fileBytes;
    this.state.totalBytes = this.synced.total;
    await this.storage.writeAtomic(statePath(this.root, this.idHex), encodeState(this.state));
  }
}
