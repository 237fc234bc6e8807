/** Video contract suite: every VideoSource implementation must pass it. */
import type { Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceMissingError, HalError } from '../../../hal/errors.js';
import { NalType, nalUnits } from '../../../hal/video/annexb.js';
import type { AccessUnit, VideoSource } from '../../../hal/video/contract.js';

export interface VideoHarness {
  source: VideoSource;
  /** Let `ms` of the source's clock pass (advance virtual time, or really wait). */
  pass(ms: number): Promise<void>;
  /** Units from one keyframe to the next in what the source plays. */
  gop: number;
  /** Make the running capture fail the way this device does ("sensor timeout"). */
  crash(): Promise<void>;
  /** What the reported error's message says about that failure. */
  crashMessage: RegExp;
  /** The same kind of source with its device absent. */
  missing(): VideoSource;
  cleanup(): Promise<void>;
}

/** True when Debian's ffmpeg is on PATH (CI installs it). */
export const haveFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

/** ffmpeg's complaints about decoding `data` as raw H.264 ('' when it decodes cleanly). */
export function ffmpegDecodeErrors(data: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'bwc-video-'));
  try {
    const file = join(dir, 'units.h264');
    writeFileSync(file, data);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
    return r.status === 0 ? r.stderr.trim() : `ffmpeg exited ${r.status}: ${r.stderr.trim()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const concat = (units: readonly AccessUnit[]) => {
  const out = new Uint8Array(units.reduce((n, u) => n + u.data.length, 0));
  let at = 0;
  for (const u of units) { out.set(u.data, at); at += u.data.length; }
  return out;
};

const startsWithStartCode = (d: Uint8Array) =>
  (d[0] === 0 && d[1] === 0 && d[2] === 1) || (d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === 1);

export function videoContract(t: Test, name: string, make: () => Promise<VideoHarness>): void {
  t.test(`${name}: video contract`, async (t) => {
    /** A fresh harness and an opened stream, both cleaned up after the test. */
    const setup = async (t: Test) => {
      const h = await make();
      const stream = await h.source.open();
      t.teardown(async () => { await stream.stop(); await h.cleanup(); });
      const units: AccessUnit[] = [];
      stream.onAccessUnit((u) => { units.push(u); });
      /** Let time pass until `done()` or fail after `limitMs` of the source's time. */
      const until = async (done: () => boolean, what: string, limitMs = 10_000) => {
        for (let waited = 0; !done(); waited += 25) {
          if (waited >= limitMs) throw new Error(`${name}: gave up after ${limitMs} ms waiting for ${what}`);
          await h.pass(25);
        }
      };
      return { h, stream, units, until };
    };

    t.test('open describes an H.264 stream and nothing flows before start', async (t) => {
      const { h, stream, units } = await setup(t);
      t.equal(stream.info.codec, 'h264');
      t.ok(Number.isInteger(stream.info.width) && stream.info.width > 0, `width ${stream.info.width}`);
      t.ok(Number.isInteger(stream.info.height) && stream.info.height > 0, `height ${stream.info.height}`);
      t.ok(stream.info.fps > 0, `fps ${stream.info.fps}`);
      t.type(stream.info.profile, 'string');
      t.equal(stream.state, 'idle');
      await h.pass(200);
      t.equal(units.length, 0, 'no unit before start()');
    });

    t.test('the first unit is a keyframe with SPS, PPS and IDR; units are whole Annex-B pictures', async (t) => {
      const { h, stream, units, until } = await setup(t);
      const started = stream.start();
      t.equal(units.length, 0, 'nothing delivered synchronously inside start()');
      await started;
      t.equal(stream.state, 'running');
      await until(() => units.length >= h.gop + 2, `${h.gop + 2} units`);
      const first = units[0]!;
      t.ok(first.keyframe, 'first unit is a keyframe');
      const types = nalUnits(first.data).map((n) => n.type);
      t.ok(types.includes(NalType.sps) && types.includes(NalType.pps) && types.includes(NalType.idr),
        `first unit carries SPS, PPS and IDR (NAL types ${types.join(',')})`);
      t.ok(types.indexOf(NalType.sps) < types.indexOf(NalType.idr), 'SPS before the IDR slice');
      for (const u of units) {
        if (!startsWithStartCode(u.data)) { t.fail(`unit ${u.sequence} does not start with a start code`); break; }
        const idr = nalUnits(u.data).some((n) => n.type === NalType.idr);
        if (idr !== u.keyframe) { t.fail(`unit ${u.sequence}: keyframe ${u.keyframe} but IDR slice ${idr}`); break; }
      }
    });

    t.test('units come in order: sequence and pts strictly increase, duration is positive', async (t) => {
      const { h, stream, units, until } = await setup(t);
      await stream.start();
      await until(() => units.length >= 2 * h.gop + 1, `${2 * h.gop + 1} units`);
      let bad = 0;
      for (let i = 1; i < units.length; i++) {
        const a = units[i - 1]!, b = units[i]!;
        if (!(b.sequence > a.sequence && b.pts > a.pts && b.duration > 0)) bad++;
      }
      t.equal(bad, 0, `${units.length} units in strictly increasing order`);
      t.equal(units.at(-1)!.sequence - units[0]!.sequence, units.length - 1, 'no gap in sequence for a quick listener');
      t.equal(stream.stats.dropped, 0, 'nothing dropped');
      t.equal(stream.stats.delivered, units.length);
    });

    t.test('keyframes come every GOP', async (t) => {
      const { h, stream, units, until } = await setup(t);
      await stream.start();
      await until(() => units.filter((u) => u.keyframe).length >= 4, '4 keyframes');
      const keys = units.filter((u) => u.keyframe).map((u) => u.sequence);
      const gaps = keys.slice(1).map((k, i) => k - keys[i]!);
      t.same(gaps, gaps.map(() => h.gop), `keyframes every ${h.gop} units, across the loop of the source`);
    });

    t.test('stop ends delivery at once, is idempotent, and start() resumes with a keyframe', async (t) => {
      const { h, stream, units, until } = await setup(t);
      const fresh = await h.source.open();
      await fresh.stop();
      await fresh.stop();
      t.equal(fresh.state, 'idle', 'stop before start just resolves');

      await stream.start();
      await stream.start();
      await until(() => units.length >= 5, '5 units');
      const a = stream.stop();
      const b = stream.stop();
      const n = units.length;
      await Promise.all([a, b]);
      await stream.stop();
      t.equal(stream.state, 'stopped');
      await h.pass(300);
      t.equal(units.length, n, 'no unit after stop()');

      await stream.start();
      await until(() => units.length >= n + 3, '3 more units after restart');
      const again = units[n]!;
      t.ok(again.keyframe, 'first unit after restart is a keyframe');
      t.ok(again.pts > units[n - 1]!.pts, 'pts keeps increasing across stop/start');
      t.ok(again.sequence > units[n - 1]!.sequence, 'sequence keeps increasing across stop/start');
    });

    t.test('stop() from inside a listener: no later listener gets that unit, nothing follows', async (t) => {
      const { h, stream, units } = await setup(t);
      const after: AccessUnit[] = [];
      let stopping: Promise<void> | undefined;
      // setup's listener came first; this one stops on the 3rd unit; a third one comes after it.
      stream.onAccessUnit(() => { if (units.length === 3) stopping ??= stream.stop(); });
      stream.onAccessUnit((u) => { after.push(u); });
      await stream.start();
      for (let waited = 0; !stopping && waited < 10_000; waited += 25) await h.pass(25);
      await stopping;
      await h.pass(200);
      t.equal(units.length, 3, 'the first listener got 3 units');
      t.equal(after.length, 2, 'the listener after the stopping one did not get the 3rd');
      t.equal(stream.state, 'stopped');
    });

    t.test('a busy listener loses units, never queues them, and resumes at a keyframe', async (t) => {
      const { stream, until } = await setup(t);
      const got: AccessUnit[] = [];
      let release: (() => void) | undefined;
      stream.onAccessUnit((u) => {
        got.push(u);
        if (got.length === 2) return new Promise<void>((resolve) => { release = resolve; });
      });
      await stream.start();
      await until(() => release !== undefined, 'the listener to become busy');
      await until(() => stream.stats.dropped >= 3, '3 drops');
      t.equal(got.length, 2, 'nothing delivered while busy');
      release!();
      await until(() => got.length >= 4, '2 more units after the listener is free');
      const resumed = got[2]!;
      t.ok(resumed.keyframe, 'after drops the next unit is a keyframe');
      t.ok(resumed.sequence > got[1]!.sequence + 1, `sequence gap shows the drops (${got[1]!.sequence} -> ${resumed.sequence})`);
    });

    t.test('unsubscribing stops delivery; a late subscriber starts at a keyframe', async (t) => {
      const { stream, units, until } = await setup(t);
      const late: AccessUnit[] = [];
      let unsubscribeLate: (() => void) | undefined;
      await stream.start();
      await until(() => units.length >= 3 && !units.at(-1)!.keyframe, 'a unit that is not a keyframe');
      unsubscribeLate = stream.onAccessUnit((u) => { late.push(u); });
      await until(() => late.length >= 2, 'the late listener to get 2 units');
      t.ok(late[0]!.keyframe, 'a late subscriber first gets a keyframe');
      unsubscribeLate();
      const n = late.length;
      const total = units.length;
      await until(() => units.length >= total + 3, '3 more units');
      t.equal(late.length, n, 'an unsubscribed listener gets nothing');
    });

    t.test('a capture failure is reported through onError and ends the run; start() again recovers', async (t) => {
      const { h, stream, units, until } = await setup(t);
      const errors: HalError[] = [];
      stream.onError((e) => errors.push(e));
      await stream.start();
      await until(() => units.length >= 3, '3 units');
      await h.crash();
      await until(() => errors.length > 0, 'the error');
      const e = errors[0]!;
      t.ok(e instanceof HalError, 'a HalError');
      t.equal(e.code, 'ECAPTURE');
      t.match(e.message, h.crashMessage);
      t.equal(stream.lastError, e);
      t.equal(stream.state, 'failed');
      const n = units.length;
      await h.pass(300);
      t.equal(units.length, n, 'no unit after the failure');
      t.equal(errors.length, 1, 'one failure, one error');
      await stream.start();
      await until(() => units.length >= n + 2, 'units after restarting');
      t.ok(units[n]!.keyframe, 'restart begins with a keyframe');
      t.equal(stream.state, 'running');
    });

    t.test('an absent device makes open() reject with DeviceMissingError', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const err = await h.missing().open().then(() => undefined, (e: unknown) => e);
      t.ok(err instanceof DeviceMissingError, `DeviceMissingError, got ${String(err)}`);
      t.equal((err as HalError).code, 'ENODEV');
      t.match((err as Error).message, /expected/);
    });

    t.test('the units, written one after another, are an H.264 stream ffmpeg decodes', { skip: haveFfmpeg ? false : 'needs Debian package ffmpeg' }, async (t) => {
      const { h, stream, units, until } = await setup(t);
      await stream.start();
      await until(() => units.length >= 2 * h.gop + 15, `${2 * h.gop + 15} units`);
      await stream.stop();
      t.equal(ffmpegDecodeErrors(concat(units)), '', `${units.length} units decode without error`);
    });
  });
}
