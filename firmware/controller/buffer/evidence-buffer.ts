/**
 * The controller's evidence buffer: recordings pulled from cameras are reserved (space for the
 * whole manifest), received chunk by chunk with every digest checked against the manifest, made
 * durable, then held for the uploader until the destination accepts them. Survives power cuts:
 * at open, a recording still receiving keeps exactly its whole verified chunks and resumes there.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../../hal/clock/contract.js';
import type { AppendFile, Storage } from '../../../hal/storage/contract.js';
import { HalError } from '../../../hal/errors.js';
import { decodeSessionMessage, encodeSessionMessage, toHex, type Recording } from '../../../protocols/index.js';
import { FRAME_HEADER_BYTES, decodeFrameHeader, encodeFrame } from '../../common/evidence/chunk-file.js';
import { CHUNK_TAG_BYTES, chunkDigest, sameBytes } from '../../common/evidence/envelope.js';
import type { Log } from '../../common/log.js';
import type { BufferedRecording, NotTransferred, UploadQueue } from './contract.js';
import {
  BUFFER_ROOT, ID_HEX, RECORD_FORMAT, SEGMENT_NAME, bufferDir, decodeRecord, encodeRecord, manifestPath, recordPath, segmentPath,
  type BufferRecord, type BufferStatus,
} from './layout.js';

/** Space kept free beyond reservations, for record files and the file system's own needs. */
export const DEFAULT_MARGIN_BYTES = 16 * 1024 * 1024;
/** Uploaded recordings are remembered (tombstones) this long, to answer a camera that missed the custody ack. */
export const TOMBSTONE_MS = 30 * 24 * 3600_000;

/** The buffer has no room for a recording's reservation now. */
export class BufferFullError extends HalError {
  constructor(idHex: string, needed: number, available: number) {
    super('ENOSPC', `buffer full: recording ${idHex} needs ${needed} bytes reserved, ${available} available beyond other reservations; it stays on the camera until uploads free space`);
    this.name = 'BufferFullError';
  }
}

/** A chunk that does not match the manifest (tampered, truncated, or for another index). */
export class ChunkRejectedError extends Error {
  readonly code = 'ECHUNK';
  constructor(message: string) {
    super(message);
    this.name = 'ChunkRejectedError';
  }
}

interface Located { segment: number; offset: number; length: number }

interface Entry {
  record: BufferRecord;
  manifest: Recording | undefined;
  /** Where each held chunk is, index order; undefined until first needed for a complete recording. */
  frames: Located[] | undefined;
  /** Verified chunks held (appended; durable up to `durable`). */
  durable: number;
  intake: Intake | undefined;
  /** Bytes on storage (frames). */
  bytes: number;
}

export interface BufferStats {
  /** Bytes of chunk frames on storage (Used storage). */
  usedBytes: number;
  /** Bytes reserved for recordings not yet at the destination, used or still to come (Reserved storage). */
  reservedBytes: number;
  receiving: number;
  complete: number;
  notTransferred: number;
  uploaded: number;
}

export interface EvidenceBufferOptions {
  storage: Storage;
  clock: Clock;
  log: Log;
  /** Whether a user's recordings go first (prioritized offload, 24 h). */
  isPrioritized?: (userId: string) => boolean;
  marginBytes?: number;
}

