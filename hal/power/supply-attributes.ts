/**
 * Parsers for Linux `power_supply` sysfs attributes (Documentation/ABI/testing/sysfs-class-power).
 * Each takes the file's text and its path, and throws HalError EMALFORMED naming both on nonsense.
 */
import { HalError } from '../errors.js';
import type { ChargingState } from './contract.js';

/** Supply types a dock contact can show up as. */
export const DOCK_SUPPLY_TYPES = ['Mains', 'USB'] as const;

/** Supply types the kernel documents for the `type` attribute. */
export const SUPPLY_TYPES = ['Battery', 'UPS', 'Mains', 'USB', 'Wireless'] as const;

export function malformed(path: string, text: string, expected: string): HalError {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
  return new HalError('EMALFORMED', `${path} holds ${shown}: expected ${expected}`);
}

/** Decimal integer, surrounding whitespace (the kernel's newline) allowed. */
export function parseInteger(text: string, path: string, expected: string): number {
  const s = text.trim();
  if (!/^-?\d{1,15}$/.test(s)) throw malformed(path, text, expected);
  return Number(s);
}

/** `capacity`: percent. Gauges sometimes overshoot (101 %): clamped to 0-100. */
export function parseCapacity(text: string, path: string): number {
  const n = parseInteger(text, path, 'an integer percentage 0-100');
  return Math.min(100, Math.max(0, n));
}

const STATUS: Record<string, ChargingState | 'unknown'> = {
  Charging: 'charging',
  Discharging: 'discharging',
  Full: 'full',
  'Not charging': 'not-charging',
  Unknown: 'unknown',
};

/** `status` of a battery. `Unknown` is returned as 'unknown' for the caller to resolve. */
export function parseStatus(text: string, path: string): ChargingState | 'unknown' {
  const s = text.trim();
  const v = Object.hasOwn(STATUS, s) ? STATUS[s] : undefined;
  if (!v) throw malformed(path, text, `one of ${Object.keys(STATUS).join(', ')}`);
  return v;
}

/** `online` of a Mains/USB supply: 0 offline, 1 online (fixed), 2 online (programmable). */
export function parseOnline(text: string, path: string): boolean {
  const s = text.trim();
  if (s !== '0' && s !== '1' && s !== '2') throw malformed(path, text, '0 (offline) or 1/2 (online)');
  return s !== '0';
}

/** `type` of a supply. */
export function parseType(text: string, path: string): string {
  const s = text.trim();
  if (!(SUPPLY_TYPES as readonly string[]).includes(s)) throw malformed(path, text, `one of ${SUPPLY_TYPES.join(', ')}`);
  return s;
}

/** `voltage_now`: microvolts → volts (3 decimals). */
export function parseMicrovolts(text: string, path: string): number {
  const uv = parseInteger(text, path, 'an integer number of microvolts');
  return Math.round(uv / 1000) / 1000;
}

/** `temp`: tenths of a degree Celsius → °C. */
export function parseDeciCelsius(text: string, path: string): number {
  return parseInteger(text, path, 'an integer in tenths of a degree Celsius') / 10;
}

/** `time_to_empty_now`: seconds → whole minutes. */
export function parseSecondsToMinutes(text: string, path: string): number {
  const s = parseInteger(text, path, 'an integer number of seconds');
  if (s < 0) throw malformed(path, text, 'a non-negative integer number of seconds');
  return Math.floor(s / 60);
}
