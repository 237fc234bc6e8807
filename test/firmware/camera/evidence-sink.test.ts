/**
 * The camera's evidence sink: recordings land encrypted on storage (clips ffmpeg decodes after
 * decryption with the system key), the head is synced at once, a power cut leaves an interrupted
 * recording, nothing is recorded without an evidence key, and storage full ends the recording.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';
import { EmulatedCamera } from '../../../hal/video/emulated.js';
import {
  generateSystemKeyPair, isLastChunk, listRecordings, openChunk, openRecording, openRecordingKey, recoverRecordings, setClipDuration,
  wholeClipLength, type SystemKeyPair,
} from '../../../firmware/common/evidence/index.js';
import { silentLog } from '../../../firmware/common/log.js';
import { EvidenceSink, type EvidenceSinkOptions } from '../../../firmware/camera/evidence-sink.js';
import { OffloadSession } from '../../../firmware/camera/offload.js';
import { startRecorder } from '../../../firmware/camera/recorder/recorder.js';
import type { Storage } from '../../../hal/storage/contract.js';

const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const needFfmpeg = { skip: haveFfmpeg ? false : 'needs Debian package ffmpeg' };
const dir = mkdtempSync(join(tmpdir(), 'bwc-sink-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** ffmpeg's complaints decoding `clip` ('' when clean) and the frames it decoded. */
function decode(clip: Uint8Array): { errors: string; frames: number } {
  const path = join(dir, `clip${fileNo++}.mkv`);
  writeFileSync(path, clip);
  const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return { errors: `${run.stderr}${run.status === 0 ? '' : `exit ${run.status}`}`, frames: Number(probe.stdout.trim()) };
}

async function rig(o: { key?: SystemKeyPair | undefined; sink?: Partial<EvidenceSinkOptions> } = {}) {
  const timeline = new Timeline({ epoch: Date.UTC(2026, 10, 23, 8) });
  const clock = timeline.clock();
  const medium = new EmulatedStorage({ name: 'cam1' });
  const storage = medium.mount();
  const system = 'key' in o ? o.key : await generateSystemKeyPair();
  const warnings: string[] = [];
  const log = { ...silentLog, warn: (_ns: string, m: string) => { warnings.push(m); } };
  const sink = new EvidenceSink({
    storage, clock, log, cameraSerial: 'W100-0042', userId: 'officer.7', timeZone: 'Europe/Copenhagen',
    evidencePublicKey: () => system?.publicKey, clipLimits: { maxDurationMs: 10_000, maxBytes: 64 * 1024 * 1024 }, ...o.sink,
  });
  const camera = new EmulatedCamera({ clock, name: 'cam1' });
  const video = await camera.open();
  const sinkErrors: unknown[] = [];
  const recorder = startRecorder({
    video, clock, sink, prebufferMaxBytes: 8_000_000, onSinkError: (e) => sinkErrors.push(e),
    config: { prebufferMs: 5_000, postbufferMs: 0, alwaysRecord: false, activation: 'single-press' },
  });
  await video.start();
  return { timeline, clock, medium, storage, system, sink, recorder, warnings, sinkErrors };
}

/** Every clip of a recording, decrypted with the system key, as Matroska bytes. */
async function clipsOf(storage: Storage, system: SystemKeyPair, id: Uint8Array): Promise<{ bytes: Uint8Array; durationMs: number }[]> {
  const reader = await openRecording(storage, id);
  const key = await openRecordingKey(reader.sealedKey, system);
  const out: { bytes: Uint8Array; durationMs: number }[] = [];
  for (const clip of reader.manifestEntry().clips) {
    const parts: Uint8Array[] = [];
    for (let i = clip.firstChunk; i < clip.firstChunk + clip.chunkCount; i++) {
      const { ciphertext } = await reader.readChunk(i);
      parts.push(openChunk(key, { recordingId: id, index: i, last: isLastChunk(i, reader.chunkCount, reader.interrupted) }, ciphertext));
    }
    out.push({ bytes: Buffer.concat(parts), durationMs: clip.stopTimeMs - clip.startTimeMs });
  }
  return out;
}

