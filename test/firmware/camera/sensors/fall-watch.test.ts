/** FallWatch end to end on the emulated IMU in virtual time: shipped traces in, onFall out. */
import t from 'tap';
import { Timeline } from '../../../../hal/clock/emulated.js';
import { EmulatedImu } from '../../../../hal/imu/emulated.js';
import { shippedTrace } from '../../../../hal/imu/trace.js';
import { DeviceGoneError, type HalError } from '../../../../hal/errors.js';
import { FallWatch } from '../../../../firmware/camera/sensors/fall-watch.js';
import { DEFAULT_FALL_THRESHOLDS as TH } from '../../../../firmware/camera/sensors/fall-thresholds.js';

function setup(options: { gyroscope?: boolean } = {}) {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const imu = new EmulatedImu({ clock, name: 'emulated:cam1 imu', seed: 3, baseline: { activity: 'walking' }, ...options });
  const falls: number[] = [];
  const drops: number[] = [];
  const ends: (HalError | undefined)[] = [];
  const watch = new FallWatch(imu, clock, {
    onFall: (at) => falls.push(at),
    onDrop: (at) => drops.push(at),
    onEnd: (e) => ends.push(e),
  });
  return { timeline, clock, imu, watch, falls, drops, ends };
}

t.test('a fall while walking: onFall once, a few seconds after the impact; lying on is not a second fall', async (t) => {
  const { timeline, imu, watch, falls } = setup();
  await watch.start();
  t.equal(imu.rateHz, 100, 'the IMU runs at 100 Hz');
  await timeline.advance(60_000);
  t.same(falls, [], 'a minute of walking: nothing');
  const startedAt = timeline.time;
  void imu.playNamed('fall-forward');
  await timeline.advance(10_000);
  t.equal(falls.length, 1);
  const trace = shippedTrace('fall-forward');
  t.ok(falls[0]! > startedAt + 1200 && falls[0]! <= startedAt + (trace.samples.length * 10), 'confirmed within the trace');
  await timeline.advance(5 * 60_000);
  t.equal(falls.length, 1, 'five minutes lying: still one fall');
  t.ok(watch.stats().worstReportDelayMs <= 100, 'reported within one batch of the confirming sample');
  t.equal(watch.stats().samples, 100 * (60 + 10 + 300) + 1, 'every sample seen');
  imu.setBaseline({ activity: 'walking' });
  await timeline.advance(30_000);
  void imu.playNamed('fall-sideways');
  await timeline.advance(10_000);
  t.equal(falls.length, 2, 'got up, walked, fell again: a second fall');
  await watch.stop();
  t.equal(imu.running, false, 'stop stops the IMU');
});

t.test('jump, running, sitting down and a dropped camera never call onFall', async (t) => {
  const { timeline, imu, watch, falls, drops } = setup();
  await watch.start();
  for (const name of ['jump', 'running', 'sitting-down']) {
    imu.setBaseline({ activity: 'walking' });
    await timeline.advance(5_000);
    void imu.playNamed(name);
    await timeline.advance(15_000);
  }
  imu.setBaseline({ activity: 'walking' });
  await timeline.advance(5_000);
  void imu.playNamed('drop');
  await timeline.advance(60_000);
  t.same(falls, []);
  t.equal(drops.length, 1, 'the drop reported as a drop');
  t.equal(watch.stats().drops, 1);
});

t.test('without a gyroscope a dropped camera is a fall (said, not hidden)', async (t) => {
  const { timeline, imu, watch, falls } = setup({ gyroscope: false });
  await watch.start();
  await timeline.advance(5_000);
  void imu.playNamed('drop');
  await timeline.advance(20_000);
  t.equal(falls.length, 1);
});

t.test('stopped: no samples, no falls; start again resumes; the IMU going away ends the watch', async (t) => {
  const { timeline, imu, watch, falls, ends } = setup();
  await watch.start();
  await watch.start();
  await watch.stop();
  await watch.stop();
  void imu.playNamed('fall-backward');
  await timeline.advance(10_000);
  t.same(falls, [], 'not watching: nothing');
  imu.setBaseline({ activity: 'walking' });
  await watch.start();
  await timeline.advance(2_000);
  void imu.playNamed('fall-backward');
  await timeline.advance(10_000);
  t.equal(falls.length, 1);
  imu.vanish();
  t.equal(ends.length, 1);
  t.type(ends[0], DeviceGoneError);
  t.equal(watch.running, false);
  await t.rejects(watch.start(), { code: 'ECLOSED' });
  t.equal(watch.running, false, 'a failed start leaves it stopped');
});

t.test('threshold overrides are checked at construction', async (t) => {
  const { imu, clock } = setup();
  t.throws(() => new FallWatch(imu, clock, { onFall: () => {} }, { thresholds: { confirmMs: 0 } }), /confirmMs must be a finite number > 0/);
  const w = new FallWatch(imu, clock, { onFall: () => {} }, { thresholds: { confirmMs: TH.confirmMs / 2 } });
  t.equal(w.running, false);
});

t.test('fallWatchWanted: the profile\'s Record on fall detection, out of the dock', async (t) => {
  const { fallWatchWanted } = await import('../../../../firmware/camera/sensors/fall-watch.js');
  const { DEFAULT_PROFILE } = await import('../../../../firmware/camera/profile/profile.js');
  const on = { ...DEFAULT_PROFILE, activation: { ...DEFAULT_PROFILE.activation, recordOnFall: true } };
  t.equal(fallWatchWanted(DEFAULT_PROFILE, false), false, 'off by default');
  t.equal(fallWatchWanted(on, false), true);
  t.equal(fallWatchWanted(on, true), false, 'not while docked');
});
