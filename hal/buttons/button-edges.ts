/**
 * The rules every buttons driver shares: presses and releases alternate per button, event times
 * never go backwards, listeners and the once-only end. Drivers feed edges in; this delivers.
 */
import type { HalError } from '../errors.js';
import type { ButtonAction, ButtonEvent } from './contract.js';
import { DeviceEnd } from '../device-end.js';

export interface EdgeStats {
  /** Events delivered. */
  delivered: number;
  /** Edges dropped because they broke the press/release alternation. */
  unpaired: number;
}

export class ButtonEdges {
  private held = new Set<string>();
  private lastAt = -Infinity;
  private listeners: ((e: ButtonEvent) => void)[] = [];
  private readonly closing = new DeviceEnd();
  readonly stats: EdgeStats = { delivered: 0, unpaired: 0 };

  get ended(): boolean { return this.closing.ended; }

  isPressed(button: string): boolean { return this.held.has(button); }

  /** Time of the last event delivered (or -Infinity). */
  get lastEventAt(): number { return this.lastAt; }

  /**
   * An edge seen by the hardware at `at` (already on the monotonic scale; raised to the previous
   * event's time if earlier). Returns false when dropped by the alternation rule or after the end.
   */
  edge(button: string, action: ButtonAction, at: number): boolean {
    if (this.closing.ended) return false;
    const down = this.held.has(button);
    if ((action === 'press') === down) {
      this.stats.unpaired++;
      return false;
    }
    if (action === 'press') this.held.add(button); else this.held.delete(button);
    this.lastAt = Math.max(this.lastAt, at);
    this.stats.delivered++;
    const event: ButtonEvent = { button, action, at: this.lastAt };
    for (const l of [...this.listeners]) l({ ...event });
    return true;
  }

  /** Release every held button at `at` (a lost device, dropped kernel events). */
  releaseAll(at: number): void {
    for (const b of [...this.held]) this.edge(b, 'release', at);
  }

  onButton(listener: (e: ButtonEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`onButton: listener must be a function, got ${typeof listener}`);
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    return this.closing.add(listener);
  }

  /** End once: close() (no error) or the device went away (releases first, then the error). */
  end(error: HalError | undefined, at: number): void {
    if (this.closing.ended) return;
    if (error) this.releaseAll(at);
    this.listeners = [];
    this.closing.end(error);
  }
}
