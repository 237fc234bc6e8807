/**
 * The sealed location data of one recording: fixed-size location records, each sealed with a key
 * derived from the recording key (ChaCha20-Poly1305, recording id, a 'location' label and the
 * record index bound), framed so it can be appended durably while the recording runs. Shared by
 * the camera (sealing) and the controller (opening); the byte layout is in firmware/camera/location/README.md.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { EvidenceError } from './errors.js';
import { CHUNK_TAG_BYTES, RECORDING_ID_BYTES, RECORDING_KEY_BYTES } from './envelope.js';

export type LocationRecordKind = 'trigger-on' | 'trigger-off' | 'trail' | 'closed';

/** One located instant as stored: 1e-7 degree and centimetre resolution. */
export interface LocationPoint {
  /** Receiver UTC of the fix, ms since the Unix epoch. */
  timeMs: number;
  latitude: number;
  longitude: number;
  accuracyM: number;
}

export interface LocationRecord {
  kind: LocationRecordKind;
  /** Absent only for 'closed'. */
  point?: LocationPoint;
}

/** What a recording's sealed location data says, opened. */
export interface RecordingLocation {
  triggerOn?: LocationPoint;
  triggerOff?: LocationPoint;
  /** In time order as written. */
  trail: LocationPoint[];
  /** The camera closed the log in order (a 'closed' record ends it); false for an interrupted recording's. */
  closed: boolean;
}

const KINDS: readonly LocationRecordKind[] = ['trigger-on', 'trigger-off', 'trail', 'closed'];
/** kind u8, time u64 BE ms, latitude i32 BE (1e-7 deg), longitude i32 BE, accuracy u32 BE (cm). */
export const LOCATION_RECORD_BYTES = 21;
/** u16 BE ciphertext length, then the ciphertext and its tag. */
export const LOCATION_FRAME_BYTES = 2 + LOCATION_RECORD_BYTES + CHUNK_TAG_BYTES;
const LABEL = Buffer.from('location', 'ascii');
const KEY_INFO = 'bwc.v1 sealed location key';

/** The location key: HMAC-SHA256(recording key, "bwc.v1 sealed location key"), so its nonces never meet the chunks'. */
export function locationKeyOf(recordingKey: Uint8Array): Uint8Array {
  if (recordingKey.length !== RECORDING_KEY_BYTES) throw new TypeError(`recording key must be ${RECORDING_KEY_BYTES} bytes, got ${recordingKey.length}`);
  return new Uint8Array(createHmac('sha256', recordingKey).update(KEY_INFO).digest());
}

function nonceOf(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function adOf(recordingId: Uint8Array, index: number): Buffer {
  const ad = Buffer.alloc(1 + RECORDING_ID_BYTES + LABEL.length + 8);
  ad[0] = 1;
  ad.set(recordingId, 1);
  ad.set(LABEL, 1 + RECORDING_ID_BYTES);
  ad.writeBigUInt64BE(BigInt(index), 1 + RECORDING_ID_BYTES + LABEL.length);
  return ad;
}

export function encodeLocationRecord(r: LocationRecord): Buffer {
  const b = Buffer.alloc(LOCATION_RECORD_BYTES);
  b[0] = KINDS.indexOf(r.kind) + 1;
  const p = r.point;
  if (p) {
    b.writeBigUInt64BE(BigInt(Math.max(0, Math.round(p.timeMs))), 1);
    b.writeInt32BE(Math.round(p.latitude * 1e7), 9);
    b.writeInt32BE(Math.round(p.longitude * 1e7), 13);
    b.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.round(p.accuracyM * 100))), 17);
  }
  return b;
}

