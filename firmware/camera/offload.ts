/**
 * Offload of recordings to the controller of the camera's own system, per session: manifest
 * pages that fit one frame, chunks read from storage, and deletion only on a full custody ack.
 */
import type { Storage } from '../../hal/storage/contract.js';
import { readSealedLocation } from './location/location-log.js';
import {
  DEFAULT_MAX_FRAME_BYTES, encodeSessionMessage, releasesCustody,
  type ChunkRequest, type ChunkResponse, type CustodyAck, type ErrorCode, type Manifest, type ManifestRequest, type Recording,
} from '../../protocols/index.js';
import {
  EvidenceError, deleteRecording, listRecordings, openRecording, type RecordingReader, type RecordingSummary,
} from '../common/evidence/index.js';
import type { Log } from '../common/log.js';

/** Recordings per manifest page when the controller lets the camera choose. */
export const DEFAULT_PAGE_RECORDINGS = 64;
/** Room kept in a frame for the envelope around a manifest page. */
const PAGE_MARGIN_BYTES = 1024;

export interface OffloadOptions {
  storage: Storage;
  log: Log;
  /** The camera's system ('' while not adopted), asked at each request (adoption may happen mid-session). */
  systemId: () => string;
  /** Folder of recordings on storage (default the evidence store's). */
  root?: string;
  /** Largest frame the session sends (default DEFAULT_MAX_FRAME_BYTES). */
  maxFrameBytes?: number;
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** One session's offload: readers opened once per recording, the manifest cursor. */
export class OffloadSession {
  private readonly readers = new Map<string, RecordingReader>();
  /** Order keys of recordings already listed in this session, so a cursor survives deletions. */
  private readonly listed = new Map<string, { startTimeMs: number; idHex: string }>();

  /** `peerSystemId`: the system the controller named in its hello. */
  constructor(private readonly o: OffloadOptions, private readonly peerSystemId: string) {}

  /** Whether this session may see the camera's recordings: its controller belongs to the camera's system. */
  get authorized(): boolean {
    const own = this.o.systemId();
    return own !== '' && this.peerSystemId === own;
  }

  private get root(): { root?: string } {
    return this.o.root !== undefined ? { root: this.o.root } : {};
  }

  async manifest(req: ManifestRequest): Promise<Manifest> {
    if (!this.authorized) {
      this.o.log.info('offload', `manifest request from a controller of system '${this.peerSystemId}' answered empty: camera belongs to '${this.o.systemId()}'`);
      return { recordings: [], more: false };
    }
    const all = (await listRecordings(this.o.storage, this.root)).filter((r) => r.status !== 'open');
    let from = 0;
    if (req.afterRecordingId.length > 0) {
      const cursor = this.listed.get(hexOf(req.afterRecordingId));
      if (cursor) {
        from = all.findIndex((r) => r.startTimeMs > cursor.startTimeMs || (r.startTimeMs === cursor.startTimeMs && r.idHex > cursor.idHex));
        if (from < 0) from = all.length;
      } else {
        this.o.log.debug('offload', `manifest cursor ${hexOf(req.afterRecordingId)} was never listed in this session: starting from the first recording`);
      }
    }
    const max = req.maxRecordings > 0 ? req.maxRecordings : DEFAULT_PAGE_RECORDINGS;
    const budget = (this.o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES) - PAGE_MARGIN_BYTES;
    const page: Recording[] = [];
    let i = from;
    for (; i < all.length && page.length < max; i++) {
      const summary = all[i]!;
      const entry = await this.entry(summary);
      if (!entry) continue;
      const size = encodeSessionMessage({ kind: 'manifest', recordings: [...page, entry], more: true }).length;
      if (size > budget) {
        if (page.length > 0) break; // next page
        this.o.log.warn('offload', `recording ${summary.idHex} left out of the manifest: its entry alone takes ${size} bytes, more than a frame (${budget})`);
        continue;
      }
      page.push(entry);
      this.listed.set(summary.idHex, { startTimeMs: summary.startTimeMs, idHex: summary.idHex });
    }
    return { recordings: page, more: i < all.length };
  }