export class EvidenceBuffer extends EventEmitter<{ complete: [string] }> implements UploadQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly storage: Storage;

  private constructor(private readonly o: EvidenceBufferOptions) {
    super();
    this.storage = o.storage;
  }

  /** Open the buffer: read every record; a recording cut short while receiving resumes at its last whole verified chunk. */
  static async open(o: EvidenceBufferOptions): Promise<EvidenceBuffer> {
    const b = new EvidenceBuffer(o);
    await b.load();
    return b;
  }

  private async load(): Promise<void> {
    const now = this.o.clock.now();
    for (const idHex of await this.storage.list(BUFFER_ROOT)) {
      if (!ID_HEX.test(idHex)) continue;
      let record: BufferRecord;
      try {
        record = decodeRecord(await this.storage.read(recordPath(idHex)), `${this.storage.name}:${recordPath(idHex)}`);
      } catch (e) {
        if (e instanceof HalError && e.code === 'ENOENT') {
          // Reserved but cut before the record was written, or a release cut short: nothing of custody here.
          await this.removeFiles(idHex);
          continue;
        }
        this.o.log.warn('buffer', `${(e as Error).message}: left alone`);
        continue;
      }
      if (record.status === 'uploaded') {
        if (now - (record.uploadedAt ?? 0) > TOMBSTONE_MS) await this.removeFiles(idHex);
        else { await this.removeSegments(idHex); this.entries.set(idHex, { record, manifest: undefined, frames: [], durable: 0, intake: undefined, bytes: 0 }); }
        continue;
      }
      const manifest = await this.readManifest(idHex);
      const { frames, bytes } = await this.scan(idHex, manifest, record.status === 'receiving');
      const entry: Entry = { record, manifest, frames, durable: frames.length, intake: undefined, bytes };
      if (record.status !== 'receiving' && frames.length !== manifest.chunkCount) {
        this.o.log.warn('buffer', `recording ${idHex} is ${record.status} but holds ${frames.length} of ${manifest.chunkCount} chunks: receiving again`);
        record.status = 'receiving';
        await this.writeRecord(record);
      }
      this.entries.set(idHex, entry);
      if (record.status === 'receiving') this.o.log.info('buffer', `recording ${idHex} from ${record.cameraSerial}: ${frames.length} of ${manifest.chunkCount} chunks held, resumes when the camera docks`);
    }
  }

  private async readManifest(idHex: string): Promise<Recording> {
    const m = decodeSessionMessage(await this.storage.read(manifestPath(idHex)));
    const r = m.kind === 'manifest' ? m.recordings[0] : undefined;
    if (!r || toHex(r.recordingId) !== idHex) throw new HalError('EBADF', `${this.storage.name}:${manifestPath(idHex)}: expected the manifest entry of recording ${idHex}`);
    return r;
  }

  /** Whole frames in index order across the segments; with `verify`, each digest checked (a torn tail ends the scan). */
  private async scan(idHex: string, manifest: Recording, verify: boolean): Promise<{ frames: Located[]; bytes: number }> {
    const frames: Located[] = [];
    let bytes = 0;
    const maxCiphertext = manifest.chunkSize + CHUNK_TAG_BYTES;
    for (const name of await this.storage.list(bufferDir(idHex))) {
      const m = SEGMENT_NAME.exec(name);
      if (!m) continue;
      const segment = Number(m[1]);
      const path = segmentPath(idHex, segment);
      const size = (await this.storage.size(path)) ?? 0;
      let at = 0;
      while (at + FRAME_HEADER_BYTES <= size && frames.length < manifest.chunkCount) {
        const header = await this.storage.readRange(path, at, FRAME_HEADER_BYTES);
        if (at === 0 && header.length === FRAME_HEADER_BYTES) {
          // A segment after a restart starts where the durable chunks ended, which may be before
          // chunks an earlier segment got whole but unsynced: the newer copy wins.
          const first = new DataView(header.buffer, header.byteOffset, FRAME_HEADER_BYTES).getUint32(8);
          if (first < frames.length) {
            for (const dropped of frames.splice(first)) bytes -= FRAME_HEADER_BYTES + dropped.length;
          }
        }
        const f = decodeFrameHeader(header, at, frames.length, maxCiphertext);
        if (!f || at + FRAME_HEADER_BYTES + f.length > size || !sameBytes(f.digest, manifest.chunkDigests[f.index]!)) break;
        if (verify) {
          const c = await this.storage.readRange(path, at + FRAME_HEADER_BYTES, f.length);
          if (!sameBytes(chunkDigest(c, manifest.digestAlgorithm), f.digest)) break;
        }
        frames.push({ segment, offset: at, length: f.length });
        at += FRAME_HEADER_BYTES + f.length;
        bytes += FRAME_HEADER_BYTES + f.length;
      }
    }
    return { frames, bytes };
  }

  /** What the buffer knows of a recording: undefined when nothing. */
  status(idHex: string): BufferStatus | undefined {
    return this.entries.get(idHex)?.record.status;
  }

  /** Verified chunks held durably. */
  held(idHex: string): number {
    return this.entries.get(idHex)?.durable ?? 0;
  }

  stats(): BufferStats {
    const s: BufferStats = { usedBytes: 0, reservedBytes: 0, receiving: 0, complete: 0, notTransferred: 0, uploaded: 0 };
    for (const e of this.entries.values()) {
      const st = e.record.status;
      if (st === 'receiving') s.receiving++;
      else if (st === 'complete') s.complete++;
      else if (st === 'not-transferred') s.notTransferred++;
      else s.uploaded++;
      s.usedBytes += e.bytes;
      if (st !== 'uploaded') s.reservedBytes += Math.max(e.bytes, reservation(e));
    }
    return s;
  }

  /**
   * Take (or go on taking) a recording from a camera: reserve its space, keep its manifest entry,
   * and return the intake that accepts its chunks from `intake.next`. BufferFullError when there
   * is no room for it beyond the other reservations. A recording already complete or uploaded
   * has nothing to receive: use status().
   */
  async receive(manifest: Recording, camera: { serial: string; model: string }): Promise<Intake> {
    const idHex = toHex(manifest.recordingId);
    let e = this.entries.get(idHex);
    if (e && e.record.status !== 'receiving') throw new HalError('EEXIST', `recording ${idHex} is already ${e.record.status} in the buffer: nothing to receive`);
    if (e?.intake) throw new HalError('EBUSY', `recording ${idHex} is already being received (from ${e.record.cameraSerial})`);
    if (e && e.manifest && !sameManifest(e.manifest, manifest)) {
      throw new ChunkRejectedError(`recording ${idHex}: the camera's manifest entry changed since it was reserved (chunk count ${e.manifest.chunkCount} -> ${manifest.chunkCount} or digests differ): refusing to mix`);
    }
    if (!e) {
      const needed = manifest.totalBytes + manifest.chunkCount * FRAME_HEADER_BYTES;
      const space = await this.storage.space();
      // Free space already counts what reservations use; take off what they have still to receive.
      let outstanding = 0;
      for (const x of this.entries.values()) if (x.record.status === 'receiving') outstanding += Math.max(0, reservation(x) - x.bytes);
      const available = space.freeBytes - outstanding - (this.o.marginBytes ?? DEFAULT_MARGIN_BYTES);
      if (needed > available) throw new BufferFullError(idHex, needed, Math.max(0, available));
      await this.storage.writeAtomic(manifestPath(idHex), encodeSessionMessage({ kind: 'manifest', recordings: [manifest], more: false }));
      const record: BufferRecord = {
        format: RECORD_FORMAT, recordingId: idHex, status: 'receiving', cameraSerial: manifest.cameraSerial, cameraModel: camera.model,
        userId: manifest.userId, totalBytes: manifest.totalBytes, reservedAt: this.epochMs(), completedAt: null, uploadedAt: null, reason: null,
      };
      await this.writeRecord(record);
      e = { record, manifest, frames: [], durable: 0, intake: undefined, bytes: 0 };
      this.entries.set(idHex, e);
    }
    const segments = (await this.storage.list(bufferDir(idHex))).map((n) => SEGMENT_NAME.exec(n)).filter((m) => m).map((m) => Number(m![1]));
    const segment = segments.length ? Math.max(...segments) + 1 : 0;
    const file = await this.storage.openAppend(segmentPath(idHex, segment));
    e.intake = new Intake(this, e, e.manifest!, file, segment);
    return e.intake;
  }

  /** @internal Intake calls this when its recording is whole and durable. */
  async completed(e: Entry): Promise<void> {
    e.record.status = 'complete';
    e.record.completedAt = this.epochMs();
    await this.writeRecord(e.record);
    e.intake = undefined;
    this.emit('complete', e.record.recordingId);
  }

  /** @internal */
  detached(e: Entry): void {
    e.intake = undefined;
  }

  // UploadQueue

  async pending(): Promise<BufferedRecording[]> {
    const pri = this.o.isPrioritized ?? (() => false);
    const out = [...this.entries.values()].filter((e) => e.record.status === 'complete').map((e) => this.buffered(e, pri(e.record.userId)));
    return out.sort((a, b) => Number(b.prioritized) - Number(a.prioritized) || a.receivedAt - b.receivedAt || a.idHex.localeCompare(b.idHex));
  }

  onComplete(listener: (idHex: string) => void): () => void {
    this.on('complete', listener);
    return () => this.off('complete', listener);
  }

  async markNotTransferred(idHex: string, reason: string): Promise<void> {
    const e = this.require(idHex, 'complete');
    e.record.status = 'not-transferred';
    e.record.reason = reason;
    await this.writeRecord(e.record);
    this.o.log.warn('buffer', `recording ${idHex} from ${e.record.cameraSerial} not transferred: ${reason}; kept in the buffer`);
  }

  async notTransferred(): Promise<NotTransferred[]> {
    return [...this.entries.values()].filter((e) => e.record.status === 'not-transferred')
      .map((e) => ({ idHex: e.record.recordingId, reason: e.record.reason ?? '', at: e.record.completedAt ?? e.record.reservedAt }));
  }

  /** The destination holds it (Status Complete): keep a tombstone, delete the chunks. */
  async release(idHex: string): Promise<void> {
    const e = this.require(idHex, 'complete');
    e.record.status = 'uploaded';
    e.record.uploadedAt = this.epochMs();
    await this.writeRecord(e.record);
    await this.removeSegments(idHex);
    await this.storage.remove(manifestPath(idHex));
    e.frames = [];
    e.bytes = 0;
    e.manifest = undefined;
  }

  /** Put a not-transferred recording back in the upload queue (an operator fixed the destination). */
  async retry(idHex: string): Promise<void> {
    const e = this.require(idHex, 'not-transferred');
    e.record.status = 'complete';
    e.record.reason = null;
    await this.writeRecord(e.record);
    this.emit('complete', idHex);
  }

  private require(idHex: string, status: BufferStatus): Entry {
    const e = this.entries.get(idHex);
    if (!e) throw new HalError('ENOENT', `no recording ${idHex} in the buffer`);
    if (e.record.status !== status) throw new HalError('EBADF', `recording ${idHex} is ${e.record.status} in the buffer, expected ${status}`);
    return e;
  }

  private buffered(e: Entry, prioritized: boolean): BufferedRecording {
    const buffer = this;
    return {
      idHex: e.record.recordingId, manifest: e.manifest!, cameraModel: e.record.cameraModel, receivedAt: e.record.completedAt ?? e.record.reservedAt, prioritized,
      readChunk: (index: number) => buffer.readChunk(e, index),
    };
  }

  private async readChunk(e: Entry, index: number): Promise<Uint8Array> {
    const idHex = e.record.recordingId;
    if (!e.manifest || e.record.status === 'uploaded') throw new HalError('ENOENT', `recording ${idHex} is no longer in the buffer (${e.record.status})`);
    e.frames ??= (await this.scan(idHex, e.manifest, false)).frames;
    const f = e.frames[index];
    if (!Number.isInteger(index) || !f || index >= e.durable) throw new HalError('ENOENT', `recording ${idHex} has no chunk ${index} in the buffer: ${e.durable} held`);
    const c = await this.storage.readRange(segmentPath(idHex, f.segment), f.offset + FRAME_HEADER_BYTES, f.length);
    if (!sameBytes(chunkDigest(c, e.manifest.digestAlgorithm), e.manifest.chunkDigests[index]!)) {
      throw new ChunkRejectedError(`recording ${idHex} chunk ${index}: the buffer's copy does not match its digest (medium error)`);
    }
    return c;
  }

  /** Whole epoch ms for the record file (a clock may give fractions: the emulated one steps by video frames). */
  private epochMs(): number {
    return Math.floor(this.o.clock.now());
  }

  private async writeRecord(r: BufferRecord): Promise<void> {
    await this.storage.writeAtomic(recordPath(r.recordingId), encodeRecord(r));
  }

  private async removeSegments(idHex: string): Promise<void> {
    for (const n of await this.storage.list(bufferDir(idHex))) if (SEGMENT_NAME.test(n)) await this.storage.remove(`${bufferDir(idHex)}/${n}`);
  }

  private async removeFiles(idHex: string): Promise<void> {
    for (const n of await this.storage.list(bufferDir(idHex))) await this.storage.remove(`${bufferDir(idHex)}/${n}`);
  }
}

