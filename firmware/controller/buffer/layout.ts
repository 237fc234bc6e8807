/**
 * Where the controller's evidence buffer lives on its storage, and the checked decoder of a
 * buffered recording's record file:
 *
 *   buffer/<recording id hex>/record.json   replaced atomically (format bwc-buffer/1)
 *   buffer/<recording id hex>/manifest.bin  the camera's manifest entry (a bwc.v1 Envelope), written once
 *   buffer/<recording id hex>/chunks-<n>    append-only chunk frames (evidence chunk-file format);
 *                                           a new segment after every restart, so nothing is ever
 *                                           appended behind a torn tail
 */
import { ConfigError } from '../../../hal/errors.js';

export const BUFFER_ROOT = 'buffer';
export const RECORD_FORMAT = 'bwc-buffer/1';

export const bufferDir = (idHex: string) => `${BUFFER_ROOT}/${idHex}`;
export const recordPath = (idHex: string) => `${BUFFER_ROOT}/${idHex}/record.json`;
export const manifestPath = (idHex: string) => `${BUFFER_ROOT}/${idHex}/manifest.bin`;
export const segmentName = (n: number) => `chunks-${String(n).padStart(4, '0')}`;
export const segmentPath = (idHex: string, n: number) => `${BUFFER_ROOT}/${idHex}/${segmentName(n)}`;
export const SEGMENT_NAME = /^chunks-(\d{4})$/;
export const ID_HEX = /^[0-9a-f]{32}$/;

/**
 * receiving: chunks are being pulled; complete: every chunk held durably and verified (custody
 * taken, waiting for upload); not-transferred: the destination refused it for good (kept);
 * uploaded: the destination accepted Status Complete and the chunks are deleted (a tombstone, so
 * a camera that missed the custody ack is answered again instead of offloading twice).
 */
export type BufferStatus = 'receiving' | 'complete' | 'not-transferred' | 'uploaded';

export interface BufferRecord {
  format: typeof RECORD_FORMAT;
  recordingId: string;
  status: BufferStatus;
  cameraSerial: string;
  cameraModel: string;
  userId: string;
  /** Ciphertext bytes the recording needs (manifest total_bytes). */
  totalBytes: number;
  /** Epoch ms (controller clock) it was reserved, completed, and uploaded. */
  reservedAt: number;
  completedAt: number | null;
  uploadedAt: number | null;
  /** Why the destination refused it (status not-transferred). */
  reason: string | null;
}

const STATUSES: readonly BufferStatus[] = ['receiving', 'complete', 'not-transferred', 'uploaded'];

/** Decode a record file; ConfigError naming the file and the field when it is not one. */
export function decodeRecord(bytes: Uint8Array, where: string): BufferRecord {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ConfigError(`${where}: not a JSON buffer record (${(e as Error).message})`);
  }
  const bad = (field: string, expected: string) => new ConfigError(`${where}: ${field}: expected ${expected}`);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('(top)', 'an object');
  const r = v as Record<string, unknown>;
  if (r.format !== RECORD_FORMAT) throw bad('format', `"${RECORD_FORMAT}"`);
  if (typeof r.recordingId !== 'string' || !ID_HEX.test(r.recordingId)) throw bad('recordingId', '32 lowercase hex digits');
  if (!STATUSES.includes(r.status as BufferStatus)) throw bad('status', STATUSES.join(' | '));
  for (const f of ['cameraSerial', 'cameraModel', 'userId'] as const) if (typeof r[f] !== 'string') throw bad(f, 'a string');
  for (const f of ['totalBytes', 'reservedAt'] as const) if (!Number.isSafeInteger(r[f]) || (r[f] as number) < 0) throw bad(f, 'a whole number >= 0');
  for (const f of ['completedAt', 'uploadedAt'] as const) if (r[f] !== null && !(Number.isSafeInteger(r[f]) && (r[f] as number) >= 0)) throw bad(f, 'null or epoch ms');
  if (r.reason !== null && typeof r.reason !== 'string') throw bad('reason', 'null or a string');
  return r as unknown as BufferRecord;
}

export function encodeRecord(r: BufferRecord): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(r, null, 1)}\n`);
}
