/**
 * Streaming H.264 Annex-B parser: feed byte chunks of any size, get whole access units. Splits on
 * start codes, groups NAL units into access units by the H.264 boundary rules, bounded memory.
 */
import { HalError } from '../errors.js';
import { DEFAULT_MAX_ACCESS_UNIT_BYTES } from './contract.js';

/** nal_unit_type values the parser and the drivers look at (H.264 table 7-1). */
export const NalType = {
  slice: 1,
  partitionA: 2,
  partitionB: 3,
  partitionC: 4,
  idr: 5,
  sei: 6,
  sps: 7,
  pps: 8,
  aud: 9,
  endOfSequence: 10,
  endOfStream: 11,
  filler: 12,
  spsExtension: 13,
} as const;

/** An access unit as found in the byte stream: Annex-B bytes (start codes included). */
export interface AnnexBUnit {
  data: Uint8Array;
  /** Holds an IDR slice (nal_unit_type 5). */
  keyframe: boolean;
}

export interface AnnexBParserOptions {
  /** Largest access unit accepted, in bytes (default 4 MiB). A larger one is an error. */
  maxAccessUnitBytes?: number;
}

/** Bytes appended and scanned per step, so one huge chunk does not grow the buffer with it. */
const STEP = 64 * 1024;

const isVcl = (type: number) => type >= NalType.slice && type <= NalType.idr;

/**
 * True when a NAL unit of `type`, whose first payload byte is `b1`, may begin a new access unit
 * (H.264 7.4.1.2.3): AUD, SEI, SPS, PPS, SPS extension, types 14-18, or the first slice of a
 * picture. "First slice" is first_mb_in_slice == 0, i.e. the leading ue(v) bit is 1; that holds
 * for every encoder that sends slices in order (arbitrary slice order is not supported).
 */
function beginsUnit(type: number, b1: number): boolean {
  switch (type) {
    case NalType.slice: case NalType.partitionA: case NalType.idr:
      return (b1 & 0x80) !== 0;
    case NalType.sei: case NalType.sps: case NalType.pps: case NalType.aud: case NalType.spsExtension:
    case 14: case 15: case 16: case 17: case 18:
      return true;
    default:
      return false;
  }
}

/**
 * Feed it chunks with push(); it calls `onUnit` for every complete access unit, in stream order.
 * A unit is complete when the next one begins, so each unit comes out when the first NAL unit of
 * the following one arrives; end() flushes the last. Bytes before the first NAL unit that can
 * begin an access unit are skipped (joining a stream mid-picture), and so are units with no
 * slice. Memory stays below maxAccessUnitBytes plus 64 KiB whatever comes in.
 *
 * An access unit larger than maxAccessUnitBytes is dropped: the parser resynchronises on the
 * next unit boundary, finishes the chunk, then push() (or end()) throws a HalError with code
 * 'E2BIG'. The parser stays usable. Nothing else it is fed makes it throw.
 */
export class AnnexBParser {
  readonly maxAccessUnitBytes: number;
  private buf: Uint8Array;
  private len = 0;
  /** Where the next start code search begins. */
  private scan = 0;
  /** Bytes before this offset were emitted or counted as skipped. */
  private consumed = 0;
  /** Offset of the access unit being gathered (== consumed), or -1 while looking for a boundary. */
  private auStart = -1;
  private hasSlice = false;
  private keyframe = false;
  private oversized: HalError | undefined;
  /** Bytes skipped so far (leading garbage, units without slices, oversized units). */
  skippedBytes = 0;

  constructor(private readonly onUnit: (unit: AnnexBUnit) => void, options: AnnexBParserOptions = {}) {
    const max = options.maxAccessUnitBytes ?? DEFAULT_MAX_ACCESS_UNIT_BYTES;
    if (!Number.isInteger(max) || max < 16) {
      throw new RangeError(`maxAccessUnitBytes must be an integer >= 16, got ${max}`);
    }
    this.maxAccessUnitBytes = max;
    this.buf = new Uint8Array(Math.min(max, STEP) + STEP);
  }

  /** Bytes held (the unit being gathered plus a few unscanned ones). */
  get bufferedBytes(): number {
    return this.len;
  }

