/**
 * Matroska clips: the muxer's output decodes with ffmpeg without a single error line, ffprobe
 * counts every frame and (after setClipDuration) the right duration; long recordings split at
 * keyframes; a clip survives the trip through the encrypted chunk store.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { fixtureFromFile } from '../../../../hal/video/fixture.js';
import {
  ClipSplitter, MatroskaMuxer, annexBToLengthPrefixed, avcDecoderConfiguration, clipSplitStart, createRecording,
  generateSystemKeyPair, isLastChunk, newRecordingId, newRecordingKey, openChunk, openRecording, openRecordingKey, recoverRecordings,
  setClipDuration, splitClip, wholeClipLength, type ClipEvent, type MuxUnit,
} from '../../../../firmware/common/evidence/index.js';
import { concatBytes, meta } from './helpers.js';

const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
const needFfmpeg = { skip: haveFfmpeg ? false : 'needs Debian package ffmpeg (ffmpeg and ffprobe)' };
const fixture = fixtureFromFile();
const FRAME_MS = 1000 / 30;

/** `loops` plays of the fixture with pts from `startPts`, as the emulated camera delivers them. */
function units(loops: number, startPts = 5000): MuxUnit[] {
  const out: MuxUnit[] = [];
  for (let l = 0; l < loops; l++) {
    for (const u of fixture.units) out.push({ data: u.data, keyframe: u.keyframe, pts: startPts + out.length * FRAME_MS, duration: FRAME_MS });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'bwc-mkv-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** ffmpeg's error output decoding `clip` (empty when clean) and ffprobe's frame count and duration. */
function probe(clip: Uint8Array): { errors: string; frames: number; duration: number | undefined } {
  const path = join(dir, `clip${fileNo++}.mkv`);
  writeFileSync(path, clip);
  const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  const errors = `${run.stderr}${run.status === 0 ? '' : `exit ${run.status}`}`;
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,codec_name,width,height:format=duration', '-of', 'json', path], { encoding: 'utf8' });
  const j = JSON.parse(out) as { streams: { nb_read_frames: string; codec_name: string; width: number; height: number }[]; format: { duration?: string } };
  const s = j.streams[0]!;
  t.equal(`${s.codec_name} ${s.width}x${s.height}`, 'h264 320x240', 'ffprobe sees the H.264 track');
  return { errors, frames: Number(s.nb_read_frames), duration: j.format.duration === undefined ? undefined : Number(j.format.duration) };
}

function mux(input: MuxUnit[]): { bytes: Uint8Array; muxer: MatroskaMuxer; maxPiece: number } {
  const muxer = new MatroskaMuxer({ dateUtcMs: meta.startTimeMs });
  const parts: Uint8Array[] = [];
  let maxPiece = 0;
  for (const u of input) {
    const p = muxer.push(u);
    maxPiece = Math.max(maxPiece, p.length);
    parts.push(p);
  }
  parts.push(muxer.finish());
  return { bytes: concatBytes(parts), muxer, maxPiece };
}

t.test('avcC and length-prefixed NAL units', async (t) => {
  const sps = Uint8Array.of(0x67, 0x42, 0xc0, 0x1e, 0xab);
  const pps = Uint8Array.of(0x68, 0xce);
  t.same([...avcDecoderConfiguration(sps, pps)], [1, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, 5, ...sps, 1, 0, 2, ...pps]);
  const annexB = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x65, 1, 2, 3, 0, 0, 0, 1, 0x41, 9);
  t.same([...annexBToLengthPrefixed(annexB)], [0, 0, 0, 4, 0x65, 1, 2, 3, 0, 0, 0, 2, 0x41, 9], 'AUD dropped, zero_byte not kept');
  t.throws(() => avcDecoderConfiguration(Uint8Array.of(0x67), pps), RangeError);
});

t.test('the fixture muxed streams in bounded pieces and decodes without error', needFfmpeg, async (t) => {
  const input = units(1);
  const { bytes, muxer, maxPiece } = mux(input);
  t.equal(muxer.frames, 60);
  t.ok(maxPiece < Math.max(...input.map((u) => u.data.length)) + 1024, `largest piece ${maxPiece} bytes: one unit plus headers, never the clip`);
  const plain = probe(bytes);
  t.equal(plain.errors, '', 'ffmpeg -v error prints nothing');
  t.equal(plain.frames, 60, 'ffprobe counts 60 frames');
  t.equal(plain.duration, undefined, 'no duration before it is set');
  t.ok(setClipDuration(bytes, muxer.durationMs), 'Duration written into the reserved Void');
  const set = probe(bytes);
  t.equal(set.errors, '');
  t.equal(set.frames, 60);
  t.ok(Math.abs(set.duration! - 2.0) < 0.01, `ffprobe duration ${set.duration} s is 2 s`);
  t.notOk(setClipDuration(new Uint8Array(100), 1), 'bytes that are not a clip are left alone');
});

t.test('a clip cut anywhere is trimmed to whole elements and decodes cleanly', needFfmpeg, async (t) => {
  const { bytes } = mux(units(1));
  t.equal(wholeClipLength(bytes), bytes.length, 'a whole clip is whole');
  t.equal(wholeClipLength(bytes.subarray(0, 100)), 0, 'no clip before the Tracks are whole');
  t.equal(wholeClipLength(bytes.subarray(0, 3000)), 0, 'no clip before the first frame is whole');
  t.equal(wholeClipLength(new Uint8Array(50)), 0);
  let last = 0;
  for (const cut of [9000, 12000, 15000, 20001]) {
    const n = wholeClipLength(bytes.subarray(0, cut));
    t.ok(n <= cut && n >= last, `cut at ${cut}: ${n} whole bytes`);
    last = n;
    const p = probe(bytes.subarray(0, n));
    t.equal(p.errors, '', `cut at ${cut} decodes without error once trimmed`);
    t.ok(p.frames > 0, `${p.frames} frames`);
  }
});

t.test('units before the first keyframe are skipped; clusters restart at least every maxClusterMs', needFfmpeg, async (t) => {
  const input = units(3).slice(10); // starts mid-GOP
  const muxer = new MatroskaMuxer({ maxClusterMs: 400 });
  const bytes = concatBytes([...input.map((u) => muxer.push(u)), muxer.finish()]);
  t.equal(muxer.skipped, 20);
  t.equal(muxer.frames, input.length - 20);
  const p = probe(bytes);
  t.equal(p.errors, '');
  t.equal(p.frames, input.length - 20);
  t.throws(() => muxer.push(input[0]!), /after finish/);
});

t.test('splitClip: cuts at a keyframe once a limit is reached', async (t) => {
  const limits = { maxDurationMs: 1000, maxBytes: 1e9 };
  const steps: [boolean, number, string][] = [[false, 0, 'skip'], [true, 0, 'start'], [false, 500, 'continue'], [true, 999, 'continue'], [false, 1500, 'continue'], [true, 2100, 'start']];
  let s = clipSplitStart;
  for (const [keyframe, pts, action] of steps) {
    const r = splitClip(s, { keyframe, pts, data: new Uint8Array(10) }, limits);
    t.equal(r.action, action, `${keyframe ? 'key' : 'delta'} at ${pts}`);
    s = r.state;
  }
  const bySize = splitClip({ clipStartPts: 0, clipBytes: 95 }, { keyframe: true, pts: 10, data: new Uint8Array(10) }, { maxDurationMs: 1e9, maxBytes: 100 });
  t.equal(bySize.action, 'start', 'a keyframe that would pass maxBytes starts a new clip');
});

t.test('a 6 s recording splits into three 2 s clips that each decode', needFfmpeg, async (t) => {
  const splitter = new ClipSplitter({ maxDurationMs: 2000, maxBytes: 10e6 });
  const events: ClipEvent[] = [];
  for (const u of units(3)) events.push(...splitter.push(u));
  events.push(...splitter.finish());
  const ends = events.filter((e) => e.type === 'end');
  t.same(ends.map((e) => e.type === 'end' && [e.clip, e.frames]), [[0, 60], [1, 60], [2, 60]]);
  for (const end of ends) {
    if (end.type !== 'end') continue;
    const bytes = concatBytes(events.flatMap((e) => (e.type === 'bytes' && e.clip === end.clip ? [e.data] : [])));
    t.ok(setClipDuration(bytes, end.durationMs));
    const p = probe(bytes);
    t.equal(p.errors, '', `clip ${end.clip} decodes`);
    t.equal(p.frames, 60);
    t.ok(Math.abs(p.duration! - 2) < 0.01, `clip ${end.clip} lasts ${p.duration} s`);
  }
});

t.test('clips through the encrypted chunk store come back decodable', needFfmpeg, async (t) => {
  const system = await generateSystemKeyPair();
  const storage = new EmulatedStorage().mount();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 8192 });
  const splitter = new ClipSplitter({ maxDurationMs: 2000, maxBytes: 10e6 });
  const durations: number[] = [];
  const apply = async (events: ClipEvent[]) => {
    for (const e of events) {
      if (e.type === 'begin') await w.beginClip(meta.startTimeMs + (e.startPts - 5000));
      else if (e.type === 'bytes') await w.append(e.data);
      else { durations.push(e.durationMs); await w.endClip(meta.startTimeMs + (e.startPts - 5000) + e.durationMs); }
    }
  };
  for (const u of units(2)) await apply(splitter.push(u));
  await apply(splitter.finish());
  await w.close({ triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: meta.startTimeMs + 4000, stopTimeMs: meta.startTimeMs + 4000 });

  const r = await openRecording(storage, recordingId);
  const key = await openRecordingKey(r.sealedKey, system);
  t.equal(r.state.clips.length, 2);
  for (const [n, clip] of r.state.clips.entries()) {
    const parts: Uint8Array[] = [];
    for (let i = clip.firstChunk; i < clip.firstChunk + clip.chunkCount; i++) {
      parts.push(openChunk(key, { recordingId, index: i, last: isLastChunk(i, r.chunkCount, r.interrupted) }, (await r.readChunk(i)).ciphertext));
    }
    const bytes = concatBytes(parts);
    t.ok(setClipDuration(bytes, durations[n]!));
    const p = probe(bytes);
    t.equal(p.errors, '', `clip ${n} from chunks ${clip.firstChunk}..${clip.firstChunk + clip.chunkCount - 1} decodes`);
    t.equal(p.frames, 60);
  }
});

