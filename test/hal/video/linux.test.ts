import t, { type Test } from 'tap';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../../../hal/clock/linux.js';
import { DeviceMissingError, type HalError } from '../../../hal/errors.js';
import { NalType, nalUnits, splitAccessUnits } from '../../../hal/video/annexb.js';
import type { AccessUnit } from '../../../hal/video/contract.js';
import { DEFAULT_FIXTURE_URL } from '../../../hal/video/fixture.js';
import {
  CaptureCommandVideo, MAX_PTS_LEAD_MS, captureTimestamp, findOnPath, type CaptureCommandOptions,
} from '../../../hal/video/linux.js';

const fixturePath = fileURLToPath(DEFAULT_FIXTURE_URL);
const clock = new SystemClock();
const base = { clock, width: 320, height: 240, fps: 30, stopGraceMs: 500 };
const sh = (script: string, extra: Partial<CaptureCommandOptions> = {}) =>
  new CaptureCommandVideo({ ...base, command: ['sh', '-c', script], ...extra });

/** Open, subscribe, start; resolve with the stream, its units and its first error. */
async function run(t: Test, source: CaptureCommandVideo) {
  const stream = await source.open();
  t.teardown(() => stream.stop());
  const units: AccessUnit[] = [];
  stream.onAccessUnit((u) => { units.push(u); });
  const error = new Promise<HalError>((resolve) => stream.onError(resolve));
  await stream.start();
  return { stream, units, error };
}

/** A process that exists and is not a zombie. */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const waitFor = async (done: () => boolean, what: string, ms = 5000) => {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

t.test('a command that exits is reported with its exit code and stderr tail', async (t) => {
  const { stream, error } = await run(t, sh('echo "line one" >&2; echo "camera: no sensor" >&2; exit 3'));
  const e = await error;
  t.equal(e.code, 'ECAPTURE');
  t.match(e.message, "capture command `sh -c 'echo \"line one\" >&2; echo \"camera: no sensor\" >&2; exit 3'` exited with code 3; stderr: line one | camera: no sensor: expected it to run until stopped");
  t.equal(stream.state, 'failed');
  t.equal(stream.lastError, e);
});

t.test('a command killed by a signal says which', async (t) => {
  const { error } = await run(t, sh('kill -9 $$'));
  t.match((await error).message, /was killed by SIGKILL; it wrote nothing to stderr/);
});

t.test('a command that ends cleanly delivers its last unit, then reports the end', async (t) => {
  const { units, error } = await run(t, sh(`cat '${fixturePath}'`));
  const e = await error;
  t.match(e.message, /exited with code 0/);
  t.equal(units.length, 60, 'every picture of the file, the last one included');
  t.same(units.flatMap((u) => (u.keyframe ? [u.sequence] : [])), [0, 30]);
  t.ok(units.every((u, i) => i === 0 || u.pts > units[i - 1]!.pts), 'a burst still gets increasing pts');
});

t.test('missing command: open() rejects with DeviceMissingError naming it and PATH', async (t) => {
  const v = new CaptureCommandVideo({ ...base, command: ['rpicam-vid-not-installed', '-o', '-'] });
  await t.rejects(v.open(), { name: 'DeviceMissingError', code: 'ENODEV', message: /capture command rpicam-vid-not-installed not found at PATH=.*: expected an executable named rpicam-vid-not-installed on PATH/ });
  const abs = new CaptureCommandVideo({ ...base, command: ['/nonexistent/bin/cam'] });
  await t.rejects(abs.open(), { message: /capture command \/nonexistent\/bin\/cam not found at \/nonexistent\/bin\/cam: expected an executable file/ });
});

t.test('a command that vanishes between open() and start() makes start() reject', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bwc-video-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const exe = join(dir, 'cam');
  writeFileSync(exe, '#!/bin/sh\nexit 0\n');
  chmodSync(exe, 0o755);
  const stream = await new CaptureCommandVideo({ ...base, command: [exe] }).open();
  rmSync(exe);
  await t.rejects(stream.start(), DeviceMissingError);
  t.equal(stream.state, 'idle');
});

t.test('stop() ends a shell wrapper and its children at once, and is idempotent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bwc-video-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pidFile = join(dir, 'child.pid');
  const { stream, units } = await run(t, sh(`sleep 30 & echo $! > '${pidFile}'; cat '${fixturePath}'; wait`, { stopGraceMs: 10_000 }));
  await waitFor(() => units.length >= 59, 'the file (the last unit waits for a next one)');
  const child = Number(readFileSync(pidFile, 'utf8'));
  t.ok(alive(child), `the wrapper's child ${child} runs`);
  const began = performance.now();
  await Promise.all([stream.stop(), stream.stop()]);
  const took = performance.now() - began;
  t.ok(took < 5000, `stopped in ${took.toFixed(0)} ms, by SIGTERM, not after the 10 s grace`);
  await waitFor(() => !alive(child), 'the child to go', 2000);
  t.pass('SIGTERM went to the whole process group: the child is gone too');
  await stream.stop();
  t.equal(stream.state, 'stopped');
});

