/**
 * Self-assign readiness: the manual makes a camera available for self-assignment only with at
 * least 60 % battery and 60 % storage. Pure, so the controller side and rigs can share it.
 */

export const SELF_ASSIGN_MIN_BATTERY_PCT = 60;
export const SELF_ASSIGN_MIN_STORAGE_FREE_PCT = 60;

export interface SelfAssignReadiness {
  ready: boolean;
  /** Why not, one entry per unmet condition (empty when ready). */
  reasons: string[];
}

/** `batteryPct` 0-100; `storageFreePct` 0-100 (the share of storage free, see EmulatedStorage.level()). */
export function selfAssignReadiness(batteryPct: number, storageFreePct: number): SelfAssignReadiness {
  const reasons: string[] = [];
  if (!Number.isFinite(batteryPct)) throw new RangeError(`self-assign readiness: battery must be a percentage 0-100, got ${batteryPct}`);
  if (!Number.isFinite(storageFreePct)) throw new RangeError(`self-assign readiness: storage free must be a percentage 0-100, got ${storageFreePct}`);
  if (batteryPct < SELF_ASSIGN_MIN_BATTERY_PCT) reasons.push(`battery ${batteryPct} % is below ${SELF_ASSIGN_MIN_BATTERY_PCT} %`);
  if (storageFreePct < SELF_ASSIGN_MIN_STORAGE_FREE_PCT) reasons.push(`storage free ${storageFreePct} % is below ${SELF_ASSIGN_MIN_STORAGE_FREE_PCT} %`);
  return { ready: reasons.length === 0, reasons };
}
