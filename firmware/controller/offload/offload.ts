/**
 * Offload from docked cameras: on every manifest a camera sends, each recording it lists is
 * either acknowledged at once (the buffer already holds it) or pulled into the buffer under the
 * bound on concurrent transfers (prioritized users first), and its custody acknowledged once it
 * is durable and verified, so the camera may delete it.
 */
import { EventEmitter } from 'node:events';
import type { DeviceIdentity } from '../../../hal/boards/contract.js';
import { toHex, type Recording } from '../../../protocols/index.js';
import type { Log } from '../../common/log.js';
import type { CameraSession } from '../camera-session.js';
import type { DockedCamera } from '../dock-table.js';
import { BufferFullError, type EvidenceBuffer } from '../buffer/evidence-buffer.js';
import { SessionClosedError } from '../session-channel.js';
import type { UserPriorities } from './priorities.js';
import { pullRecording, TransferFailedError, type PullReport } from './pull-recording.js';
import type { TransferSlots } from './transfer-slots.js';

export interface OffloadEvents {
  /** A recording is whole in the buffer and its custody acknowledged. */
  held: [camera: string, recording: Recording, report: PullReport];
  /** Bytes of a chunk just stored (progress). */
  chunk: [camera: string, bytes: number];
  /** A recording could not be taken now (buffer full, transfer failed); it stays on the camera. */
  deferred: [camera: string, idHex: string, reason: string];
}

export interface OffloadOptions {
  buffer: EvidenceBuffer;
  slots: TransferSlots;
  priorities: UserPriorities;
  identity: DeviceIdentity;
  systemId: string;
  log: Log;
}

export class Offload extends EventEmitter<OffloadEvents> {
  /** Cameras with an offload pass under way. */
  private readonly active = new Map<string, { again: boolean }>();

  constructor(private readonly o: OffloadOptions) {
    super();
  }

  /** Whether an offload pass is under way with `serial`. */
  isOffloading(serial: string): boolean {
    return this.active.has(serial);
  }

  /** Offload from `camera` for as long as `session` lasts. */
  attach(camera: DockedCamera, session: CameraSession): void {
    const abort = new AbortController();
    void session.closed.then(() => abort.abort());
    const off = session.onManifest((recordings) => this.pass(camera, session, recordings, abort.signal));
    void session.closed.then(off);
    void session.pollNow();
  }

  private pass(camera: DockedCamera, session: CameraSession, recordings: Recording[], signal: AbortSignal): void {
    // Pages are checked one by one by the decoder; joined, a recording must still be listed once.
    const ids = new Set<string>();
    for (const r of recordings) {
      const idHex = toHex(r.recordingId);
      if (ids.has(idHex)) {
        session.channel.close(`camera ${camera.serial} listed recording ${idHex} twice in one manifest: expected each recording once`);
        return;
      }
      ids.add(idHex);
    }
    const running = this.active.get(camera.serial);
    if (running) { running.again = true; return; }
    const state = { again: false };
    this.active.set(camera.serial, state);
    void (async () => {
      try {
        await this.offloadAll(camera, session, recordings, signal);
      } catch (e) {
        if (!(e instanceof SessionClosedError) && !signal.aborted) this.o.log.warn('offload', `${camera.serial}: ${(e as Error).message}`);
      } finally {
        this.active.delete(camera.serial);
      }
      // Something new was listed meanwhile: read the manifest again.
      if (state.again && !signal.aborted) void session.pollNow();
    })();
  }

  private async offloadAll(camera: DockedCamera, session: CameraSession, recordings: Recording[], signal: AbortSignal): Promise<void> {
    for (const r of recordings) {
      if (signal.aborted) return;
      const idHex = toHex(r.recordingId);
      const status = this.o.buffer.status(idHex);
      if (status && status !== 'receiving') {
        // Held already (the camera missed the ack, or it was uploaded since): acknowledge again.
        await this.acknowledge(session, r);
        continue;
      }
      const release = await this.o.slots.acquire({ prioritized: this.o.priorities.isPrioritized(r.userId), label: `${camera.serial}/${idHex}` }, signal);
      let intake;
      try {
        try {
          intake = await this.o.buffer.receive(r, { serial: camera.serial, model: camera.model });
        } catch (e) {
          if (e instanceof BufferFullError) return this.defer(camera, idHex, e);
          throw e;
        }
        if (intake.next > 0) this.o.log.info('offload', `${camera.serial}: recording ${idHex} resumes at chunk ${intake.next} of ${r.chunkCount}`);
        const report = await pullRecording(session.channel, intake, (bytes) => this.emit('chunk', camera.serial, bytes));
        await this.acknowledge(session, r);
        this.o.log.info('offload', `${camera.serial}: recording ${idHex} held (${r.chunkCount} chunks, ${r.totalBytes} bytes${report.rejected ? `, ${report.rejected} chunk(s) rejected and fetched again` : ''}); custody acknowledged`);
        this.emit('held', camera.serial, r, report);
      } catch (e) {
        if (e instanceof TransferFailedError) {
          this.defer(camera, idHex, e);
          continue;
        }
        throw e;
      } finally {
        await intake?.close();
        release();
      }
    }
  }

  /** The recording stays on the camera for now (buffer full, chunks keep failing): say so. */
  private defer(camera: DockedCamera, idHex: string, e: Error): void {
    this.emit('deferred', camera.serial, idHex, e.message);
    this.o.log.warn('offload', `${camera.serial}: ${e.message}`);
  }

  private async acknowledge(session: CameraSession, r: Recording): Promise<void> {
    await session.channel.tell({
      kind: 'custodyAck', recordingId: r.recordingId, chunksHeld: r.chunkCount, durableVerified: true,
      holderSerial: this.o.identity.serial, holderSystemId: this.o.systemId,
    });
  }
}
