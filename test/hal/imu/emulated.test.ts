/** The emulated IMU in virtual time: baseline at the started rate, traces at their own rate, then their after-baseline. */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedImu } from '../../../hal/imu/emulated.js';
import { STANDARD_GRAVITY as G, type ImuSample } from '../../../hal/imu/contract.js';
import { shippedTrace, type ImuTrace } from '../../../hal/imu/trace.js';
import { DeviceGoneError, type HalError } from '../../../hal/errors.js';

const mag = (s: ImuSample) => Math.hypot(s.ax, s.ay, s.az);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function rig(options: Partial<ConstructorParameters<typeof EmulatedImu>[0]> = {}) {
  const timeline = new Timeline();
  const imu = new EmulatedImu({ clock: timeline.clock(), name: 'emulated:cam1 imu', seed: 7, ...options });
  const batches: ImuSample[][] = [];
  imu.onSamples((b) => batches.push([...b]));
  const samples = () => batches.flat();
  return { timeline, imu, batches, samples };
}

t.test('baseline at the started rate, in batches, timestamped on the monotonic clock', async (t) => {
  const { timeline, imu, batches, samples } = rig();
  await timeline.advance(1000);
  t.equal(samples().length, 0, 'nothing before start');
  const started = imu.start(50);
  t.equal(batches.length, 0, 'never inside start()');
  await started;
  await timeline.advance(2000);
  const s = samples();
  t.equal(s.length, 101, '2 s at 50 Hz, both ends (1000 ms .. 3000 ms)');
  t.equal(batches.length, 20, 'one batch every 100 ms');
  t.equal(s[0]!.timeMs, 1000, 'first sample at start');
  t.ok(s.every((x, i) => i === 0 || x.timeMs - s[i - 1]!.timeMs === 20), 'every 20 ms');
  t.ok(s.every((x) => x.timeMs <= 3000));
  t.ok(Math.abs(mean(s.map(mag)) - G) < 0.1, 'standing: about 1 g');
  t.ok(mean(s.map((x) => x.ay)) > 9.5, 'gravity along +y when worn upright');
  await imu.stop();
  await timeline.advance(1000);
  t.equal(samples().length, 101, 'nothing after stop');
  await imu.start(50);
  await timeline.advance(100);
  t.equal(samples()[101]!.timeMs, 4000, 'resumes now, no backlog');
});

t.test('baselines: walking bounces, lying puts gravity on z, the camera resting alone is quiet', async (t) => {
  const { timeline, imu, samples } = rig();
  await imu.start(100);
  imu.setBaseline({ activity: 'walking' });
  await timeline.advance(5000);
  const walk = samples().map(mag);
  const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  t.ok(sd(walk) > 1, `walking varies by more than 0.1 g (sd ${sd(walk).toFixed(2)})`);
  const n = samples().length;
  imu.setBaseline({ activity: 'lying' });
  await timeline.advance(3000);
  const lying = samples().slice(n);
  t.ok(mean(lying.map((x) => x.az)) > 9.5 && Math.abs(mean(lying.map((x) => x.ay))) < 0.3, 'lying on the back: gravity on +z');
  const m = samples().length;
  imu.setBaseline({ activity: 'resting', up: [0, 0, -2] });
  await timeline.advance(3000);
  const rest = samples().slice(m);
  t.ok(sd(rest.map(mag)) < 0.05 && mean(rest.map((x) => x.az)) < -9.5, 'resting face down, quiet');
  t.throws(() => imu.setBaseline({ activity: 'dancing' as 'walking' }), /baseline activity must be one of standing, walking, sitting, lying, resting, got "dancing"/);
  t.throws(() => imu.setBaseline({ activity: 'lying', up: [0, 0, 0] }), /non-zero vector/);
});

