/**
 * Test helpers for the uploader: real recordings written with the evidence writer from the video
 * fixture, wrapped as BufferedRecordings; an in-memory UploadQueue; a reference destination.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { SystemClock } from '../../../../hal/clock/linux.js';
import type { Clock } from '../../../../hal/clock/contract.js';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { fixtureFromFile } from '../../../../hal/video/fixture.js';
import {
  ClipSplitter, createRecording, newRecordingId, newRecordingKey, openRecording, recoverRecordings,
  type RecordingMeta, type RecordingReader, type SystemKeyPair, type MuxUnit,
} from '../../../../firmware/common/evidence/index.js';
import type { BufferedRecording, NotTransferred, UploadQueue } from '../../../../firmware/controller/buffer/contract.js';
import { startDestinationServer, type DestinationServer, type DestinationServerOptions } from '../../../../tools/destination/server.js';
import { SwiftClient } from '../../../../firmware/controller/destination/swift-client.js';
import { connectionFileText, parseConnectionFile, type ConnectionFile } from '../../../../firmware/controller/destination/connection-file.js';

export const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
export const needFfmpeg = { skip: haveFfmpeg ? false : 'needs Debian package ffmpeg (ffmpeg and ffprobe)' };

const fixture = fixtureFromFile();
const FRAME_MS = 1000 / 30;

/** A recording made a few hours ago (the destination refuses trigger times in its future). */
export function recordingMeta(over: Partial<RecordingMeta> = {}): RecordingMeta {
  const start = Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000 + 250;
  return {
    cameraSerial: 'W100-0042', userId: 'officer-7', triggerOnReason: 'TRIGGER_REASON_BUTTON',
    triggerOnTimeMs: start + 30_000, startTimeMs: start, timeZone: 'Europe/Copenhagen', firmwareVersion: '0.1.0', ...over,
  };
}

function units(loops: number): MuxUnit[] {
  const out: MuxUnit[] = [];
  for (let l = 0; l < loops; l++) {
    for (const u of fixture.units) out.push({ data: u.data, keyframe: u.keyframe, pts: out.length * FRAME_MS, duration: FRAME_MS });
  }
  return out;
}

export interface WrittenRecording {
  reader: RecordingReader;
  meta: RecordingMeta;
}

/**
 * A recording of `loops` plays of the 2 s fixture cut into 2 s clips, closed normally, or (with
 * `cutAfterUnits`) interrupted by a power cut after that many units (synced every 10), then recovered.
 */
export async function writeRecording(system: SystemKeyPair, opts: { loops?: number; chunkSize?: number; cutAfterUnits?: number; meta?: RecordingMeta; bookmarksMs?: number[] } = {}): Promise<WrittenRecording> {
  const meta = opts.meta ?? recordingMeta();
  const medium = new EmulatedStorage({ seed: 5 });
  const storage = medium.mount();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: opts.chunkSize ?? 8192 });
  // Bookmarks (ms after the start) are added up front: each is durable at once.
  for (const b of opts.bookmarksMs ?? []) await w.addBookmark(meta.startTimeMs + b);
  const splitter = new ClipSplitter({ maxDurationMs: 2000, maxBytes: 10e6 });
  let n = 0;
  try {
    for (const u of units(opts.loops ?? 2)) {
      for (const e of splitter.push(u)) {
        if (e.type === 'begin') await w.beginClip(meta.startTimeMs + e.startPts);
        else if (e.type === 'bytes') await w.append(e.data, meta.startTimeMs + u.pts);
        else await w.endClip(meta.startTimeMs + e.startPts + e.durationMs);
      }
      if (++n % 10 === 0) await w.sync();
      if (n === opts.cutAfterUnits) medium.cutPowerAtNextWrite();
    }
    for (const e of splitter.finish()) {
      if (e.type === 'bytes') await w.append(e.data);
      else if (e.type === 'end') await w.endClip(meta.startTimeMs + e.startPts + e.durationMs);
    }
    const stop = meta.startTimeMs + n * FRAME_MS;
    await w.close({ triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: stop, stopTimeMs: stop + 1000 });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EPOWER' || opts.cutAfterUnits === undefined) throw e;
    await recoverRecordings(medium.mount());
  }
  const reader = await openRecording(medium.mount(), recordingId);
  return { reader, meta };
}

