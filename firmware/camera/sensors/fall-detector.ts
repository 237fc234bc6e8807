/**
 * Fall detection as a pure state machine over IMU samples: a free fall, then an impact within a
 * window, then lying still away from upright for a confirmation time. A free fall that tumbles
 * fast is a dropped camera, reported apart and never as a fall. Thresholds: fall-thresholds.ts.
 */
import { STANDARD_GRAVITY as G, type ImuSample } from '../../../hal/imu/contract.js';
import { DEFAULT_FALL_THRESHOLDS, type FallThresholds } from './fall-thresholds.js';

type Vec3 = readonly [number, number, number];

/** A run of low-g samples being timed (since its first sample), with the angular rate seen in it. */
interface LowRun { since: number; gyroSum: number; gyroN: number }

export type FallPhase =
  /** Nothing happening; the upright reference follows gravity. */
  | { kind: 'watching' }
  /** A free fall ended at `endedAt`; an impact must follow. */
  | { kind: 'awaiting-impact'; freeFallAt: number; endedAt: number }
  /** Hit the ground; bounces and rolling are ignored for a while. */
  | { kind: 'settling'; freeFallAt: number; impactAt: number; impactG: number }
  /** A camera dropped alone at `at`: its bounces are ignored until the quiet time has passed. */
  | { kind: 'dropped'; at: number }
  /** Waiting for lying still and tilted for the confirmation time (`stillSince` when it began). */
  | { kind: 'confirming'; freeFallAt: number; impactAt: number; impactG: number; stillSince: number | undefined };

export interface FallDetectorState {
  phase: FallPhase;
  /** Low-passed specific force while watching: the upright reference (direction only matters). */
  reference: Vec3 | undefined;
  /** The low-g run being timed, in any phase but awaiting-impact. */
  low: LowRun | undefined;
  /** Time of the last sample taken (older ones are ignored). */
  lastMs: number | undefined;
}

export type FallEvent =
  /** The wearer fell: confirmed at `atMs` (the sample that completed lying still). */
  | { kind: 'fall'; atMs: number; freeFallAtMs: number; impactAtMs: number; impactG: number; tiltDeg: number }
  /** A free fall that tumbled like a camera dropped alone: not a fall. */
  | { kind: 'drop'; atMs: number; freeFallAtMs: number; tumbleRadS: number };

export interface FallStep { state: FallDetectorState; event?: FallEvent }

export const initialFallState = (): FallDetectorState => ({ phase: { kind: 'watching' }, reference: undefined, low: undefined, lastMs: undefined });

const norm = (x: number, y: number, z: number) => Math.sqrt(x * x + y * y + z * z);

/** How far the upright reference moves toward a sample at `t` (first-order low-pass, time constant referenceTauMs). */
function referenceGain(lastMs: number | undefined, t: number, th: FallThresholds): number {
  const dt = lastMs === undefined ? 0 : Math.min(t - lastMs, th.referenceTauMs);
  return dt / (th.referenceTauMs + dt);
}

