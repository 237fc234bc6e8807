/**
 * The controller's evidence buffer as the uploader sees it: recordings held completely, durably
 * and verified (still encrypted, as the camera sealed them), waiting for the content destination.
 */
import type { Recording } from '../../../protocols/manifest.js';

/** One recording in the buffer, every chunk held durably and checked against the manifest. */
export interface BufferedRecording {
  /** Recording id, 32 lowercase hex digits. */
  readonly idHex: string;
  /** The camera's manifest entry (chunk digests, sealed key, clips, times, triggers, user). */
  readonly manifest: Recording;
  /** The camera's model (BWCModel), from its beacon, e.g. "W100". */
  readonly cameraModel: string;
  /** Epoch ms when the controller finished pulling it (controller clock). */
  readonly receivedAt: number;
  /** The user is prioritized: upload before others. */
  readonly prioritized: boolean;
  /** Chunk `index`'s ciphertext as the camera sealed it, checked against its manifest digest. */
  readChunk(index: number): Promise<Uint8Array>;
}

/** Why a recording stays in the buffer and is not uploaded again by itself. */
export interface NotTransferred {
  idHex: string;
  /** The destination's answer, e.g. "400 Bad Request: ...". */
  reason: string;
  /** Epoch ms (controller clock). */
  at: number;
}

/** What the uploader needs of the buffer. */
export interface UploadQueue {
  /** Complete recordings to upload: prioritized first, then oldest received first; not-transferred ones left out. */
  pending(): Promise<BufferedRecording[]>;
  /** Call `listener` whenever a recording became complete; returns an unsubscribe. */
  onComplete(listener: (idHex: string) => void): () => void;
  /** The destination will never store it (400): keep it, list it as not transferred. */
  markNotTransferred(idHex: string, reason: string): Promise<void>;
  notTransferred(): Promise<NotTransferred[]>;
  /** The destination accepted Status Complete: delete the recording from the buffer. */
  release(idHex: string): Promise<void>;
}
