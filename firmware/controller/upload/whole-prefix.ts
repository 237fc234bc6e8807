/**
 * How much of a clip ends on a whole Matroska element, found while the bytes stream past:
 * the streaming twin of evidence's wholeClipLength(), for an interrupted recording's torn last clip.
 */

const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;

/**
 * Feed a clip's bytes in order with push(); `whole` is then the length of the longest prefix that
 * ends on a whole element after the first frame (0 until one frame is whole), as
 * wholeClipLength() would give for the bytes pushed so far. Memory: a dozen header bytes.
 */
export class WholeElementPrefix {
  /** The prefix length, in bytes, that ends on a whole element (0: not even one whole frame). */
  whole = 0;
  private at = 0;
  private total = 0;
  private tail = new Uint8Array(0);
  private tailStart = 0;
  private pending: { end: number; frame: boolean } | undefined;
  private frames = false;
  private stopped = false;

  push(bytes: Uint8Array): number {
    const start = this.total;
    this.total += bytes.length;
    const byteAt = (pos: number): number | undefined => {
      if (pos >= this.total) return undefined;
      if (pos >= start) return bytes[pos - start];
      return this.tail[pos - this.tailStart];
    };
    while (!this.stopped) {
      if (this.pending) {
        if (this.total < this.pending.end) break;
        if (this.pending.frame) this.frames = true;
        if (this.frames) this.whole = this.pending.end;
        this.at = this.pending.end;
        this.pending = undefined;
      }
      if (this.at >= this.total) break;
      const header = readHeader(byteAt, this.at);
      if (header === 'more') {
        // Keep the header's first bytes for the next push.
        const keep = new Uint8Array(this.total - this.at);
        for (let i = 0; i < keep.length; i++) keep[i] = byteAt(this.at + i)!;
        this.tail = keep;
        this.tailStart = this.at;
        break;
      }
      if (header === 'bad') { this.stopped = true; break; }
      const body = this.at + header.len;
      if (header.unknown && (header.id === SEGMENT || header.id === CLUSTER)) { this.at = body; continue; }
      if (header.unknown) { this.stopped = true; break; }
      this.pending = { end: body + header.size, frame: header.id === SIMPLE_BLOCK || header.id === BLOCK_GROUP };
    }
    return this.whole;
  }
}

/** An element header (id and size vints) at `at`: 'more' when cut off, 'bad' when not a header. */
function readHeader(byteAt: (pos: number) => number | undefined, at: number): { id: number; size: number; unknown: boolean; len: number } | 'more' | 'bad' {
  const first = byteAt(at);
  if (first === undefined) return 'more';
  if (first < 0x10) return 'bad';
  const idLen = Math.clz32(first) - 23;
  let id = 0;
  for (let i = 0; i < idLen; i++) {
    const b = byteAt(at + i);
    if (b === undefined) return 'more';
    id = id * 256 + b;
  }
  const s0 = byteAt(at + idLen);
  if (s0 === undefined) return 'more';
  if (s0 === 0) return 'bad';
  const sizeLen = Math.clz32(s0) - 23;
  let size = s0 & (0xff >> sizeLen);
  let ones = size === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    const b = byteAt(at + idLen + i);
    if (b === undefined) return 'more';
    size = size * 256 + b;
    ones &&= b === 0xff;
  }
  return { id, size, unknown: ones, len: idLen + sizeLen };
}
