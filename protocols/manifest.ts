/** Recording manifest messages (ManifestRequest, Manifest, Recording, Clip) and their checks. */
import { invalidField, missingField } from './errors.js';
import {
  DIGEST_BYTES, MAX_CHUNK_BYTES, MAX_SEALED_KEY_BYTES, RECORDING_ID_BYTES,
  boundedBytes, emptyOrBytes, exactBytes, inRange, requiredEnum, requiredText,
} from './fields.js';
import { toHex } from './wire.js';

export type TriggerReason =
  | 'TRIGGER_REASON_UNSPECIFIED'
  | 'TRIGGER_REASON_BUTTON'
  | 'TRIGGER_REASON_FALL'
  | 'TRIGGER_REASON_UNHOLSTER'
  | 'TRIGGER_REASON_WIRELESS_BROADCAST'
  | 'TRIGGER_REASON_UNDOCK'
  | 'TRIGGER_REASON_DOCK'
  | 'TRIGGER_REASON_POWER_OFF'
  | 'TRIGGER_REASON_BATTERY_EMPTY'
  | 'TRIGGER_REASON_STORAGE_FULL'
  | 'TRIGGER_REASON_POWER_LOSS'
  | 'TRIGGER_REASON_POWER_ON';

export type DigestAlgorithm = 'DIGEST_ALGORITHM_BLAKE2B_256' | 'DIGEST_ALGORITHM_SHA_256';

export interface Clip {
  firstChunk: number;
  chunkCount: number;
  startTimeMs: number;
  stopTimeMs: number;
}

/** One recording held by a camera; times are wall-clock ms since the Unix epoch. */
export interface Recording {
  recordingId: Uint8Array;
  userId: string;
  cameraSerial: string;
  triggerOnReason: TriggerReason;
  triggerOnTimeMs: number;
  /** TRIGGER_REASON_UNSPECIFIED only when interrupted. */
  triggerOffReason: TriggerReason;
  triggerOffTimeMs: number;
  /** Including the prebuffer. */
  startTimeMs: number;
  /** Including the postbuffer. */
  stopTimeMs: number;
  interrupted: boolean;
  chunkCount: number;
  chunkSize: number;
  /** Sum of all chunk ciphertext lengths. */
  totalBytes: number;
  digestAlgorithm: DigestAlgorithm;
  /** One 32-byte digest of each chunk's ciphertext, chunkCount entries. */
  chunkDigests: Uint8Array[];
  sealedKey: Uint8Array;
  clips: Clip[];
  timeZone: string;
  firmwareVersion: string;
  /**
   * Wall-clock ms of each bookmark, strictly ascending, within startTimeMs..stopTimeMs, at most
   * MAX_BOOKMARKS. Optional when building a message (absent = none); decoding always fills it.
   */
  bookmarkTimesMs?: number[];
  /**
   * The recording's locations (trigger on/off, trail) sealed with the recording key, as
   * firmware/camera/location/README.md says; at most MAX_SEALED_LOCATION_BYTES. Optional when
   * building a message (absent or empty = no location); decoding always fills it (empty when none).
   */
  sealedLocation?: Uint8Array;
}

/** Most bookmarks one recording carries. */
export const MAX_BOOKMARKS = 1000;
/** Largest sealed location data one recording carries (fits many recordings in one manifest page). */
export const MAX_SEALED_LOCATION_BYTES = 512 * 1024;

export interface ManifestRequest {
  /** Empty for the first page, else the last recording id of the previous page. */
  afterRecordingId: Uint8Array;
  /** 0 lets the camera choose. */
  maxRecordings: number;
}

export interface Manifest {
  recordings: Recording[];
  more: boolean;
}

export function checkClip(c: Clip, chunkCount: number, previousEnd: number, field: string): number {
  if (c.chunkCount === 0) throw missingField(`${field}.chunkCount`, 'at least 1 chunk');
  if (c.firstChunk < previousEnd) throw invalidField(`${field}.firstChunk`, `>= ${previousEnd} (clips in chunk order, not overlapping)`, String(c.firstChunk));
  const end = c.firstChunk + c.chunkCount;
  if (end > chunkCount) throw invalidField(`${field}`, `chunks within the recording's ${chunkCount}`, `chunks ${c.firstChunk}..${end - 1}`);
  return end;
}

export function checkRecording(r: Recording, field: string): void {
  exactBytes(r.recordingId, RECORDING_ID_BYTES, `${field}.recordingId`);
  requiredText(r.cameraSerial, `${field}.cameraSerial`, 'the serial number of the recording camera');
  requiredEnum(r.triggerOnReason, `${field}.triggerOnReason`, 'what started the recording');
  if (!r.interrupted) requiredEnum(r.triggerOffReason, `${field}.triggerOffReason`, 'what stopped the recording (unspecified only when interrupted)');
  if (r.chunkCount > 0) inRange(r.chunkSize, 1, MAX_CHUNK_BYTES, `${field}.chunkSize`);
  requiredEnum(r.digestAlgorithm, `${field}.digestAlgorithm`, 'DIGEST_ALGORITHM_BLAKE2B_256 or DIGEST_ALGORITHM_SHA_256');
  if (r.chunkDigests.length !== r.chunkCount) {
    throw invalidField(`${field}.chunkDigests`, `one digest per chunk (${r.chunkCount})`, `${r.chunkDigests.length} digests`);
  }
  r.chunkDigests.forEach((d, i) => exactBytes(d, DIGEST_BYTES, `${field}.chunkDigests[${i}]`));
  boundedBytes(r.sealedKey, MAX_SEALED_KEY_BYTES, `${field}.sealedKey`);
  let end = 0;
  r.clips.forEach((c, i) => { end = checkClip(c, r.chunkCount, end, `${field}.clips[${i}]`); });
  checkBookmarks(r, field);
  const located = r.sealedLocation?.length ?? 0;
  if (located > MAX_SEALED_LOCATION_BYTES) {
    throw invalidField(`${field}.sealedLocation`, `at most ${MAX_SEALED_LOCATION_BYTES} bytes of sealed location data`, `${located} bytes`);
  }
}

function checkBookmarks(r: Recording, field: string): void {
  const times = r.bookmarkTimesMs ?? [];
  if (times.length > MAX_BOOKMARKS) throw invalidField(`${field}.bookmarkTimesMs`, `at most ${MAX_BOOKMARKS} bookmarks`, `${times.length}`);
  let previous = -1;
  times.forEach((t, i) => {
    const at = `${field}.bookmarkTimesMs[${i}]`;
    if (t <= previous) throw invalidField(at, `after the previous bookmark (${previous}): bookmarks strictly ascending`, String(t));
    if (t < r.startTimeMs || t > r.stopTimeMs) throw invalidField(at, `within the recording, ${r.startTimeMs} to ${r.stopTimeMs}`, String(t));
    previous = t;
  });
}

export function checkManifestRequest(m: ManifestRequest, path: string): void {
  emptyOrBytes(m.afterRecordingId, RECORDING_ID_BYTES, `${path}.afterRecordingId`);
}

export function checkManifest(m: Manifest, path: string): void {
  const seen = new Set<string>();
  m.recordings.forEach((r, i) => {
    checkRecording(r, `${path}.recordings[${i}]`);
    const id = toHex(r.recordingId);
    if (seen.has(id)) throw invalidField(`${path}.recordings[${i}].recordingId`, 'each recording once per manifest', `${id} again`);
    seen.add(id);
  });
}
