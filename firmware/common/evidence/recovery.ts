/**
 * Boot-time recovery of recordings: a recording left open by a power cut is closed as
 * interrupted with every whole chunk it has (a torn tail is cut off by recording where the whole
 * frames end), a close cut short after its last chunk is finished, and a deletion cut short is
 * completed. Nothing readable is ever removed.
 */
import type { Storage } from '../../../hal/storage/contract.js';
import type { Clip } from '../../../protocols/manifest.js';
import { EvidenceError } from './errors.js';
import { DEFAULT_RECORDINGS_ROOT, STATE_FILE, chunkPath, readState, scanFrames, statePath } from './layout.js';
import { encodeState, type RecordingState, type RecordingStatus } from './state-file.js';

export interface RecoveredRecording {
  idHex: string;
  /** Status found on storage. */
  found: RecordingStatus;
  /** Status after recovery ('closed' when a close was cut short after its last chunk). */
  status: RecordingStatus;
  chunkCount: number;
  /** Bytes after the last whole chunk that are ignored from now on. */
  tornBytes: number;
}

export interface RecoveryReport {
  /** Every recording that was open, now closed or interrupted. */
  recovered: RecoveredRecording[];
  /** Recordings whose state file cannot be read: left untouched (never deleted), with the error. */
  unreadable: { idHex: string; error: Error }[];
  /** Folders of deletions cut short, now removed. */
  removed: string[];
}

/** Run once at boot before any recording is written. */
export async function recoverRecordings(storage: Storage, options: { root?: string } = {}): Promise<RecoveryReport> {
  const root = options.root ?? DEFAULT_RECORDINGS_ROOT;
  const report: RecoveryReport = { recovered: [], unreadable: [], removed: [] };
  for (const idHex of await storage.list(root)) {
    const files = await storage.list(`${root}/${idHex}`);
    if (!files.includes(STATE_FILE)) {
      // createRecording writes the state file first and deleteRecording removes it first.
      for (const f of files) await storage.remove(`${root}/${idHex}/${f}`);
      // An empty folder (the Storage contract cannot remove folders) is a finished deletion.
      if (files.length > 0) report.removed.push(idHex);
      continue;
    }
    let state: RecordingState;
    try {
      state = await readState(storage, root, idHex);
    } catch (e) {
      if (!(e instanceof EvidenceError)) throw e;
      report.unreadable.push({ idHex, error: e });
      continue;
    }
    if (state.status !== 'open') continue;
    report.recovered.push(await recoverOne(storage, root, idHex, state));
  }
  return report;
}

/**
 * Recover one recording left open, now (as boot recovery would): used when a running camera
 * could not close a recording (storage full), so it need not wait for the next boot to be
 * handed over. Undefined when the recording is not open.
 */
export async function recoverRecording(storage: Storage, idHex: string, options: { root?: string } = {}): Promise<RecoveredRecording | undefined> {
  const root = options.root ?? DEFAULT_RECORDINGS_ROOT;
  const state = await readState(storage, root, idHex);
  return state.status === 'open' ? recoverOne(storage, root, idHex, state) : undefined;
}

async function recoverOne(storage: Storage, root: string, idHex: string, state: RecordingState): Promise<RecoveredRecording> {
  const scan = await scanFrames(storage, root, idHex, state, { verifyFrom: state.chunkFileBytes });
  const frames = scan.frames;
  const size = (await storage.size(chunkPath(root, idHex))) ?? 0;
  const lastFrame = frames[frames.length - 1];
  const stopTimeMs = Math.max(state.meta.startTimeMs, lastFrame?.mediaTimeMs ?? 0);
  // Clips stay within the chunks that are there.
  const clips: Clip[] = [];
  for (const c of state.clips) {
    const n = Math.min(c.chunkCount, frames.length - c.firstChunk);
    if (n > 0) clips.push({ ...c, chunkCount: n });
  }
  const open = state.openClip;
  if (open && frames.length > open.firstChunk) {
    clips.push({ firstChunk: open.firstChunk, chunkCount: frames.length - open.firstChunk, startTimeMs: open.startTimeMs, stopTimeMs: Math.max(open.startTimeMs, stopTimeMs) });
  }
  // A last-sealed chunk exists only after close() recorded how the recording ended.
  const closed = lastFrame?.last === true && state.end !== null;
  const recovered: RecordingState = {
    ...state,
    status: closed ? 'closed' : 'interrupted',
    end: closed ? state.end : null,
    chunkCount: frames.length,
    chunkFileBytes: scan.end,
    totalBytes: frames.reduce((n, f) => n + f.length, 0),
    clips,
    openClip: null,
  };
  await storage.writeAtomic(statePath(root, idHex), encodeState(recovered));
  return { idHex, found: 'open', status: recovered.status, chunkCount: frames.length, tornBytes: size - scan.end };
}
