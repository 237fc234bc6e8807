/**
 * An emulated TCP connection: two Duplex ends joined in memory, with a send window, latency in
 * virtual time, backpressure from the reader, graceful close (FIN) and reset (RST).
 */
import { Duplex } from 'node:stream';
import type { Clock, Timer } from '../clock/contract.js';
import { HalError } from '../errors.js';
import { formatEndpoint, type Endpoint, type Stream } from './contract.js';

/** How chunks travel between the two ends right now; the link medium answers it. */
export interface Transit {
  /** Virtual milliseconds a chunk takes, or undefined while the path is cut (data waits). */
  delayMs(): number | undefined;
  readonly clock: Clock;
}

/** Bytes a writer may have in flight (the "kernel send buffer") before its writes wait. */
export const SEND_WINDOW = 256 * 1024;

interface Segment {
  /** Bytes, or null for the end of the stream (FIN). */
  data: Buffer | null;
  /** Monotonic time it reaches the peer; Infinity while the path is cut. */
  due: number;
}

export class EmulatedStream extends Duplex implements Stream {
  readonly peer: Endpoint;
  private other!: EmulatedStream;
  private queue: Segment[] = [];
  private queueBytes = 0;
  private heldWrite: ((error?: Error | null) => void) | null = null;
  private peerFull = false;
  private finSent = false;
  private wasReset = false;
  private timer: Timer | null = null;
  private pumpQueued = false;

  private constructor(peer: Endpoint, private readonly transit: Transit) {
    super({ allowHalfOpen: false });
    this.peer = peer;
  }

  /** A connected pair: `a` talks to `aPeer`, `b` talks to `bPeer`. */
  static pair(aPeer: Endpoint, bPeer: Endpoint, transit: Transit): [EmulatedStream, EmulatedStream] {
    const a = new EmulatedStream(aPeer, transit);
    const b = new EmulatedStream(bPeer, transit);
    a.other = b;
    b.other = a;
    return [a, b];
  }

  /** The other end of this connection. */
  get remote(): EmulatedStream { return this.other; }

  /** Fail this end at once with `error`, dropping whatever was in flight from it (RST). */
  reset(error: Error): void {
    this.wasReset = true;
    this.queue = [];
    this.queueBytes = 0;
    this.timer?.cancel();
    this.timer = null;
    const held = this.heldWrite;
    this.heldWrite = null;
    held?.(error);
    if (!this.destroyed) this.destroy(error);
  }

  /** The path may have healed: recompute due times of waiting data and deliver. */
  poke(): void {
    this.schedulePump();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.enqueue(Buffer.from(chunk));
    if (this.queueBytes < SEND_WINDOW) callback();
    else this.heldWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sendFin();
    callback();
  }

  override _read(): void {
    // The reader wants more: the other end may deliver what it holds back.
    const o = this.other;
    if (o.peerFull) {
      o.peerFull = false;
      o.schedulePump();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Like closing a socket: data already written still goes out, then FIN (unless reset).
    if (!this.wasReset) this.sendFin();
    callback(error);
  }

  private sendFin(): void {
    if (this.finSent) return;
    this.finSent = true;
    this.enqueue(null);
  }

  private enqueue(data: Buffer | null): void {
    const delay = this.transit.delayMs();
    const now = this.transit.clock.monotonic();
    const last = this.queue[this.queue.length - 1]?.due ?? 0;
    this.queue.push({ data, due: delay === undefined ? Infinity : Math.max(now + delay, last) });
    if (data) this.queueBytes += data.length;
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    process.nextTick(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Hand every segment that has arrived to the other end, as far as its reader takes them. */
  private pump(): void {
    const delay = this.transit.delayMs();
    if (delay === undefined) return; // cut: everything waits for poke()
    const now = this.transit.clock.monotonic();
    for (const s of this.queue) if (s.due === Infinity) s.due = now + delay;
    const o = this.other;
    while (!this.peerFull && this.queue.length > 0 && this.queue[0]!.due <= now) {
      const s = this.queue.shift()!;
      if (s.data === null) {
        if (!o.destroyed && !o.readableEnded) o.push(null);
        continue;
      }
      this.queueBytes -= s.data.length;
      if (o.destroyed) {
        // The peer is closed: its stack answers with a reset.
        this.reset(new HalError('ECONNRESET', `connection to ${formatEndpoint(this.peer)} was reset by the peer: it closed while data was in flight`));
        return;
      }
      if (!o.push(s.data)) this.peerFull = true;
    }
    if (this.heldWrite && this.queueBytes < SEND_WINDOW) {
      const cb = this.heldWrite;
      this.heldWrite = null;
      cb();
    }
    const head = this.queue[0];
    if (head && !this.peerFull && !this.timer) {
      this.timer = this.transit.clock.setTimeout(() => {
        this.timer = null;
        this.pump();
      }, Math.max(0, head.due - now));
    }
  }
}
