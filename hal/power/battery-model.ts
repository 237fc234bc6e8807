/**
 * A simple battery in virtual time: a charge level (0-100 %, fractional) that rises at a charge
 * rate while charging, falls at a drain rate while draining, and holds otherwise. Pure: every
 * method takes the time, so it can be tested with tables and used with any Clock.
 */

export type BatteryMode = 'charge' | 'drain' | 'hold';

export interface BatteryModelOptions {
  /** Starting level in percent, 0-100. Default 80. */
  level?: number;
  /** Percent per minute gained while charging. Default 0.6 (empty to full in about 2.8 h). */
  chargePctPerMin?: number;
  /** Percent per minute lost while draining. Default 0.14 (full to empty in about a 12 h shift). */
  drainPctPerMin?: number;
}

export const DEFAULT_CHARGE_PCT_PER_MIN = 0.6;
export const DEFAULT_DRAIN_PCT_PER_MIN = 0.14;

const clamp = (x: number) => Math.min(100, Math.max(0, x));

export function checkPercent(pct: number, what: string): number {
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw new RangeError(`${what}: expected a percentage 0-100, got ${pct}`);
  return pct;
}

export function checkRate(pctPerMin: number, what: string): number {
  if (!Number.isFinite(pctPerMin) || pctPerMin < 0) throw new RangeError(`${what}: expected a rate in percent per minute >= 0, got ${pctPerMin}`);
  return pctPerMin;
}

export class EmulatedBattery {
  private base: number;
  private baseAt: number;
  private mode: BatteryMode = 'drain';
  private chargeRate: number;
  private drainRate: number;

  /** `at` is the monotonic time (ms) the starting level holds at. */
  constructor(options: BatteryModelOptions = {}, at = 0) {
    this.base = checkPercent(options.level ?? 80, 'battery level');
    this.baseAt = at;
    this.chargeRate = checkRate(options.chargePctPerMin ?? DEFAULT_CHARGE_PCT_PER_MIN, 'battery charge rate');
    this.drainRate = checkRate(options.drainPctPerMin ?? DEFAULT_DRAIN_PCT_PER_MIN, 'battery drain rate');
  }

  get currentMode(): BatteryMode { return this.mode; }
  get chargePctPerMin(): number { return this.chargeRate; }
  get drainPctPerMin(): number { return this.drainRate; }

  /** Signed rate in percent per ms in the current mode. */
  private rate(): number {
    if (this.mode === 'charge') return this.chargeRate / 60_000;
    if (this.mode === 'drain') return -this.drainRate / 60_000;
    return 0;
  }

  /** Fractional level at monotonic time `t` (>= the last change). */
  levelAt(t: number): number {
    return clamp(this.base + this.rate() * (t - this.baseAt));
  }

  /** The level as reported: an integer percent (rounded to nearest). */
  reportedLevel(t: number): number {
    return Math.round(this.levelAt(t));
  }

  /** Fix the level reached at `t` as the new starting point (before any change of mode or rate). */
  private rebase(t: number): void {
    this.base = this.levelAt(t);
    this.baseAt = t;
  }

  setMode(mode: BatteryMode, t: number): void {
    if (mode === this.mode) return;
    this.rebase(t);
    this.mode = mode;
  }

  setLevel(pct: number, t: number): void {
    checkPercent(pct, 'battery level');
    this.base = pct;
    this.baseAt = t;
  }

  setChargeRate(pctPerMin: number, t: number): void {
    checkRate(pctPerMin, 'battery charge rate');
    this.rebase(t);
    this.chargeRate = pctPerMin;
  }

  setDrainRate(pctPerMin: number, t: number): void {
    checkRate(pctPerMin, 'battery drain rate');
    this.rebase(t);
    this.drainRate = pctPerMin;
  }

  /** Minutes until empty at the drain rate from the level at `t`; undefined when not draining. */
  minutesToEmpty(t: number): number | undefined {
    if (this.mode !== 'drain' || this.drainRate === 0) return undefined;
    return Math.floor(this.levelAt(t) / this.drainRate);
  }

  /**
   * The first whole millisecond after `t` at which the reported level changes or the battery
   * becomes full, or undefined when neither will happen in this mode. A caller that finds
   * nothing changed at that instant (floating point) asks again; each answer is at least t+1.
   */
  nextChangeAt(t: number): number | undefined {
    const r = this.rate();
    const l = this.levelAt(t);
    const n = Math.round(l);
    if (r > 0 && l < 100) {
      const target = Math.min(n + 0.5, 100);
      return t + Math.max(1, Math.ceil((target - l) / r));
    }
    if (r < 0 && n > 0) {
      const target = n - 0.5;
      return t + Math.max(1, Math.floor((l - target) / -r) + 1);
    }
    return undefined;
  }
}
