/**
 * The state file of a recording (`state.json`, replaced atomically): its id, sealed key, chunk
 * size, how many chunks are known durable, clips, times and status. Decoding checks every field
 * and throws EvidenceError ESTATE naming the field, since the bytes come from a file.
 */
import type { Clip, DigestAlgorithm, TriggerReason } from '../../../protocols/manifest.js';
import { MAX_CHUNK_BYTES, MAX_SEALED_KEY_BYTES } from '../../../protocols/fields.js';
import { MAX_BOOKMARKS } from '../../../protocols/manifest.js';
import { EvidenceError } from './errors.js';

export const STATE_FORMAT = 'bwc-recording-state/1';
/** Largest state file accepted (a recording has at most a few thousand clips). */
export const MAX_STATE_BYTES = 1024 * 1024;

export type RecordingStatus = 'open' | 'closed' | 'interrupted';

/** What the recorder knows when a recording starts. Times are wall-clock ms since the epoch. */
export interface RecordingMeta {
  cameraSerial: string;
  userId: string;
  triggerOnReason: TriggerReason;
  triggerOnTimeMs: number;
  /** Including the prebuffer. */
  startTimeMs: number;
  timeZone: string;
  firmwareVersion: string;
}

/** What the recorder knows when a recording stops. */
export interface RecordingEnd {
  triggerOffReason: TriggerReason;
  triggerOffTimeMs: number;
  /** Including the postbuffer. */
  stopTimeMs: number;
}

export interface RecordingState {
  format: typeof STATE_FORMAT;
  /** 32 lowercase hex digits. */
  recordingId: string;
  /** Base64 of the sealed recording key. */
  sealedKey: string;
  chunkSize: number;
  digestAlgorithm: DigestAlgorithm;
  status: RecordingStatus;
  /** Chunks durable when this file was written (all of them once closed or interrupted). */
  chunkCount: number;
  /** Chunk file bytes those chunks occupy; anything after is a torn tail to ignore. */
  chunkFileBytes: number;
  /** Sum of those chunks' ciphertext lengths. */
  totalBytes: number;
  meta: RecordingMeta;
  /** Set when closed; interrupted recordings have none. */
  end: RecordingEnd | null;
  /** Finished clips, in chunk order. */
  clips: Clip[];
  /** The clip being written while open. */
  openClip: { firstChunk: number; startTimeMs: number } | null;
  /**
   * Wall-clock ms of each bookmark, strictly ascending, at most MAX_BOOKMARKS. State files
   * written before bookmarks existed have none and decode as [].
   */
  bookmarks: number[];
}

const TRIGGERS = new Set<string>([
  'TRIGGER_REASON_UNSPECIFIED', 'TRIGGER_REASON_BUTTON', 'TRIGGER_REASON_FALL', 'TRIGGER_REASON_UNHOLSTER',
  'TRIGGER_REASON_WIRELESS_BROADCAST', 'TRIGGER_REASON_UNDOCK', 'TRIGGER_REASON_DOCK', 'TRIGGER_REASON_POWER_OFF',
  'TRIGGER_REASON_BATTERY_EMPTY', 'TRIGGER_REASON_STORAGE_FULL', 'TRIGGER_REASON_POWER_LOSS', 'TRIGGER_REASON_POWER_ON',
]);
const DIGESTS = new Set<string>(['DIGEST_ALGORITHM_BLAKE2B_256', 'DIGEST_ALGORITHM_SHA_256']);
const STATUSES = new Set<string>(['open', 'closed', 'interrupted']);

