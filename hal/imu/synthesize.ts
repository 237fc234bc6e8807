/**
 * Seeded, physically shaped IMU traces for each class (falls, jump, running, sitting down, a
 * dropped camera). Events are computed on a 1 kHz grid as gravity along the up direction times a
 * support factor, plus impact pulses and rotation, then averaged down to the output rate (as a
 * sensor's low-pass filter does) with sensor noise, clamped to a +-16 g, +-2000 deg/s range.
 *
 * The shapes: a fall is a stumble, a partial free fall (0.15-0.45 g for 0.35-0.6 s) while the
 * body rotates 70-100 deg at under ~4 rad/s, an impact of 3-6 g, then lying still, breathing. A
 * jump has a true free fall (0.3-0.5 s) but lands upright (2.5-4.5 g) and walks on. Running has
 * 2-3 g stance peaks with short flights of low g. Sitting down dips to 0.6-0.8 g and lands softly
 * (1.3-1.9 g), reclined 10-30 deg. A dropped camera falls freely from 0.9-1.5 m tumbling at
 * 7-18 rad/s, hits hard (10-20 g for 8-15 ms) with bounces, and rests flat.
 */
import { Random } from '../world/random.js';
import { STANDARD_GRAVITY as G } from './contract.js';
import { baselineSample, gauss, normalize, UPRIGHT } from './baseline.js';
import { traceLabel, type Baseline, type ImuTrace, type TraceKind, type TraceSample, type Vec3 } from './trace.js';

const ACCEL_LIMIT = 16 * G;
const GYRO_LIMIT = (2000 * Math.PI) / 180;

/** One 1 kHz step of an event: up direction, support factor (g along up), extra force (m/s^2), angular rate. */
interface Step { up: Vec3; s: number; extra: Vec3; w: Vec3 }

const smooth = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));
const smoothRate = (x: number) => (x <= 0 || x >= 1 ? 0 : 6 * x * (1 - x));
const uniform = (r: Random, lo: number, hi: number) => lo + (hi - lo) * r.next();

/**
 * How far variants stray: `nominal` keeps each class inside the shapes above; `wide` stretches
 * every range past them (a fall with hardly any free fall or a soft landing, getting up again,
 * flopping back into a sofa, a camera that slides off without spinning) to probe the detector's
 * limits. Each range is [nominal lo, nominal hi, wide lo, wide hi].
 */
export type Spread = 'nominal' | 'wide';
type Range = readonly [number, number, number, number];
const pick = (r: Random, spread: Spread, range: Range) =>
  (spread === 'nominal' ? uniform(r, range[0], range[1]) : uniform(r, range[2], range[3]));
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const ZERO: Vec3 = [0, 0, 0];

/** Rotate `v` about unit axis `a` by `theta` (Rodrigues). */
function rotate(v: Vec3, a: Vec3, theta: number): Vec3 {
  const c = Math.cos(theta), s = Math.sin(theta);
  const axv = cross(a, v);
  const d = (a[0] * v[0] + a[1] * v[1] + a[2] * v[2]) * (1 - c);
  return [v[0] * c + axv[0] * s + a[0] * d, v[1] * c + axv[1] * s + a[1] * d, v[2] * c + axv[2] * s + a[2] * d];
}

/** Up tilted from `u0` toward the perpendicular `u1` by `theta`, and the angular rate vector for `rate`. */
function tilt(u0: Vec3, u1: Vec3, theta: number, rate: number): { up: Vec3; w: Vec3 } {
  const up: Vec3 = [u0[0] * Math.cos(theta) + u1[0] * Math.sin(theta), u0[1] * Math.cos(theta) + u1[1] * Math.sin(theta), u0[2] * Math.cos(theta) + u1[2] * Math.sin(theta)];
  return { up, w: scale(normalize(cross(u0, u1)), rate) };
}

function randomUnit(r: Random): Vec3 {
  return normalize([gauss(r), gauss(r), gauss(r)]);
}

/** Half-sine pulse of height 1 over [0, width). */
const pulse = (t: number, width: number) => (t >= 0 && t < width ? Math.sin((Math.PI * t) / width) : 0);

interface Event { durationMs: number; at: (tMs: number) => Step; after: Baseline; before: Baseline['activity'] }

