/** IMU contract suite: every Imu implementation must pass it. */
import type { Test } from 'tap';
import { STANDARD_GRAVITY as G, type Imu, type ImuSample } from '../../../hal/imu/contract.js';
import { DeviceGoneError, type HalError } from '../../../hal/errors.js';

export interface ImuHarness {
  imu: Imu;
  /** Let `ms` of the driver's clock pass, with every read it started finished. */
  pass(ms: number): Promise<void>;
  /** The sensor reads at rest, upright (about +1 g on y). */
  upright(): Promise<void>;
  /** The sensor goes away (IIO device unbound, files gone). */
  vanish(): Promise<void>;
  cleanup(): Promise<void>;
}

export function imuContract(t: Test, name: string, make: () => Promise<ImuHarness>): void {
  t.test(`${name}: imu contract`, async (t) => {
    t.test('nothing before start; batches at about the rate, asynchronously, in time order; nothing after stop', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.upright();
      const got: ImuSample[] = [];
      let inStart = false;
      let duringStart = 0;
      h.imu.onSamples((b) => { if (inStart) duringStart++; t.ok(b.length > 0, 'a batch is never empty'); got.push(...b); });
      await h.pass(500);
      t.equal(got.length, 0, 'nothing before start');
      t.equal(h.imu.running, false);
      t.equal(h.imu.rateHz, undefined);
      inStart = true;
      const p = h.imu.start(50);
      inStart = false;
      await p;
      t.equal(duringStart, 0, 'never delivered inside start()');
      t.equal(h.imu.running, true);
      t.equal(h.imu.rateHz, 50);
      await h.pass(1000);
      t.ok(got.length >= 48 && got.length <= 52, `about 50 samples in a second at 50 Hz (${got.length})`);
      t.ok(got.every((s, i) => i === 0 || s.timeMs >= got[i - 1]!.timeMs), 'never earlier than the sample before');
      const last = got.at(-1)!;
      t.ok(Math.abs(last.ay - G) < 0.5 && Math.abs(last.ax) < 0.5 && Math.abs(last.az) < 0.5, 'upright at rest: +1 g on y');
      t.equal(h.imu.hasGyroscope, Number.isFinite(last.gx), 'NaN rates exactly when there is no gyroscope');
      await h.imu.stop();
      await h.imu.stop();
      t.equal(h.imu.running, false);
      const n = got.length;
      await h.pass(500);
      t.equal(got.length, n, 'nothing after stop');
    });

    t.test('listeners: every one present, removable; rates checked', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      let a = 0, b = 0;
      const offA = h.imu.onSamples((x) => { a += x.length; });
      h.imu.onSamples((x) => { b += x.length; });
      await h.imu.start(20);
      await h.pass(500);
      t.ok(a > 0 && a === b, 'both listeners hear the same samples');
      offA();
      await h.pass(500);
      t.ok(b > a, 'a removed listener hears nothing more');
      await t.rejects(h.imu.start(0.5), RangeError);
      await t.rejects(h.imu.start(NaN), RangeError);
      await h.imu.close();
    });

    t.test('the sensor going away ends it with DeviceGoneError, once; closed is closed', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ends: (HalError | undefined)[] = [];
      h.imu.onClose((e) => ends.push(e));
      let n = 0;
      h.imu.onSamples((x) => { n += x.length; });
      await h.imu.start(50);
      await h.pass(200);
      await h.vanish();
      await h.pass(500);
      t.equal(ends.length, 1);
      t.type(ends[0], DeviceGoneError);
      t.equal(h.imu.running, false);
      const m = n;
      await h.pass(500);
      t.equal(n, m, 'nothing after the end');
      await t.rejects(h.imu.start(50), { code: 'ECLOSED' });
      await h.imu.close();
      t.equal(ends.length, 1, 'ends once');
    });

    t.test('close: onClose hears undefined; a late listener hears it on the next tick', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ends: (HalError | undefined)[] = [];
      h.imu.onClose((e) => ends.push(e));
      await h.imu.start(50);
      await h.imu.close();
      await h.imu.close();
      t.same(ends, [undefined]);
      let late: HalError | undefined | 'none' = 'none';
      h.imu.onClose((e) => { late = e; });
      t.equal(late, 'none', 'not synchronously');
      await new Promise((r) => process.nextTick(r));
      t.equal(late, undefined);
    });
  });
}
