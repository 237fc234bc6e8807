/** The fall detector at the edge of each threshold, built from exact sample sequences at 100 Hz. */
import t from 'tap';
import { STANDARD_GRAVITY as G, type ImuSample } from '../../../../hal/imu/contract.js';
import { detectFalls, initialFallState, stepFall, stepFalls, type FallEvent } from '../../../../firmware/camera/sensors/fall-detector.js';
import { DEFAULT_FALL_THRESHOLDS as TH, fallThresholds } from '../../../../firmware/camera/sensors/fall-thresholds.js';

interface Shape {
  /** Free fall level (g) and length (ms), angular rate during it (rad/s). */
  level: number; freeFallMs: number; spin: number;
  /** Upright 1 g samples between the free fall's end and the impact (ms). */
  gapMs: number;
  /** Impact peak (g), one sample. */
  impact: number;
  /** After the impact: moving (|a| 1.5 g alternating) this long (ms), then lying. */
  movingMs: number;
  /** Lying: tilt from upright (deg), magnitude off 1 g by +-dev (g, alternating), angular rate (rad/s), for lieMs. */
  tilt: number; dev: number; rate: number; lieMs: number;
}
const BASE: Shape = { level: 0.3, freeFallMs: 400, spin: 1, gapMs: 0, impact: 4, movingMs: 0, tilt: 90, dev: 0, rate: 0, lieMs: 6000 };
const PRE_MS = 3000;

/** Samples of one scripted fall; the impact is at `impactAt`. */
function script(over: Partial<Shape> = {}): { samples: ImuSample[]; impactAt: number } {
  const s = { ...BASE, ...over };
  const out: ImuSample[] = [];
  let t = 0;
  const push = (ax: number, ay: number, az: number, w = 0) => { out.push({ timeMs: t, ax, ay, az, gx: w, gy: 0, gz: 0 }); t += 10; };
  while (t < PRE_MS) push(0, G, 0);
  const ffEnd = t + s.freeFallMs;
  while (t < ffEnd) push(0, s.level * G, 0, s.spin);
  const impactAt = t + s.gapMs;
  while (t < impactAt) push(0, G, 0);
  push(0, s.impact * G, 0);
  const movedUntil = t + s.movingMs;
  let k = 0;
  while (t < movedUntil) { const m = k++ % 2 ? 1.5 : 0.7; push(0, m * G * 0.6, m * G * 0.8); }
  const a = (s.tilt * Math.PI) / 180;
  const end = t + s.lieMs;
  while (t < end) {
    const m = (k++ % 2 ? 1 + s.dev : 1 - s.dev) * G;
    push(0, m * Math.cos(a), m * Math.sin(a), s.rate);
  }
  return { samples: out, impactAt };
}

const falls = (events: FallEvent[]) => events.filter((e) => e.kind === 'fall');
const fell = (over: Partial<Shape>) => falls(detectFalls(script(over).samples)).length === 1;

t.test('a scripted fall: detected once, confirmed settleMs + confirmMs after the impact', async (t) => {
  const { samples, impactAt } = script();
  const events = detectFalls(samples);
  t.equal(events.length, 1);
  const e = events[0]!;
  if (e.kind !== 'fall') throw new Error('expected a fall');
  t.equal(e.impactAtMs, impactAt);
  t.equal(e.freeFallAtMs, PRE_MS);
  t.equal(e.atMs, impactAt + TH.settleMs + TH.confirmMs);
  t.ok(Math.abs(e.tiltDeg - 90) < 1e-6 && Math.abs(e.impactG - 4) < 1e-9);
});

t.test('free fall: below freeFallBelowG, for at least freeFallMinMs', async (t) => {
  t.ok(fell({ level: TH.freeFallBelowG - 0.001 }), 'just below the level');
  t.notOk(fell({ level: TH.freeFallBelowG }), 'at the level: not free fall');
  t.ok(fell({ freeFallMs: TH.freeFallMinMs }), 'exactly the minimum length');
  t.notOk(fell({ freeFallMs: TH.freeFallMinMs - 10 }), 'one sample short');
});

t.test('impact: at least impactAboveG, within impactWithinMs of the free fall ending', async (t) => {
  t.ok(fell({ impact: TH.impactAboveG }), 'exactly the impact level');
  t.notOk(fell({ impact: TH.impactAboveG - 0.01 }), 'just under');
  t.ok(fell({ gapMs: TH.impactWithinMs }), 'impact at the end of the window');
  t.notOk(fell({ gapMs: TH.impactWithinMs + 10 }), 'one sample late');
});