function fall(kind: 'fall-forward' | 'fall-backward' | 'fall-sideways', r: Random, spread: Spread): Event {
  const u1: Vec3 = kind === 'fall-forward' ? [0, 0, -1] : kind === 'fall-backward' ? [0, 0, 1] : [r.next() < 0.5 ? -1 : 1, 0, 0];
  const stumble = uniform(r, 150, 300);
  const descent = pick(r, spread, [350, 600, 250, 700]);
  const sMin = pick(r, spread, [0.15, 0.45, 0.1, 0.75]);
  const peak = pick(r, spread, [3, 6, 2, 7]);
  const width = uniform(r, 60, 120);
  const thetaEnd = (pick(r, spread, [70, 100, 35, 110]) * Math.PI) / 180;
  const impactAt = stumble + descent;
  const rotEnd = impactAt + width + 250;
  const lateral = scale(randomUnit(r), 0.3 * G);
  // Wide: a third of the wearers move on the ground (try to get up) for up to 4 s.
  const struggle = spread === 'wide' && r.next() < 0.33 ? uniform(r, 500, 4000) : 0;
  const struggleAxis = randomUnit(r);
  const end = impactAt + width + 600 + struggle;
  const finalUp = tilt(UPRIGHT, u1, thetaEnd, 0).up;
  return {
    durationMs: end,
    before: r.next() < 0.6 ? 'walking' : 'standing',
    after: { activity: 'lying', up: finalUp },
    at: (t) => {
      const x = t / rotEnd;
      const { up, w } = tilt(UPRIGHT, u1, thetaEnd * smooth(x), (thetaEnd * smoothRate(x)) / (rotEnd / 1000));
      let s = 1;
      let extra: Vec3 = ZERO;
      if (t < stumble) {
        s = 1 + 0.3 * Math.sin((2 * Math.PI * t) / stumble);
        extra = scale(lateral, 0.6 * pulse(t, stumble));
      } else if (t < impactAt) {
        s = 1 - (1 - sMin) * Math.min(1, (t - stumble) / 80) + 0.05 * Math.sin((2 * Math.PI * (t - stumble)) / 90);
      } else if (t < impactAt + width) {
        const p = pulse(t - impactAt, width);
        s = sMin + (peak - sMin) * p;
        extra = scale(lateral, p);
      } else {
        const u = t - impactAt - width;
        s = 1 + 0.6 * Math.exp(-u / 150) * Math.sin((2 * Math.PI * 5 * u) / 1000) - 0.3 * Math.exp(-u / 80);
        if (u >= 600) {
          const ph = (2 * Math.PI * 1.3 * (u - 600)) / 1000;
          return { up, s: 1, extra: scale(struggleAxis, 0.35 * G * Math.sin(ph)), w: scale(struggleAxis, 1.2 * Math.cos(ph)) };
        }
      }
      return { up, s, extra, w };
    },
  };
}

function jump(r: Random, spread: Spread): Event {
  const crouch = 250, push = 200;
  const flight = pick(r, spread, [300, 500, 200, 650]);
  const peak = pick(r, spread, [2.5, 4.5, 2, 6]);
  const width = uniform(r, 100, 150);
  const lean = (pick(r, spread, [3, 8, 0, 25]) * Math.PI) / 180;
  const landAt = crouch + push + flight;
  const end = landAt + width + 400;
  return {
    durationMs: end,
    before: 'standing',
    after: { activity: 'walking' },
    at: (t) => {
      const x = t / end;
      const { up, w } = tilt(UPRIGHT, [0, 0, -1], lean * Math.sin(Math.PI * x), (lean * Math.PI * Math.cos(Math.PI * x)) / (end / 1000));
      let s = 1;
      if (t < crouch) s = 1 - 0.35 * pulse(t, crouch);
      else if (t < crouch + push) s = 1 + 0.9 * pulse(t - crouch, push);
      else if (t < landAt) s = 0.03;
      else if (t < landAt + width) s = 0.03 + (peak - 0.03) * pulse(t - landAt, width);
      else { const u = t - landAt - width; s = 1 + 0.4 * Math.exp(-u / 120) * Math.sin((2 * Math.PI * 4 * u) / 1000); }
      return { up, s, extra: ZERO, w };
    },
  };
}