export function encodeState(state: RecordingState): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(state, null, 1)}\n`);
}

/** Parse and check a state file's bytes; `where` names the file in messages. */
export function decodeState(bytes: Uint8Array, where: string): RecordingState {
  const bad = (field: string, expected: string, got?: unknown) => new EvidenceError('ESTATE',
    `${where}: ${field} ${got === undefined ? 'missing' : `is ${describe(got)}`}, expected ${expected}`);
  if (bytes.length > MAX_STATE_BYTES) throw bad('file', `at most ${MAX_STATE_BYTES} bytes`, `${bytes.length} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new EvidenceError('ESTATE', `${where}: not a JSON recording state file (${(cause as Error).message}), expected UTF-8 JSON of format ${STATE_FORMAT}`, { cause });
  }
  const o = object(doc, 'state', bad);
  if (o.format !== STATE_FORMAT) throw bad('format', JSON.stringify(STATE_FORMAT), o.format);
  const recordingId = str(o, 'recordingId', bad);
  if (!/^[0-9a-f]{32}$/.test(recordingId)) throw bad('recordingId', '32 lowercase hex digits', recordingId);
  const sealedKey = str(o, 'sealedKey', bad);
  const keyBytes = Buffer.from(sealedKey, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sealedKey) || keyBytes.length === 0 || keyBytes.length > MAX_SEALED_KEY_BYTES) {
    throw bad('sealedKey', `base64 of 1 to ${MAX_SEALED_KEY_BYTES} bytes`, sealedKey.slice(0, 40));
  }
  const chunkSize = int(o, 'chunkSize', 1, MAX_CHUNK_BYTES, bad);
  const digestAlgorithm = str(o, 'digestAlgorithm', bad);
  if (!DIGESTS.has(digestAlgorithm)) throw bad('digestAlgorithm', [...DIGESTS].join(' or '), digestAlgorithm);
  const status = str(o, 'status', bad);
  if (!STATUSES.has(status)) throw bad('status', 'open, closed or interrupted', status);
  const chunkCount = int(o, 'chunkCount', 0, 2 ** 32 - 1, bad);
  const chunkFileBytes = int(o, 'chunkFileBytes', 0, Number.MAX_SAFE_INTEGER, bad);
  const totalBytes = int(o, 'totalBytes', 0, Number.MAX_SAFE_INTEGER, bad);
  if (totalBytes > chunkFileBytes) throw bad('totalBytes', `at most chunkFileBytes (${chunkFileBytes})`, totalBytes);
  const m = object(o.meta, 'meta', bad);
  const meta: RecordingMeta = {
    cameraSerial: str(m, 'meta.cameraSerial', bad, 'cameraSerial'),
    userId: str(m, 'meta.userId', bad, 'userId'),
    triggerOnReason: trigger(m, 'meta.triggerOnReason', 'triggerOnReason', bad),
    triggerOnTimeMs: time(m, 'meta.triggerOnTimeMs', 'triggerOnTimeMs', bad),
    startTimeMs: time(m, 'meta.startTimeMs', 'startTimeMs', bad),
    timeZone: str(m, 'meta.timeZone', bad, 'timeZone'),
    firmwareVersion: str(m, 'meta.firmwareVersion', bad, 'firmwareVersion'),
  };
  let end: RecordingEnd | null = null;
  if (o.end !== null) {
    const e = object(o.end, 'end', bad);
    end = {
      triggerOffReason: trigger(e, 'end.triggerOffReason', 'triggerOffReason', bad),
      triggerOffTimeMs: time(e, 'end.triggerOffTimeMs', 'triggerOffTimeMs', bad),
      stopTimeMs: time(e, 'end.stopTimeMs', 'stopTimeMs', bad),
    };
  }
  if (status === 'closed' && !end) throw bad('end', 'the stop reason and times of a closed recording', null);
  if (!Array.isArray(o.clips)) throw bad('clips', 'an array of clips', o.clips);
  let previousEnd = 0;
  const clips = o.clips.map((c: unknown, i: number): Clip => {
    const field = `clips[${i}]`;
    const co = object(c, field, bad);
    const clip = {
      firstChunk: int(co, `${field}.firstChunk`, previousEnd, chunkCount, bad, 'firstChunk'),
      chunkCount: int(co, `${field}.chunkCount`, 1, chunkCount, bad, 'chunkCount'),
      startTimeMs: time(co, `${field}.startTimeMs`, 'startTimeMs', bad),
      stopTimeMs: time(co, `${field}.stopTimeMs`, 'stopTimeMs', bad),
    };
    previousEnd = clip.firstChunk + clip.chunkCount;
    if (previousEnd > chunkCount) throw bad(`${field}.chunkCount`, `clip within the recording's ${chunkCount} chunks`, clip.chunkCount);
    return clip;
  });
  let openClip: RecordingState['openClip'] = null;
  if (o.openClip !== null) {
    const oc = object(o.openClip, 'openClip', bad);
    openClip = {
      firstChunk: int(oc, 'openClip.firstChunk', previousEnd, 2 ** 32 - 1, bad, 'firstChunk'),
      startTimeMs: time(oc, 'openClip.startTimeMs', 'startTimeMs', bad),
    };
  }
  let bookmarks: number[] = [];
  if (o.bookmarks !== undefined) {
    if (!Array.isArray(o.bookmarks) || o.bookmarks.length > MAX_BOOKMARKS) throw bad('bookmarks', `an array of at most ${MAX_BOOKMARKS} times`, o.bookmarks);
    let previous = -1;
    bookmarks = o.bookmarks.map((_: unknown, i: number) => {
      const t = time(o.bookmarks as unknown as Obj, `bookmarks[${i}]`, String(i), bad);
      if (t <= previous) throw bad(`bookmarks[${i}]`, `a time after the previous bookmark (${previous})`, t);
      previous = t;
      return t;
    });
  }
  return {
    format: STATE_FORMAT, recordingId, sealedKey, chunkSize, digestAlgorithm: digestAlgorithm as DigestAlgorithm,
    status: status as RecordingStatus, chunkCount, chunkFileBytes, totalBytes, meta, end, clips, openClip, bookmarks,
  };
}

type Bad = (field: string, expected: string, got?: unknown) => EvidenceError;
type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? typeof v : s.length > 60 ? `${s.slice(0, 60)}...` : s;
}

function object(v: unknown, field: string, bad: Bad): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(field, 'an object', v ?? null);
  return v as Obj;
}

function str(o: Obj, field: string, bad: Bad, key = field): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > 4096) throw bad(field, 'a string of at most 4096 characters', v);
  return v;
}

function int(o: Obj, field: string, lo: number, hi: number, bad: Bad, key = field): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw bad(field, `an integer from ${lo} to ${hi}`, v);
  return v;
}

function time(o: Obj, field: string, key: string, bad: Bad): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(field, 'a time in ms since the epoch (>= 0)', v);
  return v;
}

function trigger(o: Obj, field: string, key: string, bad: Bad): TriggerReason {
  const v = o[key];
  if (typeof v !== 'string' || !TRIGGERS.has(v)) throw bad(field, 'a TRIGGER_REASON_* name', v);
  return v as TriggerReason;
}