t.test('lying still: within stillToleranceG of 1 g, turning slower than stillMaxRadS, tilted at least tiltAwayDeg', async (t) => {
  t.ok(fell({ dev: TH.stillToleranceG - 0.001 }), 'breathing inside the tolerance');
  t.notOk(fell({ dev: TH.stillToleranceG + 0.001 }), 'moving just outside it');
  t.ok(fell({ rate: TH.stillMaxRadS - 0.01 }));
  t.notOk(fell({ rate: TH.stillMaxRadS }), 'turning at the limit is not still');
  t.ok(fell({ tilt: TH.tiltAwayDeg + 0.5 }));
  t.notOk(fell({ tilt: TH.tiltAwayDeg - 0.5 }), 'nearly upright: sat or knelt, did not fall');
});

t.test('confirmation: confirmMs of lying still, completed within lieWithinMs of the impact', async (t) => {
  const need = TH.settleMs + TH.confirmMs; // from the impact
  t.ok(fell({ lieMs: need }), 'samples through the confirmation instant');
  t.notOk(fell({ lieMs: need - 10 }), 'the trace ends one sample short');
  const late = TH.lieWithinMs - TH.confirmMs; // still must begin by then
  t.ok(fell({ movingMs: late - 10 }), 'moving on the ground, then still just in time');
  t.notOk(fell({ movingMs: late }), 'still too late: it was no fall');
  // A movement in the middle restarts the confirmation.
  const { samples, impactAt } = script();
  const i = samples.findIndex((s) => s.timeMs === impactAt + TH.settleMs + 1000);
  samples[i] = { ...samples[i]!, ax: G };
  const e = falls(detectFalls(samples));
  t.equal(e.length, 1);
  t.equal(e[0]!.atMs, impactAt + TH.settleMs + 1000 + 10 + TH.confirmMs, 'confirmed confirmMs after the movement');
});

t.test('tumbling at tumbleAboveRadS is a dropped camera: reported as a drop, never a fall; its bounces are ignored', async (t) => {
  t.ok(fell({ spin: TH.tumbleAboveRadS - 0.01 }), 'a body turning fast is still a fall');
  const dropped = detectFalls(script({ spin: TH.tumbleAboveRadS }).samples);
  t.same(dropped.map((e) => e.kind), ['drop']);
  const d = dropped[0]!;
  if (d.kind !== 'drop') throw new Error('expected a drop');
  t.equal(d.freeFallAtMs, PRE_MS);
  t.ok(Math.abs(d.tumbleRadS - TH.tumbleAboveRadS) < 1e-9);
  // A bounce (slow spin) inside the quiet time, then lying: still no fall.
  const bounce = script({ spin: TH.tumbleAboveRadS }).samples.slice(0, PRE_MS / 10 + 41); // through the impact
  let t0 = bounce.at(-1)!.timeMs + 10;
  const then = script({ spin: 0 }).samples.slice(PRE_MS / 10).map((s) => ({ ...s, timeMs: s.timeMs - PRE_MS + t0 }));
  t.same(detectFalls([...bounce, ...then]).map((e) => e.kind), ['drop'], 'a bounce inside dropQuietMs is no fall');
  // After the quiet time a real fall is seen again.
  const quiet = Array.from({ length: TH.dropQuietMs / 10 }, (_, i) => ({ timeMs: t0 + i * 10, ax: 0, ay: G, az: 0, gx: 0, gy: 0, gz: 0 }));
  t0 += TH.dropQuietMs;
  const later = script({ spin: 0 }).samples.map((s) => ({ ...s, timeMs: s.timeMs + t0 }));
  t.same(detectFalls([...bounce, ...quiet, ...later]).map((e) => e.kind), ['drop', 'fall']);
  // Without a gyroscope nothing can veto: a drop reads as a fall.
  const noGyro = script({ spin: 20 }).samples.map((s) => ({ ...s, gx: NaN, gy: NaN, gz: NaN }));
  t.same(detectFalls(noGyro).map((e) => e.kind), ['fall'], 'NaN rates: no tumble veto, no stillness veto');
});