export function decodeLocationRecord(b: Uint8Array, where: string): LocationRecord {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const kind = KINDS[(buf[0] ?? 0) - 1];
  if (buf.length !== LOCATION_RECORD_BYTES || !kind) throw new EvidenceError('ECORRUPT', `${where}: expected a ${LOCATION_RECORD_BYTES}-byte location record of kind 1-4, got ${buf.length} bytes of kind ${buf[0]}`);
  if (kind === 'closed') return { kind };
  return {
    kind,
    point: {
      timeMs: Number(buf.readBigUInt64BE(1)), latitude: buf.readInt32BE(9) / 1e7,
      longitude: buf.readInt32BE(13) / 1e7, accuracyM: buf.readUInt32BE(17) / 100,
    },
  };
}

/** One framed, sealed record (`LOCATION_FRAME_BYTES`), the `index`-th of the recording's log. */
export function sealLocationRecord(locationKey: Uint8Array, recordingId: Uint8Array, index: number, r: LocationRecord): Uint8Array {
  const plain = encodeLocationRecord(r);
  const c = createCipheriv('chacha20-poly1305', locationKey, nonceOf(index), { authTagLength: CHUNK_TAG_BYTES });
  c.setAAD(adOf(recordingId, index), { plaintextLength: plain.length });
  const out = Buffer.alloc(LOCATION_FRAME_BYTES);
  out.writeUInt16BE(LOCATION_RECORD_BYTES + CHUNK_TAG_BYTES, 0);
  const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  out.set(body, 2);
  return new Uint8Array(out);
}

/** The whole frames at the start of `bytes` (a torn tail after a power cut is left out). */
export function wholeLocationFrames(bytes: Uint8Array): Uint8Array {
  const whole = Math.floor(bytes.length / LOCATION_FRAME_BYTES) * LOCATION_FRAME_BYTES;
  return bytes.subarray(0, whole);
}

/**
 * Open a recording's sealed location data with its recording key. EvidenceError EAUTH when a
 * record was altered, moved, or belongs to another recording or key; ECORRUPT when the framing
 * is wrong; EEXTENDED when records follow the 'closed' one.
 */
export function openSealedLocation(recordingKey: Uint8Array, recordingId: Uint8Array, sealed: Uint8Array): RecordingLocation {
  const key = locationKeyOf(recordingKey);
  const out: RecordingLocation = { trail: [], closed: false };
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const idHex = Buffer.from(recordingId).toString('hex');
  for (let at = 0, index = 0; at < buf.length; at += LOCATION_FRAME_BYTES, index++) {
    const where = `recording ${idHex} location record ${index}`;
    if (at + LOCATION_FRAME_BYTES > buf.length || buf.readUInt16BE(at) !== LOCATION_RECORD_BYTES + CHUNK_TAG_BYTES) {
      throw new EvidenceError('ECORRUPT', `${where}: expected a frame of ${LOCATION_FRAME_BYTES} bytes with length ${LOCATION_RECORD_BYTES + CHUNK_TAG_BYTES}, got ${Math.min(LOCATION_FRAME_BYTES, buf.length - at)} bytes`);
    }
    if (out.closed) throw new EvidenceError('EEXTENDED', `${where}: follows the record that closed the log`);
    const body = buf.subarray(at + 2, at + LOCATION_FRAME_BYTES);
    const d = createDecipheriv('chacha20-poly1305', key, nonceOf(index), { authTagLength: CHUNK_TAG_BYTES });
    d.setAAD(adOf(recordingId, index), { plaintextLength: LOCATION_RECORD_BYTES });
    d.setAuthTag(body.subarray(LOCATION_RECORD_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([d.update(body.subarray(0, LOCATION_RECORD_BYTES)), d.final()]);
    } catch (cause) {
      throw new EvidenceError('EAUTH', `${where}: does not authenticate: expected a record sealed for this recording at this index (tampered, moved or another recording's)`, { cause });
    }
    const r = decodeLocationRecord(plain, where);
    if (r.kind === 'closed') out.closed = true;
    else if (r.kind === 'trigger-on') out.triggerOn = r.point!;
    else if (r.kind === 'trigger-off') out.triggerOff = r.point!;
    else out.trail.push(r.point!);
  }
  return out;
}
