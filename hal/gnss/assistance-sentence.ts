/**
 * `$PBWCEPH`, our proprietary NMEA sentence carrying assistance (ephemeris) data to a receiver:
 *
 *     $PBWCEPH,<index>,<count>,<validAtMs>,<base64 of up to 30 bytes>*hh\r\n
 *
 * `index` runs 1..count; all pieces of one hand-over share count and validAtMs. Each line stays
 * within NMEA's 82 characters. Only our emulated receiver understands it: a real receiver needs
 * its vendor's message (u-blox: UBX-MGA-GPS-EPH etc., or UBX-MGA-ANO), which a board-specific
 * driver would send instead.
 */
import { Buffer } from 'node:buffer';
import type { GnssAssistance } from './contract.js';
import { nmeaLine } from './nmea/parser.js';

export const EPHEMERIS_PIECE_BYTES = 30;
export const MAX_EPHEMERIS_BYTES = 65536;
/** Assistance older than this is stale and not used (the contract's 4 h). */
export const ASSISTANCE_FRESH_MS = 4 * 3600_000;

/** Throws RangeError/TypeError when `data` is not assistance the contract allows. */
export function checkAssistance(data: GnssAssistance): void {
  if (typeof data !== 'object' || data === null || !(data.ephemeris instanceof Uint8Array)) {
    throw new TypeError(`gnss assist: data.ephemeris must be a Uint8Array, got ${data === null ? 'null' : typeof data?.ephemeris}`);
  }
  const n = data.ephemeris.length;
  if (n < 1 || n > MAX_EPHEMERIS_BYTES) throw new RangeError(`gnss assist: ephemeris must be 1..${MAX_EPHEMERIS_BYTES} bytes, got ${n}`);
  if (!Number.isFinite(data.validAtMs)) throw new RangeError(`gnss assist: validAtMs must be a finite time in ms since the Unix epoch, got ${data.validAtMs}`);
}

/** The lines of one hand-over, as ASCII text. */
export function encodeAssistance(data: GnssAssistance): string {
  const count = Math.ceil(data.ephemeris.length / EPHEMERIS_PIECE_BYTES);
  let out = '';
  for (let i = 0; i < count; i++) {
    const piece = data.ephemeris.subarray(i * EPHEMERIS_PIECE_BYTES, (i + 1) * EPHEMERIS_PIECE_BYTES);
    out += nmeaLine(`PBWCEPH,${i + 1},${count},${Math.round(data.validAtMs)},${Buffer.from(piece).toString('base64')}`);
  }
  return out;
}

/** One `$PBWCEPH` piece read back (by the emulated receiver), or undefined for another line. */
export function decodeAssistancePiece(line: string): { index: number; count: number; validAtMs: number; bytes: Uint8Array } | undefined {
  const m = /^\$PBWCEPH,(\d+),(\d+),(\d+),([A-Za-z0-9+/=]*)\*([0-9A-F]{2})$/.exec(line.trim());
  if (!m) return undefined;
  let sum = 0;
  const body = line.trim().slice(1, -3);
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  if (sum !== parseInt(m[5]!, 16)) return undefined;
  const index = Number(m[1]), count = Number(m[2]);
  if (index < 1 || index > count) return undefined;
  return { index, count, validAtMs: Number(m[3]), bytes: new Uint8Array(Buffer.from(m[4]!, 'base64')) };
}
