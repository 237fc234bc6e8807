/**
 * A clip's content as it goes to the destination: its chunks opened in order and streamed with
 * the Matroska Duration written into its first bytes; a torn last clip cut to whole elements;
 * optionally encrypted per clip (AES-256-GCM, see clip-encryption.ts). Memory: about one chunk.
 */
import type { Clip } from '../../../protocols/manifest.js';
import { isLastChunk, openChunk, setClipDuration } from '../../common/evidence/index.js';
import type { BufferedRecording } from '../buffer/contract.js';
import { WholeElementPrefix } from './whole-prefix.js';

/** How many leading bytes are gathered before writing Duration (the clip header is a few hundred). */
const HEAD_BYTES = 4096;

/** Chunk `index` of `recording`, opened with the recording key. */
export async function openBufferedChunk(recording: BufferedRecording, key: Uint8Array, index: number): Promise<Uint8Array> {
  const m = recording.manifest;
  const ciphertext = await recording.readChunk(index);
  return openChunk(key, { recordingId: m.recordingId, index, last: isLastChunk(index, m.chunkCount, m.interrupted) }, ciphertext);
}

/**
 * The clip's plaintext chunks in order, unchanged. The next chunk is read and opened while the
 * current one is being sent (one chunk of read-ahead), so disk, hashing and decryption overlap
 * the network.
 */
async function* rawClip(recording: BufferedRecording, key: Uint8Array, clip: Clip): AsyncGenerator<Uint8Array> {
  const end = clip.firstChunk + clip.chunkCount;
  const open = (i: number) => {
    const p = openBufferedChunk(recording, key, i);
    p.catch(() => undefined); // awaited below; a consumer that stops early must not leave it unhandled
    return p;
  };
  let next = clip.firstChunk < end ? open(clip.firstChunk) : undefined;
  for (let i = clip.firstChunk; i < end; i++) {
    const current = await next!;
    next = i + 1 < end ? open(i + 1) : undefined;
    yield current;
  }
}

/**
 * The length of the clip's longest prefix that ends on a whole element (a torn last clip of an
 * interrupted recording); 0 when not one frame is whole. Reads and opens every chunk of the clip once.
 */
export async function wholeClipPrefixLength(recording: BufferedRecording, key: Uint8Array, clip: Clip): Promise<number> {
  const prefix = new WholeElementPrefix();
  for await (const plain of rawClip(recording, key, clip)) prefix.push(plain);
  return prefix.whole;
}

export interface ClipBodyOptions {
  /** Written as the Matroska Duration (ms) into the clip's first bytes; none when undefined or <= 0. */
  durationMs?: number;
  /** Send at most this many bytes (the whole-element prefix of a torn clip). */
  limit?: number;
  /** Told whether the Duration was written (false when the head is not a clip of our muxer). */
  onDuration?: (written: boolean) => void;
}

/** The clip's plaintext as an object body: Duration patched in the head, cut at `limit`. */
export async function* clipBody(recording: BufferedRecording, key: Uint8Array, clip: Clip, opts: ClipBodyOptions = {}): AsyncGenerator<Uint8Array> {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  let head: Uint8Array[] | undefined = [];
  let headBytes = 0;
  const cut = (b: Uint8Array): Uint8Array | undefined => {
    const room = limit - sent;
    if (room <= 0) return undefined;
    const out = b.length > room ? b.subarray(0, room) : b;
    sent += out.length;
    return out;
  };
  const flushHead = (): Uint8Array => {
    const parts = head ?? [];
    head = undefined;
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const duration = opts.durationMs;
    const written = duration !== undefined && duration > 0 && Number.isFinite(duration) ? setClipDuration(joined, duration) : false;
    opts.onDuration?.(written);
    return joined;
  };
  for await (const plain of rawClip(recording, key, clip)) {
    if (head) {
      head.push(plain);
      headBytes += plain.length;
      if (headBytes < HEAD_BYTES) continue;
      const out = cut(flushHead());
      if (out?.length) yield out;
      continue;
    }
    const out = cut(plain);
    if (out === undefined) return;
    if (out.length) yield out;
  }
  if (head) {
    const out = cut(flushHead());
    if (out?.length) yield out;
  }
}