/** Bytes a recording takes in the buffer when whole: its ciphertext and a frame header per chunk. */
function reservation(e: Entry): number {
  return e.record.totalBytes + (e.manifest?.chunkCount ?? 0) * FRAME_HEADER_BYTES;
}

function sameManifest(a: Recording, b: Recording): boolean {
  return a.chunkCount === b.chunkCount && a.totalBytes === b.totalBytes && a.digestAlgorithm === b.digestAlgorithm
    && a.chunkDigests.every((d, i) => sameBytes(d, b.chunkDigests[i]!)) && sameBytes(a.sealedKey, b.sealedKey);
}

/**
 * Receives one recording's chunks in index order: each is checked against the manifest's digest
 * before it is appended; sync() makes them durable; the last one completes the recording.
 */
export class Intake {
  private appended: number;
  private synced: Promise<void> = Promise.resolve();
  private closed = false;

  /** @internal use EvidenceBuffer.receive() */
  constructor(private readonly buffer: EvidenceBuffer, private readonly e: Entry, readonly recording: Recording, private readonly file: AppendFile, private readonly segment: number) {
    this.appended = e.durable;
  }

  get idHex(): string { return this.e.record.recordingId; }
  /** The next chunk index wanted. */
  get next(): number { return this.appended; }
  /** Chunks held durably. */
  get durable(): number { return this.e.durable; }
  get done(): boolean { return this.e.durable === this.recording.chunkCount; }

