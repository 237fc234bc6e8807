/**
 * Streaming NMEA 0183 parser: bytes in (chunks split anywhere), sentences out. Never throws on
 * input; every line it cannot use is counted by reason and skipped.
 */
import { clearFieldError, fieldError, readAngle, readDate, readInt, readLetter, readNumber, readTimeOfDay } from './fields.js';
import type { NmeaSentence, Talker } from './sentence.js';

/**
 * Longest line accepted, from `$` to the last checksum digit. NMEA 0183 allows 82 characters
 * including `$` and CR LF, i.e. 80 here; 16 more are allowed as slack because some receivers
 * (NMEA 4.1 GSV/GSA with a system id, long PUBX lines) exceed the standard a little.
 */
export const MAX_LINE_BYTES = 96;

/** Why lines were dropped, and how many lines were taken. Counters only grow. */
export interface NmeaCounts {
  /** Sentences parsed and delivered. */
  sentences: number;
  /** Well-formed lines with a valid checksum of a kind not parsed here ($GPTXT, $PUBX...). */
  ignored: number;
  /** The checksum did not match. */
  badChecksum: number;
  /** No `*hh` checksum, a bad address, or fields that are not what the sentence type says. */
  malformed: number;
  /** Longer than MAX_LINE_BYTES. */
  tooLong: number;
  /** A line without its start (bytes not beginning with `$`), or cut off by the next `$`. */
  partial: number;
}

export type SentenceListener = (s: NmeaSentence) => void;

const DOLLAR = 0x24, LF = 0x0a, CR = 0x0d, STAR = 0x2a, COMMA = 0x2c;
const MAX_FIELDS = 40;

const hex = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;

/** Talker from the two address bytes, or undefined when not one we take. */
function talkerOf(a: number, b: number): Talker | undefined {
  if (a === 0x47) { // G
    if (b === 0x50) return 'GP';
    if (b === 0x4e) return 'GN';
    if (b === 0x4c) return 'GL';
    if (b === 0x41) return 'GA';
    if (b === 0x42) return 'GB';
  } else if (a === 0x42 && b === 0x44) return 'BD';
  return undefined;
}