  /** Feed the next bytes of the stream. */
  push(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length; at += STEP) {
      this.append(chunk.subarray(at, Math.min(chunk.length, at + STEP)));
      this.process();
    }
    const error = this.oversized;
    this.oversized = undefined;
    if (error) throw error;
  }

  /** The stream ended: emit the last unit if it holds a slice, then start afresh. */
  end(): void {
    const start = this.auStart, len = this.len, slice = this.hasSlice, key = this.keyframe;
    const whole = start >= 0 && slice;
    if (!whole || len - start > this.maxAccessUnitBytes) this.skippedBytes += len - this.consumed;
    this.clear();
    if (!whole) return;
    if (len - start > this.maxAccessUnitBytes) throw this.tooLarge(len - start);
    this.onUnit({ data: this.buf.slice(start, len), keyframe: key });
  }

  /** Forget everything held; the next unit boundary starts afresh. */
  reset(): void {
    this.skippedBytes += this.len - this.consumed;
    this.clear();
  }

  private clear(): void {
    this.len = 0;
    this.scan = 0;
    this.consumed = 0;
    this.auStart = -1;
    this.hasSlice = false;
    this.keyframe = false;
  }

  /** Drop the first `k` bytes held (already emitted or counted). */
  private shift(k: number): void {
    if (k <= 0) return;
    this.buf.copyWithin(0, k, this.len);
    this.len -= k;
    this.scan -= k;
    this.consumed -= k;
    if (this.auStart >= 0) this.auStart -= k;
  }

  private append(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      this.shift(this.consumed);
      if (this.len + bytes.length > this.buf.length) {
        const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes.length));
        grown.set(this.buf.subarray(0, this.len));
        this.buf = grown;
      }
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private process(): void {
    const view = this.buf.subarray(0, this.len);
    const max = this.maxAccessUnitBytes;
    for (;;) {
      const p = findStartCode(view, this.scan);
      if (p < 0) {
        this.scan = Math.max(this.scan, this.len - 2);
        break;
      }
      // The NAL header and the first payload byte decide where the unit boundary is.
      if (p + 4 >= this.len) {
        this.scan = p;
        break;
      }
      const type = view[p + 3]! & 0x1f;
      const b1 = view[p + 4]!;
      // A four-byte start code's leading zero_byte belongs to the NAL unit it introduces.
      const begin = view[p - 1] === 0 && p - 1 > this.auStart && p - 1 >= this.consumed ? p - 1 : p;
      this.scan = p + 3;
      if (this.auStart < 0) {
        if (!beginsUnit(type, b1)) continue;
        this.skippedBytes += begin - this.consumed;
        this.auStart = this.consumed = begin;
      } else if ((this.hasSlice && beginsUnit(type, b1)) || (type === NalType.aud && begin > this.auStart)) {
        const start = this.auStart, slice = this.hasSlice, key = this.keyframe;
        this.auStart = this.consumed = begin;
        this.hasSlice = false;
        this.keyframe = false;
        if (!slice) {
          this.skippedBytes += begin - start;
        } else if (begin - start > max) {
          this.skippedBytes += begin - start;
          this.oversized ??= this.tooLarge(begin - start);
        } else {
          this.onUnit({ data: view.slice(start, begin), keyframe: key });
        }
      }
      if (isVcl(type)) this.hasSlice = true;
      if (type === NalType.idr) this.keyframe = true;
    }
    if (this.auStart >= 0 && this.scan - 1 - this.auStart > max) {
      // The unit being gathered is already too large: drop it and look for the next boundary.
      this.oversized ??= this.tooLarge(this.len - this.auStart);
      this.auStart = -1;
      this.hasSlice = false;
      this.keyframe = false;
    }
    if (this.auStart < 0) {
      // Between units keep only what may hold the start of a start code.
      const keep = Math.max(this.consumed, Math.min(this.scan - 1, this.len - 3));
      this.skippedBytes += keep - this.consumed;
      this.consumed = keep;
      this.shift(keep);
    }
  }

  private tooLarge(size: number): HalError {
    return new HalError('E2BIG', `H.264 access unit of at least ${size} bytes exceeds the maximum of ${this.maxAccessUnitBytes} bytes: expected an Annex-B stream of whole pictures (is the input H.264 with start codes?)`);
  }
}

/** Offset of the first 00 00 01 at or after `from`, or -1. */
export function findStartCode(bytes: Uint8Array, from: number): number {
  let i = bytes.indexOf(1, from + 2);
  while (i >= 0) {
    if (bytes[i - 1] === 0 && bytes[i - 2] === 0) return i - 2;
    i = bytes.indexOf(1, i + 1);
  }
  return -1;
}

/** Split a whole Annex-B stream held in memory into access units (the last one included). */
export function splitAccessUnits(stream: Uint8Array, options: AnnexBParserOptions = {}): AnnexBUnit[] {
  const units: AnnexBUnit[] = [];
  const parser = new AnnexBParser((u) => units.push(u), options);
  parser.push(stream);
  parser.end();
  return units;
}

/** One NAL unit inside an Annex-B buffer: its type and payload bounds (after the start code). */
export interface NalUnitSpan {
  type: number;
  /** Offset of the start code (the zero_byte of a four-byte one). */
  begin: number;
  /** Offset of the NAL header byte. */
  start: number;
  /** Offset just past the NAL unit (where the next start code begins). */
  end: number;
}

/** The NAL units of a complete Annex-B buffer (an access unit or a whole stream), in order. */
export function nalUnits(data: Uint8Array): NalUnitSpan[] {
  const spans: NalUnitSpan[] = [];
  let p = findStartCode(data, 0);
  let prevEnd = 0;
  while (p >= 0 && p + 3 < data.length) {
    const next = findStartCode(data, p + 3);
    // A zero byte just before the next start code is that start code's zero_byte.
    const end = next < 0 ? data.length : next - 1 > p + 3 && data[next - 1] === 0 ? next - 1 : next;
    const begin = p - 1 >= prevEnd && data[p - 1] === 0 ? p - 1 : p;
    spans.push({ type: data[p + 3]! & 0x1f, begin, start: p + 3, end });
    prevEnd = end;
    p = next;
  }
  return spans;
}
