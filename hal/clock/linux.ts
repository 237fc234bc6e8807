/** System clock: Date.now for wall time, performance.now for monotonic time, Node timers. */
import { checkDelay, type Clock, type Timer } from './contract.js';

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    checkDelay(ms, 'setTimeout');
    const due = this.monotonic() + ms;
    const handle = setTimeout(fn, ms);
    return { due, cancel: () => clearTimeout(handle) };
  }

  setInterval(fn: () => void, ms: number): Timer {
    checkDelay(ms, 'setInterval', false);
    // Re-arm from the ideal schedule, not from when the callback ran, so drift does not add up.
    const start = this.monotonic();
    let n = 0;
    let handle: NodeJS.Timeout;
    let cancelled = false;
    const timer = {
      get due() { return start + (n + 1) * ms; },
      cancel: () => { cancelled = true; clearTimeout(handle); },
    };
    const arm = () => {
      const wait = Math.max(0, start + (n + 1) * ms - this.monotonic());
      handle = setTimeout(() => {
        n++;
        if (!cancelled) arm();
        fn();
      }, wait);
    };
    arm();
    return timer;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }
}
