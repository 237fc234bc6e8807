/**
 * Every threshold and window of fall detection, in one place, with why it has its value. The
 * detector (fall-detector.ts) reads nothing else; tests probe each one at its edge.
 */

export interface FallThresholds {
  /**
   * Free fall: the magnitude of the specific force below this many g. A wearer's fall is a partial
   * free fall (0.15-0.45 g at the chest); sitting down dips only to ~0.6-0.8 g.
   */
  freeFallBelowG: number;
  /**
   * ...for at least this long (ms, from the first low sample to the first sample that is not). A
   * fall's descent lasts 0.35-0.6 s; a running stride's flight ~0.15 s may pass too and is
   * rejected later by the lying-still check.
   */
  freeFallMinMs: number;
  /** Impact: a sample of at least this many g. Falls hit 3-6 g; sitting down lands at 1.3-1.9 g. */
  impactAboveG: number;
  /** The impact must come within this long after the free fall ends (ms). */
  impactWithinMs: number;
  /** After the impact, rolling and bouncing are ignored this long (ms) before stillness counts. */
  settleMs: number;
  /** Lying still: every sample's magnitude within this many g of 1 g (breathing is ~0.01 g). */
  stillToleranceG: number;
  /** Lying still: angular rate magnitude below this (rad/s); ignored without a gyroscope. */
  stillMaxRadS: number;
  /**
   * Lying: the angle between gravity now and the upright reference from before the free fall at
   * least this (degrees). Falls end 70-100 deg away; sitting reclines 10-30 deg; a jump lands upright.
   */
  tiltAwayDeg: number;
  /** Lying still and tilted for this long (ms) confirms the fall. */
  confirmMs: number;
  /** The confirmation must complete within this long after the impact (ms), else it was no fall. */
  lieWithinMs: number;
  /**
   * A dropped camera, not a wearer's fall: the mean angular rate during the free fall at or above
   * this (rad/s). A falling body turns at under ~4 rad/s; a camera dropped alone tumbles at 7+
   * rad/s. NaN rates (no gyroscope) never veto.
   */
  tumbleAboveRadS: number;
  /**
   * After a drop, the camera's bounces (short free falls and hits, spinning slower each time) are
   * ignored this long (ms), so a bounce never reads as a fall.
   */
  dropQuietMs: number;
  /** Time constant (ms) of the upright reference: the low-passed gravity direction while nothing happens. */
  referenceTauMs: number;
}

export const DEFAULT_FALL_THRESHOLDS: Readonly<FallThresholds> = Object.freeze({
  freeFallBelowG: 0.6,
  freeFallMinMs: 100,
  impactAboveG: 2.5,
  impactWithinMs: 800,
  settleMs: 1000,
  stillToleranceG: 0.15,
  stillMaxRadS: 0.6,
  tiltAwayDeg: 50,
  confirmMs: 2000,
  lieWithinMs: 6000,
  tumbleAboveRadS: 6,
  dropQuietMs: 3000,
  referenceTauMs: 2000,
});

/** Thresholds with `overrides` applied, each checked; RangeError names the bad one. */
export function fallThresholds(overrides: Partial<FallThresholds> = {}): FallThresholds {
  const t = { ...DEFAULT_FALL_THRESHOLDS, ...overrides };
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`fall threshold ${k} must be a finite number > 0, got ${String(v)}`);
  }
  if (t.freeFallBelowG >= 1) throw new RangeError(`fall threshold freeFallBelowG must be below 1 g, got ${t.freeFallBelowG}`);
  if (t.impactAboveG <= 1) throw new RangeError(`fall threshold impactAboveG must be above 1 g, got ${t.impactAboveG}`);
  if (t.tiltAwayDeg >= 180) throw new RangeError(`fall threshold tiltAwayDeg must be below 180, got ${t.tiltAwayDeg}`);
  if (t.settleMs + t.confirmMs > t.lieWithinMs) throw new RangeError(`fall thresholds: settleMs + confirmMs (${t.settleMs + t.confirmMs}) must fit in lieWithinMs (${t.lieWithinMs})`);
  return t;
}
