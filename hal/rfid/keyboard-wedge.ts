/**
 * USB RFID readers of the kind the manual names ("External RFID Card Reader 125kHz + 13.56MHz
 * with NFC (USB)") are HID keyboards: each read types the tag's number, then Enter. This turns
 * evdev key records into whole tag numbers and drops anything else, counting why.
 *
 * Key map (linux/input-event-codes.h), presses only (value 1; releases and autorepeat ignored):
 *   KEY_1..KEY_9 = 2..10 -> '1'..'9', KEY_0 = 11 -> '0'; keypad KP7 71, KP8 72, KP9 73, KP4 75,
 *   KP5 76, KP6 77, KP1 79, KP2 80, KP3 81, KP0 82; letters KEY_A 30 'A', KEY_B 48 'B',
 *   KEY_C 46 'C', KEY_D 32 'D', KEY_E 18 'E', KEY_F 33 'F' (upper case whatever Shift says);
 *   KEY_ENTER 28 and KEY_KPENTER 96 end a tag; Shift (42, 54) and Caps Lock (58) are ignored.
 * Any other key in a tag garbles it (dropped at its Enter); an Enter with nothing typed is
 * 'empty'; more than MAX_TAG_CHARS characters is 'tooLong'; characters not followed by a key
 * within TAG_GAP_MS (kernel time) were a cut read, dropped as 'partial' when the next key
 * comes; SYN_DROPPED drops the tag in progress.
 */
import { EV_KEY, EV_SYN, KEY_PRESS, SYN_DROPPED, type InputEvent } from '../buttons/evdev.js';
import type { RfidStats } from './contract.js';

/** Longest tag number taken (a 10-byte UID is 20 hex digits; 32 leaves room for decimal forms). */
export const MAX_TAG_CHARS = 32;
/** A reader types a whole tag in well under this; a longer silence means the read was cut. */
export const TAG_GAP_MS = 500;

export const KEY_ENTER = 28;
export const KEY_KPENTER = 96;
const IGNORED = new Set([42, 54, 58]);

/** Key code -> the character it types in a tag number. */
export const TAG_KEYMAP: ReadonlyMap<number, string> = new Map<number, string>([
  [2, '1'], [3, '2'], [4, '3'], [5, '4'], [6, '5'], [7, '6'], [8, '7'], [9, '8'], [10, '9'], [11, '0'],
  [79, '1'], [80, '2'], [81, '3'], [75, '4'], [76, '5'], [77, '6'], [71, '7'], [72, '8'], [73, '9'], [82, '0'],
  [30, 'A'], [48, 'B'], [46, 'C'], [32, 'D'], [18, 'E'], [33, 'F'],
]);

/** Assembles tags from key records; `stats` counts what was dropped. */
export class TagAssembler {
  #chars = '';
  #garbled = false;
  #lastMs = -Infinity;

  constructor(private readonly stats: RfidStats) {}

  /** Characters of a tag in progress. */
  get pending(): number { return this.#chars.length + (this.#garbled ? 1 : 0); }

  /** Feed one record; returns the tag number when this record ended a good read. */
  push(e: InputEvent): { tag: string; timeMs: number } | undefined {
    if (e.type === EV_SYN && e.code === SYN_DROPPED) {
      if (this.pending > 0) this.stats.dropped++;
      this.reset();
      return undefined;
    }
    if (e.type !== EV_KEY || e.value !== KEY_PRESS || IGNORED.has(e.code)) return undefined;
    if (this.pending > 0 && e.timeMs - this.#lastMs > TAG_GAP_MS) {
      this.stats.partial++;
      this.reset();
    }
    this.#lastMs = e.timeMs;
    if (e.code === KEY_ENTER || e.code === KEY_KPENTER) {
      const chars = this.#chars;
      const garbled = this.#garbled;
      this.reset();
      if (garbled) { this.stats.garbled++; return undefined; }
      if (chars === '') { this.stats.empty++; return undefined; }
      if (chars.length > MAX_TAG_CHARS) { this.stats.tooLong++; return undefined; }
      return { tag: chars, timeMs: e.timeMs };
    }
    const c = TAG_KEYMAP.get(e.code);
    if (c === undefined) this.#garbled = true;
    else if (this.#chars.length <= MAX_TAG_CHARS) this.#chars += c;
    return undefined;
  }

  /** The reader went away or closed: a tag in progress is a cut read. */
  finish(): void {
    if (this.pending > 0) this.stats.partial++;
    this.reset();
  }

  private reset(): void {
    this.#chars = '';
    this.#garbled = false;
  }
}

/** The key records a reader sends for `tag` + Enter (press and release of each key), for tests and rigs. */
export function typeTag(tag: string, startMs: number, keyMs = 4): InputEvent[] {
  const codeOf = new Map([...TAG_KEYMAP].filter(([code]) => code < 71 || code > 82).map(([code, c]) => [c, code]));
  const out: InputEvent[] = [];
  let t = startMs;
  for (const ch of [...tag.toUpperCase()].map((c) => codeOf.get(c) ?? -1).concat(KEY_ENTER)) {
    if (ch < 0) throw new RangeError(`typeTag: ${JSON.stringify(tag)} has a character a reader cannot type; expected digits and A-F`);
    out.push({ timeMs: t, type: EV_KEY, code: ch, value: 1 }, { timeMs: t, type: EV_SYN, code: 0, value: 0 });
    t += keyMs / 2;
    out.push({ timeMs: t, type: EV_KEY, code: ch, value: 0 }, { timeMs: t, type: EV_SYN, code: 0, value: 0 });
    t += keyMs / 2;
  }
  return out;
}
