/**
 * What every GNSS driver does with its fixes: hands each to the `onFix` listeners (one that
 * throws is reported, not propagated to the driver) and keeps the last one for `lastFix()`.
 */
import type { FixListener, GnssFix } from './contract.js';

export class FixFanout {
  private readonly listeners = new Set<FixListener>();
  private last: GnssFix | undefined;

  /** `listenerThrew` hears a listener's exception (the driver logs it). */
  constructor(private readonly listenerThrew: (error: Error) => void) {}

  /** Gnss.onFix. */
  add(listener: FixListener): () => void {
    if (typeof listener !== 'function') throw new TypeError(`onFix: listener must be a function, got ${typeof listener}`);
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Gnss.lastFix: the last fix since the receiver (re)started. */
  get lastFix(): GnssFix | undefined { return this.last; }

  /** The receiver (re)started: no last fix until it reports one. */
  forget(): void { this.last = undefined; }

  /** A fix (or null: no fix this epoch) to every listener. */
  report(fix: GnssFix | null): void {
    if (fix) this.last = fix;
    for (const l of [...this.listeners]) {
      try { l(fix); } catch (err) { this.listenerThrew(err as Error); }
    }
  }
}