  /** Check chunk `index` against the manifest and append it. ChunkRejectedError when it does not match (nothing written). */
  async add(index: number, ciphertext: Uint8Array): Promise<void> {
    if (this.closed) throw new HalError('EBADF', `intake of recording ${this.idHex} is closed`);
    if (index !== this.appended) throw new ChunkRejectedError(`recording ${this.idHex}: chunk ${index} arrived where chunk ${this.appended} was expected`);
    const expected = this.recording.chunkDigests[index];
    if (!expected) throw new ChunkRejectedError(`recording ${this.idHex}: chunk ${index} is beyond its ${this.recording.chunkCount} chunks`);
    const limit = this.recording.chunkSize + CHUNK_TAG_BYTES;
    if (ciphertext.length < CHUNK_TAG_BYTES || ciphertext.length > limit) {
      throw new ChunkRejectedError(`recording ${this.idHex} chunk ${index}: ${ciphertext.length} bytes, expected ${CHUNK_TAG_BYTES} to ${limit}`);
    }
    const digest = chunkDigest(ciphertext, this.recording.digestAlgorithm);
    if (!sameBytes(digest, expected)) throw new ChunkRejectedError(`recording ${this.idHex} chunk ${index}: digest does not match the manifest (tampered or damaged in transfer)`);
    const frame = encodeFrame({ index, last: index === this.recording.chunkCount - 1, mediaTimeMs: 0, digest }, ciphertext);
    const offset = this.file.size;
    await this.file.append(frame);
    (this.e.frames ??= []).push({ segment: this.segment, offset, length: ciphertext.length });
    this.e.bytes += frame.length;
    this.appended++;
  }

  /** Make every chunk added so far durable; returns the durable count. */
  async sync(): Promise<number> {
    const target = this.appended;
    this.synced = this.synced.then(async () => {
      if (this.e.durable >= target) return;
      await this.file.sync();
      this.e.durable = Math.max(this.e.durable, target);
    });
    await this.synced;
    return this.e.durable;
  }

  /** Every chunk added and durable: the recording is complete (custody may be acknowledged). */
  async complete(): Promise<void> {
    await this.sync();
    if (!this.done) throw new HalError('EBADF', `recording ${this.idHex}: ${this.e.durable} of ${this.recording.chunkCount} chunks held, not complete`);
    await this.file.close();
    this.closed = true;
    await this.buffer.completed(this.e);
  }

  /** The transfer stopped (undock, session end): keep what is durable; a later receive() resumes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sync().catch(() => undefined);
    await this.file.close().catch(() => undefined);
    // Anything not durable is fetched again into the next segment.
    this.e.frames?.splice(this.e.durable);
    this.buffer.detached(this.e);
  }
}
