import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Timeline } from '../../../hal/clock/emulated.js';
import { DeviceMissingError, HalError } from '../../../hal/errors.js';
import type { AccessUnit } from '../../../hal/video/contract.js';
import { EmulatedCamera } from '../../../hal/video/emulated.js';
import { DEFAULT_FIXTURE_URL, fixtureFromBytes, fixtureFromFile } from '../../../hal/video/fixture.js';
import { concat, ffmpegDecodeErrors, haveFfmpeg } from './suite.js';

const fixtureBytes = new Uint8Array(readFileSync(fileURLToPath(DEFAULT_FIXTURE_URL)));

async function rig(options: { fps?: number; fixture?: Uint8Array } = {}) {
  const timeline = new Timeline();
  const camera = new EmulatedCamera({ clock: timeline.clock(), name: 'cam1', ...options });
  const stream = await camera.open();
  const units: AccessUnit[] = [];
  stream.onAccessUnit((u) => { units.push(u); });
  return { timeline, camera, stream, units };
}

t.test('info comes from the fixture; fps option overrides the nominal rate', async (t) => {
  const { stream, camera } = await rig();
  const { audio, ...picture } = stream.info;
  t.same(picture, { codec: 'h264', width: 320, height: 240, fps: 30, profile: 'constrained-baseline', level: 30 });
  t.match(audio, { codec: 'opus', sampleRate: 48000, channels: 1, frameMs: 20 }, 'the microphone: Opus at 48 kHz');
  const silent = await new EmulatedCamera({ clock: new Timeline().clock(), microphone: false }).open();
  t.equal(silent.info.audio, undefined, 'a camera without a microphone has no audio');
  t.equal(camera.name, 'emulated:cam1');
  const fast = await rig({ fps: 60 });
  t.equal(fast.stream.info.fps, 60);
  t.throws(() => new EmulatedCamera({ clock: new Timeline().clock(), fps: 0 }), /frame rate must be a number of frames per second in \(0, 1000\], got 0/);
  t.throws(() => new EmulatedCamera({} as never), /options.clock must be a Clock/);
});

t.test('plays the fixture at 30 fps on the virtual clock, looping seamlessly, sharing its bytes', async (t) => {
  const { timeline, stream, units } = await rig();
  const fixture = fixtureFromFile();
  const t0 = timeline.time;
  await stream.start();
  await timeline.advance(7001); // 210 x (1000/30) is a hair above 7000 in floating point
  t.equal(units.length, 210, '7 s at 30 fps');
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const f = fixture.units[i % 60]!;
    if (u.data !== f.data || u.keyframe !== f.keyframe || u.sequence !== i || Math.abs(u.pts - (t0 + (i + 1) * 1000 / 30)) > 1e-6
      || Math.abs(u.duration - 1000 / 30) > 1e-9) {
      t.fail(`unit ${i}: ${JSON.stringify({ ...u, data: u.data.length })}`);
      return;
    }
  }
  t.pass('unit i is fixture unit i mod 60 (the same bytes, not a copy), at (i+1)/30 s');
  t.same(stream.stats, { produced: 210, delivered: 210, dropped: 0 });
});

t.test('freeze stalls the sensor: no units, then a pts jump; sequence has no gap', async (t) => {
  const { timeline, camera, stream, units } = await rig();
  await stream.start();
  await timeline.advance(500);
  const n = units.length;
  camera.freeze();
  t.ok(camera.frozen);
  await timeline.advance(2000);
  t.equal(units.length, n, 'nothing while frozen');
  camera.resume();
  camera.resume();
  await timeline.advance(100);
  t.ok(units.length > n);
  const [before, after] = [units[n - 1]!, units[n]!];
  t.ok(after.pts - before.pts >= 2000, `pts jumped ${after.pts - before.pts} ms over the stall`);
  t.equal(after.sequence, before.sequence + 1, 'a stall loses no unit');
});

t.test('setFrameRate changes the real rate; the nominal info.fps stays', async (t) => {
  const { timeline, camera, stream, units } = await rig();
  await stream.start();
  await timeline.advance(1000);
  camera.setFrameRate(10);
  const n = units.length;
  await timeline.advance(1000);
  t.equal(units.length - n, 10, '10 units in the next second');
  t.ok(units.slice(n).every((u) => u.duration === 100), 'duration is the real interval');
  t.equal(stream.info.fps, 30);
  t.equal(camera.frameRate, 10);
  t.throws(() => camera.setFrameRate(-1), RangeError);
});