t.test('a trace plays at its own rate from now, then its after-baseline; play resolves when it has played out', async (t) => {
  const { timeline, imu, samples } = rig();
  await imu.start(100);
  await timeline.advance(1000);
  const trace: ImuTrace = {
    name: 'square', rateHz: 20, label: 'not-fall', after: { activity: 'resting', up: [1, 0, 0] },
    samples: Array.from({ length: 10 }, (_, i) => ({ ax: i, ay: 0, az: 0, gx: 0.5, gy: 0, gz: 0 })),
  };
  const n = samples().length;
  let done = false;
  void imu.play(trace).then(() => { done = true; });
  t.equal(imu.nowPlaying(), 'square');
  await timeline.advance(509);
  t.equal(done, false);
  await timeline.advance(1);
  t.equal(done, true, 'resolved after 10 samples at 20 Hz from the next slot');
  t.equal(imu.nowPlaying(), undefined);
  await timeline.advance(200);
  const after = samples().slice(n);
  const traced = after.filter((s) => s.gx === 0.5);
  t.same(traced.map((s) => s.timeMs), [1010, 1060, 1110, 1160, 1210, 1260, 1310, 1360, 1410, 1460], 'trace samples at 20 Hz from the next sample slot (the one at 1000 was out)');
  t.same(traced.map((s) => s.ax), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const rest = after.filter((s) => s.timeMs >= 1510);
  t.equal(rest[0]!.timeMs, 1510, 'after-baseline starts where the trace ended');
  t.ok(rest.every((s, i) => i === 0 || s.timeMs - rest[i - 1]!.timeMs === 10), 'back at the started rate');
  t.ok(rest.every((s) => s.ax > 9.5), 'resting on its side, as the trace said');
  t.same(imu.baseline(), { activity: 'resting', up: [1, 0, 0] });
  t.ok(after.every((s, i) => i === 0 || s.timeMs > after[i - 1]!.timeMs), 'strictly increasing times, no sample twice');
  // Replaced halfway: the next trace or baseline takes the next slot, no instant twice.
  const m = samples().length;
  void imu.play(trace);
  await timeline.advance(120);
  imu.setBaseline({ activity: 'standing' });
  void imu.play(trace);
  await timeline.advance(1000);
  const more = samples().slice(m - 1);
  t.ok(more.every((s, i) => i === 0 || s.timeMs > more[i - 1]!.timeMs), 'strictly increasing across replacements');
});

t.test('a trace played while stopped goes on in time; a shipped trace by name; no gyroscope', async (t) => {
  const { timeline, imu, samples } = rig({ gyroscope: false });
  t.equal(imu.hasGyroscope, false);
  const fall = shippedTrace('fall-forward');
  void imu.playNamed('fall-forward');
  await timeline.advance(2000);
  await imu.start(100);
  await timeline.advance(100);
  t.same(samples().slice(0, 3).map((s) => s.ax), fall.samples.slice(200, 203).map((s) => s.ax), 'joins the trace where it is now');
  t.ok(samples().every((s) => Number.isNaN(s.gx)), 'NaN rates without a gyroscope');
  await timeline.advance(fall.samples.length * 10);
  t.equal(imu.baseline().activity, 'lying', 'the fall ends lying');
  t.throws(() => imu.playNamed('moonwalk'), { name: 'DeviceMissingError', message: /IMU trace "moonwalk" not found/ });
});

t.test('vanish ends it with DeviceGoneError', async (t) => {
  const { timeline, imu, samples } = rig();
  const ends: (HalError | undefined)[] = [];
  imu.onClose((e) => ends.push(e));
  await imu.start(100);
  await timeline.advance(200);
  imu.vanish();
  const n = samples().length;
  await timeline.advance(500);
  t.equal(samples().length, n);
  t.type(ends[0], DeviceGoneError);
  t.equal(ends[0]!.message, 'emulated IMU at emulated:cam1 imu went away');
  await t.rejects(imu.start(100), { code: 'ECLOSED' });
  await imu.close();
  t.equal(ends.length, 1, 'ends once');
});
