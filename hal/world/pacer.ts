/**
 * Runs a virtual timeline in step with the wall clock (optionally faster), for emulated boards
 * started on their own (`--board emulated-camera`) and for rigs that wait in real time.
 */
import type { Timeline } from '../clock/emulated.js';

export interface Pacer {
  stop(): void;
}

/** Advance `timeline` every `stepMs` of wall time by `speed` times the elapsed wall time. */
export function paceInRealTime(timeline: Timeline, speed = 1, stepMs = 10): Pacer {
  const start = performance.now();
  const origin = timeline.time;
  let stopped = false;
  let busy = false;
  const handle = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    const target = origin + (performance.now() - start) * speed;
    timeline.advanceTo(target).finally(() => { busy = false; });
  }, stepMs);
  return { stop: () => { stopped = true; clearInterval(handle); } };
}
