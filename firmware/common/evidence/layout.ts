/**
 * Where a recording lives on storage: `<root>/<recording id hex>/state.json` (replaced
 * atomically) and `<root>/<recording id hex>/chunks` (append-only frames), and the scan that
 * finds the whole frames of a chunk file.
 */
import type { Storage } from '../../../hal/storage/contract.js';
import { HalError } from '../../../hal/errors.js';
import { EvidenceError } from './errors.js';
import { CHUNK_TAG_BYTES } from './envelope.js';
import { FRAME_HEADER_BYTES, decodeFrameHeader, frameIntact, type ChunkFrame } from './chunk-file.js';
import { decodeState, type RecordingState } from './state-file.js';

/** Default folder holding one folder per recording. */
export const DEFAULT_RECORDINGS_ROOT = 'recordings';
export const STATE_FILE = 'state.json';
export const CHUNK_FILE = 'chunks';

export const recordingDir = (root: string, idHex: string) => `${root}/${idHex}`;
export const statePath = (root: string, idHex: string) => `${root}/${idHex}/${STATE_FILE}`;
export const chunkPath = (root: string, idHex: string) => `${root}/${idHex}/${CHUNK_FILE}`;

export async function readState(storage: Storage, root: string, idHex: string): Promise<RecordingState> {
  const path = statePath(root, idHex);
  const state = decodeState(await storage.read(path), `${storage.name}:${path}`);
  if (state.recordingId !== idHex) {
    throw new EvidenceError('ESTATE', `${storage.name}:${path}: recordingId is ${state.recordingId}, expected ${idHex} (the folder's name)`);
  }
  return state;
}

/** Size of the chunk file, 0 when it does not exist. */
export async function chunkFileSize(storage: Storage, root: string, idHex: string): Promise<number> {
  return (await storage.size(chunkPath(root, idHex))) ?? 0;
}

export interface FrameScan {
  frames: ChunkFrame[];
  /** Offset just past the last whole frame. */
  end: number;
}

/**
 * Read frame headers from the start of the chunk file, `count` of them when given (each must be
 * whole, else the scan stops early), and with `verifyFrom` also check the ciphertext digest of
 * every frame at or after that offset and go on while frames are whole (recovery of a torn tail).
 */
export async function scanFrames(
  storage: Storage, root: string, idHex: string, state: Pick<RecordingState, 'chunkSize' | 'digestAlgorithm'>,
  options: { count?: number; verifyFrom?: number },
): Promise<FrameScan> {
  const path = chunkPath(root, idHex);
  const fileSize = await chunkFileSize(storage, root, idHex);
  const maxCiphertext = state.chunkSize + CHUNK_TAG_BYTES;
  const frames: ChunkFrame[] = [];
  let at = 0;
  const verifyFrom = options.verifyFrom ?? Infinity;
  while (options.count === undefined || frames.length < options.count) {
    if (at + FRAME_HEADER_BYTES > fileSize) break;
    const header = await readRangeOrEmpty(storage, path, at, FRAME_HEADER_BYTES);
    const frame = decodeFrameHeader(header, at, frames.length, maxCiphertext);
    if (!frame || at + FRAME_HEADER_BYTES + frame.length > fileSize) break;
    if (at >= verifyFrom) {
      const ciphertext = await storage.readRange(path, at + FRAME_HEADER_BYTES, frame.length);
      if (!frameIntact(frame, ciphertext, state.digestAlgorithm)) break;
    }
    frames.push(frame);
    at += FRAME_HEADER_BYTES + frame.length;
  }
  return { frames, end: at };
}

async function readRangeOrEmpty(storage: Storage, path: string, offset: number, length: number): Promise<Uint8Array> {
  try {
    return await storage.readRange(path, offset, length);
  } catch (e) {
    if (e instanceof HalError && e.code === 'ENOENT') return new Uint8Array(0);
    throw e;
  }
}