/** Degrees between the sample's force and the reference direction (0 when no reference). */
export function tiltFrom(reference: Vec3 | undefined, s: ImuSample): number {
  if (!reference) return 0;
  const n = norm(s.ax, s.ay, s.az) * norm(reference[0], reference[1], reference[2]);
  if (!(n > 0)) return 0;
  const c = (s.ax * reference[0] + s.ay * reference[1] + s.az * reference[2]) / n;
  return (Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI;
}

/**
 * Take one sample. Pure: the same state and sample give the same result; `state` is not changed.
 * Samples older than the last one, or with a non-finite force, are ignored.
 */
export function stepFall(state: FallDetectorState, s: ImuSample, th: FallThresholds = DEFAULT_FALL_THRESHOLDS): FallStep {
  if (!Number.isFinite(s.ax) || !Number.isFinite(s.ay) || !Number.isFinite(s.az) || !Number.isFinite(s.timeMs)) return { state };
  if (state.lastMs !== undefined && s.timeMs < state.lastMs) return { state };
  const t = s.timeMs;
  const mag = norm(s.ax, s.ay, s.az);
  const g = mag / G;
  const w = norm(s.gx, s.gy, s.gz); // NaN without a gyroscope
  const phase = state.phase;

  if (phase.kind === 'dropped') {
    if (t - phase.at < th.dropQuietMs) return { state: { ...state, lastMs: t } };
    state = { ...state, phase: { kind: 'watching' } };
  } else if (phase.kind === 'awaiting-impact') {
    if (t - phase.endedAt > th.impactWithinMs) return { state: { ...state, phase: { kind: 'watching' }, lastMs: t } };
    if (g >= th.impactAboveG) return { state: { ...state, phase: { kind: 'settling', freeFallAt: phase.freeFallAt, impactAt: t, impactG: g }, lastMs: t } };
    return { state: { ...state, lastMs: t } };
  }

  // Every other phase times low-g runs: a completed one (re)starts the fall sequence.
  if (g < th.freeFallBelowG) {
    const low = state.low
      ? { since: state.low.since, gyroSum: state.low.gyroSum + w, gyroN: state.low.gyroN + 1 }
      : { since: t, gyroSum: w, gyroN: 1 };
    return { state: { ...state, low, lastMs: t } };
  }
  if (state.low) {
    const { since, gyroSum, gyroN } = state.low;
    const cleared: FallDetectorState = { ...state, low: undefined, lastMs: t };
    if (t - since >= th.freeFallMinMs) {
      const tumble = gyroSum / gyroN;
      if (tumble >= th.tumbleAboveRadS) {
        return { state: { ...cleared, phase: { kind: 'dropped', at: t } }, event: { kind: 'drop', atMs: t, freeFallAtMs: since, tumbleRadS: tumble } };
      }
      // The sample that ends the free fall may be the impact itself.
      if (g >= th.impactAboveG) return { state: { ...cleared, phase: { kind: 'settling', freeFallAt: since, impactAt: t, impactG: g } } };
      return { state: { ...cleared, phase: { kind: 'awaiting-impact', freeFallAt: since, endedAt: t } } };
    }
    state = cleared;
  }

  const now = state.phase;
  switch (now.kind) {
    case 'dropped':
    case 'awaiting-impact':
      return { state: { ...state, lastMs: t } };
    case 'watching': {
      const ref = state.reference;
      if (!ref) return { state: { ...state, reference: [s.ax, s.ay, s.az], lastMs: t } };
      const a = referenceGain(state.lastMs, t, th);
      const reference: Vec3 = [ref[0] + a * (s.ax - ref[0]), ref[1] + a * (s.ay - ref[1]), ref[2] + a * (s.az - ref[2])];
      return { state: { ...state, reference, lastMs: t } };
    }
    case 'settling': {
      if (t - now.impactAt < th.settleMs) return { state: { ...state, lastMs: t } };
      return confirm(state, { kind: 'confirming', freeFallAt: now.freeFallAt, impactAt: now.impactAt, impactG: now.impactG, stillSince: undefined }, s, g, w, th);
    }
    case 'confirming':
      return confirm(state, now, s, g, w, th);
  }
}

function confirm(state: FallDetectorState, phase: Extract<FallPhase, { kind: 'confirming' }>, s: ImuSample, g: number, w: number, th: FallThresholds): FallStep {
  const t = s.timeMs;
  if (t - phase.impactAt > th.lieWithinMs) return { state: { ...state, phase: { kind: 'watching' }, lastMs: t } };
  const tilt = tiltFrom(state.reference, s);
  const still = Math.abs(g - 1) <= th.stillToleranceG && !(w >= th.stillMaxRadS) && tilt >= th.tiltAwayDeg;
  if (!still) return { state: { ...state, phase: { ...phase, stillSince: undefined }, lastMs: t } };
  const since = phase.stillSince ?? t;
  if (t - since >= th.confirmMs) {
    return {
      // The new posture is the reference from now on, so lying on does not look like a fall again.
      state: { phase: { kind: 'watching' }, reference: [s.ax, s.ay, s.az], low: undefined, lastMs: t },
      event: { kind: 'fall', atMs: t, freeFallAtMs: phase.freeFallAt, impactAtMs: phase.impactAt, impactG: phase.impactG, tiltDeg: tilt },
    };
  }
  return { state: { ...state, phase: { ...phase, stillSince: since }, lastMs: t } };
}

/**
 * Take a batch of samples: the same as stepFall over each in turn (same events in order, same
 * final state), without a new state per sample while nothing happens. A worn camera sends 100
 * samples a second for a whole shift and nearly all of them only move the upright reference:
 * those are folded in place, every other sample goes through stepFall. `state` is not changed.
 */
export function stepFalls(state: FallDetectorState, samples: readonly ImuSample[], onEvent: (e: FallEvent) => void, th: FallThresholds = DEFAULT_FALL_THRESHOLDS): FallDetectorState {
  let st = state;
  // While `quiet`, the reference and the last time are in r0..r2 and last, not yet in st.
  let quiet = false;
  let r0 = 0, r1 = 0, r2 = 0, last = 0;
  for (const s of samples) {
    const ref = st.reference;
    if (st.phase.kind === 'watching' && st.low === undefined && ref !== undefined && Number.isFinite(s.ax) && Number.isFinite(s.ay) && Number.isFinite(s.az) && Number.isFinite(s.timeMs)) {
      const lastMs = quiet ? last : st.lastMs;
      if ((lastMs === undefined || s.timeMs >= lastMs) && norm(s.ax, s.ay, s.az) / G >= th.freeFallBelowG) {
        if (!quiet) { quiet = true; r0 = ref[0]; r1 = ref[1]; r2 = ref[2]; }
        const a = referenceGain(lastMs, s.timeMs, th);
        r0 = r0 + a * (s.ax - r0); r1 = r1 + a * (s.ay - r1); r2 = r2 + a * (s.az - r2);
        last = s.timeMs;
        continue;
      }
    }
    if (quiet) { st = { ...st, reference: [r0, r1, r2], lastMs: last }; quiet = false; }
    const r = stepFall(st, s, th);
    st = r.state;
    if (r.event) onEvent(r.event);
  }
  return quiet ? { ...st, reference: [r0, r1, r2], lastMs: last } : st;
}

/** Run the detector over samples; the events in order. */
export function detectFalls(samples: Iterable<ImuSample>, th: FallThresholds = DEFAULT_FALL_THRESHOLDS): FallEvent[] {
  let state = initialFallState();
  const events: FallEvent[] = [];
  for (const s of samples) {
    const r = stepFall(state, s, th);
    state = r.state;
    if (r.event) events.push(r.event);
  }
  return events;
}
