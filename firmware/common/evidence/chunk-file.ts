/**
 * The chunk file of a recording: an append-only sequence of frames, one per sealed chunk. A
 * frame is a 56-byte header (magic, version, flags, index, length, media time, digest) then the
 * ciphertext; the digest lets recovery tell a whole frame from a torn or garbage tail.
 */
import type { DigestAlgorithm } from '../../../protocols/manifest.js';
import { CHUNK_DIGEST_BYTES, CHUNK_TAG_BYTES, chunkDigest, sameBytes } from './envelope.js';

export const FRAME_HEADER_BYTES = 56;
const MAGIC = 0x4257434b; // 'BWCK'
const FRAME_VERSION = 1;

export interface ChunkFrame {
  index: number;
  /** Sealed as the recording's last chunk. */
  last: boolean;
  /** Wall-clock ms of the newest media in the chunk (0 when unknown). */
  mediaTimeMs: number;
  digest: Uint8Array;
  /** Ciphertext bytes (plaintext + 16-byte tag). */
  length: number;
  /** Offset of the frame header in the chunk file. */
  offset: number;
}

/** Header and ciphertext of one frame as one buffer, so a single append writes it. */
export function encodeFrame(frame: Omit<ChunkFrame, 'length' | 'offset'>, ciphertext: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + ciphertext.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC);
  v.setUint8(4, FRAME_VERSION);
  v.setUint8(5, frame.last ? 1 : 0);
  v.setUint32(8, frame.index);
  v.setUint32(12, ciphertext.length);
  v.setFloat64(16, frame.mediaTimeMs);
  out.set(frame.digest, 24);
  out.set(ciphertext, FRAME_HEADER_BYTES);
  return out;
}

/**
 * Decode a frame header at `offset`, or undefined when these bytes are not the header of frame
 * `index` (wrong magic or version, other index, a length outside 16..maxCiphertext).
 */
export function decodeFrameHeader(header: Uint8Array, offset: number, index: number, maxCiphertext: number): ChunkFrame | undefined {
  if (header.length < FRAME_HEADER_BYTES) return undefined;
  const v = new DataView(header.buffer, header.byteOffset, FRAME_HEADER_BYTES);
  if (v.getUint32(0) !== MAGIC || v.getUint8(4) !== FRAME_VERSION || (v.getUint8(5) & ~1) !== 0) return undefined;
  if (v.getUint16(6) !== 0 || v.getUint32(8) !== index) return undefined;
  const length = v.getUint32(12);
  if (length < CHUNK_TAG_BYTES || length > maxCiphertext) return undefined;
  const mediaTimeMs = v.getFloat64(16);
  if (!Number.isFinite(mediaTimeMs)) return undefined;
  const digest = header.slice(24, 24 + CHUNK_DIGEST_BYTES);
  return { index, last: v.getUint8(5) === 1, mediaTimeMs, digest, length, offset };
}

/** True when `ciphertext` hashes to the frame's digest. */
export function frameIntact(frame: ChunkFrame, ciphertext: Uint8Array, algorithm: DigestAlgorithm): boolean {
  return ciphertext.length === frame.length && sameBytes(chunkDigest(ciphertext, algorithm), frame.digest);
}
