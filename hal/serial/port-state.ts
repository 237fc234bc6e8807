/**
 * What every serial port driver shares: the buffer of received bytes with its waiting reads, and
 * the once-only end of a port with its onClose listeners, so drivers end and cancel alike.
 */
import type { HalError } from '../errors.js';

interface WaitingRead {
  max: number;
  resolve: (bytes: Uint8Array) => void;
  reject: (err: HalError) => void;
}

/** Bytes received from the device and not yet read, and the reads waiting for them. */
export class ReceiveBuffer {
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already read. */
  private head = 0;
  private waiting: WaitingRead[] = [];
  private ended: HalError | undefined;
  /** Bytes buffered and not yet read. */
  bytes = 0;

  /** Bytes arrived: serve waiting reads in order. Ignored after end(). */
  push(data: Uint8Array): void {
    if (this.ended || data.length === 0) return;
    this.chunks.push(data);
    this.bytes += data.length;
    while (this.bytes > 0 && this.waiting.length > 0) {
      const r = this.waiting.shift()!;
      r.resolve(this.take(r.max));
    }
  }

  read(max: number): Promise<Uint8Array> {
    if (this.bytes > 0) return Promise.resolve(this.take(max));
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiting.push({ max, resolve, reject }));
  }

  /** Reads waiting now, for tests of in-flight behaviour. */
  get waitingReads(): number { return this.waiting.length; }

  /**
   * The port ended. Waiting reads reject with `inFlight`; later reads get the buffered bytes
   * first when `keepBuffered` (device gone), then reject with `later`.
   */
  end(inFlight: HalError, later: HalError, keepBuffered: boolean): void {
    if (this.ended) return;
    this.ended = later;
    if (!keepBuffered) { this.chunks = []; this.head = 0; this.bytes = 0; }
    for (const r of this.waiting.splice(0)) r.reject(inFlight);
  }

  private take(max: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length - this.head >= max || this.chunks.length === 1) {
      const n = Math.min(max, first.length - this.head);
      const out = first.subarray(this.head, this.head + n);
      this.consume(n);
      return out;
    }
    const n = Math.min(max, this.bytes);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - filled, c.length - this.head);
      out.set(c.subarray(this.head, this.head + k), filled);
      filled += k;
      this.consume(k);
    }
    return out;
  }

  private consume(n: number): void {
    this.bytes -= n;
    this.head += n;
    if (this.head === this.chunks[0]!.length) { this.chunks.shift(); this.head = 0; }
  }
}
