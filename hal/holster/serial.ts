/**
 * Holster sensor serial numbers: exactly 6 characters A-Z or 0-9, as printed on the sensor.
 * Lower-case letters are accepted and normalised to upper case; surrounding spaces are trimmed.
 */
import { HalError } from '../errors.js';

export const HOLSTER_SERIAL_LENGTH = 6;
const FORM = /^[A-Z0-9]{6}$/;

/** A serial that is not 6 characters A-Z/0-9. `code` is `EINVAL`. */
export class HolsterSerialError extends HalError {
  readonly given: unknown;
  constructor(given: unknown) {
    const shown = typeof given === 'string' ? JSON.stringify(given.length > 40 ? `${given.slice(0, 40)}...` : given) : `${given === null ? 'null' : typeof given}`;
    super('EINVAL', `holster sensor serial ${shown} is not valid: expected the 6-character serial number found on the sensor (letters A-Z and digits 0-9, e.g. "A1B2C3")`);
    this.name = 'HolsterSerialError';
    this.given = given;
  }
}

/** The normalised serial (trimmed, upper case), or HolsterSerialError naming what was given. */
export function normaliseHolsterSerial(input: unknown): string {
  if (typeof input !== 'string') throw new HolsterSerialError(input);
  const serial = input.trim().toUpperCase();
  if (!FORM.test(serial)) throw new HolsterSerialError(input);
  return serial;
}

/** True when `input` is already a normalised serial. */
export function isHolsterSerial(input: unknown): input is string {
  return typeof input === 'string' && FORM.test(input);
}
