/**
 * What a rig sees of a camera's recorded video: each closed recording's clips opened with the
 * system's key (the rig is the system authority), as the Matroska files the destination gets.
 */
import type { Storage } from '../../hal/storage/contract.js';
import { isLastChunk, listRecordings, openChunk, openRecording } from '../../firmware/common/evidence/index.js';
import { openRecordingKey, type SystemKeyPair } from '../../firmware/common/evidence/envelope.js';

/** Each recording's clips (oldest recording first); an open recording has none yet (undefined). */
export async function storedRecordingClips(storage: Storage, systemKeys: SystemKeyPair): Promise<(Uint8Array[] | undefined)[]> {
  const out: (Uint8Array[] | undefined)[] = [];
  for (const s of await listRecordings(storage)) {
    if (s.status === 'open') { out.push(undefined); continue; }
    const reader = await openRecording(storage, s.recordingId);
    const key = await openRecordingKey(reader.sealedKey, systemKeys);
    const clips: Uint8Array[] = [];
    for (const clip of reader.manifestEntry().clips) {
      const parts: Uint8Array[] = [];
      for (let i = clip.firstChunk; i < clip.firstChunk + clip.chunkCount; i++) {
        const { ciphertext } = await reader.readChunk(i);
        parts.push(openChunk(key, { recordingId: s.recordingId, index: i, last: isLastChunk(i, reader.chunkCount, reader.interrupted) }, ciphertext));
      }
      clips.push(Buffer.concat(parts));
    }
    out.push(clips);
  }
  return out;
}
