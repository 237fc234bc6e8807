/**
 * The once-only end of a device (closed, or gone with an error) and the listeners told about it:
 * each listener is called exactly once, a listener added after the end on the next tick.
 * Shared by the drivers whose contract has an `onClose` (serial ports, buttons).
 */
import type { HalError } from './errors.js';

export class DeviceEnd {
  private listeners = new Set<(error: HalError | undefined) => void>();
  private result: { error: HalError | undefined } | undefined;

  get ended(): boolean { return this.result !== undefined; }
  get error(): HalError | undefined { return this.result?.error; }

  /** Record the end and call every listener once. Later calls are ignored. */
  end(error: HalError | undefined): void {
    if (this.result) return;
    this.result = { error };
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l(error);
  }

  add(listener: (error: HalError | undefined) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`onClose: listener must be a function, got ${typeof listener}`);
    if (this.result) {
      const { error } = this.result;
      let removed = false;
      process.nextTick(() => { if (!removed) listener(error); });
      return () => { removed = true; };
    }
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}
