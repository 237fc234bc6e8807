/**
 * Holster sensor pairings at dock: HolsterPairings (controller -> camera) and HolsterPairingReport
 * (camera -> controller), their checks and a standalone codec until they ride on the Envelope.
 */
import { invalidField, missingField } from './errors.js';
import { requiredEnum, requiredText } from './fields.js';
import { messageType } from './schema.js';
import { decodeFailure, fromWire, normalize, toWire, type Plain } from './wire.js';

/** At most this many sensors per user (manual: "To pair a second holster sensor ..."). */
export const MAX_HOLSTER_SENSORS = 2;
const SERIAL = /^[A-Z0-9]{6}$/;

export type HolsterPairingStatus = 'HOLSTER_PAIRING_STATUS_UNSPECIFIED' | 'HOLSTER_PAIRING_STATUS_PENDING' | 'HOLSTER_PAIRING_STATUS_PAIRED' | 'HOLSTER_PAIRING_STATUS_FAILED';

export interface HolsterPairing {
  /** 6 characters A-Z/0-9, upper case. */
  serial: string;
  /** Not yet confirmed by a camera: the camera runs the pairing flow. */
  pending: boolean;
}

export interface HolsterPairings {
  userId: string;
  sensors: HolsterPairing[];
}

export interface HolsterPairingOutcome {
  serial: string;
  status: HolsterPairingStatus;
  /** Camera wall clock (ms since epoch) of the last connection; 0 = never. */
  lastConnectedMs: number;
}

export interface HolsterPairingReport {
  userId: string;
  sensors: HolsterPairingOutcome[];
}

function checkSerials(sensors: readonly { serial: string }[], path: string): void {
  if (sensors.length > MAX_HOLSTER_SENSORS) throw invalidField(`${path}.sensors`, `at most ${MAX_HOLSTER_SENSORS} sensors`, `${sensors.length}`);
  const seen = new Set<string>();
  sensors.forEach((s, i) => {
    const at = `${path}.sensors[${i}].serial`;
    if (s.serial.length === 0) throw missingField(at, 'a 6-character holster sensor serial (A-Z, 0-9)');
    if (!SERIAL.test(s.serial)) throw invalidField(at, '6 characters A-Z or 0-9', JSON.stringify(s.serial.slice(0, 40)));
    if (seen.has(s.serial)) throw invalidField(at, 'a serial not listed twice', JSON.stringify(s.serial));
    seen.add(s.serial);
  });
}

export function checkHolsterPairings(m: HolsterPairings, path = 'holsterPairings'): void {
  requiredText(m.userId, `${path}.userId`, 'the user the sensors are paired with');
  checkSerials(m.sensors, path);
}

export function checkHolsterPairingReport(m: HolsterPairingReport, path = 'holsterPairingReport'): void {
  requiredText(m.userId, `${path}.userId`, 'the user the report is about');
  checkSerials(m.sensors, path);
  m.sensors.forEach((s, i) => requiredEnum(s.status, `${path}.sensors[${i}].status`, 'PENDING, PAIRED or FAILED'));
}

/** A standalone codec for one message type: encode checks as decode does. Throws ProtocolError only. */
function codec<M>(typeName: string, path: string, check: (m: M, path: string) => void) {
  const type = messageType(typeName);
  return {
    encode(message: M): Uint8Array {
      const plain = normalize(type, message, path) as unknown as M;
      check(plain, path);
      return type.encode(toWire(type, plain as unknown as Plain)).finish();
    },
    decode(bytes: Uint8Array): M {
      let wire: unknown;
      try {
        wire = type.decode(bytes);
      } catch (e) {
        throw decodeFailure(`${path} (${type.fullName})`, e);
      }
      const plain = fromWire(type, wire, path) as unknown as M;
      check(plain, path);
      return plain;
    },
  };
}

const pairingsCodec = codec<HolsterPairings>('HolsterPairings', 'holsterPairings', checkHolsterPairings);
const reportCodec = codec<HolsterPairingReport>('HolsterPairingReport', 'holsterPairingReport', checkHolsterPairingReport);

export const encodeHolsterPairings = (m: HolsterPairings): Uint8Array => pairingsCodec.encode(m);
export const decodeHolsterPairings = (b: Uint8Array): HolsterPairings => pairingsCodec.decode(b);
export const encodeHolsterPairingReport = (m: HolsterPairingReport): Uint8Array => reportCodec.encode(m);
export const decodeHolsterPairingReport = (b: Uint8Array): HolsterPairingReport => reportCodec.decode(b);