t.test('a candidate that came to nothing does not hide a fall that follows (running, then falling)', async (t) => {
  // Free fall and impact, then 5 s of moving (a runner's stride), then a real fall.
  const stride = script({ movingMs: 5000, lieMs: 0 }).samples;
  const t0 = stride.at(-1)!.timeMs + 10;
  const fall = script().samples.slice(PRE_MS / 10).map((s) => ({ ...s, timeMs: s.timeMs - PRE_MS + t0 }));
  t.same(detectFalls([...stride, ...fall]).map((e) => e.kind), ['fall']);
});

t.test('the upright reference is the wearer\'s own: a camera mounted tilted', async (t) => {
  // Mounted pitched 40 deg: upright reads gravity 40 deg off +y. Lying 45 deg off +y is only ~5-85 deg off the mount.
  const a = (40 * Math.PI) / 180;
  const rot = (s: ImuSample): ImuSample => ({ ...s, ay: s.ay * Math.cos(a) - s.az * Math.sin(a), az: s.ay * Math.sin(a) + s.az * Math.cos(a) });
  t.ok(falls(detectFalls(script().samples.map(rot))).length === 1, 'a fall seen from a tilted mount');
  t.notOk(falls(detectFalls(script({ tilt: 30 }).samples.map(rot))).length, 'tilted 30 deg from the mount: not lying, though 70 deg from +y');
});

t.test('pure: the state given is not changed; stale and non-finite samples are ignored', async (t) => {
  const { samples } = script();
  let state = initialFallState();
  for (const s of samples.slice(0, PRE_MS / 10 + 20)) {
    const frozen = JSON.stringify(state);
    const r = stepFall(Object.freeze(state), Object.freeze(s));
    t.equal(JSON.stringify(state), frozen);
    state = r.state;
  }
  t.equal(state.phase.kind, 'watching');
  t.ok(state.low, 'timing a free fall');
  t.equal(stepFall(state, { ...samples[0]!, timeMs: 0 }).state, state, 'an older sample: same state');
  t.equal(stepFall(state, { ...samples[400]!, ax: NaN }).state, state, 'NaN force: same state');
});

t.test('thresholds: overrides checked, every problem named', async (t) => {
  t.equal(fallThresholds({ confirmMs: 1000 }).confirmMs, 1000);
  t.throws(() => fallThresholds({ settleMs: -1 }), { message: 'fall threshold settleMs must be a finite number > 0, got -1' });
  t.throws(() => fallThresholds({ freeFallBelowG: 1.2 }), /below 1 g/);
  t.throws(() => fallThresholds({ impactAboveG: 0.9 }), /above 1 g/);
  t.throws(() => fallThresholds({ confirmMs: 6000 }), /must fit in lieWithinMs/);
  t.ok(Object.isFrozen(TH));
});

t.test('stepFalls over a batch is stepFall over each sample: same events, same final state', async (t) => {
  const { shippedTrace, TRACE_KINDS } = await import('../../../../hal/imu/trace.js');
  const fold = (samples: readonly ImuSample[]) => {
    let state = initialFallState();
    const events: FallEvent[] = [];
    for (const s of samples) { const r = stepFall(state, s); state = r.state; if (r.event) events.push(r.event); }
    return { state, events };
  };
  const batched = (samples: readonly ImuSample[], size: number) => {
    let state = initialFallState();
    const events: FallEvent[] = [];
    for (let i = 0; i < samples.length; i += size) state = stepFalls(state, samples.slice(i, i + size), (e) => events.push(e));
    return { state, events };
  };
  // Shipped traces, scripted edges, and samples the detector must ignore (NaN, out of order).
  const inputs: [string, ImuSample[]][] = TRACE_KINDS.map((k) => [k, shippedTrace(k).samples.map((s, i) => ({ timeMs: i * 10, ...s }))]);
  inputs.push(['scripted fall', script().samples], ['dropped', script({ spin: TH.tumbleAboveRadS }).samples]);
  const messy = script().samples.flatMap((s, i) => i % 97 === 0 ? [s, { ...s, ax: NaN }, { ...s, timeMs: s.timeMs - 50 }] : [s]);
  inputs.push(['with NaN and late samples', messy]);
  for (const [name, samples] of inputs) {
    const want = fold(samples);
    for (const size of [1, 7, 100, samples.length]) t.same(batched(samples, size), want, `${name}, batches of ${size}`);
  }
  t.ok(fold(script().samples).events.some((e) => e.kind === 'fall'), 'the comparison includes a fall');
});
