/**
 * Virtual time. A Timeline is the world's one time base and timer queue; each device gets a
 * VirtualClock view of it with its own wall-clock offset (so clocks can disagree) and its own
 * timers (so a device that loses power drops them all). Time moves only when a test, rig or
 * simulator calls advance(): timers fire in due order, ties in the order they were set, and
 * between two instants every pending promise continuation runs first, so async firmware code
 * behaves as it would on a real clock, only faster and reproducibly.
 *
 * Rule for emulated drivers: complete operations on the nextTick/microtask queue (real
 * asynchrony, never synchronous), not with setImmediate or real timers; those settle before
 * virtual time moves on. Work that waits on real I/O (a real socket) may finish after later
 * virtual instants have fired.
 */
import { checkDelay, type Clock, type Timer } from './contract.js';

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
  live: boolean;
  owner: VirtualClock | null;
}

/** Binary min-heap on (due, seq). */
class TimerHeap {
  private items: Entry[] = [];
  get size(): number { return this.items.length; }
  peek(): Entry | undefined { return this.items[0]; }
  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: Entry, b: Entry) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

const yieldMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface TimelineOptions {
  /** Wall-clock epoch (ms) that monotonic 0 corresponds to. Default 2026-01-01T00:00:00Z. */
  epoch?: number;
}

export class Timeline {
  private heap = new TimerHeap();
  private seq = 0;
  private current = 0;
  private advancing = false;
  readonly epoch: number;
  /** Timers fired since creation (for benchmarks and progress). */
  fired = 0;

  constructor(options: TimelineOptions = {}) {
    this.epoch = options.epoch ?? Date.UTC(2026, 0, 1);
  }

  /** Monotonic virtual time in ms. */
  get time(): number { return this.current; }

  /** A clock view for one device. `wallOffsetMs` skews its wall clock against true time. */
  clock(wallOffsetMs = 0): VirtualClock {
    return new VirtualClock(this, wallOffsetMs);
  }

  /** @internal */
  schedule(due: number, fn: () => void, owner: VirtualClock | null): Entry {
    const e: Entry = { due, seq: this.seq++, fn, live: true, owner };
    this.heap.push(e);
    return e;
  }

  /** Time of the next live timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    let top = this.heap.peek();
    while (top && !top.live) { this.heap.pop(); top = this.heap.peek(); }
    return top?.due;
  }

  /**
   * Move time forward by `ms`, firing every timer due on the way in order. Resolves when time has
   * reached now+ms and every continuation those timers started has run to its next wait.
   */
  async advance(ms: number): Promise<void> {
    checkDelay(ms, 'advance');
    await this.advanceTo(this.current + ms);
  }

  /** Move time forward to absolute monotonic time `t` (no-op if already past). */
  async advanceTo(t: number): Promise<void> {
    if (this.advancing) throw new Error('Timeline.advance is already running: await the previous call first');
    this.advancing = true;
    try {
      await yieldMacrotask();
      for (;;) {
        const due = this.nextDue();
        if (due === undefined || due > t) break;
        this.current = Math.max(this.current, due);
        // Fire every timer due at this instant, then let their continuations settle.
        for (;;) {
          const top = this.heap.peek();
          if (!top || top.due > this.current) break;
          this.heap.pop();
          if (!top.live) continue;
          top.live = false;
          this.fired++;
          top.fn();
        }
        await yieldMacrotask();
      }
      this.current = Math.max(this.current, t);
    } finally {
      this.advancing = false;
    }
  }

  /** Advance until no timer is pending or `limitMs` of virtual time has passed. */
  async runUntilIdle(limitMs = 24 * 3600_000): Promise<void> {
    const end = this.current + limitMs;
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > end) return;
      await this.advanceTo(due);
    }
  }
}

export class VirtualClock implements Clock {
  private timers = new Set<Entry>();

  constructor(private readonly timeline: Timeline, private wallOffsetMs = 0) {}

  now(): number {
    return this.timeline.epoch + this.timeline.time + this.wallOffsetMs;
  }

  monotonic(): number {
    return this.timeline.time;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    checkDelay(ms, 'setTimeout');
    const entry = this.timeline.schedule(this.timeline.time + ms, () => {
      this.timers.delete(entry);
      fn();
    }, this);
    this.timers.add(entry);
    return { due: entry.due, cancel: () => { entry.live = false; this.timers.delete(entry); } };
  }

  setInterval(fn: () => void, ms: number): Timer {
    checkDelay(ms, 'setInterval', false);
    const start = this.timeline.time;
    let n = 0;
    let entry: Entry;
    let cancelled = false;
    const arm = () => {
      entry = this.timeline.schedule(start + (n + 1) * ms, () => {
        this.timers.delete(entry);
        n++;
        if (!cancelled) arm();
        fn();
      }, this);
      this.timers.add(entry);
    };
    arm();
    return {
      get due() { return entry.due; },
      cancel: () => { cancelled = true; entry.live = false; this.timers.delete(entry); },
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  // --- control surface (tests, rigs, simulator) ---

  /** Set this device's wall clock to `epochMs` without moving monotonic time. */
  setWallClock(epochMs: number): void {
    this.wallOffsetMs = epochMs - (this.timeline.epoch + this.timeline.time);
  }

  /** The device lost power: every pending timer of this device is dropped. */
  dropAllTimers(): void {
    for (const e of this.timers) e.live = false;
    this.timers.clear();
  }

  /** Number of pending timers owned by this device. */
  get pendingTimers(): number { return this.timers.size; }
}
