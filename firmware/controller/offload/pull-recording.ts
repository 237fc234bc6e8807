/**
 * Pulling one recording's chunks from a camera into the buffer: requests are pipelined, every
 * answer is checked against the manifest and hashed before it is stored; a rejected chunk
 * (tampered, truncated, wrong index, or the camera's read failed) is asked for again; the
 * buffered copy is made durable as it grows; the last chunk completes it.
 */
import { checkChunkResponseFor, isProtocolError, toHex, type SessionMessage } from '../../../protocols/index.js';

type ChunkAnswer = Extract<SessionMessage, { kind: 'chunkResponse' }>;
import { ChunkRejectedError, type Intake } from '../buffer/evidence-buffer.js';
import type { SessionChannel } from '../session-channel.js';

/** Chunk requests in flight at once. */
export const PIPELINE_DEPTH = 16;
/** A chunk not answered within this ends the session. */
export const CHUNK_TIMEOUT_MS = 15_000;
/** The buffered copy is synced at least this often (chunks). */
export const SYNC_EVERY_CHUNKS = 8;
/** A chunk rejected this many times in a row ends the transfer of its recording for this session. */
export const MAX_CHUNK_ATTEMPTS = 4;

export interface PullReport {
  chunks: number;
  bytes: number;
  /** Answers rejected and fetched again. */
  rejected: number;
}

/** The chunks of a recording kept failing its checks; it stays on the camera. */
export class TransferFailedError extends Error {
  readonly code = 'ETRANSFER';
  constructor(message: string) {
    super(message);
    this.name = 'TransferFailedError';
  }
}

export async function pullRecording(
  channel: SessionChannel, intake: Intake, onChunk: (bytes: number) => void = () => {},
): Promise<PullReport> {
  const r = intake.recording;
  const count = r.chunkCount;
  const report: PullReport = { chunks: 0, bytes: 0, rejected: 0 };
  const queue: { index: number; answer: Promise<ChunkAnswer> }[] = [];
  let nextToAsk = intake.next;
  let attempts = 0;
  let syncing: Promise<number> | undefined;
  while (intake.next < count) {
    while (queue.length < PIPELINE_DEPTH && nextToAsk < count) {
      const answer: Promise<ChunkAnswer> = channel.request({ kind: 'chunkRequest', recordingId: r.recordingId, index: nextToAsk }, 'chunkResponse', CHUNK_TIMEOUT_MS);
      answer.catch(() => undefined); // awaited below, or dropped with the session
      queue.push({ index: nextToAsk++, answer });
    }
    const { index, answer } = queue.shift()!;
    const m = await answer;
    try {
      if (m.index !== index) throw new ChunkRejectedError(`asked for chunk ${index}, the camera answered chunk ${m.index}`);
      if (m.error) throw new ChunkRejectedError(`the camera could not send chunk ${index}: ${m.error.message}`);
      checkChunkResponseFor(r, m);
      await intake.add(index, m.data!.ciphertext);
      attempts = 0;
      report.chunks++;
      report.bytes += m.data!.ciphertext.length;
      onChunk(m.data!.ciphertext.length);
      // Made durable in the background: appends go on while the medium syncs; complete() waits.
      if ((index + 1) % SYNC_EVERY_CHUNKS === 0) { syncing = intake.sync(); syncing.catch(() => undefined); }
    } catch (e) {
      if (!(e instanceof ChunkRejectedError || isProtocolError(e))) throw e;
      report.rejected++;
      if (++attempts >= MAX_CHUNK_ATTEMPTS) {
        throw new TransferFailedError(`recording ${toHex(r.recordingId)}: chunk ${intake.next} rejected ${attempts} times (last: ${(e as Error).message}); it stays on the camera`);
      }
      // Answers already in flight are for later chunks: let them come, then ask again from here.
      for (const q of queue.splice(0)) await q.answer.catch(() => undefined);
      nextToAsk = intake.next;
    }
  }
  await syncing;
  await intake.complete();
  return report;
}
