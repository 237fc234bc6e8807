/**
 * Hands access units to a stream's listeners the way the video contract says: in order, a
 * keyframe first, drops (never queues) for a busy listener, errors to error listeners.
 */
import type { HalError } from '../errors.js';
import type {
  AccessUnit, AccessUnitListener, VideoErrorListener, VideoStreamStats,
} from './contract.js';

interface Subscription {
  listener: AccessUnitListener;
  /** The listener's last returned promise is still pending. */
  busy: boolean;
  /** Deliver nothing until a keyframe: at start, after subscribing, after a drop. */
  awaitingKeyframe: boolean;
  live: boolean;
}

const rethrowLater = (error: unknown) => queueMicrotask(() => { throw error; });

export class UnitDelivery {
  readonly stats: VideoStreamStats = { produced: 0, delivered: 0, dropped: 0 };
  lastError: HalError | undefined;
  private subscriptions: Subscription[] = [];
  private errorListeners: VideoErrorListener[] = [];
  private lastPts = -Infinity;

  /** `totals`, when given, counts too (a camera's stats over all its streams). */
  constructor(private readonly totals?: VideoStreamStats) {}

  /** Pts of the last unit produced (-Infinity before the first). */
  get previousPts(): number {
    return this.lastPts;
  }

  onAccessUnit(listener: AccessUnitListener): () => void {
    if (typeof listener !== 'function') throw new TypeError(`onAccessUnit: listener must be a function, got ${typeof listener}`);
    const sub: Subscription = { listener, busy: false, awaitingKeyframe: true, live: true };
    this.subscriptions = [...this.subscriptions, sub];
    return () => {
      sub.live = false;
      this.subscriptions = this.subscriptions.filter((s) => s !== sub);
    };
  }

  onError(listener: VideoErrorListener): () => void {
    if (typeof listener !== 'function') throw new TypeError(`onError: listener must be a function, got ${typeof listener}`);
    this.errorListeners = [...this.errorListeners, listener];
    return () => { this.errorListeners = this.errorListeners.filter((l) => l !== listener); };
  }

  /** Units flow only between restart() and halt() (a listener may stop the stream mid-unit). */
  private flowing = false;

  /** A new run begins: every listener waits for a keyframe again. */
  restart(): void {
    this.flowing = true;
    for (const sub of this.subscriptions) sub.awaitingKeyframe = true;
  }

  /** The run ends (stop or failure): not one more delivery, even to the rest of this unit's listeners. */
  halt(): void {
    this.flowing = false;
  }

  /** The next unit's sequence number (counts every unit produced). */
  nextSequence(): number {
    return this.stats.produced;
  }

  /**
   * Hand one produced unit to every listener that can take it. The caller numbers it with
   * nextSequence() and gives a pts above every earlier one (a driver bug otherwise).
   */
  deliver(unit: AccessUnit): void {
    if (!(unit.pts > this.lastPts)) {
      throw new Error(`video unit ${unit.sequence}: pts ${unit.pts} does not follow ${this.lastPts} (driver bug)`);
    }
    this.lastPts = unit.pts;
    this.stats.produced = unit.sequence + 1;
    const totals = this.totals;
    if (totals) totals.produced++;
    let thrown: unknown;
    for (const sub of this.subscriptions) {
      if (!this.flowing) break;
      if (!sub.live) continue;
      if (sub.busy || (sub.awaitingKeyframe && !unit.keyframe)) {
        sub.awaitingKeyframe = true;
        this.stats.dropped++;
        if (totals) totals.dropped++;
        continue;
      }
      sub.awaitingKeyframe = false;
      this.stats.delivered++;
      if (totals) totals.delivered++;
      try {
        const result = sub.listener(unit);
        if (result && typeof (result as Promise<void>).then === 'function') {
          sub.busy = true;
          (result as Promise<void>).then(
            () => { sub.busy = false; },
            (error: unknown) => { sub.busy = false; rethrowLater(error); },
          );
        }
      } catch (error) {
        thrown ??= error;
      }
    }
    if (thrown !== undefined) rethrowLater(thrown);
  }

  /** Report an error to every error listener (kept in lastError either way). */
  fail(error: HalError): void {
    this.flowing = false;
    this.lastError = error;
    for (const listener of this.errorListeners) {
      try {
        listener(error);
      } catch (e) {
        rethrowLater(e);
      }
    }
  }
}
