/**
 * Linux evdev records (`struct input_event`) and key codes: a decoder that takes a byte stream
 * cut anywhere, an encoder for tests and HIL rigs, and the keymap check.
 * Layout, little-endian: 64-bit userland {int64 sec, int64 usec, u16 type, u16 code, s32 value}
 * = 24 bytes; 32-bit userland (armhf, i386) {u32 sec, u32 usec, ...} = 16 bytes.
 */

export const EV_SYN = 0;
export const EV_KEY = 1;
export const SYN_REPORT = 0;
/** The kernel's event buffer overflowed: events up to the next SYN_REPORT are lost. */
export const SYN_DROPPED = 3;
/** EV_KEY values. */
export const KEY_RELEASE = 0;
export const KEY_PRESS = 1;
export const KEY_AUTOREPEAT = 2;
/** Highest key code (KEY_MAX). */
export const KEY_MAX = 0x2ff;

/** Key codes from linux/input-event-codes.h that body-worn camera boards use. */
export const KEY = {
  POWER: 116,
  PROG1: 148,
  PROG2: 149,
  RECORD: 167,
  CAMERA: 212,
} as const;

/** record ← KEY_RECORD, power ← KEY_POWER, function ← KEY_PROG1. */
export const DEFAULT_KEYMAP: Readonly<Record<number, string>> = { [KEY.RECORD]: 'record', [KEY.POWER]: 'power', [KEY.PROG1]: 'function' };

export type RecordSize = 16 | 24;

/** Record size of this process's userland: 24 bytes on 64-bit, 16 on 32-bit. */
export const nativeRecordSize = (): RecordSize => (process.arch === 'arm' || process.arch === 'ia32' ? 16 : 24);

export interface InputEvent {
  /** Kernel time of the event in ms since the epoch (CLOCK_REALTIME, evdev's default). */
  timeMs: number;
  type: number;
  code: number;
  value: number;
}

/** Decode one record at `offset`. */
export function decodeInputEvent(buf: Buffer, offset: number, size: RecordSize): InputEvent {
  if (size === 24) {
    const sec = Number(buf.readBigInt64LE(offset));
    const usec = Number(buf.readBigInt64LE(offset + 8));
    return { timeMs: sec * 1000 + usec / 1000, type: buf.readUInt16LE(offset + 16), code: buf.readUInt16LE(offset + 18), value: buf.readInt32LE(offset + 20) };
  }
  const sec = buf.readUInt32LE(offset);
  const usec = buf.readUInt32LE(offset + 4);
  return { timeMs: sec * 1000 + usec / 1000, type: buf.readUInt16LE(offset + 8), code: buf.readUInt16LE(offset + 10), value: buf.readInt32LE(offset + 12) };
}

/** Encode records the way the kernel writes them (tests, HIL rigs replaying captures). */
export function encodeInputEvents(events: readonly InputEvent[], size: RecordSize = 24): Buffer {
  const buf = Buffer.alloc(events.length * size);
  events.forEach((e, i) => {
    const at = i * size;
    const sec = Math.floor(e.timeMs / 1000);
    const usec = Math.round((e.timeMs - sec * 1000) * 1000);
    if (size === 24) {
      buf.writeBigInt64LE(BigInt(sec), at);
      buf.writeBigInt64LE(BigInt(usec), at + 8);
    } else {
      buf.writeUInt32LE(sec >>> 0, at);
      buf.writeUInt32LE(usec, at + 4);
    }
    buf.writeUInt16LE(e.type, at + size - 8);
    buf.writeUInt16LE(e.code, at + size - 6);
    buf.writeInt32LE(e.value, at + size - 4);
  });
  return buf;
}

/** Turns a byte stream cut at any point into whole records. */
export class InputEventDecoder {
  private rest: Buffer = Buffer.alloc(0);
  constructor(readonly size: RecordSize) {}

  /** Bytes of an incomplete record waiting for the rest. */
  get pendingBytes(): number { return this.rest.length; }

  push(chunk: Buffer): InputEvent[] {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const whole = buf.length - (buf.length % this.size);
    const events: InputEvent[] = [];
    for (let at = 0; at < whole; at += this.size) events.push(decodeInputEvent(buf, at, this.size));
    this.rest = Buffer.from(buf.subarray(whole));
    return events;
  }
}

/**
 * Check a keymap from config (`{ "167": "record" }` or `{ 167: 'record' }`): key codes 1-KEY_MAX,
 * non-empty button names. Returns it as a Map. Throws TypeError/RangeError naming the entry.
 */
export function checkKeymap(keymap: unknown): Map<number, string> {
  if (typeof keymap !== 'object' || keymap === null || Array.isArray(keymap)) {
    throw new TypeError(`keymap must be an object of key code to button name (e.g. { "167": "record" }), got ${keymap === null ? 'null' : Array.isArray(keymap) ? 'an array' : typeof keymap}`);
  }
  const map = new Map<number, string>();
  for (const [k, v] of Object.entries(keymap)) {
    const code = /^\d+$/.test(k) ? Number(k) : NaN;
    if (!Number.isInteger(code) || code < 1 || code > KEY_MAX) {
      throw new RangeError(`keymap[${JSON.stringify(k)}]: key code must be an integer 1-${KEY_MAX} (see linux/input-event-codes.h), got ${JSON.stringify(k)}`);
    }
    if (typeof v !== 'string' || v.length === 0) {
      throw new TypeError(`keymap[${k}]: button name must be a non-empty string (record, power, function, ...), got ${JSON.stringify(v) ?? String(v)}`);
    }
    map.set(code, v);
  }
  if (map.size === 0) throw new RangeError('keymap is empty; expected at least one key code mapped to a button name');
  return map;
}
