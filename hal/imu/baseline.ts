/**
 * The wearer's baseline motion between traces (standing with sway, walking steps, a still body
 * breathing, the camera resting alone): gravity along the up direction plus seeded noise.
 */
import { Random } from '../world/random.js';
import { STANDARD_GRAVITY as G } from './contract.js';
import type { Baseline, TraceSample, Vec3 } from './trace.js';

/** Standard normal draw (Box-Muller) from a seeded generator. */
export function gauss(rnd: Random): number {
  const u = Math.max(rnd.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.next());
}

/**
 * Standard normal draws for the baseline's sensor noise, from a table: the baseline runs for
 * every worn camera at 100 Hz for hours of simulation, where Box-Muller per axis was the
 * emulator's main cost. 4096 deviates (fixed seed) picked by the seeded generator: white noise
 * with the right spread, one generator draw each.
 */
const NOISE_TABLE: Float64Array = (() => {
  const table = new Float64Array(4096);
  const rnd = new Random(0x9e3779b9);
  for (let i = 0; i < table.length; i++) table[i] = gauss(rnd);
  return table;
})();

/** A standard normal draw for sensor noise (see NOISE_TABLE). */
export function noise(rnd: Random): number {
  return NOISE_TABLE[(rnd.next() * NOISE_TABLE.length) | 0]!;
}

export const UPRIGHT: Vec3 = [0, 1, 0];
export const ON_BACK: Vec3 = [0, 0, 1];

export function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0)) throw new RangeError(`up direction must be a non-zero vector, got ${v.join(',')}`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function upOf(b: Baseline): Vec3 {
  if (b.up) return normalize(b.up);
  return b.activity === 'lying' || b.activity === 'resting' ? ON_BACK : UPRIGHT;
}

/** Walking cadence (steps per second) and the sensor noise of the baseline, documented in one place. */
export const WALK_STEP_HZ = 1.8;
const ACCEL_NOISE = { standing: 0.06, walking: 0.15, sitting: 0.04, lying: 0.04, resting: 0.015 } as const;
const GYRO_NOISE = { standing: 0.02, walking: 0.05, sitting: 0.01, lying: 0.01, resting: 0.004 } as const;

/** The baseline's sample at `tMs` (seconds into the activity), noise drawn from `rnd` by `draw` (exact Box-Muller by default; the emulated IMU uses the table, `noise`). */
export function baselineSample(b: Baseline, tMs: number, rnd: Random, draw: (rnd: Random) => number = gauss): TraceSample {
  const up = upOf(b);
  const t = tMs / 1000;
  const an = ACCEL_NOISE[b.activity];
  const gn = GYRO_NOISE[b.activity];
  let fx = G * up[0], fy = G * up[1], fz = G * up[2];
  let gx = 0, gy = 0, gz = 0;
  switch (b.activity) {
    case 'standing': {
      const sway = 0.12 * Math.sin(2 * Math.PI * 0.3 * t);
      fz += sway; gx += 0.02 * Math.cos(2 * Math.PI * 0.3 * t);
      break;
    }
    case 'walking': {
      const w = 2 * Math.PI * WALK_STEP_HZ * t;
      // Vertical bounce along up, fore-aft along z, side sway at half the step rate.
      const v = 2.4 * Math.sin(w) + 0.6 * Math.sin(2 * w);
      fx += v * up[0] + 0.7 * Math.sin(w / 2);
      fy += v * up[1];
      fz += v * up[2] + 1.0 * Math.sin(w + 0.8);
      gx += 0.25 * Math.sin(w); gy += 0.35 * Math.sin(w / 2); gz += 0.12 * Math.sin(w / 2 + 0.5);
      break;
    }
    case 'sitting':
    case 'lying': {
      // Breathing: about 15 breaths a minute, a small force along up.
      const breath = 0.08 * Math.sin(2 * Math.PI * 0.25 * t);
      fx += breath * up[0]; fy += breath * up[1]; fz += breath * up[2];
      break;
    }
    case 'resting':
      break;
  }
  return {
    ax: fx + an * draw(rnd), ay: fy + an * draw(rnd), az: fz + an * draw(rnd),
    gx: gx + gn * draw(rnd), gy: gy + gn * draw(rnd), gz: gz + gn * draw(rnd),
  };
}
