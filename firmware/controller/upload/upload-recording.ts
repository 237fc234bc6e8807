/**
 * Upload one buffered recording to the content destination: its container with metadata
 * (Status Transferring), one object per clip (decrypted chunk by chunk, Duration written, a torn
 * last clip cut to whole elements), a `.key` object per clip when the destination wants
 * encryption, one small JSON object per bookmark (bookmark-objects.ts), the GNSS trail object and
 * TriggerOn/OffLocation metadata when the recording has location (location-objects.ts), then Status Complete last. Every request is idempotent, so running it again after
 * a restart converges; a container already Complete for this recording is left as it is.
 */
import type { Clock } from '../../../hal/clock/contract.js';
import type { Recording, TriggerReason } from '../../../protocols/manifest.js';
import { openRecordingKey, type SystemKeyPair } from '../../common/evidence/index.js';
import type { BufferedRecording } from '../buffer/contract.js';
import type { ConnectionFile } from '../destination/connection-file.js';
import { DestinationError } from '../destination/errors.js';
import { clipObjectName, keyObjectName, recordingContainerName } from '../destination/names.js';
import { hasCapability, withBackoff, type BackoffOptions, type Capabilities, type Metadata, type SwiftClient } from '../destination/swift-client.js';
import { bookmarkObjects } from './bookmark-objects.js';
import { clipBody, wholeClipPrefixLength } from './clip-body.js';
import { gnssTrailObject, locationMetadata, recordingLocation } from './location-objects.js';
import type { RecordingLocation } from '../../common/evidence/sealed-location.js';
import { CLIP_CIPHER, CLIP_TAG_BYTES, clipKeyDocument, encryptClip, newClipKey } from './clip-encryption.js';

/** The container name's user segment for a recording made without a user assigned. */
export const NO_USER_SEGMENT = 'no-user';

export interface UploadProgress {
  idHex: string;
  /** The object being sent. */
  object: string;
  /** Bytes of that object sent so far (this attempt). */
  objectBytes: number;
  /** Bytes of this recording's objects sent so far (finished objects plus this one). */
  recordingBytes: number;
}

export interface UploadRecordingOptions {
  /** Opens the recording key the camera sealed. */
  systemKeys: SystemKeyPair;
  /** This controller's serial number (SCUSerialNumber). */
  controllerSerial: string;
  /** The connection file's clip format and encryption wishes. */
  destination: Pick<ConnectionFile, 'containerType' | 'wantEncryption' | 'publicKey' | 'publicKeyId'>;
  /** Sleeps between retries. */
  clock: Clock;
  /** Per-request retries of retry-later and corrupt answers (default 3 attempts, 1 s doubling, at most 30 s). */
  retry?: BackoffOptions;
  onProgress?: (p: UploadProgress) => void;
  /**
   * The destination's capabilities, when already known; otherwise they are asked
   * (`GET System/Capabilities.json`) only for a recording with a GNSS trail.
   */
  capabilities?: Capabilities;
}

export interface UploadResult {
  container: string;
  /** The container already said Status Complete for this recording: nothing was sent. */
  alreadyComplete: boolean;
  clipObjects: string[];
  keyObjects: string[];
  /** One object per bookmark, in time order. */
  bookmarkObjects: string[];
  /** Clips left out: an interrupted recording's last clip with not one whole frame. */
  skippedClips: number[];
  /** Clips whose Matroska Duration was written. */
  durationsWritten: number;
  /** Object bytes sent (the last attempt of each object). */
  bytes: number;
  /** The GNSS trail object, when the recording has a trail and the destination StoreGNSSTrackRecording. */
  gnssTrailObject?: string;
  /** Why the recording's sealed location was not used (it did not open): uploaded without location. */
  locationError?: string;
}

/** A name segment (A-Z a-z 0-9 . -, at most 100): `empty` for "", any other character as "-". */
export function nameSegment(value: string, empty: string): string {
  return value === '' ? empty : value.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 100);
}

