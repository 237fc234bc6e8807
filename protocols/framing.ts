/**
 * Length-delimited framing of session messages over a byte stream: each frame is a varint
 * length prefix (minimal, at most 5 bytes, at most maxFrameBytes) followed by that many bytes.
 */
import { ProtocolError } from './errors.js';

/** Largest frame payload a decoder accepts by default: a 4 MiB chunk plus 64 KiB headroom. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024 + 64 * 1024;
/** Longest length prefix: a varint of up to 32 bits. */
export const MAX_PREFIX_BYTES = 5;

export interface FramingOptions {
  /** Largest frame payload accepted or produced, 1..2^32-1 bytes; default DEFAULT_MAX_FRAME_BYTES. */
  maxFrameBytes?: number;
}

/** Returns `max` when it is a usable frame size limit; throws RangeError naming it otherwise. */
export function checkMaxFrameBytes(max: number): number {
  if (!Number.isInteger(max) || max < 1 || max > 0xffffffff) {
    throw new RangeError(`maxFrameBytes: expected an integer from 1 to 2^32-1, got ${max}`);
  }
  return max;
}

/** The varint length prefix of a frame of `length` bytes. */
export function encodeLengthPrefix(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw new RangeError(`frame length: expected an integer from 0 to 2^32-1, got ${length}`);
  }
  const out: number[] = [];
  let n = length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** One frame: length prefix then `payload`. Throws ProtocolError EFRAME_TOO_LARGE above the maximum. */
export function encodeFrame(payload: Uint8Array, options: FramingOptions = {}): Uint8Array {
  const max = checkMaxFrameBytes(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  if (payload.length > max) {
    throw new ProtocolError('EFRAME_TOO_LARGE', `frame of ${payload.length} bytes exceeds the maximum frame size of ${max} bytes`);
  }
  const prefix = encodeLengthPrefix(payload.length);
  const frame = new Uint8Array(prefix.length + payload.length);
  frame.set(prefix, 0);
  frame.set(payload, prefix.length);
  return frame;
}

/**
 * Reads the length prefix at the start of `bytes`. Throws ProtocolError EVARINT for a malformed
 * prefix, ETRUNCATED when `bytes` ends inside it.
 */
export function readLengthPrefix(bytes: Uint8Array): { length: number; prefixBytes: number } {
  let length = 0;
  for (let i = 0; i < Math.min(bytes.length, MAX_PREFIX_BYTES); i++) {
    const b = bytes[i]!;
    checkPrefixByte(i, b);
    length += (b & 0x7f) * 2 ** (7 * i);
    if (!(b & 0x80)) return { length, prefixBytes: i + 1 };
  }
  throw new ProtocolError('ETRUNCATED', `length prefix: expected a complete varint, got ${bytes.length} bytes`);
}

/** Throws EVARINT when byte `index` of a prefix makes it overlong, above 32 bits or not minimal. */
function checkPrefixByte(index: number, b: number): void {
  if (index === MAX_PREFIX_BYTES - 1 && b > 0x0f) {
    throw new ProtocolError('EVARINT', `length prefix: expected a varint of at most ${MAX_PREFIX_BYTES} bytes and 32 bits, got byte ${index + 1} = 0x${b.toString(16).padStart(2, '0')}`);
  }
  if (b === 0 && index > 0) throw new ProtocolError('EVARINT', `length prefix: expected a minimal varint, got ${index + 1} bytes ending in 0x00`);
}

/**
 * Streaming frame decoder: push() byte slices split anywhere (inside a prefix, inside a frame,
 * several frames at once) and get whole frame payloads back, in O(total bytes). A frame wholly
 * inside one pushed slice is returned as a view of it (no copy); a frame split across slices is
 * copied once when complete, so push() keeps views of slices until then: do not reuse a pushed
 * buffer. A length prefix above maxFrameBytes is rejected before any of its payload is
 * buffered. After a framing error (EVARINT, EFRAME_TOO_LARGE) the stream cannot be
 * resynchronised: every later call throws the same error.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #prefixValue = 0;
  #prefixBytes = 0;
  /** Payload bytes still expected for the current frame; -1 while reading a prefix. */
  #remaining = -1;
  #frameLength = 0;
  #parts: Uint8Array[] = [];
  #failure: ProtocolError | undefined;
  #ended = false;

  constructor(options: FramingOptions = {}) {
    this.maxFrameBytes = checkMaxFrameBytes(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Bytes held for an incomplete frame: payload received so far, or the prefix bytes of a prefix in progress. */
  get buffered(): number {
    return this.#prefixBytes + (this.#remaining < 0 ? 0 : this.#frameLength - this.#remaining);
  }

  /** True between frames (nothing partial held). */
  get idle(): boolean {
    return this.#prefixBytes === 0 && this.#remaining < 0;
  }

  /** Feeds one prefix byte; returns the frame length when the prefix is complete. */
  #prefixByte(b: number): number | undefined {
    const index = this.#prefixBytes++;
    try {
      checkPrefixByte(index, b);
    } catch (e) {
      this.#failure = e as ProtocolError;
      throw e;
    }
    this.#prefixValue += (b & 0x7f) * 2 ** (7 * index);
    if (b & 0x80) return undefined;
    const length = this.#prefixValue;
    this.#prefixValue = 0;
    this.#prefixBytes = 0;
    if (length > this.maxFrameBytes) {
      this.#failure = new ProtocolError('EFRAME_TOO_LARGE', `length prefix: frame of ${length} bytes exceeds the maximum frame size of ${this.maxFrameBytes} bytes`);
      throw this.#failure;
    }
    return length;
  }

  /** Feeds bytes; returns the payloads of the frames they complete, in order. Throws ProtocolError. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure) throw this.#failure;
    if (this.#ended) throw new ProtocolError('ECLOSED', 'frame decoder: push() after end()');
    const frames: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#remaining < 0) {
        const length = this.#prefixByte(chunk[pos++]!);
        if (length === undefined) continue;
        if (length === 0) { frames.push(new Uint8Array(0)); continue; }
        this.#frameLength = length;
        this.#remaining = length;
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - pos);
      const piece = chunk.subarray(pos, pos + take);
      pos += take;
      this.#remaining -= take;
      if (this.#remaining > 0) { this.#parts.push(piece); continue; }
      if (this.#parts.length === 0) {
        frames.push(piece);
      } else {
        this.#parts.push(piece);
        const frame = new Uint8Array(this.#frameLength);
        let at = 0;
        for (const p of this.#parts) { frame.set(p, at); at += p.length; }
        this.#parts = [];
        frames.push(frame);
      }
      this.#remaining = -1;
    }
    return frames;
  }

  /** Marks the end of the stream. Throws ProtocolError ETRUNCATED when it ends inside a frame. */
  end(): void {
    if (this.#failure) throw this.#failure;
    this.#ended = true;
    if (this.#prefixBytes > 0) {
      throw new ProtocolError('ETRUNCATED', `stream ended inside a length prefix (${this.#prefixBytes} of up to ${MAX_PREFIX_BYTES} bytes)`);
    }
    if (this.#remaining >= 0) {
      throw new ProtocolError('ETRUNCATED', `stream ended inside a frame: got ${this.#frameLength - this.#remaining} of ${this.#frameLength} bytes`);
    }
  }
}