t.test('an interrupted recording: its last clip, trimmed to whole elements, decodes cleanly', needFfmpeg, async (t) => {
  const system = await generateSystemKeyPair();
  const medium = new EmulatedStorage({ seed: 3 });
  const storage = medium.mount();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 3000 });
  const splitter = new ClipSplitter({ maxDurationMs: 60_000, maxBytes: 10e6 });
  let n = 0;
  try {
    for (const u of units(2)) {
      for (const e of splitter.push(u)) {
        if (e.type === 'begin') await w.beginClip(meta.startTimeMs);
        else if (e.type === 'bytes') await w.append(e.data, meta.startTimeMs + (u.pts - 5000));
      }
      if (++n % 10 === 0) await w.sync();
      if (n === 75) medium.cutPowerAtNextWrite();
    }
    t.fail('power was not cut');
  } catch (e) {
    t.equal((e as { code?: string }).code, 'EPOWER');
  }
  const booted = medium.mount();
  const report = await recoverRecordings(booted);
  t.equal(report.recovered[0]?.status, 'interrupted');
  const r = await openRecording(booted, recordingId);
  const clip = r.state.clips[0]!;
  t.ok(clip && clip.chunkCount === r.chunkCount, `the open clip became clip 0 with ${clip.chunkCount} chunks`);
  const key = await openRecordingKey(r.sealedKey, system);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < r.chunkCount; i++) parts.push(openChunk(key, { recordingId, index: i, last: false }, (await r.readChunk(i)).ciphertext));
  const bytes = concatBytes(parts);
  const whole = bytes.subarray(0, wholeClipLength(bytes));
  t.ok(setClipDuration(whole, clip.stopTimeMs - clip.startTimeMs));
  const p = probe(whole);
  t.equal(p.errors, '');
  t.ok(p.frames >= 70, `${p.frames} frames kept: at least the 70 synced`);
});