  async chunk(req: ChunkRequest): Promise<ChunkResponse> {
    const fail = (code: ErrorCode, message: string): ChunkResponse => ({ recordingId: req.recordingId, index: req.index, error: { code, message } });
    const own = this.o.systemId();
    if (own === '') return fail('ERROR_CODE_NOT_ADOPTED', 'this camera is not adopted: it holds no recordings to offload');
    if (!this.authorized) return fail('ERROR_CODE_OTHER_SYSTEM', `this camera belongs to system ${own}, not ${this.peerSystemId || '(none)'}`);
    const idHex = hexOf(req.recordingId);
    let reader: RecordingReader | undefined;
    try {
      reader = await this.reader(req.recordingId);
      if (!reader) return fail('ERROR_CODE_NOT_FOUND', `no recording ${idHex} ready for offload on this camera`);
      if (!Number.isInteger(req.index) || req.index < 0 || req.index >= reader.chunkCount) {
        return fail('ERROR_CODE_OUT_OF_RANGE', `recording ${idHex} has chunks 0 to ${reader.chunkCount - 1}, not ${req.index}`);
      }
      const data = await reader.readChunk(req.index);
      return { recordingId: req.recordingId, index: req.index, data };
    } catch (e) {
      this.o.log.warn('offload', `chunk ${req.index} of ${idHex} not sent: ${(e as Error).message}`);
      if (e instanceof EvidenceError && e.code === 'ENOTFOUND') return fail('ERROR_CODE_NOT_FOUND', e.message);
      return fail('ERROR_CODE_STORAGE', `reading chunk ${req.index} of ${idHex} failed: ${(e as Error).message}`);
    }
  }

  /** Delete the recording when the ack releases custody; otherwise keep it. Returns whether it was deleted. */
  async custody(ack: CustodyAck): Promise<boolean> {
    const idHex = hexOf(ack.recordingId);
    const own = this.o.systemId();
    const keep = (why: string) => {
      this.o.log.info('offload', `recording ${idHex} kept after custody ack from ${ack.holderSerial}: ${why}`);
      return false;
    };
    if (!this.authorized) return keep(`the session's controller is of system '${this.peerSystemId}', the camera's is '${own}'`);
    let reader: RecordingReader | undefined;
    try {
      reader = await this.reader(ack.recordingId);
    } catch (e) {
      return keep(`it cannot be read (${(e as Error).message})`);
    }
    if (!reader) return keep('no such recording ready for offload');
    const entry = reader.manifestEntry();
    if (!releasesCustody(entry, ack, own)) {
      const why = !ack.durableVerified ? 'the holder has not made it durable and verified'
        : ack.chunksHeld !== entry.chunkCount ? `the holder has ${ack.chunksHeld} of ${entry.chunkCount} chunks`
        : `the holder is of system '${ack.holderSystemId}', the camera's is '${own}'`;
      return keep(why);
    }
    await deleteRecording(this.o.storage, ack.recordingId, { custodyAcknowledged: true, ...this.root });
    this.readers.delete(idHex);
    this.o.log.info('offload', `recording ${idHex} deleted: ${ack.holderSerial} of system ${ack.holderSystemId} holds all ${entry.chunkCount} chunks, durable and verified`);
    return true;
  }

  private async entry(summary: RecordingSummary): Promise<Recording | undefined> {
    try {
      const entry = (await this.reader(summary.recordingId))?.manifestEntry();
      // The recording's locations travel sealed with it (only the system can open them).
      return entry && { ...entry, sealedLocation: await readSealedLocation(this.o.storage, summary.idHex, this.o.root) };
    } catch (e) {
      this.o.log.warn('offload', `recording ${summary.idHex} left out of the manifest: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The open reader of a closed or interrupted recording; undefined when absent or still being written. */
  private async reader(recordingId: Uint8Array): Promise<RecordingReader | undefined> {
    if (recordingId.length !== 16) return undefined;
    const idHex = hexOf(recordingId);
    const cached = this.readers.get(idHex);
    if (cached) return cached;
    try {
      const reader = await openRecording(this.o.storage, recordingId, this.root);
      this.readers.set(idHex, reader);
      return reader;
    } catch (e) {
      if (e instanceof EvidenceError && (e.code === 'ENOTFOUND' || e.code === 'EBADSTATE')) return undefined;
      throw e;
    }
  }
}
