/**
 * Custody acknowledgement (CustodyAck), its check, and the rule that decides when a camera may
 * delete a recording.
 */
import { RECORDING_ID_BYTES, exactBytes, requiredText } from './fields.js';
import type { Recording } from './manifest.js';

export interface CustodyAck {
  recordingId: Uint8Array;
  /** Chunks 0..chunksHeld-1 are held. */
  chunksHeld: number;
  /** Held durably (fsynced) and verified against the manifest digests. */
  durableVerified: boolean;
  holderSerial: string;
  holderSystemId: string;
}

export function checkCustodyAck(m: CustodyAck, path: string): void {
  exactBytes(m.recordingId, RECORDING_ID_BYTES, `${path}.recordingId`);
  requiredText(m.holderSerial, `${path}.holderSerial`, 'the serial number of the holder');
  requiredText(m.holderSystemId, `${path}.holderSystemId`, 'the system the holder belongs to');
}

/**
 * True when `ack` releases the camera's custody of `recording`: it names the recording, covers
 * every chunk and says the copy is durable and verified, by a holder of `systemId` (the
 * camera's own system). Only then may the camera delete the recording.
 */
export function releasesCustody(recording: Recording, ack: CustodyAck, systemId: string): boolean {
  const sameId = ack.recordingId.length === recording.recordingId.length && ack.recordingId.every((b, i) => b === recording.recordingId[i]);
  return sameId && ack.durableVerified && ack.chunksHeld === recording.chunkCount && systemId !== '' && ack.holderSystemId === systemId;
}