/** True when any stored file holds the EBML magic of a Matroska header (plaintext). */
function plaintextOnMedium(medium: EmulatedStorage): boolean {
  const magic = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
  for (const bytes of medium.durableSnapshot().values()) if (Buffer.from(bytes).includes(magic)) return true;
  return false;
}

t.test('a recording is stored encrypted, in clips that decode after decryption with the system key', needFfmpeg, async (t) => {
  const { timeline, clock, medium, storage, system, sink, recorder } = await rig();
  await timeline.advance(10_000);
  const pressAt = clock.now();
  recorder.recordPress();
  await recorder.settled();
  t.equal(sink.stats.lastHeadDurableMs, 0, 'prebuffer head durable in the same virtual instant as the press');
  t.ok(sink.stats.syncs >= 1);
  await timeline.advance(25_000);
  recorder.recordPress();
  await recorder.settled();
  t.same({ started: sink.stats.started, closed: sink.stats.closed, failed: sink.stats.failed }, { started: 1, closed: 1, failed: 0 });

  const list = await listRecordings(storage);
  t.equal(list.length, 1);
  t.equal(list[0]!.status, 'closed');
  const entry = (await openRecording(storage, list[0]!.recordingId)).manifestEntry();
  t.equal(entry.cameraSerial, 'W100-0042');
  t.equal(entry.userId, 'officer.7');
  t.equal(entry.triggerOnReason, 'TRIGGER_REASON_BUTTON');
  t.equal(entry.triggerOffReason, 'TRIGGER_REASON_BUTTON');
  t.equal(entry.triggerOnTimeMs, pressAt);
  t.ok(pressAt - entry.startTimeMs >= 4_000, `start includes the prebuffer (${pressAt - entry.startTimeMs} ms)`);
  t.equal(entry.timeZone, 'Europe/Copenhagen');
  t.ok(entry.clips.length >= 3, `~30 s split into 10 s clips: ${entry.clips.length}`);
  t.notOk(plaintextOnMedium(medium), 'no Matroska header in plain on the medium');

  const clips = await clipsOf(storage, system!, list[0]!.recordingId);
  let frames = 0;
  for (const clip of clips) {
    t.ok(setClipDuration(clip.bytes, clip.durationMs), 'duration written in place');
    const d = decode(clip.bytes);
    t.equal(d.errors, '', 'ffmpeg decodes the clip without error');
    frames += d.frames;
  }
  t.ok(frames >= 28 * 30 && frames <= 32 * 30, `about 30 s of 30 fps decoded: ${frames} frames`);
});

t.test('a power cut mid-recording leaves an interrupted recording, listed for offload after recovery', needFfmpeg, async (t) => {
  const { timeline, medium, system, recorder } = await rig();
  await timeline.advance(6_000);
  recorder.recordPress();
  await timeline.advance(7_500);
  await recorder.settled();
  medium.cutPower();
  recorder.powerCut();
  recorder.close();

  const storage = medium.mount();
  const report = await recoverRecordings(storage);
  t.equal(report.recovered.length, 1);
  t.equal(report.recovered[0]!.status, 'interrupted');
  const offload = new OffloadSession({ storage, log: silentLog, systemId: () => 'site-a' }, 'site-a');
  const page = await offload.manifest({ afterRecordingId: new Uint8Array(0), maxRecordings: 0 });
  t.equal(page.recordings.length, 1);
  const r = page.recordings[0]!;
  t.ok(r.interrupted);
  t.ok(r.stopTimeMs - r.startTimeMs >= 11_000, `at most about a second lost: ${r.stopTimeMs - r.startTimeMs} ms of ~12.5 s kept`);
  t.notOk(plaintextOnMedium(medium));
  const clips = await clipsOf(storage, system!, r.recordingId);
  t.equal(clips.length, 2, 'a whole first clip and the cut second one');
  for (const { bytes } of clips) t.equal(decode(bytes.subarray(0, wholeClipLength(bytes))).errors, '', 'each clip decodes up to the cut');
});

