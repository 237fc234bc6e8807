import t, { type Test } from 'tap';
import { Timeline } from '../../../../hal/clock/emulated.js';
import type {
  AccessUnit, AccessUnitListener, VideoErrorListener, VideoInfo, VideoStream, VideoStreamState, VideoStreamStats,
} from '../../../../hal/video/contract.js';
import { EmulatedCamera } from '../../../../hal/video/emulated.js';
import type { RecorderConfig } from '../../../../firmware/camera/recorder/recorder-machine.js';
import { InMemorySink } from '../../../../firmware/camera/recorder/in-memory-sink.js';
import { startRecorder, type RecorderOptions, type RecordingSink } from '../../../../firmware/camera/recorder/recorder.js';
import { unitSource } from './units.js';

const profile: RecorderConfig = { prebufferMs: 15_000, postbufferMs: 10_000, alwaysRecord: false, activation: 'single-press' };
const FRAME = 1000 / 30;

async function rig(config: Partial<RecorderConfig> = {}, options: Partial<RecorderOptions> = {}) {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const camera = new EmulatedCamera({ clock, name: 'cam1' });
  const video = await camera.open();
  const sink = new InMemorySink();
  const indicator: boolean[] = [];
  const bookmarks: number[] = [];
  const recorder = startRecorder({
    video, clock, sink, config: { ...profile, ...config }, prebufferMaxBytes: 4_000_000,
    onIndicator: (on) => indicator.push(on), onBookmark: (at) => bookmarks.push(at), ...options,
  });
  await video.start();
  return { timeline, clock, camera, video, sink, recorder, indicator, bookmarks };
}

/** Consecutive sequence numbers, starting on a keyframe. */
function checkContiguous(t: Test, units: readonly AccessUnit[]) {
  t.ok(units[0]?.keyframe, 'the recording starts on a keyframe');
  let breaks = 0;
  for (let i = 1; i < units.length; i++) if (units[i]!.sequence !== units[i - 1]!.sequence + 1) breaks++;
  t.equal(breaks, 0, 'no unit missing');
}

t.test('a recording starts on a keyframe with the configured prebuffer, then postbuffer', async (t) => {
  const { timeline, clock, sink, recorder, indicator } = await rig();
  await timeline.advance(60_000);
  const status = recorder.prebuffer()!;
  t.ok(status.heldMs >= 15_000 && status.heldMs <= 16_000 + 1e-6, `ring holds ${status.heldMs} ms`);
  const pressAt = clock.now();
  recorder.recordPress();
  await recorder.settled();
  t.equal(sink.recordings.length, 1);
  const rec = sink.recordings[0]!;
  t.equal(rec.begin.trigger, 'button');
  t.equal(rec.begin.triggerOnTime, pressAt);
  t.ok(rec.begin.prebuffer.heldMs >= 15_000 && rec.begin.prebuffer.heldMs <= 16_000 + 1e-6);
  t.same(rec.begin.prebuffer.shortfall, { kind: 'none' });
  t.equal(rec.units.length, rec.begin.prebuffer.units, 'the head reached the sink at once');
  t.ok(pressAt - rec.begin.startTime >= 15_000 - 1, 'start time includes the prebuffer');
  t.equal(recorder.stats.lastStart?.headHandedAt, recorder.stats.lastStart?.pressedAt, 'head handed over in the same virtual instant');
  t.same(indicator, [true]);

  await timeline.advance(5000);
  const stopAt = clock.now();
  recorder.recordPress();
  t.same(indicator, [true, false], 'postbuffer shows stopped');
  t.equal(recorder.state.kind, 'postbuffer');
  await timeline.advance(9000);
  t.equal(rec.end, undefined, 'still recording in postbuffer');
  await timeline.advance(1100);
  await recorder.settled();
  t.ok(rec.end, 'finished after the postbuffer');
  t.equal(rec.end!.triggerOff, 'button');
  t.equal(rec.end!.triggerOffTime, stopAt);
  const post = rec.end!.stopTime - stopAt;
  t.ok(Math.abs(post - 10_000) <= FRAME + 1, `postbuffer ${post} ms`);
  t.equal(rec.end!.units, rec.units.length);
  t.equal(rec.end!.droppedUnits, 0);
  checkContiguous(t, rec.units);
  const total = rec.units.reduce((n, u) => n + u.duration, 0);
  t.ok(Math.abs(total - (rec.end!.stopTime - rec.end!.startTime)) < 1, 'start/stop times cover every unit');
  t.equal(recorder.state.kind, 'idle');
});

