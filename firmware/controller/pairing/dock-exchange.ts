/**
 * The controller's side of the holster pairing exchange at dock: the message telling a docked
 * camera its user's sensors, and applying the camera's report to the pairing store.
 */
import type { HolsterPairingReport, HolsterPairings, HolsterPairingStatus } from '../../../protocols/pairing.js';
import { checkHolsterPairingReport } from '../../../protocols/pairing.js';
import type { Pairing, PairingStatus, PairingStore } from './pairing-store.js';

/** HolsterPairings for the camera of `userId`: every sensor not yet confirmed paired is pending (failed ones are tried again). */
export function pairingsForCamera(store: PairingStore, userId: string): HolsterPairings {
  return { userId, sensors: store.pairingsOf(userId).map((p) => ({ serial: p.serial, pending: p.status !== 'paired' })) };
}

const FROM_WIRE: Record<HolsterPairingStatus, PairingStatus | undefined> = {
  HOLSTER_PAIRING_STATUS_UNSPECIFIED: undefined,
  HOLSTER_PAIRING_STATUS_PENDING: undefined,
  HOLSTER_PAIRING_STATUS_PAIRED: 'paired',
  HOLSTER_PAIRING_STATUS_FAILED: 'failed',
};

/**
 * Record a camera's report for `userId` (the user the camera was docked for). A report about
 * another user is refused (TypeError naming both); PENDING outcomes change nothing but the last
 * connection. Resolves the pairings whose status or last connection changed.
 */
export async function applyPairingReport(store: PairingStore, userId: string, report: HolsterPairingReport): Promise<Pairing[]> {
  checkHolsterPairingReport(report);
  if (report.userId !== userId) throw new TypeError(`holster pairing report is about user ${JSON.stringify(report.userId)}: expected the docked camera's user ${JSON.stringify(userId)}`);
  return store.update(userId, report.sensors.map((s) => ({ serial: s.serial, status: FROM_WIRE[s.status], lastConnectedMs: s.lastConnectedMs })));
}