function running(r: Random, spread: Spread): Event {
  const cadence = pick(r, spread, [2.6, 3.0, 2.3, 3.4]);
  const period = 1000 / cadence;
  const peak = pick(r, spread, [2, 3, 1.8, 3.8]);
  const sFlight = pick(r, spread, [0.15, 0.35, 0.05, 0.45]);
  // Stance share so that the mean vertical force over a step is 1 g (the body does not climb).
  const stance = ((1 - sFlight) * Math.PI) / (2 * (peak - sFlight));
  const lean = (pick(r, spread, [8, 15, 3, 25]) * Math.PI) / 180;
  const base = tilt(UPRIGHT, [0, 0, -1], lean, 0).up;
  return {
    durationMs: 7000,
    before: 'walking',
    after: { activity: 'walking' },
    at: (t) => {
      const p = (t % period) / period;
      const s = p < stance ? sFlight + (peak - sFlight) * Math.sin((Math.PI * p) / stance) : sFlight;
      const ph = (2 * Math.PI * t) / period;
      return {
        up: base, s,
        extra: [0.15 * G * Math.sin(ph / 2), 0, 0.3 * G * Math.sin(ph + 1)],
        w: [0.5 * Math.sin(ph), 0.8 * Math.sin(ph / 2), 0.3 * Math.sin(ph / 2 + 0.4)],
      };
    },
  };
}

function sittingDown(r: Random, spread: Spread): Event {
  const descent = pick(r, spread, [500, 800, 300, 900]);
  const sMin = pick(r, spread, [0.6, 0.8, 0.35, 0.85]);
  const peak = pick(r, spread, [1.3, 1.9, 1.2, 3.2]);
  const width = uniform(r, 150, 250);
  const recline = (pick(r, spread, [10, 30, 5, 60]) * Math.PI) / 180;
  const rotEnd = descent + width + 300;
  const end = descent + width + 500;
  const finalUp = tilt(UPRIGHT, [0, 0, 1], recline, 0).up;
  return {
    durationMs: end,
    before: 'standing',
    after: { activity: 'sitting', up: finalUp },
    at: (t) => {
      const x = t / rotEnd;
      const { up, w } = tilt(UPRIGHT, [0, 0, 1], recline * smooth(x), (recline * smoothRate(x)) / (rotEnd / 1000));
      let s = 1;
      if (t < descent) s = 1 - (1 - sMin) * pulse(t, descent);
      else if (t < descent + width) s = 1 + (peak - 1) * pulse(t - descent, width);
      else { const u = t - descent - width; s = 1 + 0.1 * Math.exp(-u / 100) * Math.sin((2 * Math.PI * 3 * u) / 1000); }
      return { up, s, extra: ZERO, w };
    },
  };
}

function drop(r: Random, spread: Spread): Event {
  const height = pick(r, spread, [0.9, 1.5, 0.4, 1.6]);
  const detach = 40;
  const fallMs = 1000 * Math.sqrt((2 * height) / G);
  const omega = pick(r, spread, [7, 18, 1, 18]);
  const axis = randomUnit(r);
  const peak = uniform(r, 10, 20);
  const width = uniform(r, 8, 15);
  const bounce1 = uniform(r, 80, 180), bounce2 = uniform(r, 40, 100);
  const faces: Vec3[] = [[0, 0, 1], [0, 0, -1], [1, 0, 0], [-1, 0, 0], [0, -1, 0]];
  const rest = faces[r.int(0, faces.length - 1)]!;
  const hit1 = detach + fallMs;
  const hit2 = hit1 + width + bounce1;
  const hit3 = hit2 + 8 + bounce2;
  const end = hit3 + 8 + 300;
  return {
    durationMs: end,
    before: 'walking',
    after: { activity: 'resting', up: rest },
    at: (t) => {
      if (t < detach) return { up: UPRIGHT, s: 1 - t / detach, extra: ZERO, w: scale(axis, (omega * t) / detach) };
      if (t < hit1) return { up: rotate(UPRIGHT, axis, (omega * (t - detach)) / 1000), s: 0, extra: ZERO, w: scale(axis, omega) };
      const spin = rotate(UPRIGHT, axis, (omega * fallMs) / 1000);
      if (t < hit2) {
        const p = pulse(t - hit1, width);
        return { up: spin, s: peak * p, extra: ZERO, w: scale(axis, p > 0 ? omega : omega / 2) };
      }
      if (t < hit3) return { up: rest, s: 0.35 * peak * pulse(t - hit2, 8), extra: ZERO, w: scale(axis, omega / 4) };
      if (t < hit3 + 8) return { up: rest, s: 0.15 * peak * pulse(t - hit3, 8), extra: ZERO, w: scale(axis, omega / 8) };
      return { up: rest, s: 1, extra: ZERO, w: ZERO };
    },
  };
}