t.test('prebuffer is shorter just after boot and just after a recording (manual)', async (t) => {
  const { timeline, sink, recorder } = await rig({ postbufferMs: 0 });
  await timeline.advance(5000);
  recorder.recordPress();
  const first = sink.recordings[0]!.begin.prebuffer;
  t.ok(first.heldMs > 4000 && first.heldMs <= 5000 + 1e-6, `after boot: ${first.heldMs} ms`);
  t.equal(first.shortfall.kind === 'emptied' && first.shortfall.cause, 'boot');
  await timeline.advance(2000);
  recorder.recordPress();
  await timeline.advance(3000);
  recorder.recordPress();
  await recorder.settled();
  const second = sink.recordings[1]!.begin.prebuffer;
  t.ok(second.heldMs > 1000 && second.heldMs <= 3000 + 1e-6, `after a recording: ${second.heldMs} ms`);
  t.equal(second.shortfall.kind === 'emptied' && second.shortfall.cause, 'recording-ended');
  checkContiguous(t, sink.recordings[1]!.units);
  t.ok(sink.recordings[1]!.units[0]!.sequence > sink.recordings[0]!.units.at(-1)!.sequence, 'no unit of the first recording again');
});

t.test('at a high bitrate the byte bound shortens the prebuffer and memory stays within it', async (t) => {
  const maxBytes = 50_000; // the fixture runs at ~10 kB/s: about 5 s fit
  const { timeline, sink, recorder } = await rig({ prebufferMs: 30_000 }, { prebufferMaxBytes: maxBytes });
  let peak = 0;
  for (let s = 0; s < 60; s++) {
    await timeline.advance(1000);
    peak = Math.max(peak, recorder.prebuffer()!.bytes);
  }
  t.ok(peak <= maxBytes, `peak ${peak} <= ${maxBytes}`);
  recorder.recordPress();
  await recorder.settled();
  const head = sink.recordings[0]!.begin.prebuffer;
  t.ok(head.heldMs < 30_000 && head.heldMs > 2000, `prebuffer ${head.heldMs} ms`);
  t.ok(head.bytes <= maxBytes);
  t.same(head.shortfall, { kind: 'byte-bound', maxBytes });
  t.ok(sink.recordings[0]!.units[0]!.keyframe);
});

t.test('postbuffer of 30 s, and a press during postbuffer keeps the same recording', async (t) => {
  const { timeline, clock, sink, recorder, indicator } = await rig({ postbufferMs: 30_000 });
  await timeline.advance(20_000);
  recorder.recordPress();
  await timeline.advance(2000);
  recorder.recordPress();
  await timeline.advance(5000);
  recorder.recordPress(); // changed their mind
  t.equal(recorder.state.kind, 'recording');
  await timeline.advance(40_000);
  t.equal(sink.recordings[0]!.end, undefined, 'the cancelled postbuffer timer did not fire');
  const stopAt = clock.now();
  recorder.recordPress();
  await timeline.advance(31_000);
  await recorder.settled();
  const end = sink.recordings[0]!.end!;
  t.equal(sink.recordings.length, 1);
  t.ok(Math.abs(end.stopTime - stopAt - 30_000) <= FRAME + 1, `postbuffer ${end.stopTime - stopAt} ms`);
  t.same(indicator, [true, false, true, false]);
  checkContiguous(t, sink.recordings[0]!.units);
});

t.test('always record: button cannot stop, power cycle resumes, dock ends', async (t) => {
  const { timeline, sink, recorder, bookmarks } = await rig({ alwaysRecord: true }, { docked: true });
  await timeline.advance(5000);
  t.equal(sink.recordings.length, 0, 'nothing recorded docked');
  recorder.undock();
  await timeline.advance(10_000);
  recorder.recordPress();
  t.equal(bookmarks.length, 1, 'a press is a bookmark');
  t.equal(recorder.state.kind, 'recording');
  recorder.stop('power-off');
  await recorder.settled();
  t.equal(sink.recordings[0]!.begin.trigger, 'undock');
  t.equal(sink.recordings[0]!.end!.triggerOff, 'power-off');
  await timeline.advance(3000);
  recorder.boot(false);
  t.equal(recorder.state.kind, 'recording', 'power on resumes recording');
  await timeline.advance(3000);
  recorder.dock();
  await recorder.settled();
  t.equal(sink.recordings.length, 2);
  t.equal(sink.recordings[1]!.begin.trigger, 'power-on');
  t.equal(sink.recordings[1]!.end!.triggerOff, 'dock');
  t.ok(sink.recordings[1]!.units.length >= 80, `${sink.recordings[1]!.units.length} units in 3 s`);
  checkContiguous(t, sink.recordings[1]!.units);
});

t.test('power cut mid-recording: the sink is not told, the next boot starts clean', async (t) => {
  const { timeline, sink, recorder } = await rig();
  await timeline.advance(3000);
  recorder.recordPress();
  await timeline.advance(2000);
  recorder.powerCut();
  await timeline.advance(2000);
  t.equal(sink.recordings[0]!.end, undefined, 'left for the storage layer to close as interrupted');
  t.equal(recorder.state.kind, 'off');
  // A real camera reboots with empty RAM; a new sink models the storage writer's fresh start.
  const units = sink.recordings[0]!.units.length;
  recorder.boot(false);
  await timeline.advance(2000);
  t.equal(sink.recordings[0]!.units.length, units, 'nothing appended while off or idle');
  t.ok(recorder.prebuffer()!.heldMs <= 2000 + 1e-6);
});

