/**
 * What the reference destination requires of names' metadata, as pure checks: each throws a
 * Refusal (an HTTP status and a message naming the header and what was expected).
 */
import { formatCompactUtc, parseRecordingContainerName, parseRecordingObjectName } from '../../firmware/controller/destination/names.js';

/** A request the destination refuses with `status`. */
export class Refusal extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'Refusal';
  }
}

/** Epoch seconds (integer or decimal) or undefined. */
export const epochSeconds = (v: string | undefined): number | undefined => (v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);

/**
 * Object metadata (keys as Swift stores them: `Starttime`) in a recording container: a clip needs
 * StartTime < StopTime, ContainerType matching its extension and its name's time; a GNSS trail
 * needs FileType json. Other containers are not checked.
 */
export function checkObjectMetadata(container: string, object: string, meta: Record<string, string>): void {
  if (!parseRecordingContainerName(container)) return;
  const kind = parseRecordingObjectName(object);
  if (!kind) throw new Refusal(400, `object name ${JSON.stringify(object)}: expected <StartTime YYYYMMDDTHHMMSSZ>_<RecordingID>.mkv|mp4|key, <StartTime>_<RecordingID>_<BWCSerialNumber>_gpstrail.json or bookmark_<Timestamp>_<ID>`);
  if (kind.kind === 'clip') {
    const start = epochSeconds(meta.Starttime), stop = epochSeconds(meta.Stoptime);
    if (start === undefined) throw new Refusal(400, `X-Object-Meta-StartTime: expected epoch seconds (UTC), got ${JSON.stringify(meta.Starttime ?? null)}`);
    if (stop === undefined) throw new Refusal(400, `X-Object-Meta-StopTime: expected epoch seconds (UTC), got ${JSON.stringify(meta.Stoptime ?? null)}`);
    if (stop <= start) throw new Refusal(400, `clip has no duration: StopTime ${stop} is not after StartTime ${start}`);
    if (meta.Containertype !== kind.containerType) throw new Refusal(400, `X-Object-Meta-ContainerType: expected "${kind.containerType}" as the object name says, got ${JSON.stringify(meta.Containertype ?? null)}`);
    if (formatCompactUtc(start * 1000) !== formatCompactUtc(kind.startTime)) throw new Refusal(400, `X-Object-Meta-StartTime ${start} is ${formatCompactUtc(start * 1000)}, but the object name says ${formatCompactUtc(kind.startTime)}`);
  }
  if (kind.kind === 'gnss-trail' && meta.Filetype !== 'json') throw new Refusal(400, `X-Object-Meta-FileType: expected "json", got ${JSON.stringify(meta.Filetype ?? null)}`);
}

/**
 * A recording container's metadata after a PUT or POST (`merged`): Status Transferring|Complete;
 * UserID, BWCSerialNumber and TriggerOnTime agree with the name; Complete needs those three and
 * at least one clip (`clips`).
 */
export function checkContainerMetadata(container: string, merged: Record<string, string>, clips: number): void {
  const rec = parseRecordingContainerName(container);
  if (!rec) return;
  const status = merged.Status;
  if (status !== undefined && status !== 'Transferring' && status !== 'Complete') throw new Refusal(400, `X-Container-Meta-Status: expected Transferring or Complete, got ${JSON.stringify(status)}`);
  if (merged.Userid !== undefined && merged.Userid !== rec.userId) throw new Refusal(400, `X-Container-Meta-UserID: expected ${rec.userId} as the container name says, got ${JSON.stringify(merged.Userid)}`);
  if (merged.Bwcserialnumber !== undefined && merged.Bwcserialnumber !== rec.bwcSerialNumber) throw new Refusal(400, `X-Container-Meta-BWCSerialNumber: expected ${rec.bwcSerialNumber} as the container name says, got ${JSON.stringify(merged.Bwcserialnumber)}`);
  if (merged.Triggerontime !== undefined) {
    const t = epochSeconds(merged.Triggerontime);
    if (t === undefined || formatCompactUtc(t * 1000) !== formatCompactUtc(rec.triggerOnTime)) throw new Refusal(400, `X-Container-Meta-TriggerOnTime: expected epoch seconds matching ${formatCompactUtc(rec.triggerOnTime)} in the container name, got ${JSON.stringify(merged.Triggerontime)}`);
  }
  if (status === 'Complete') {
    const missing = ['Bwcserialnumber', 'Userid', 'Triggerontime'].filter((k) => merged[k] === undefined);
    if (missing.length) throw new Refusal(400, `Status Complete: expected container metadata ${missing.join(', ')} (case-insensitive) to be set`);
    if (clips === 0) throw new Refusal(400, 'Status Complete: expected at least one clip object in the container');
  }
}
