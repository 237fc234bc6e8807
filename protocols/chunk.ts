/**
 * Chunk transfer messages (ChunkRequest, ChunkResponse), their checks, and the checks of a
 * request or response against the recording's manifest entry.
 */
import { invalidField, missingField } from './errors.js';
import { DIGEST_BYTES, RECORDING_ID_BYTES, exactBytes } from './fields.js';
import type { Recording } from './manifest.js';
import { checkFailure, type Failure } from './session.js';
import { toHex } from './wire.js';

export interface ChunkRequest {
  recordingId: Uint8Array;
  index: number;
}

export interface ChunkData {
  ciphertext: Uint8Array;
  digest: Uint8Array;
  last: boolean;
}

export type ChunkResponse =
  | { recordingId: Uint8Array; index: number; data: ChunkData; error?: undefined }
  | { recordingId: Uint8Array; index: number; data?: undefined; error: Failure };

export function checkChunkRequest(m: ChunkRequest, path: string): void {
  exactBytes(m.recordingId, RECORDING_ID_BYTES, `${path}.recordingId`);
}

export function checkChunkResponse(m: ChunkResponse, path: string): void {
  exactBytes(m.recordingId, RECORDING_ID_BYTES, `${path}.recordingId`);
  if (m.data) {
    if (m.data.ciphertext.length === 0) throw missingField(`${path}.data.ciphertext`, 'the chunk ciphertext');
    exactBytes(m.data.digest, DIGEST_BYTES, `${path}.data.digest`);
  } else if (m.error) {
    checkFailure(m.error, `${path}.error`);
  } else {
    throw missingField(`${path}.result`, 'data or error');
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkIndexFor(recording: Recording, recordingId: Uint8Array, index: number, path: string): void {
  if (!sameBytes(recordingId, recording.recordingId)) {
    throw invalidField(`${path}.recordingId`, `recording ${toHex(recording.recordingId)}`, toHex(recordingId));
  }
  if (index >= recording.chunkCount) {
    throw invalidField(`${path}.index`, `< ${recording.chunkCount} (chunkCount of recording ${toHex(recording.recordingId)})`, String(index));
  }
}

/** A (checked) request names `recording` and a chunk it has; the camera answers OUT_OF_RANGE otherwise. */
export function checkChunkRequestFor(recording: Recording, m: ChunkRequest, path = 'chunkRequest'): void {
  checkIndexFor(recording, m.recordingId, m.index, path);
}

/**
 * A (checked) response fits `recording`'s manifest entry: same recording, index within the
 * chunk count, the manifest's digest for that index, `last` on the last chunk only. The
 * controller still hashes the ciphertext itself before trusting it.
 */
export function checkChunkResponseFor(recording: Recording, m: ChunkResponse, path = 'chunkResponse'): void {
  checkIndexFor(recording, m.recordingId, m.index, path);
  if (!m.data) return;
  const expected = recording.chunkDigests[m.index];
  if (expected && !sameBytes(m.data.digest, expected)) {
    throw invalidField(`${path}.data.digest`, `the manifest digest ${toHex(expected)} of chunk ${m.index}`, toHex(m.data.digest));
  }
  const last = m.index === recording.chunkCount - 1;
  if (m.data.last !== last) throw invalidField(`${path}.data.last`, String(last), String(m.data.last));
}
