/** Location policy: receiver on by mode, fixes judged against the camera clock, trigger fixes, trail spacing and bound. */
import t from 'tap';
import type { GnssFix } from '../../../../hal/gnss/contract.js';
import {
  FIX_CLOCK_TOLERANCE_MS, MAX_TRAIL_POINTS, TRAIL_DOUBLING_POINTS, TRIGGER_FIX_WINDOW_MS, distanceM, judgeFix, nearestFix,
  receiverWanted, trailIntervalMs, trailTakes, type LocationMode,
} from '../../../../firmware/camera/location/location-policy.js';

const fix = (timeMs: number, latitude = 59.3293, longitude = 18.0686): GnssFix => ({ timeMs, latitude, longitude, accuracyM: 4, hdop: 0.8, satellites: 9, quality: 'gps' });

t.test('receiver on by mode: the whole table', async (t) => {
  const modes: LocationMode[] = ['off', 'while-recording-and-streaming', 'always'];
  for (const mode of modes) for (const on of [false, true]) for (const docked of [false, true]) for (const recording of [false, true]) for (const streaming of [false, true]) {
    const want = mode === 'off' || !on || docked ? false : mode === 'always' ? true : recording || streaming;
    t.equal(receiverWanted({ mode, on, docked, recording, streaming }), want, `${mode} on=${on} docked=${docked} recording=${recording} streaming=${streaming}`);
  }
});

t.test('a fix whose receiver time disagrees with the camera clock is not used', async (t) => {
  const now = Date.UTC(2026, 10, 23, 8);
  t.equal(judgeFix(fix(now - 900), now), 'ok');
  t.equal(judgeFix(fix(now - FIX_CLOCK_TOLERANCE_MS), now), 'ok', 'at the tolerance');
  t.equal(judgeFix(fix(now - FIX_CLOCK_TOLERANCE_MS - 1), now), 'clock-mismatch', 'camera clock ahead');
  t.equal(judgeFix(fix(now + 3600_000), now), 'clock-mismatch', 'camera clock an hour behind');
  t.equal(judgeFix(fix(now, 95), now), 'invalid');
  t.equal(judgeFix(fix(NaN), now), 'invalid');
});

t.test('trigger location: the nearest fix either side within the window', async (t) => {
  const T = 1_000_000;
  t.equal(nearestFix(fix(T - 3000), fix(T + 1000), T)?.timeMs, T + 1000, 'after is nearer');
  t.equal(nearestFix(fix(T - 1000), fix(T + 3000), T)?.timeMs, T - 1000, 'before is nearer');
  t.equal(nearestFix(fix(T - 1000), fix(T + 1000), T)?.timeMs, T - 1000, 'a tie goes to the earlier');
  t.equal(nearestFix(fix(T - TRIGGER_FIX_WINDOW_MS - 1), undefined, T), undefined, 'too old: none');
  t.equal(nearestFix(undefined, fix(T + TRIGGER_FIX_WINDOW_MS), T)?.timeMs, T + TRIGGER_FIX_WINDOW_MS, 'at the window edge');
  t.equal(nearestFix(undefined, undefined, T), undefined, 'no fix: none');
});

t.test('trail: one point a second while moving, every 10 s while still, spacing doubling, bounded', async (t) => {
  t.ok(Math.abs(distanceM({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 }) - 111_195) < 10, 'a degree of longitude at the equator');
  t.equal(trailTakes(undefined, 0, fix(0)), true, 'the first point');
  t.equal(trailTakes(fix(0), 1, fix(999, 59.33)), false, 'less than a second later');
  t.equal(trailTakes(fix(0), 1, fix(1000, 59.33)), true, 'a second later, moved');
  t.equal(trailTakes(fix(0), 1, fix(5000)), false, 'still for 5 s');
  t.equal(trailTakes(fix(0), 1, fix(10_000)), true, 'still for 10 s');
  t.equal(trailIntervalMs(TRAIL_DOUBLING_POINTS - 1), 1000);
  t.equal(trailIntervalMs(TRAIL_DOUBLING_POINTS), 2000);
  t.equal(trailTakes(fix(0), MAX_TRAIL_POINTS, fix(60_000, 60)), false, 'full');

  // 20 h of a cycling camera (3 m/s), a fix a second: the trail stays bounded and ordered.
  let last: GnssFix | undefined;
  let count = 0;
  for (let s = 0; s < 20 * 3600; s++) {
    const f = fix(s * 1000, 59 + s * 3e-5, 18);
    if (trailTakes(last, count, f)) { last = f; count++; }
    if (s === 1799) t.equal(count, 1800, 'the first 30 min at one point a second');
  }
  t.equal(count, MAX_TRAIL_POINTS, `bounded at ${MAX_TRAIL_POINTS} points`);
  t.ok(last!.timeMs >= 15 * 3600_000, `the bound reached after ${(last!.timeMs / 3600_000).toFixed(1)} h`);
});
