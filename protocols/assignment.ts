/**
 * Camera assignment (CameraAssignment, CameraAssignmentResult): what a controller tells a camera
 * of its own system at every dock, inside mutual TLS, and the camera's answer; their checks.
 */
import { exactBytes, inRange, required } from './fields.js';
import { invalidField } from './errors.js';
import { checkFailure, type Failure } from './session.js';
import { checkHolsterPairingReport, checkHolsterPairings, type HolsterPairingReport, type HolsterPairings } from './pairing.js';

export const MAX_USER_ID_CHARS = 64;
export const MAX_USER_NAME_CHARS = 128;
export const MAX_PROFILE_JSON_BYTES = 16384;
export const WIRELESS_BROADCAST_KEY_BYTES = 32;
/** The protocol minor from which controllers send CameraAssignment (older cameras never get one). */
export const ASSIGNMENT_MINOR = 1;

export interface CameraAssignment {
  /** Empty = unassigned (the camera refuses to record). */
  userId: string;
  userName: string;
  /** CameraProfile JSON; empty keeps the camera's defaults. */
  profileJson: string;
  evaluationMode: boolean;
  /** 32 bytes. */
  wirelessBroadcastKey: Uint8Array;
  /** The user's holster sensors (absent: none). */
  holsterPairings?: HolsterPairings;
  /**
   * A self-assignment (RFID tag tap): the camera's LEDs flash green until undock. Optional when
   * encoding (absent = false); always present after decoding.
   */
  selfAssignment?: boolean;
}

interface Readiness {
  batteryPercent: number;
  storageFreePercent: number;
  /** Holster pairing outcomes since the last dock (absent: nothing to report). */
  holsterReport?: HolsterPairingReport;
}

export type CameraAssignmentResult =
  | ({ accepted: true; error?: undefined } & Readiness)
  | ({ accepted: false; error: Failure } & Readiness);

function boundedText(value: string, max: number, field: string, what: string): void {
  if (value.length > max) throw invalidField(field, `${what} of at most ${max} characters`, `${value.length} characters`);
}

export function checkCameraAssignment(m: CameraAssignment, path: string): void {
  boundedText(m.userId, MAX_USER_ID_CHARS, `${path}.userId`, 'a user id');
  boundedText(m.userName, MAX_USER_NAME_CHARS, `${path}.userName`, 'a user name');
  const profileBytes = Buffer.byteLength(m.profileJson, 'utf8');
  if (profileBytes > MAX_PROFILE_JSON_BYTES) throw invalidField(`${path}.profileJson`, `profile JSON of at most ${MAX_PROFILE_JSON_BYTES} bytes`, `${profileBytes} bytes`);
  exactBytes(m.wirelessBroadcastKey, WIRELESS_BROADCAST_KEY_BYTES, `${path}.wirelessBroadcastKey`);
  if (m.holsterPairings) checkHolsterPairings(m.holsterPairings, `${path}.holsterPairings`);
}

export function checkCameraAssignmentResult(m: CameraAssignmentResult, path: string): void {
  inRange(m.batteryPercent, 0, 100, `${path}.batteryPercent`);
  inRange(m.storageFreePercent, 0, 100, `${path}.storageFreePercent`);
  if (m.holsterReport) checkHolsterPairingReport(m.holsterReport, `${path}.holsterReport`);
  if (!m.accepted) {
    required(m.error, `${path}.error`, 'a Failure saying why the camera refused the assignment');
    checkFailure(m.error, `${path}.error`);
  }
}
