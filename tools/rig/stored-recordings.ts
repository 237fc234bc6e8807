/**
 * What a rig sees of a camera's recordings: read from the camera's own storage (the same layout
 * on an emulated flash and on a real board's storage directory), oldest first.
 */
import type { Storage } from '../../hal/storage/contract.js';
import { listRecordings, openRecording } from '../../firmware/common/evidence/index.js';
import type { RigRecording } from './target.js';

/** TRIGGER_REASON_WIRELESS_BROADCAST -> wireless-broadcast. */
export const reasonName = (r: string) => r.replace(/^TRIGGER_REASON_/, '').toLowerCase().replace(/_/g, '-');

/** Every recording on `storage`; an open one has no stop yet, so only its start is known. */
export async function storedRecordings(storage: Storage): Promise<RigRecording[]> {
  const out: RigRecording[] = [];
  for (const s of await listRecordings(storage)) {
    if (s.status === 'open') {
      out.push({ status: 'open', userId: '', startTimeMs: s.startTimeMs });
      continue;
    }
    const e = (await openRecording(storage, s.recordingId)).manifestEntry();
    out.push({
      status: s.status, userId: e.userId, startTimeMs: e.startTimeMs, triggerOnTimeMs: e.triggerOnTimeMs,
      triggerOffTimeMs: e.triggerOffTimeMs, stopTimeMs: e.stopTimeMs,
      triggerOnReason: reasonName(e.triggerOnReason), triggerOffReason: reasonName(e.triggerOffReason),
    });
  }
  return out;
}