/** `TRIGGER_REASON_WIRELESS_BROADCAST` as `WirelessBroadcast`; an interrupted recording's stop as `Interrupted`. */
export function triggerName(reason: TriggerReason, interrupted = false): string {
  if (reason === 'TRIGGER_REASON_UNSPECIFIED') return interrupted ? 'Interrupted' : 'Unspecified';
  return reason.replace(/^TRIGGER_REASON_/, '').toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

/** The recording container's name. */
export function containerNameOf(m: Recording): string {
  return recordingContainerName({ userId: nameSegment(m.userId, NO_USER_SEGMENT), bwcSerialNumber: nameSegment(m.cameraSerial, 'unknown'), triggerOnTime: m.triggerOnTimeMs });
}

/**
 * The container metadata (without Status). Times are epoch seconds (UTC; starts rounded down,
 * stops up) with RFC 3339 `...ISO` twins; StartTime/StopTime include the pre- and postbuffer.
 * UserID and BWCSerialNumber are the container name's segments (the destination checks they agree).
 */
export function containerMetadata(recording: BufferedRecording, controllerSerial: string): Metadata {
  const m = recording.manifest;
  return {
    RecordingID: recording.idHex,
    BWCSerialNumber: nameSegment(m.cameraSerial, 'unknown'),
    SCUSerialNumber: controllerSerial,
    FirmwareVersion: m.firmwareVersion,
    UserID: nameSegment(m.userId, NO_USER_SEGMENT),
    BWCModel: recording.cameraModel,
    TriggerOn: triggerName(m.triggerOnReason),
    TriggerOnTime: seconds(m.triggerOnTimeMs),
    TriggerOnTimeISO: iso(m.triggerOnTimeMs),
    TriggerOff: triggerName(m.triggerOffReason, m.interrupted),
    TriggerOffTime: Math.ceil(m.triggerOffTimeMs / 1000),
    TriggerOffTimeISO: iso(m.triggerOffTimeMs),
    StartTime: seconds(m.startTimeMs),
    StartTimeISO: iso(m.startTimeMs),
    StopTime: Math.ceil(m.stopTimeMs / 1000),
    StopTimeISO: iso(m.stopTimeMs),
    TimeZone: m.timeZone,
    Interrupted: m.interrupted ? 'true' : 'false',
    // How many bookmark objects the container holds (each `bookmark_<Timestamp>_<RecordingID>-<n>`).
    Bookmarks: (m.bookmarkTimesMs ?? []).length,
  };
}

/**
 * Upload `recording` and post Status Complete. Resolves only once the destination accepted
 * Status Complete (or already had it): then, and only then, the buffer may release it.
 * Throws DestinationError by kind (after `retry` for retry-later/corrupt), EvidenceError when the
 * recording cannot be opened, and DestinationError `failed` naming ContainerType for "mp4" (this
 * controller writes Matroska only) or WantEncryption without PublicKey/PublicKeyId.
 */
export async function uploadRecording(client: SwiftClient, recording: BufferedRecording, options: UploadRecordingOptions): Promise<UploadResult> {
  const dest = options.destination;
  if (dest.containerType !== 'mkv') {
    throw new DestinationError('failed', 'connection file ContainerType', `ContainerType ${JSON.stringify(dest.containerType)} is not supported by this controller: clips are Matroska; expected ContainerType "mkv" in the connection file`);
  }
  if (dest.wantEncryption && (!dest.publicKey || !dest.publicKeyId)) {
    throw new DestinationError('failed', 'connection file WantEncryption', 'WantEncryption is true: expected PublicKey and PublicKeyId in the connection file');
  }
  const m = recording.manifest;
  const idHex = recording.idHex;
  const container = containerNameOf(m);
  const result: UploadResult = { container, alreadyComplete: false, clipObjects: [], keyObjects: [], bookmarkObjects: [], skippedClips: [], durationsWritten: 0, bytes: 0 };
  const key = await openRecordingKey(m.sealedKey, options.systemKeys);
  const retry = <T>(op: () => Promise<T>) => withBackoff(options.clock, op, { attempts: 3, baseMs: 1000, maxMs: 30_000, ...options.retry });

  let location: RecordingLocation | undefined;
  try {
    location = recordingLocation(m, key);
  } catch (e) {
    result.locationError = (e as Error).message;
  }
  const existing = await retry(() => client.headContainer(container));
  if (existing?.metadata.status === 'Complete' && existing.metadata.recordingid === idHex) {
    result.alreadyComplete = true;
    return result;
  }
  await retry(() => client.createContainer(container));
  await retry(() => client.postContainerMetadata(container, { ...containerMetadata(recording, options.controllerSerial), ...locationMetadata(location), Status: 'Transferring' }));

  for (const [i, clip] of m.clips.entries()) {
    const torn = m.interrupted && i === m.clips.length - 1;
    const limit = torn ? await wholeClipPrefixLength(recording, key, clip) : undefined;
    if (limit === 0) { result.skippedClips.push(i); continue; }
    const object = clipObjectName({ startTime: clip.startTimeMs, recordingId: idHex, containerType: 'mkv' });
    const start = seconds(clip.startTimeMs);
    const metadata: Metadata = { StartTime: start, StopTime: Math.max(start + 1, Math.ceil(clip.stopTimeMs / 1000)), ContainerType: 'mkv', RecordingID: idHex };
    if (dest.wantEncryption) metadata.Encryption = CLIP_CIPHER;
    let durationWritten = false;
    let clipKey = newClipKey();
    const put = await retry(async () => {
      clipKey = newClipKey();
      let objectBytes = 0;
      const plain = clipBody(recording, key, clip, {
        durationMs: clip.stopTimeMs - clip.startTimeMs,
        ...(limit !== undefined ? { limit } : {}),
        onDuration: (w) => { durationWritten = w; },
      });
      const body = dest.wantEncryption ? encryptClip(plain, clipKey) : plain;
      const counted = async function* () {
        for await (const piece of body) {
          objectBytes += piece.length;
          options.onProgress?.({ idHex, object, objectBytes, recordingBytes: result.bytes + objectBytes });
          yield piece;
        }
      };
      const length = limit === undefined ? undefined : limit + (dest.wantEncryption ? CLIP_TAG_BYTES : 0);
      return client.putObject(container, object, counted(), { metadata, contentType: 'video/x-matroska', ...(length !== undefined ? { contentLength: length } : {}) });
    });
    result.bytes += put.bytes;
    result.clipObjects.push(object);
    if (durationWritten) result.durationsWritten++;
    if (dest.wantEncryption) {
      const keyObject = keyObjectName({ startTime: clip.startTimeMs, recordingId: idHex });
      const doc = Buffer.from(JSON.stringify(clipKeyDocument(clipKey, dest.publicKey!, dest.publicKeyId!, object)));
      const sent = await retry(() => client.putObject(container, keyObject, [doc], { metadata: { PublicKeyId: dest.publicKeyId!, RecordingID: idHex }, contentType: 'application/json', contentLength: doc.length }));
      result.bytes += sent.bytes;
      result.keyObjects.push(keyObject);
    }
  }
  const meta = containerMetadata(recording, options.controllerSerial);
  for (const b of bookmarkObjects(m, { recordingIdHex: idHex, bwcSerialNumber: String(meta.BWCSerialNumber), userId: String(meta.UserID) })) {
    const sent = await retry(() => client.putObject(container, b.name, [b.body], { metadata: b.metadata, contentType: 'application/json', contentLength: b.body.length }));
    result.bytes += sent.bytes;
    result.bookmarkObjects.push(b.name);
  }
  const trail = gnssTrailObject(m, location, { recordingIdHex: idHex, bwcSerialNumber: String(meta.BWCSerialNumber) });
  if (trail) {
    const caps = options.capabilities ?? await retry(() => client.capabilities());
    if (hasCapability(caps, 'StoreGNSSTrackRecording')) {
      const sent = await retry(() => client.putObject(container, trail.name, [trail.body], { metadata: trail.metadata, contentType: 'application/json', contentLength: trail.body.length }));
      result.bytes += sent.bytes;
      result.gnssTrailObject = trail.name;
    }
  }
  await retry(() => client.postContainerMetadata(container, { Status: 'Complete' }));
  return result;
}
