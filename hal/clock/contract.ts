/**
 * Clock: the only source of time and timers for firmware. Every timestamp and timeout in
 * firmware/ goes through a Clock so that an emulated world can run hours in seconds.
 */

/** A pending timer. `cancel()` is idempotent; after it the callback never runs. */
export interface Timer {
  cancel(): void;
  /** Monotonic time (ms) at which the timer is next due. */
  readonly due: number;
}

export interface Clock {
  /**
   * Wall-clock time in milliseconds since the Unix epoch, as this device believes it. It may
   * disagree with other devices (the manual's clock mismatch) and may jump when set.
   */
  now(): number;
  /**
   * Monotonic milliseconds since an arbitrary origin. Never decreases, never jumps when the wall
   * clock is set. Use it for durations, timeouts and media timestamps.
   */
  monotonic(): number;
  /**
   * Run `fn` once after `ms` (>= 0) milliseconds of monotonic time. Timers due at the same
   * instant run in the order they were set. `fn` never runs synchronously inside setTimeout.
   * Throws RangeError for a negative or non-finite `ms`.
   */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Run `fn` every `ms` (> 0) milliseconds until cancelled; drift does not accumulate. */
  setInterval(fn: () => void, ms: number): Timer;
  /** Resolve after `ms` milliseconds of monotonic time. */
  sleep(ms: number): Promise<void>;
}

/** Rejects a timer delay that no clock can honour, naming what was expected. */
export function checkDelay(ms: number, what: string, allowZero = true): void {
  if (!Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new RangeError(`${what}: delay must be a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'}, got ${ms}`);
  }
}