function eventOf(kind: TraceKind, r: Random, spread: Spread): Event {
  switch (kind) {
    case 'fall-forward': case 'fall-backward': case 'fall-sideways': return fall(kind, r, spread);
    case 'jump': return jump(r, spread);
    case 'running': return running(r, spread);
    case 'sitting-down': return sittingDown(r, spread);
    case 'drop': return drop(r, spread);
  }
}

export interface SynthesizeOptions {
  /** Output rate. Default 100 Hz. */
  rateHz?: number;
  /** Baseline before the event, ms. Default 1200. */
  beforeMs?: number;
  /** Baseline (the event's `after`) following it, ms. Default 4500. */
  afterMs?: number;
  /** Parameter ranges: `nominal` (default, the shipped traces) or `wide`. */
  spread?: Spread;
}

const clamp = (v: number, lim: number) => (v > lim ? lim : v < -lim ? -lim : v);

/** A trace of `kind`, the same for the same seed. */
export function synthesize(kind: TraceKind, seed: number, options: SynthesizeOptions = {}): ImuTrace {
  const rateHz = options.rateHz ?? 100;
  const period = 1000 / rateHz;
  const r = new Random(seed);
  const ev = eventOf(kind, r.fork(), options.spread ?? 'nominal');
  const noise = r.fork();
  const samples: TraceSample[] = [];
  const before: Baseline = { activity: ev.before };
  const nBefore = Math.round((options.beforeMs ?? 1200) / period);
  for (let i = 0; i < nBefore; i++) samples.push(baselineSample(before, i * period, noise));
  const nEvent = Math.ceil(ev.durationMs / period);
  for (let i = 0; i < nEvent; i++) {
    // Average the 1 kHz grid over this sample's interval (the sensor's low-pass filter).
    const from = i * period, to = Math.min((i + 1) * period, ev.durationMs);
    const acc = [0, 0, 0, 0, 0, 0];
    let n = 0;
    for (let t = from; t < to; t += 1) {
      const st = ev.at(t);
      for (let k = 0; k < 3; k++) {
        acc[k]! += G * st.s * st.up[k]! + st.extra[k]!;
        acc[k + 3]! += st.w[k]!;
      }
      n++;
    }
    samples.push({
      ax: clamp(acc[0]! / n + 0.05 * gauss(noise), ACCEL_LIMIT), ay: clamp(acc[1]! / n + 0.05 * gauss(noise), ACCEL_LIMIT), az: clamp(acc[2]! / n + 0.05 * gauss(noise), ACCEL_LIMIT),
      gx: clamp(acc[3]! / n + 0.01 * gauss(noise), GYRO_LIMIT), gy: clamp(acc[4]! / n + 0.01 * gauss(noise), GYRO_LIMIT), gz: clamp(acc[5]! / n + 0.01 * gauss(noise), GYRO_LIMIT),
    });
  }
  const nAfter = Math.round((options.afterMs ?? 4500) / period);
  for (let i = 0; i < nAfter; i++) samples.push(baselineSample(ev.after, i * period, noise));
  return { name: `${kind} (seed ${seed})`, rateHz, label: traceLabel(kind), after: ev.after, samples };
}

/** The seed each shipped trace file was made with (hal/imu/traces/<kind>.csv). */
export const SHIPPED_SEEDS: Readonly<Record<TraceKind, number>> = {
  'fall-forward': 101, 'fall-backward': 102, 'fall-sideways': 103, jump: 104, running: 105, 'sitting-down': 106, drop: 107,
};
