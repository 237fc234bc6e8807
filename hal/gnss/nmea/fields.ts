/**
 * NMEA field readers over bytes: numbers, latitude/longitude, time of day and date, read in place
 * from a line buffer with no strings made. A bad field sets `fieldError` instead of throwing.
 */

/** Set by a reader when a field is present but not what NMEA says it should be. */
export let fieldError = false;
export const clearFieldError = (): void => { fieldError = false; };

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** A decimal number (optional sign, digits, optional fraction); NaN when the field is empty. */
export function readNumber(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  let neg = false;
  if (b[s] === 0x2d) { neg = true; s++; } else if (b[s] === 0x2b) s++;
  let int = 0, frac = 0, fracDigits = 0, digits = 0, dot = false;
  for (let i = s; i < e; i++) {
    const c = b[i]! - 0x30;
    if (c >= 0 && c <= 9) {
      digits++;
      if (dot) { if (fracDigits < 15) { frac = frac * 10 + c; fracDigits++; } } else int = int * 10 + c;
    } else if (c === -2 && !dot) dot = true; // '.'
    else { fieldError = true; return NaN; }
  }
  if (digits === 0 || digits > 20) { fieldError = true; return NaN; }
  const v = int + frac / POW10[fracDigits]!;
  return neg ? -v : v;
}

/** A non-negative integer; NaN when empty. */
export function readInt(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  if (e - s > 9) { fieldError = true; return NaN; }
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) { fieldError = true; return NaN; }
    v = v * 10 + c;
  }
  return v;
}

/**
 * Latitude (`ddmm.mmmm`, N/S) or longitude (`dddmm.mmmm`, E/W) in signed degrees; NaN when both
 * fields are empty. `pos`/`neg` are the hemisphere letters' byte values.
 */
export function readAngle(b: Uint8Array, s: number, e: number, hs: number, he: number, pos: number, neg: number, maxDeg: number): number {
  if (s >= e && hs >= he) return NaN;
  const v = readNumber(b, s, e);
  if (Number.isNaN(v) || v < 0 || he - hs !== 1) { fieldError = true; return NaN; }
  const deg = Math.floor(v / 100);
  const min = v - deg * 100;
  const d = deg + min / 60;
  if (min >= 60 || d > maxDeg) { fieldError = true; return NaN; }
  const h = b[hs];
  if (h === pos) return d;
  if (h === neg) return -d;
  fieldError = true;
  return NaN;
}

const digit = (b: Uint8Array, i: number): number => {
  const c = b[i]! - 0x30;
  if (c < 0 || c > 9) { fieldError = true; return 0; }
  return c;
};

/** `hhmmss[.sss]` as ms since midnight; NaN when empty. */
export function readTimeOfDay(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  if (e - s < 6) { fieldError = true; return NaN; }
  const h = digit(b, s) * 10 + digit(b, s + 1);
  const m = digit(b, s + 2) * 10 + digit(b, s + 3);
  const sec = digit(b, s + 4) * 10 + digit(b, s + 5);
  let ms = 0;
  if (e - s > 6) {
    if (b[s + 6] !== 0x2e || e - s > 12) { fieldError = true; return NaN; }
    let scale = 100;
    for (let i = s + 7; i < e; i++) { ms += digit(b, i) * scale; scale /= 10; }
  }
  if (fieldError || h > 23 || m > 59 || sec > 60) { fieldError = true; return NaN; }
  return ((h * 60 + m) * 60 + sec) * 1000 + Math.round(ms);
}

/** `ddmmyy` as the UTC midnight of that date (years 80-99 are 19xx); NaN when empty. */
export function readDate(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  if (e - s !== 6) { fieldError = true; return NaN; }
  const d = digit(b, s) * 10 + digit(b, s + 1);
  const mo = digit(b, s + 2) * 10 + digit(b, s + 3);
  const y = digit(b, s + 4) * 10 + digit(b, s + 5);
  if (fieldError || d < 1 || d > 31 || mo < 1 || mo > 12) { fieldError = true; return NaN; }
  return Date.UTC(y < 80 ? 2000 + y : 1900 + y, mo - 1, d);
}

/** One status letter (A/V, mode letters): its byte value, 0 when empty, error when longer. */
export function readLetter(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return 0;
  if (e - s !== 1) { fieldError = true; return 0; }
  return b[s]!;
}
