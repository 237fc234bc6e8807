/**
 * A location as text, `<lat><long><accuracy><epoch>` (ISO 6709-like signed decimals), as the
 * TriggerOnLocation/TriggerOffLocation metadata carries it; the grammar is in README.md.
 */

/** One location as the text form holds it. */
export interface LocationText {
  /** WGS 84 degrees, north positive, -90..90 (6 decimals kept). */
  latitude: number;
  /** WGS 84 degrees, east positive, -180..180 (6 decimals kept). */
  longitude: number;
  /** Horizontal accuracy in metres, 0..99999.9 (1 decimal kept). */
  accuracyM: number;
  /** Seconds since the Unix epoch (UTC) of the fix. */
  epochS: number;
}

/** Which part of the text was wrong. */
export type LocationTextPart = 'latitude' | 'longitude' | 'accuracy' | 'epoch' | 'end';

/** Malformed location text; `part` names the part that was wrong. */
export class LocationTextError extends Error {
  readonly code = 'ELOCATION_TEXT';
  constructor(readonly part: LocationTextPart, message: string) {
    super(message);
    this.name = 'LocationTextError';
  }
}

const MAX_ACCURACY_M = 99_999.9;
const MAX_EPOCH_S = 99_999_999_999;

function pad(n: number, intDigits: number, decimals: number): string {
  const [int, frac] = Math.abs(n).toFixed(decimals).split('.');
  return `${n < 0 && Number(Math.abs(n).toFixed(decimals)) !== 0 ? '-' : '+'}${int!.padStart(intDigits, '0')}.${frac}`;
}

/** `+59.329300+018.068600+5.0+1763934000`. Throws RangeError naming a value out of range. */
export function formatLocation(l: LocationText): string {
  if (!(Math.abs(l.latitude) <= 90)) throw new RangeError(`latitude must be -90..90 degrees, got ${l.latitude}`);
  if (!(Math.abs(l.longitude) <= 180)) throw new RangeError(`longitude must be -180..180 degrees, got ${l.longitude}`);
  if (!(l.accuracyM >= 0)) throw new RangeError(`accuracy must be >= 0 m, got ${l.accuracyM}`);
  if (!Number.isInteger(l.epochS) || l.epochS < 0 || l.epochS > MAX_EPOCH_S) throw new RangeError(`epoch must be whole seconds 0..${MAX_EPOCH_S}, got ${l.epochS}`);
  const accuracy = Math.min(l.accuracyM, MAX_ACCURACY_M).toFixed(1);
  return `${pad(l.latitude, 2, 6)}${pad(l.longitude, 3, 6)}+${accuracy}+${l.epochS}`;
}

const PARTS: { part: Exclude<LocationTextPart, 'end'>; re: RegExp; expected: string }[] = [
  { part: 'latitude', re: /^[+-]\d{2}\.\d{6}/, expected: 'a sign, 2 digits, "." and 6 digits (e.g. +59.329300)' },
  { part: 'longitude', re: /^[+-]\d{3}\.\d{6}/, expected: 'a sign, 3 digits, "." and 6 digits (e.g. +018.068600)' },
  { part: 'accuracy', re: /^\+\d{1,5}\.\d/, expected: '"+", 1 to 5 digits, "." and 1 digit of metres (e.g. +5.0)' },
  { part: 'epoch', re: /^\+\d{1,11}/, expected: '"+" and 1 to 11 digits of seconds since 1970-01-01T00:00:00Z (e.g. +1763934000)' },
];

/** Parse the text form; LocationTextError names the first malformed or out-of-range part. */
export function parseLocation(text: string): LocationText {
  if (typeof text !== 'string') throw new LocationTextError('latitude', `location text: expected a string, got ${typeof text}`);
  let rest = text;
  const values: number[] = [];
  for (const { part, re, expected } of PARTS) {
    const m = re.exec(rest);
    if (!m) throw new LocationTextError(part, `location ${JSON.stringify(text)}: ${part} at ${JSON.stringify(rest.slice(0, 16))}: expected ${expected}`);
    values.push(Number(m[0]));
    rest = rest.slice(m[0].length);
  }
  if (rest !== '') throw new LocationTextError('end', `location ${JSON.stringify(text)}: unexpected ${JSON.stringify(rest.slice(0, 16))} after the epoch: expected the end`);
  const [latitude, longitude, accuracyM, epochS] = values as [number, number, number, number];
  if (Math.abs(latitude) > 90) throw new LocationTextError('latitude', `location ${JSON.stringify(text)}: latitude ${latitude}: expected -90 to +90 degrees`);
  if (Math.abs(longitude) > 180) throw new LocationTextError('longitude', `location ${JSON.stringify(text)}: longitude ${longitude}: expected -180 to +180 degrees`);
  return { latitude, longitude, accuracyM, epochS };
}
