/**
 * EBML encoding (RFC 8794), just what the Matroska muxer writes: element ids, size vints
 * (including "unknown size"), unsigned integers, floats, strings, binaries and masters.
 */

/** An element size of "unknown" (8-byte vint of all ones): the element ends where its parent's next sibling starts. */
export const UNKNOWN_SIZE = Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** Element id bytes: ids carry their own length marker, written big-endian. */
export function idBytes(id: number): Uint8Array {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return Uint8Array.from(out);
}

/** A data size as the shortest vint (1..8 bytes). */
export function sizeVint(size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`EBML size must be a safe integer >= 0, got ${size}`);
  let len = 1;
  while (len < 8 && size >= 2 ** (7 * len) - 1) len++;
  const out = new Uint8Array(len);
  let v = size;
  for (let i = len - 1; i >= 0; i--) { out[i] = v % 256; v = Math.floor(v / 256); }
  out[0]! |= 0x80 >> (len - 1);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function element(id: number, data: Uint8Array): Uint8Array {
  return concat([idBytes(id), sizeVint(data.length), data]);
}

export function master(id: number, children: readonly Uint8Array[]): Uint8Array {
  return element(id, concat(children));
}

/** Start of a master element of unknown size; its children follow as separate writes. */
export function masterStart(id: number): Uint8Array {
  return concat([idBytes(id), UNKNOWN_SIZE]);
}

export function uint(id: number, value: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return element(id, Uint8Array.from(bytes.length ? bytes : [0]));
}

export function float(id: number, value: number): Uint8Array {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setFloat64(0, value);
  return element(id, data);
}

export function text(id: number, value: string): Uint8Array {
  return element(id, new TextEncoder().encode(value));
}
