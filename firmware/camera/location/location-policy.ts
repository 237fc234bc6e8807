/**
 * What location a recording keeps, as pure functions: whether the receiver is on by profile
 * mode, which fixes are trusted (receiver UTC against the camera's clock), the trigger-on/off
 * location (nearest fix within a window) and which fixes join the trail (spacing, bound).
 */
import type { GnssFix } from '../../../hal/gnss/contract.js';

export type LocationMode = 'off' | 'while-recording-and-streaming' | 'always';

/** A fix farther than this from the camera's wall clock is not used ("a wrong system time means no location"). */
export const FIX_CLOCK_TOLERANCE_MS = 10_000;
/** The trigger-on/off location is the fix nearest the trigger within this many ms either side. */
export const TRIGGER_FIX_WINDOW_MS = 30_000;
/** Trail points are at least this far apart in time (one per second at most)... */
export const TRAIL_MIN_INTERVAL_MS = 1000;
/** ...and a still camera adds a point only this often; a move of TRAIL_MIN_MOVE_M or more adds one at once. */
export const TRAIL_STILL_INTERVAL_MS = 10_000;
export const TRAIL_MIN_MOVE_M = 2;
/** Every TRAIL_DOUBLING_POINTS points the minimum spacing doubles, so a long recording stays bounded... */
export const TRAIL_DOUBLING_POINTS = 1800;
/** ...and never holds more than this many points (1 s for 30 min, then 2, 4, 8, 16 s: about 15.5 h). */
export const MAX_TRAIL_POINTS = 9000;

export interface ReceiverInputs {
  mode: LocationMode;
  /** The camera is on (not off, not in safe mode). */
  on: boolean;
  docked: boolean;
  /** A recording is open (including its postbuffer). */
  recording: boolean;
  streaming: boolean;
}

/**
 * Whether the GNSS receiver should be powered: never with mode off, when docked or when the
 * camera is off; with 'always' whenever undocked and on; with 'while-recording-and-streaming'
 * only while recording or streaming.
 */
export function receiverWanted(i: ReceiverInputs): boolean {
  if (i.mode === 'off' || !i.on || i.docked) return false;
  if (i.mode === 'always') return true;
  return i.recording || i.streaming;
}

/** 'ok', or why a fix is not used. */
export type FixVerdict = 'ok' | 'clock-mismatch' | 'invalid';

/** Whether `fix` may be used when the camera's wall clock reads `wallNowMs`. */
export function judgeFix(fix: GnssFix, wallNowMs: number, toleranceMs = FIX_CLOCK_TOLERANCE_MS): FixVerdict {
  if (!Number.isFinite(fix.timeMs) || !(Math.abs(fix.latitude) <= 90) || !(Math.abs(fix.longitude) <= 180) || !(fix.accuracyM >= 0)) return 'invalid';
  return Math.abs(fix.timeMs - wallNowMs) > toleranceMs ? 'clock-mismatch' : 'ok';
}

/**
 * The fix nearest `triggerMs` among the last fix at or before it and the first after it, when
 * within `windowMs`; undefined when neither is. A tie goes to the earlier fix.
 */
export function nearestFix(before: GnssFix | undefined, after: GnssFix | undefined, triggerMs: number, windowMs = TRIGGER_FIX_WINDOW_MS): GnssFix | undefined {
  const d = (f: GnssFix | undefined) => (f ? Math.abs(f.timeMs - triggerMs) : Infinity);
  const best = d(after) < d(before) ? after : before;
  return best && d(best) <= windowMs ? best : undefined;
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceM(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad, dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The minimum spacing of the next trail point once `count` points are kept. */
export function trailIntervalMs(count: number): number {
  return TRAIL_MIN_INTERVAL_MS * 2 ** Math.floor(count / TRAIL_DOUBLING_POINTS);
}

/** Whether `fix` joins a trail whose last point is `last` and that holds `count` points. */
export function trailTakes(last: GnssFix | undefined, count: number, fix: GnssFix): boolean {
  if (count >= MAX_TRAIL_POINTS) return false;
  if (!last) return true;
  const gap = fix.timeMs - last.timeMs;
  const interval = trailIntervalMs(count);
  if (gap < interval) return false;
  return gap >= Math.max(interval, TRAIL_STILL_INTERVAL_MS) || distanceM(last, fix) >= TRAIL_MIN_MOVE_M;
}