t.test('a capture that ignores SIGTERM gets SIGKILL after the grace period', async (t) => {
  const { stream, units } = await run(t, sh(`trap '' TERM; cat '${fixturePath}'; sleep 30`, { stopGraceMs: 300 }));
  await waitFor(() => units.length >= 59, 'the file');
  const began = performance.now();
  await stream.stop();
  const took = performance.now() - began;
  t.ok(took >= 250, `waited the grace period (${took.toFixed(0)} ms)`);
  t.equal(stream.state, 'stopped');
});

t.test('stop() during start() backs out: no process is left, no unit arrives', async (t) => {
  const stream = await sh(`cat '${fixturePath}'; sleep 30`).open();
  const units: AccessUnit[] = [];
  stream.onAccessUnit((u) => { units.push(u); });
  const started = stream.start();
  await stream.stop();
  await started;
  await new Promise((r) => setTimeout(r, 200));
  t.equal(units.length, 0);
  t.equal(stream.state, 'idle');
});

t.test('a stream of another picture size than configured is an EFORMAT error', async (t) => {
  const { units, error } = await run(t, sh(`cat '${fixturePath}'; sleep 30`, { width: 640, height: 480 }));
  const e = await error;
  t.equal(e.code, 'EFORMAT');
  t.match(e.message, /sends 320x240 pictures: expected 640x480 as configured/);
  t.equal(units.length, 0);
});

t.test('an oversized access unit ends the run with E2BIG', async (t) => {
  const { error } = await run(t, sh(`cat '${fixturePath}'; sleep 30`, { maxAccessUnitBytes: 1024 }));
  const e = await error;
  t.equal(e.code, 'E2BIG');
  t.match(e.message, /exceeds the maximum of 1024 bytes/);
});

t.test('garbage on stdout delivers nothing and holds little memory', async (t) => {
  const { stream, units } = await run(t, sh('head -c 300000 /dev/urandom; sleep 30'));
  await new Promise((r) => setTimeout(r, 300));
  t.equal(units.length, 0);
  t.equal(stream.state, 'running', 'no unit boundary, no error: still waiting for pictures');
});

t.test('keyframes without SPS/PPS (headers sent once) get them from earlier in the stream', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bwc-video-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const units = splitAccessUnits(new Uint8Array(readFileSync(fixturePath)));
  const u30 = units[30]!.data;
  const bare = Buffer.concat(nalUnits(u30).filter((n) => n.type !== NalType.sps && n.type !== NalType.pps).map((n) => u30.subarray(n.begin, n.end)));
  const file = join(dir, 'once.h264');
  writeFileSync(file, Buffer.concat([...units.slice(0, 30).map((u) => u.data), bare, ...units.slice(31).map((u) => u.data)]));
  const r = await run(t, sh(`cat '${file}'; sleep 30`));
  await waitFor(() => r.units.length >= 59, 'the units');
  const k = r.units[30]!;
  t.ok(k.keyframe);
  t.same(nalUnits(k.data).map((n) => n.type), [NalType.sps, NalType.pps, NalType.idr, NalType.idr]);
});

t.test('timestamps: frame-spaced in bursts, following the clock after stalls, bounded lead', async (t) => {
  const f = 1000 / 30;
  const table: [previous: number, arrival: number, expected: number, why: string][] = [
    [-Infinity, 500, 500, 'the first unit is stamped at arrival'],
    [1000, 1000, 1000 + f, 'a burst: spaced by the frame interval'],
    [1000, 1000 + f + 5, 1000 + f, 'jitter within two intervals: frame spacing'],
    [1000, 1000 + 10 * f, 1000 + 10 * f, 'a stall: follow the clock'],
    [5000, 5000 - MAX_PTS_LEAD_MS, 5000 + 1e-3, 'far ahead of the clock: barely above the previous'],
    [2000, 1500, 2000 + f, 'ahead but within the lead: frame spacing'],
  ];
  for (const [previous, arrival, expected, why] of table) {
    t.ok(Math.abs(captureTimestamp(previous, arrival, f) - expected) < 1e-9, why);
    t.ok(captureTimestamp(previous, arrival, f) > previous, `${why}: above the previous`);
  }
});

t.test('findOnPath and argument checks', async (t) => {
  t.match(findOnPath('sh'), /\/sh$/);
  t.equal(findOnPath('sh', { PATH: '/nonexistent' }), undefined);
  t.equal(findOnPath('/bin/sh'), '/bin/sh');
  t.throws(() => new CaptureCommandVideo({ ...base, command: [] }), /command must be a non-empty array of strings \(argv\), got \[\]/);
  t.throws(() => new CaptureCommandVideo({ ...base, command: 'rpicam-vid -o -' as never }), TypeError);
  t.throws(() => new CaptureCommandVideo({ ...base, command: ['x'], width: 0 }), /width must be an integer of pixels in \[16, 16384\], got 0/);
  t.throws(() => new CaptureCommandVideo({ ...base, command: ['x'], fps: Infinity }), RangeError);
  const v = new CaptureCommandVideo({ ...base, command: ['x'], profile: 'main', level: 31 });
  t.same(v.info, { codec: 'h264', width: 320, height: 240, fps: 30, profile: 'main', level: 31 });
  t.equal(v.name, 'x');
});