const code3 = (b: Uint8Array, i: number) => (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
const GGA = code3(new TextEncoder().encode('GGA'), 0);
const RMC = code3(new TextEncoder().encode('RMC'), 0);
const GSA = code3(new TextEncoder().encode('GSA'), 0);
const GSV = code3(new TextEncoder().encode('GSV'), 0);
const VTG = code3(new TextEncoder().encode('VTG'), 0);
const GLL = code3(new TextEncoder().encode('GLL'), 0);
const MODE_LETTERS: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

export class NmeaParser {
  readonly counts: NmeaCounts = { sentences: 0, ignored: 0, badChecksum: 0, malformed: 0, tooLong: 0, partial: 0 };
  private readonly line = new Uint8Array(MAX_LINE_BYTES + 2);
  private len = 0;
  /** 0 between lines, 1 collecting a `$` line, 2 in junk (a line not starting with `$`), 3 skipping an over-long line. */
  private mode = 0;
  private readonly starts = new Int32Array(MAX_FIELDS + 2);
  private readonly ends = new Int32Array(MAX_FIELDS + 2);

  constructor(private readonly listener: SentenceListener) {}

  /** Total lines seen that were dropped (every reason but `ignored`). */
  get dropped(): number {
    const c = this.counts;
    return c.badChecksum + c.malformed + c.tooLong + c.partial;
  }

  /** Feed bytes as they arrive. Complete lines are parsed now; the rest waits for the next chunk. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.mode === 0) {
        // Fast path: a whole line inside this chunk is parsed where it lies.
        const c = chunk[i]!;
        if (c === DOLLAR) {
          const limit = Math.min(n, i + MAX_LINE_BYTES + 1);
          let j = i + 1;
          while (j < limit) {
            const d = chunk[j]!;
            if (d === LF || d === CR || d === DOLLAR) break;
            j++;
          }
          if (j < limit) {
            const d = chunk[j]!;
            if (d === DOLLAR) { this.counts.partial++; i = j; continue; }
            this.sentence(chunk, i, j);
            i = j + 1;
            continue;
          }
          if (j - i > MAX_LINE_BYTES) { this.counts.tooLong++; this.mode = 3; i = j; continue; }
          // The line goes on in the next chunk.
          this.line.set(chunk.subarray(i, n), 0);
          this.len = n - i;
          this.mode = 1;
          return;
        }
        if (c !== LF && c !== CR) this.mode = 2;
        i++;
        continue;
      }
      const c = chunk[i]!;
      if (this.mode === 1) {
        if (c === LF || c === CR) { this.mode = 0; this.sentence(this.line, 0, this.len); i++; continue; }
        if (c === DOLLAR) { this.counts.partial++; this.mode = 0; continue; }
        if (this.len >= MAX_LINE_BYTES) { this.counts.tooLong++; this.mode = 3; continue; }
        this.line[this.len++] = c;
        i++;
        continue;
      }
      // Junk or over-long: skip to the end of the line or the next `$`.
      if (c === LF || c === CR || c === DOLLAR) {
        if (this.mode === 2) this.counts.partial++;
        this.mode = 0;
        if (c === DOLLAR) continue;
      }
      i++;
    }
  }

  /** The input ended: a line still open is partial. */
  end(): void {
    if (this.mode === 1 || this.mode === 2) this.counts.partial++;
    this.mode = 0;
    this.len = 0;
  }

  /** One complete line `b[s..e)`, from `$` to just before CR/LF. */
  private sentence(b: Uint8Array, s: number, e: number): void {
    const c = this.counts;
    if (e - s < 10 || b[e - 3] !== STAR) { c.malformed++; return; }
    const h1 = hex(b[e - 2]!), h2 = hex(b[e - 1]!);
    if (h1 < 0 || h2 < 0) { c.malformed++; return; }
    // One pass: the checksum, and where each field starts and ends (field k is b[starts[k]..ends[k])).
    const starAt = e - 3;
    const st = this.starts, en = this.ends;
    let sum = 0, k = 0, star = false;
    for (let i = s + 1; i < starAt; i++) {
      const x = b[i]!;
      sum ^= x;
      if (x === COMMA) {
        if (k < MAX_FIELDS) { if (k > 0) en[k] = i; st[++k] = i + 1; } else k = MAX_FIELDS + 1;
      } else if (x === STAR) star = true;
    }
    if (sum !== ((h1 << 4) | h2)) { c.badChecksum++; return; }
    const talker = talkerOf(b[s + 1]!, b[s + 2]!);
    const type = code3(b, s + 3);
    if (talker === undefined || b[s + 6] !== COMMA ||
      (type !== GGA && type !== RMC && type !== GSA && type !== GSV && type !== VTG && type !== GLL)) {
      // A proprietary or other well-formed sentence: fine, not ours to parse.
      c.ignored++;
      return;
    }
    if (star || k > MAX_FIELDS) { c.malformed++; return; }
    en[k] = starAt;
    const fields = k;
    for (let f = fields + 1; f <= 20; f++) { st[f] = starAt; en[f] = starAt; }
    clearFieldError();
    let out: NmeaSentence | undefined;
    if (type === GGA) {
      if (fields >= 14) {
        const quality = readInt(b, st[6]!, en[6]!);
        out = {
          type: 'GGA', talker, timeOfDayMs: readTimeOfDay(b, st[1]!, en[1]!),
          latitude: readAngle(b, st[2]!, en[2]!, st[3]!, en[3]!, 0x4e, 0x53, 90),
          longitude: readAngle(b, st[4]!, en[4]!, st[5]!, en[5]!, 0x45, 0x57, 180),
          quality, satellites: readInt(b, st[7]!, en[7]!), hdop: readNumber(b, st[8]!, en[8]!),
          altitudeM: readNumber(b, st[9]!, en[9]!),
        };
        if (!(quality >= 0 && quality <= 8) || (quality > 0 && (Number.isNaN(out.latitude) || Number.isNaN(out.longitude)))) out = undefined;
      }
    } else if (type === RMC) {
      if (fields >= 11) {
        const status = readLetter(b, st[2]!, en[2]!);
        const mode = fields >= 12 ? readLetter(b, st[12]!, en[12]!) : 0;
        out = {
          type: 'RMC', talker, timeOfDayMs: readTimeOfDay(b, st[1]!, en[1]!), valid: status === 0x41,
          latitude: readAngle(b, st[3]!, en[3]!, st[4]!, en[4]!, 0x4e, 0x53, 90),
          longitude: readAngle(b, st[5]!, en[5]!, st[6]!, en[6]!, 0x45, 0x57, 180),
          speedKnots: readNumber(b, st[7]!, en[7]!), courseDeg: readNumber(b, st[8]!, en[8]!),
          dateMs: readDate(b, st[9]!, en[9]!), mode: mode < 128 && mode > 0 ? MODE_LETTERS[mode]! : '',
        };
        if ((status !== 0x41 && status !== 0x56) || (out.valid && (Number.isNaN(out.latitude) || Number.isNaN(out.longitude)))) out = undefined;
      }
    } else if (type === GSA) {
      if (fields >= 17) {
        const fixMode = readInt(b, st[2]!, en[2]!);
        out = { type: 'GSA', talker, fixMode, pdop: readNumber(b, st[15]!, en[15]!), hdop: readNumber(b, st[16]!, en[16]!), vdop: readNumber(b, st[17]!, en[17]!) };
        if (!(fixMode >= 1 && fixMode <= 3)) out = undefined;
      }
    } else if (type === GSV) {
      if (fields >= 3) {
        const messages = readInt(b, st[1]!, en[1]!), messageNumber = readInt(b, st[2]!, en[2]!);
        out = { type: 'GSV', talker, messages, messageNumber, satellitesInView: readInt(b, st[3]!, en[3]!) };
        if (!(messages >= 1 && messages <= 9 && messageNumber >= 1 && messageNumber <= messages)) out = undefined;
      }
    } else if (type === VTG) {
      if (fields >= 8) out = { type: 'VTG', talker, courseDeg: readNumber(b, st[1]!, en[1]!), speedKmh: readNumber(b, st[7]!, en[7]!) };
    } else if (fields >= 6) { // GLL
      const status = readLetter(b, st[6]!, en[6]!);
      out = {
        type: 'GLL', talker, timeOfDayMs: readTimeOfDay(b, st[5]!, en[5]!),
        latitude: readAngle(b, st[1]!, en[1]!, st[2]!, en[2]!, 0x4e, 0x53, 90),
        longitude: readAngle(b, st[3]!, en[3]!, st[4]!, en[4]!, 0x45, 0x57, 180),
        valid: status === 0x41,
      };
      if ((status !== 0x41 && status !== 0x56) || (out.valid && (Number.isNaN(out.latitude) || Number.isNaN(out.longitude)))) out = undefined;
    }
    if (out === undefined || fieldError) { c.malformed++; return; }
    c.sentences++;
    this.listener(out);
  }
}

/** The checksum of an NMEA body (the bytes between `$` and `*`), as two uppercase hex digits. */
export function nmeaChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i) & 0xff;
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

/** `$body*hh\r\n`, the way a receiver sends it. */
export const nmeaLine = (body: string): string => `$${body}*${nmeaChecksum(body)}\r\n`;