t.test('without an evidence key nothing is recorded, and the reason is logged', async (t) => {
  const { timeline, medium, storage, sink, recorder, warnings, sinkErrors } = await rig({ key: undefined });
  await timeline.advance(6_000);
  recorder.recordPress();
  await recorder.settled();
  await timeline.advance(2_000);
  await recorder.settled();
  t.equal(sink.stats.refused, 1);
  t.equal(sinkErrors.length, 1);
  t.match((sinkErrors[0] as Error).message, /not adopted/);
  t.ok(warnings.some((w) => /recording refused: .*not adopted/.test(w)), 'logged');
  t.equal(recorder.state.kind, 'idle', 'the recorder gave up');
  t.same(await listRecordings(storage), []);
  t.equal(medium.durableSnapshot().size, 0, 'nothing written at all');
});

t.test('storage full ends the recording; what was synced is kept', async (t) => {
  const { timeline, medium, sink, recorder, sinkErrors } = await rig();
  await timeline.advance(6_000);
  recorder.recordPress();
  await timeline.advance(4_000);
  await recorder.settled();
  medium.fill();
  await timeline.advance(3_000);
  await recorder.settled();
  t.equal(sinkErrors.length, 1, 'the sink threw');
  t.equal(recorder.state.kind, 'idle', 'recording ended (storage-full)');
  t.equal(sink.stats.failed, 1);
  // Reboot with room again: the recording is there with its synced media.
  medium.setCapacity(1 << 30);
  const storage = medium.mount();
  const report = await recoverRecordings(storage);
  const list = await listRecordings(storage);
  t.equal(list.length, 1);
  t.not(list[0]!.status, 'open');
  const entry = (await openRecording(storage, list[0]!.recordingId)).manifestEntry();
  t.ok(entry.stopTimeMs - entry.startTimeMs >= 8_000, `synced media kept: ${entry.stopTimeMs - entry.startTimeMs} ms (${report.recovered.length} recovered)`);
});

t.test('storage full at the close: the recording is recovered at once (interrupted), not left open until a reboot', async (t) => {
  const { timeline, medium, sink, recorder } = await rig();
  await timeline.advance(6_000);
  recorder.recordPress();
  await timeline.advance(4_000);
  await recorder.settled();
  // Room for the state file, not for the next chunk: the last chunk of the close does not fit.
  medium.setCapacity(medium.used() + 8192);
  await timeline.advance(3_000);
  await recorder.settled();
  t.equal(recorder.state.kind, 'idle', 'recording ended (storage-full)');
  t.equal(sink.stats.failed, 1);
  const storage = medium.mount();
  const list = await listRecordings(storage);
  t.equal(list.length, 1);
  t.equal(list[0]!.status, 'interrupted', 'recovered now, without a reboot');
  const entry = (await openRecording(storage, list[0]!.recordingId)).manifestEntry();
  t.ok(entry.stopTimeMs - entry.startTimeMs >= 8_000, `synced media kept: ${entry.stopTimeMs - entry.startTimeMs} ms`);
  t.same((await recoverRecordings(storage)).recovered, [], 'nothing left for boot recovery');
});

t.test('bookmarks land durably in the open recording; without one they are ignored with a debug line', async (t) => {
  const debug: string[] = [];
  const { timeline, clock, storage, sink, recorder } = await rig({ sink: { log: { ...silentLog, debug: (_ns: string, m: string) => { debug.push(m); } } } });
  await timeline.advance(6_000);
  t.equal(await sink.bookmark(clock.now()), false, 'no recording open');
  t.match(debug.join('\n'), /bookmark at \d+ ignored: no recording is being written/);
  recorder.recordPress();
  await timeline.advance(3_000);
  await recorder.settled();
  const first = clock.now();
  t.equal(await sink.bookmark(first), true);
  await timeline.advance(2_000);
  t.equal(await sink.bookmark(clock.now()), true);
  t.equal(await sink.bookmark(first), false, 'the same instant twice is one bookmark');
  const second = clock.now();
  await timeline.advance(1_000);
  recorder.recordPress();
  await recorder.settled();
  t.equal(sink.stats.bookmarks, 2);
  t.equal(await sink.bookmark(clock.now()), false, 'after the recording ended');
  const list = await listRecordings(storage);
  const entry = (await openRecording(storage, list[0]!.recordingId)).manifestEntry();
  t.same(entry.bookmarkTimesMs, [first, second]);
});
