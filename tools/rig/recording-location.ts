/**
 * What a rig sees of a camera's recordings' location: each recording's sealed location (as the
 * camera puts it in its manifest) opened as the controller opens it for upload, in world metres.
 */
import type { Storage } from '../../hal/storage/contract.js';
import { listRecordings, openRecording } from '../../firmware/common/evidence/index.js';
import { openRecordingKey, type SystemKeyPair } from '../../firmware/common/evidence/envelope.js';
import { readSealedLocation } from '../../firmware/camera/location/location-log.js';
import type { LocationPoint } from '../../firmware/common/evidence/sealed-location.js';
import { recordingLocation } from '../../firmware/controller/upload/location-objects.js';

/** A located instant in the world's metres east (x) and north (y). */
export interface RigPoint {
  x: number;
  y: number;
  /** Receiver UTC of the fix, ms. */
  timeMs: number;
  accuracyM: number;
}

/** One recording's location, oldest recording first. */
export interface RigRecordingLocation {
  status: 'open' | 'closed' | 'interrupted';
  /** Undefined when the recording has none (or is still open: sealed from the camera once closed). */
  location?: { triggerOn?: RigPoint; triggerOff?: RigPoint; trail: RigPoint[]; closed: boolean };
}

type ToMetres = (p: { latitude: number; longitude: number }) => { x: number; y: number };

/**
 * Every recording's location on `storage`, opened with the system's evidence key pair (the rig is
 * the system authority). Throws (EvidenceError) when a recording's location does not open.
 */
export async function storedRecordingLocations(storage: Storage, systemKeys: SystemKeyPair, toMetres: ToMetres): Promise<RigRecordingLocation[]> {
  const out: RigRecordingLocation[] = [];
  const inWorld = (p: LocationPoint | undefined): RigPoint | undefined => p && { ...toMetres(p), timeMs: p.timeMs, accuracyM: p.accuracyM };
  for (const s of await listRecordings(storage)) {
    if (s.status === 'open') { out.push({ status: 'open' }); continue; }
    // The manifest entry as the camera's offload builds it: the reader's entry plus the sealed location file.
    const manifest = { ...(await openRecording(storage, s.recordingId)).manifestEntry(), sealedLocation: await readSealedLocation(storage, s.idHex) };
    const loc = recordingLocation(manifest, await openRecordingKey(manifest.sealedKey, systemKeys));
    out.push({
      status: s.status,
      ...(loc ? {
        location: {
          ...(loc.triggerOn ? { triggerOn: inWorld(loc.triggerOn)! } : {}),
          ...(loc.triggerOff ? { triggerOff: inWorld(loc.triggerOff)! } : {}),
          trail: loc.trail.map((p) => inWorld(p)!), closed: loc.closed,
        },
      } : {}),
    });
  }
  return out;
}
