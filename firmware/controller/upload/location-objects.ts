/**
 * A recording's location at the content destination: the camera's sealed location data opened
 * with the recording key, TriggerOnLocation/TriggerOffLocation container metadata in the
 * `<lat><long><accuracy><epoch>` form, and the GNSS trail object (`..._gpstrail.json`).
 */
import type { Recording } from '../../../protocols/manifest.js';
import { formatLocation } from '../../camera/location/location-text.js';
import { openSealedLocation, type LocationPoint, type RecordingLocation } from '../../common/evidence/sealed-location.js';
import { gnssTrailObjectName } from '../destination/names.js';
import type { Metadata } from '../destination/swift-client.js';

/** The trail object's body: what the destination stores for "StoreGNSSTrackRecording". */
export interface GnssTrailDocument {
  CoordinateEntries: {
    /** Well-known text, longitude first: `POINT(18.0686 59.3293)`. */
    LocationWKT: string;
    /** Seconds (ms precision) from the recording's StartTime (which includes the prebuffer). */
    SecondsFromStart: number;
    /** RFC 3339 UTC with ms of the fix. */
    Timestamp: string;
  }[];
}

/** The recording's opened location, undefined when it has none. Throws EvidenceError (EAUTH, ECORRUPT, EEXTENDED) when it does not open. */
export function recordingLocation(manifest: Recording, recordingKey: Uint8Array): RecordingLocation | undefined {
  const sealed = manifest.sealedLocation;
  if (!sealed || sealed.length === 0) return undefined;
  return openSealedLocation(recordingKey, manifest.recordingId, sealed);
}

const text = (p: LocationPoint) => formatLocation({ latitude: p.latitude, longitude: p.longitude, accuracyM: p.accuracyM, epochS: Math.floor(p.timeMs / 1000) });

/** TriggerOnLocation / TriggerOffLocation, each only when known. */
export function locationMetadata(loc: RecordingLocation | undefined): Metadata {
  const m: Metadata = {};
  if (loc?.triggerOn) m.TriggerOnLocation = text(loc.triggerOn);
  if (loc?.triggerOff) m.TriggerOffLocation = text(loc.triggerOff);
  return m;
}

export function gnssTrailDocument(loc: RecordingLocation, startTimeMs: number): GnssTrailDocument {
  return {
    CoordinateEntries: loc.trail.map((p) => ({
      LocationWKT: `POINT(${p.longitude} ${p.latitude})`,
      SecondsFromStart: Math.max(0, p.timeMs - startTimeMs) / 1000,
      Timestamp: new Date(p.timeMs).toISOString(),
    })),
  };
}

export interface GnssTrailObject {
  name: string;
  body: Uint8Array;
  document: GnssTrailDocument;
  /** FileType json (the destination requires it), RecordingID, Points. */
  metadata: Metadata;
}

/** The trail object of a recording with at least one trail point, else undefined. */
export function gnssTrailObject(manifest: Recording, loc: RecordingLocation | undefined, ids: { recordingIdHex: string; bwcSerialNumber: string }): GnssTrailObject | undefined {
  if (!loc || loc.trail.length === 0) return undefined;
  const document = gnssTrailDocument(loc, manifest.startTimeMs);
  return {
    name: gnssTrailObjectName({ startTime: manifest.startTimeMs, recordingId: ids.recordingIdHex, bwcSerialNumber: ids.bwcSerialNumber }),
    body: Buffer.from(JSON.stringify(document)),
    document,
    metadata: { FileType: 'json', RecordingID: ids.recordingIdHex, Points: loc.trail.length },
  };
}