/** A VideoStream the test drives by hand, for sequence gaps. */
class HandStream implements VideoStream {
  readonly info: VideoInfo = { codec: 'h264', width: 1920, height: 1080, fps: 30, profile: 'high' };
  readonly state: VideoStreamState = 'running';
  readonly stats: VideoStreamStats = { produced: 0, delivered: 0, dropped: 0 };
  readonly lastError = undefined;
  private listeners: AccessUnitListener[] = [];
  onAccessUnit(l: AccessUnitListener) { this.listeners.push(l); return () => {}; }
  onError(_l: VideoErrorListener) { return () => {}; }
  async start() {}
  async stop() {}
  emit(u: AccessUnit) { for (const l of this.listeners) t.equal(l(u), undefined, 'the recorder never makes the stream wait'); }
}

t.test('sequence gaps: partial GOP dropped from the prebuffer; recording skips to a keyframe when the sink lags', async (t) => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const video = new HandStream();
  let release: (() => void) | undefined;
  const slow: RecordingSink = {
    begin: () => {}, end: () => {},
    append: () => new Promise<void>((r) => { release = r; }),
  };
  const spy = new InMemorySink();
  const sink: RecordingSink = {
    begin: (m) => spy.begin(m), end: (m) => spy.end(m),
    append: (u) => { spy.append(u); return release === undefined ? slow.append(u) : undefined; },
  };
  const recorder = startRecorder({ video, clock, sink, config: { ...profile, prebufferMs: 30_000 }, prebufferMaxBytes: 1_000_000, maxPendingBytes: 20_000 });
  const src = unitSource({ gop: 30, bytes: 1000 });
  for (let i = 0; i < 45; i++) video.emit(src.next());
  src.skip(2);
  for (let i = 0; i < 40; i++) video.emit(src.next()); // 47..86: resumes at the keyframe 60
  t.same([recorder.prebuffer()!.units, recorder.prebuffer()!.gops], [57, 2]);
  recorder.recordPress();
  // The sink blocks on the first append: the head (57 kB) is taken whole, then live units
  // overflow the 20 kB pending bound and are dropped until a keyframe after it frees up.
  for (let i = 0; i < 30; i++) video.emit(src.next()); // 87..116
  t.ok(recorder.stats.droppedUnits > 0, `dropped ${recorder.stats.droppedUnits}`);
  release?.();
  await recorder.settled();
  for (let i = 0; i < 40; i++) video.emit(src.next()); // 117..156
  recorder.recordPress();
  await timeline.advance(11_000);
  await recorder.settled();
  const rec = spy.recordings[0]!;
  const seqs = rec.units.map((u) => u.sequence);
  t.same(seqs.slice(0, 57), [...Array.from({ length: 30 }, (_, i) => i), ...Array.from({ length: 27 }, (_, i) => 60 + i)], 'head: whole GOPs only');
  const resumed = seqs.indexOf(120);
  t.ok(resumed > 0 && rec.units[resumed]!.keyframe, 'after the drop it resumes on the keyframe 120');
  t.same(seqs.slice(57, resumed), [], 'nothing between the head and the keyframe (all dropped)');
  t.equal(rec.end!.droppedUnits, 33, '87..116 over the bound, 117..119 waiting for the keyframe');
  t.ok(recorder.stats.peakPendingBytes <= 57_000 + 20_000);
});

t.test('a sink that fails ends the recording as storage full', async (t) => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const video = new HandStream();
  const errors: unknown[] = [];
  const ends: string[] = [];
  let n = 0;
  const sink: RecordingSink = {
    begin: () => {}, end: (m) => { ends.push(m.triggerOff); },
    append: () => { if (++n === 40) throw new Error('ENOSPC'); },
  };
  const recorder = startRecorder({ video, clock, sink, config: profile, prebufferMaxBytes: 1_000_000, onSinkError: (e) => errors.push(e) });
  const src = unitSource({ gop: 30, bytes: 100 });
  for (let i = 0; i < 30; i++) video.emit(src.next());
  recorder.recordPress();
  for (let i = 0; i < 30; i++) video.emit(src.next());
  await recorder.settled();
  t.equal(errors.length, 1);
  t.same(ends, ['storage-full']);
  t.equal(recorder.state.kind, 'idle');
});

t.test('bad options are named', async (t) => {
  const video = new HandStream();
  const clock = new Timeline().clock();
  t.throws(() => startRecorder({ video, clock, sink: new InMemorySink(), config: profile, prebufferMaxBytes: 0 }), /prebufferMaxBytes must be a positive whole number/);
  t.throws(() => startRecorder({ video, clock, sink: {} as RecordingSink, config: profile, prebufferMaxBytes: 1 }), /options.sink must be a RecordingSink/);
});
