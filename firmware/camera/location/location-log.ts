/**
 * A recording's location log on the camera's storage: `<root>/<id hex>/location`, sealed records
 * appended and made durable one by one (a power cut loses at most the record being written), and
 * the reader that puts it in the manifest entry (Recording.sealedLocation).
 */
import type { AppendFile, Storage } from '../../../hal/storage/contract.js';
import { MAX_SEALED_LOCATION_BYTES } from '../../../protocols/manifest.js';
import { DEFAULT_RECORDINGS_ROOT } from '../../common/evidence/layout.js';
import { LOCATION_FRAME_BYTES, sealLocationRecord, wholeLocationFrames, type LocationRecord } from '../../common/evidence/sealed-location.js';

export const LOCATION_FILE = 'location';
/** Most records one log takes (MAX_TRAIL_POINTS plus trigger records fit well below this). */
export const MAX_LOCATION_RECORDS = Math.floor(MAX_SEALED_LOCATION_BYTES / LOCATION_FRAME_BYTES);

export const locationPath = (root: string, idHex: string) => `${root}/${idHex}/${LOCATION_FILE}`;

export class LocationLog {
  private file: AppendFile | undefined;
  private count = 0;
  private done = false;

  /** `locationKey` from locationKeyOf(recording key); the log keeps it until close(). */
  constructor(
    private readonly storage: Storage,
    private readonly root: string,
    private readonly recordingId: Uint8Array,
    private readonly locationKey: Uint8Array,
  ) {}

  get records(): number { return this.count; }
  get closed(): boolean { return this.done; }

  /** Append one record and make it durable. Resolves false (nothing written) once closed or full. */
  async add(r: LocationRecord): Promise<boolean> {
    if (this.done || r.kind === 'closed' || this.count >= MAX_LOCATION_RECORDS - 1) return false;
    await this.write(r);
    return true;
  }

  /** Append the 'closed' record (when anything was written), sync, release the file and zero the key. Idempotent. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      if (this.count > 0) await this.write({ kind: 'closed' }, true);
    } finally {
      this.locationKey.fill(0);
      await this.file?.close();
    }
  }

  private async write(r: LocationRecord, force = false): Promise<void> {
    if (this.done && !force) return;
    const idHex = Buffer.from(this.recordingId).toString('hex');
    this.file ??= await this.storage.openAppend(locationPath(this.root, idHex));
    await this.file.append(sealLocationRecord(this.locationKey, this.recordingId, this.count, r));
    this.count++;
    await this.file.sync();
  }
}

/**
 * The sealed location data of a stored recording for its manifest entry: the whole records of its
 * location file (a torn tail left out), empty when it has none. The camera's offload sets
 * `entry.sealedLocation` from it.
 */
export async function readSealedLocation(storage: Storage, idHex: string, root: string = DEFAULT_RECORDINGS_ROOT): Promise<Uint8Array> {
  const path = locationPath(root, idHex);
  const size = (await storage.size(path)) ?? 0;
  const whole = Math.min(Math.floor(size / LOCATION_FRAME_BYTES), MAX_LOCATION_RECORDS) * LOCATION_FRAME_BYTES;
  if (whole === 0) return new Uint8Array(0);
  return wholeLocationFrames(await storage.readRange(path, 0, whole));
}
