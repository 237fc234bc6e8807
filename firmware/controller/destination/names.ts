/**
 * Names at the content destination: one container per recording, one object per clip, key,
 * GNSS trail and bookmark, and the Swift metadata header names. Pure functions, shared by the
 * controller's client and the reference destination server (tools/destination/).
 */

/** The containers every destination has besides recordings. */
export const SYSTEM_CONTAINERS = ['System', 'Users', 'Devices'] as const;
/** The capabilities object, in the `System` container. */
export const CAPABILITIES_OBJECT = 'Capabilities.json';

/** What may appear in a name segment (user id, serial number, recording id): no `_`, no `/`. */
const SEGMENT = /^[A-Za-z0-9.-]{1,100}$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function checkSegment(value: string, parameter: string): void {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new TypeError(`${parameter}: expected 1-100 characters of A-Z a-z 0-9 . - (no "_" or "/"), got ${JSON.stringify(value)}`);
  }
}

/** Epoch milliseconds as `YYYYMMDDTHHMMSSZ` (UTC, whole seconds, rounded down). */
export function formatCompactUtc(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs < 0) throw new TypeError(`time: expected epoch milliseconds >= 0, got ${epochMs}`);
  const iso = new Date(Math.floor(epochMs / 1000) * 1000).toISOString(); // 2026-11-23T21:38:54.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** `YYYYMMDDTHHMMSSZ` to epoch milliseconds, or undefined when it is not a real UTC time. */
export function parseCompactUtc(text: string): number | undefined {
  const m = COMPACT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return formatCompactUtc(ms) === text ? ms : undefined; // rejects 20261399T...
}

export interface RecordingNameParts {
  userId: string;
  bwcSerialNumber: string;
  /** Epoch ms of the trigger that started the recording (whole seconds in the name). */
  triggerOnTime: number;
}

/** `<UserID>_<BWCSerialNumber>_<TriggerOnTime as YYYYMMDDTHHMMSSZ>`. Throws TypeError naming a bad part. */
export function recordingContainerName(parts: RecordingNameParts): string {
  checkSegment(parts.userId, 'userId');
  checkSegment(parts.bwcSerialNumber, 'bwcSerialNumber');
  return `${parts.userId}_${parts.bwcSerialNumber}_${formatCompactUtc(parts.triggerOnTime)}`;
}

export function parseRecordingContainerName(name: string): RecordingNameParts | undefined {
  const parts = name.split('_');
  if (parts.length !== 3) return undefined;
  const [userId, bwcSerialNumber, time] = parts as [string, string, string];
  if (!SEGMENT.test(userId) || !SEGMENT.test(bwcSerialNumber)) return undefined;
  const triggerOnTime = parseCompactUtc(time);
  return triggerOnTime === undefined ? undefined : { userId, bwcSerialNumber, triggerOnTime };
}

export type ContainerType = 'mkv' | 'mp4';

export interface ClipNameParts {
  /** Epoch ms of the clip's first frame (whole seconds in the name). */
  startTime: number;
  recordingId: string;
}

/** `<StartTime>_<RecordingID>.mkv|mp4`. */
export function clipObjectName(parts: ClipNameParts & { containerType: ContainerType }): string {
  checkSegment(parts.recordingId, 'recordingId');
  if (parts.containerType !== 'mkv' && parts.containerType !== 'mp4') throw new TypeError(`containerType: expected "mkv" or "mp4", got ${JSON.stringify(parts.containerType)}`);
  return `${formatCompactUtc(parts.startTime)}_${parts.recordingId}.${parts.containerType}`;
}

/** `<StartTime>_<RecordingID>.key`: the clip's wrapped content key when the destination wants encryption. */
export function keyObjectName(parts: ClipNameParts): string {
  checkSegment(parts.recordingId, 'recordingId');
  return `${formatCompactUtc(parts.startTime)}_${parts.recordingId}.key`;
}

/** `<StartTime>_<RecordingID>_<BWCSerialNumber>_gpstrail.json`. */
export function gnssTrailObjectName(parts: ClipNameParts & { bwcSerialNumber: string }): string {
  checkSegment(parts.recordingId, 'recordingId');
  checkSegment(parts.bwcSerialNumber, 'bwcSerialNumber');
  return `${formatCompactUtc(parts.startTime)}_${parts.recordingId}_${parts.bwcSerialNumber}_gpstrail.json`;
}

/** `bookmark_<Timestamp>_<ID>`. */
export function bookmarkObjectName(parts: { timestamp: number; id: string }): string {
  checkSegment(parts.id, 'id');
  return `bookmark_${formatCompactUtc(parts.timestamp)}_${parts.id}`;
}

export type RecordingObject =
  | { kind: 'clip'; startTime: number; recordingId: string; containerType: ContainerType }
  | { kind: 'key'; startTime: number; recordingId: string }
  | { kind: 'gnss-trail'; startTime: number; recordingId: string; bwcSerialNumber: string }
  | { kind: 'bookmark'; timestamp: number; id: string };

/** What an object name in a recording container is, or undefined when it matches no pattern. */
export function parseRecordingObjectName(name: string): RecordingObject | undefined {
  let m = /^(\d{8}T\d{6}Z)_([A-Za-z0-9.-]{1,100})\.(mkv|mp4|key)$/.exec(name);
  if (m) {
    const startTime = parseCompactUtc(m[1]!);
    if (startTime === undefined) return undefined;
    const recordingId = m[2]!;
    return m[3] === 'key' ? { kind: 'key', startTime, recordingId } : { kind: 'clip', startTime, recordingId, containerType: m[3] as ContainerType };
  }
  m = /^(\d{8}T\d{6}Z)_([A-Za-z0-9.-]{1,100})_([A-Za-z0-9.-]{1,100})_gpstrail\.json$/.exec(name);
  if (m) {
    const startTime = parseCompactUtc(m[1]!);
    return startTime === undefined ? undefined : { kind: 'gnss-trail', startTime, recordingId: m[2]!, bwcSerialNumber: m[3]! };
  }
  m = /^bookmark_(\d{8}T\d{6}Z)_([A-Za-z0-9.-]{1,100})$/.exec(name);
  if (m) {
    const timestamp = parseCompactUtc(m[1]!);
    return timestamp === undefined ? undefined : { kind: 'bookmark', timestamp, id: m[2]! };
  }
  return undefined;
}

/**
 * The header for one metadata key, as Swift stores it: `X-Object-Meta-Starttime` for
 * ('Object', 'StartTime'). Swift title-cases header names; Node lower-cases what it receives,
 * so compare keys case-insensitively.
 */
export function metaHeader(of: 'Object' | 'Container', key: string): string {
  if (!/^[A-Za-z0-9-]{1,128}$/.test(key)) throw new TypeError(`metadata key: expected 1-128 characters of A-Z a-z 0-9 -, got ${JSON.stringify(key)}`);
  return `X-${of}-Meta-${key}`;
}

/**
 * A metadata value as sent on the wire: UTF-8 with `%XX` for anything outside printable
 * US-ASCII and for `%` itself (the integration API's rule for user-supplied strings).
 */
export function encodeMetaValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeMetaValue(wire: string): string {
  try { return decodeURIComponent(wire); } catch { return wire; }
}
