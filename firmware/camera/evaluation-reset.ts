/**
 * The evaluation-mode reset's deletion (manual: "Evaluation mode": recordings that have not been
 * transferred are deleted). The only deletion without a custody acknowledgement; the user asked
 * for it with the reset gesture, on a camera of a system in evaluation mode.
 */
import type { Storage } from '../../hal/storage/contract.js';
import { deleteRecording, listRecordings } from '../common/evidence/index.js';

/** Delete every recording on `storage` (none may be open). Returns how many were deleted. */
export async function removeAllRecordings(storage: Storage): Promise<number> {
  let n = 0;
  for (const r of await listRecordings(storage)) {
    await deleteRecording(storage, r.recordingId, { custodyAcknowledged: false, evaluationReset: true });
    n++;
  }
  return n;
}