/** The in-test adapter: a recording the controller would hold in its buffer. */
export function buffered(reader: RecordingReader, over: { prioritized?: boolean; failAtChunk?: number } = {}): BufferedRecording {
  return {
    idHex: reader.idHex, manifest: reader.manifestEntry(), cameraModel: 'W100', receivedAt: 0, prioritized: over.prioritized ?? false,
    readChunk: async (i) => {
      if (i === over.failAtChunk) throw new Error(`power lost while reading chunk ${i}`);
      return (await reader.readChunk(i)).ciphertext;
    },
  };
}

/** An UploadQueue in memory, recording what the uploader did to it. */
export class MemoryQueue implements UploadQueue {
  readonly recordings = new Map<string, BufferedRecording>();
  readonly marked: NotTransferred[] = [];
  readonly released: string[] = [];
  private readonly listeners = new Set<(id: string) => void>();

  add(r: BufferedRecording): void {
    this.recordings.set(r.idHex, r);
    for (const l of this.listeners) l(r.idHex);
  }
  async pending(): Promise<BufferedRecording[]> {
    const skip = new Set(this.marked.map((m) => m.idHex));
    return [...this.recordings.values()].filter((r) => !skip.has(r.idHex)).sort((a, b) => Number(b.prioritized) - Number(a.prioritized) || a.receivedAt - b.receivedAt);
  }
  onComplete(listener: (idHex: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async markNotTransferred(idHex: string, reason: string): Promise<void> { this.marked.push({ idHex, reason, at: Date.now() }); }
  async notTransferred(): Promise<NotTransferred[]> { return [...this.marked]; }
  async release(idHex: string): Promise<void> {
    if (!this.recordings.delete(idHex)) throw new Error(`release ${idHex}: not in the buffer`);
    this.released.push(idHex);
  }
}

/** A system clock whose sleeps return at once (retries without waiting). */
export function fastClock(): Clock & { sleeps: number[] } {
  const sys = new SystemClock();
  const sleeps: number[] = [];
  return { sleeps, now: () => sys.now(), monotonic: () => sys.monotonic(), setTimeout: (fn, ms) => sys.setTimeout(fn, ms), setInterval: (fn, ms) => sys.setInterval(fn, ms), sleep: async (ms) => { sleeps.push(ms); } };
}

export interface Destination {
  server: DestinationServer;
  root: string;
  connection: ConnectionFile;
  client: SwiftClient;
  clock: Clock & { sleeps: number[] };
  /** `METHOD path` of every storage request, in arrival order. */
  requests: string[];
  newClient(): SwiftClient;
}

export async function startDestination(t: { teardown(fn: () => unknown): void }, over: { server?: Partial<DestinationServerOptions>; wantEncryption?: boolean; publicKey?: string; publicKeyId?: string; containerType?: 'mkv' | 'mp4' } = {}): Promise<Destination> {
  const root = await mkdtemp(join(tmpdir(), 'bwc-upload-'));
  const requests: string[] = [];
  const server = await startDestinationServer({ root, users: { scu: 'secret' }, log: (l) => { if (!l.startsWith('error')) requests.push(l); }, ...over.server });
  const connection = parseConnectionFile(connectionFileText({
    authUri: server.authUrl, user: 'scu', key: 'secret', containerType: over.containerType ?? 'mkv',
    ...(over.wantEncryption ? { wantEncryption: true, publicKey: over.publicKey!, publicKeyId: over.publicKeyId! } : {}),
  }));
  const clock = fastClock();
  const clients: SwiftClient[] = [];
  const newClient = () => { const c = new SwiftClient({ connection, clock }); clients.push(c); return c; };
  const client = newClient();
  t.teardown(async () => { for (const c of clients) c.close(); await server.close(); await rm(root, { recursive: true, force: true }); });
  return { server, root, connection, client, clock, requests, newClient };
}

export async function readBody(body: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of body) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** ffmpeg's error output decoding `clip` (empty when clean) and ffprobe's frame count and declared duration. */
export async function probeClip(clip: Uint8Array): Promise<{ errors: string; frames: number; duration: number | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-upload-clip-'));
  try {
    const path = join(dir, 'clip.mkv');
    await writeFile(path, clip);
    const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
    const errors = `${run.stderr}${run.status === 0 ? '' : `exit ${run.status}`}`;
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames:format=duration', '-of', 'json', path], { encoding: 'utf8' });
    const j = JSON.parse(probe.stdout) as { streams: { nb_read_frames: string }[]; format: { duration?: string } };
    return { errors, frames: Number(j.streams[0]?.nb_read_frames ?? 0), duration: j.format.duration === undefined ? undefined : Number(j.format.duration) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
