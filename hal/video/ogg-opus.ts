/**
 * Reading an Ogg Opus file (RFC 3533 pages, RFC 7845 mapping) into its OpusHead and its audio
 * packets: the emulated microphone's fixtures. Every page's CRC is checked; a malformed file is a
 * HalError 'EFORMAT' naming the page and what was wrong.
 */
import { HalError } from '../errors.js';

export interface OggOpus {
  /** The identification header (RFC 7845 5.1), as Matroska's A_OPUS CodecPrivate wants it. */
  head: Uint8Array;
  channels: number;
  /** Samples (at 48 kHz) the decoder drops at the start. */
  preSkip: number;
  /** Audio packets in order (headers excluded). */
  packets: Uint8Array[];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

const MAGIC = [0x4f, 0x67, 0x67, 0x53]; // "OggS"

/** Parse an Ogg Opus file of one logical stream. */
export function readOggOpus(bytes: Uint8Array, name = 'Ogg Opus file'): OggOpus {
  const bad = (what: string) => new HalError('EFORMAT', `${name}: ${what}; expected an Ogg Opus file (RFC 7845) of one stream`);
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let at = 0, page = 0, serial: number | undefined;
  while (at < bytes.length) {
    if (bytes.length - at < 27) throw bad(`page ${page} is cut short (${bytes.length - at} bytes left, a page header is 27)`);
    if (!MAGIC.every((m, i) => bytes[at + i] === m)) throw bad(`page ${page} at byte ${at} does not start with "OggS"`);
    if (bytes[at + 4] !== 0) throw bad(`page ${page} has stream structure version ${bytes[at + 4]}, not 0`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 27);
    const pageSerial = view.getUint32(14, true);
    if (serial !== undefined && pageSerial !== serial) throw bad(`page ${page} belongs to another stream (serial ${pageSerial}, first ${serial})`);
    serial = pageSerial;
    const segments = bytes[at + 26]!;
    const tableEnd = at + 27 + segments;
    if (tableEnd > bytes.length) throw bad(`page ${page}'s segment table is cut short`);
    const lacing = bytes.subarray(at + 27, tableEnd);
    const bodyLength = lacing.reduce((n, l) => n + l, 0);
    const end = tableEnd + bodyLength;
    if (end > bytes.length) throw bad(`page ${page}'s body is cut short (${bodyLength} bytes announced, ${bytes.length - tableEnd} left)`);
    const whole = Uint8Array.from(bytes.subarray(at, end));
    const stored = view.getUint32(22, true);
    whole.fill(0, 22, 26);
    if (oggCrc(whole) !== stored) throw bad(`page ${page} fails its CRC check`);
    if ((bytes[at + 5]! & 1) === 0 && partial.length > 0) throw bad(`page ${page} starts a new packet while the last one is unfinished`);
    let pos = tableEnd;
    for (const l of lacing) {
      partial.push(bytes.subarray(pos, pos + l));
      pos += l;
      if (l < 255) {
        const total = partial.reduce((n, p) => n + p.length, 0);
        const packet = new Uint8Array(total);
        let o = 0;
        for (const p of partial) { packet.set(p, o); o += p.length; }
        packets.push(packet);
        partial = [];
      }
    }
    at = end;
    page++;
  }
  if (partial.length > 0) throw bad('the last packet is unfinished');
  const head = packets[0];
  const text = (p: Uint8Array | undefined, n: number) => (p && p.length >= n ? String.fromCharCode(...p.subarray(0, 8)) : '');
  if (text(head, 19) !== 'OpusHead') throw bad('the first packet is not an OpusHead');
  if (text(packets[1], 8) !== 'OpusTags') throw bad('the second packet is not OpusTags');
  const channels = head![9]!;
  if (channels < 1 || channels > 2) throw bad(`OpusHead says ${channels} channels; expected 1 or 2`);
  const preSkip = head![10]! | (head![11]! << 8);
  const audio = packets.slice(2);
  if (audio.length === 0 || audio.some((p) => p.length === 0)) throw bad('it has no audio packets, or an empty one');
  return { head: head!, channels, preSkip, packets: audio };
}