t.test('fail() reports once to every running stream; failNext() makes the next start reject', async (t) => {
  const { timeline, camera, stream } = await rig();
  const other = await camera.open();
  const errors: string[] = [];
  stream.onError((e) => errors.push(`a:${e.code}`));
  other.onError((e) => errors.push(`b:${e.code}`));
  await stream.start();
  await other.start();
  t.equal(camera.runningStreams, 2);
  camera.fail('lens cap');
  t.same(errors, [], 'reported asynchronously');
  await timeline.advance(10);
  t.same(errors, ['a:ECAPTURE', 'b:ECAPTURE']);
  t.match(stream.lastError?.message, 'emulated:cam1: capture failed: lens cap');
  t.equal(camera.runningStreams, 0);

  camera.failNext(new HalError('EIO', 'sensor I2C timeout'));
  await t.rejects(stream.start(), { code: 'EIO', message: 'sensor I2C timeout' });
  t.equal(stream.state, 'failed');
  await stream.start();
  t.equal(stream.state, 'running', 'the fault was one-shot');
  camera.failNext(new DeviceMissingError('camera module', '/dev/video0', 'a CSI camera'));
  await t.rejects(camera.open(), DeviceMissingError);
});

t.test('a busy async consumer: drops are counted on the stream and the camera', async (t) => {
  const { timeline, camera, stream } = await rig();
  const got: AccessUnit[] = [];
  stream.onAccessUnit(async (u) => {
    got.push(u);
    await new Promise<void>((resolve) => timeline.clock().setTimeout(resolve, 100)); // 3 frame times of work
  });
  await stream.start();
  await timeline.advance(4001);
  t.ok(got.length >= 2 && got.every((u) => u.keyframe), `the slow listener only ever restarts on keyframes (${got.length} units)`);
  t.ok(stream.stats.dropped > 100, `${stream.stats.dropped} dropped`);
  t.equal(camera.stats.dropped, stream.stats.dropped);
  t.equal(stream.stats.produced, 120);
  t.equal(stream.stats.delivered, 120 + got.length, 'the quick listener got all, the slow one some');
});

t.test('a listener that throws is a bug: rethrown asynchronously, the stream carries on', async (t) => {
  const { timeline, stream, units } = await rig();
  stream.onAccessUnit(() => { throw new Error('consumer bug'); });
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onUncaught);
  try {
    await stream.start();
    await timeline.advance(100);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    for (const l of saved) process.on('uncaughtException', l);
  }
  t.equal(units.length, 3, 'the other listener got every unit');
  t.ok(uncaught.length >= 1 && uncaught.every((e) => (e as Error).message === 'consumer bug'));
});

t.test('the fixture can be handed in as bytes (bundles), parsed once and shared', async (t) => {
  const a = await rig({ fixture: fixtureBytes });
  const b = await rig({ fixture: fixtureBytes });
  await a.stream.start();
  await b.stream.start();
  await a.timeline.advance(100);
  await b.timeline.advance(100);
  t.equal(a.units[0]!.data, b.units[0]!.data, 'two cameras share the same unit bytes');
  t.equal(fixtureFromBytes(fixtureBytes), fixtureFromBytes(fixtureBytes));
  t.equal(fixtureFromFile(), fixtureFromFile(), 'the file is read once per process');
});

t.test('bad fixtures: clear errors at open()', async (t) => {
  const clock = new Timeline().clock();
  const missing = new EmulatedCamera({ clock, fixtureUrl: new URL('file:///nonexistent/cam.h264') });
  await t.rejects(missing.open(), { name: 'DeviceMissingError', message: /video fixture not found at \/nonexistent\/cam.h264: expected an H.264 Annex-B file .* pass the bytes as the `fixture` option/ });
  const garbage = new EmulatedCamera({ clock, fixture: Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff) });
  await t.rejects(garbage.open(), { code: 'EFORMAT', message: /expected an H.264 Annex-B stream .* found no access unit in 1000 bytes/ });
  const pOnly = fixtureBytes.subarray(fixtureFromFile().units[0]!.data.length);
  await t.rejects(new EmulatedCamera({ clock, fixture: pOnly.slice() }).open(), { code: 'EFORMAT' });
  t.throws(() => fixtureFromBytes('x' as never), TypeError);
});

t.test('an hour of video is just clock advancement', async (t) => {
  const { timeline, stream } = await rig();
  let n = 0, keys = 0, lastPts = -1, ordered = true;
  stream.onAccessUnit((u) => { n++; if (u.keyframe) keys++; if (u.pts <= lastPts) ordered = false; lastPts = u.pts; });
  await stream.start();
  const started = performance.now();
  await timeline.advance(3600_001);
  const ms = performance.now() - started;
  t.equal(n, 108_000);
  t.equal(keys, 3600);
  t.ok(ordered, 'pts strictly increasing');
  t.comment(`108,000 units in ${ms.toFixed(0)} ms of real time`);
  await stream.stop();
});

t.test('across the loop seam the stream decodes', { skip: haveFfmpeg ? false : 'needs Debian package ffmpeg' }, async (t) => {
  const { timeline, stream, units } = await rig();
  await stream.start();
  await timeline.advance(5000); // 150 units: the fixture 2.5 times
  t.equal(ffmpegDecodeErrors(concat(units)), '');
});
