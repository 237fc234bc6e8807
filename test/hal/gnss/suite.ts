/** GNSS contract suite: every Gnss driver must pass it, whatever plays the receiver. */
import type { Test } from 'tap';
import type { Gnss, GnssFix } from '../../../hal/gnss/contract.js';
import { DeviceGoneError, DeviceMissingError } from '../../../hal/errors.js';

export interface GnssHarness {
  gnss: Gnss;
  /** The receiver reports one more epoch: a fix at `place`, or no fix (null). Resolves once it is on its way. */
  epoch(place: { latitude: number; longitude: number } | null): Promise<void>;
  /** Wait until `cond()` holds; fails naming `what` after a few seconds (real or virtual). */
  until(cond: () => boolean, what: string): Promise<void>;
  /** The receiver goes away (unplugged, gpsd killed). */
  vanish(): Promise<void>;
  /** A driver whose receiver is not there. */
  missing(): Gnss;
  cleanup(): Promise<void>;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-5;

export function gnssContract(t: Test, name: string, make: () => Promise<GnssHarness>): void {
  const withHarness = (title: string, fn: (t: Test, h: GnssHarness, reports: (GnssFix | null)[]) => Promise<void>) =>
    t.test(`${name}: ${title}`, async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const reports: (GnssFix | null)[] = [];
      h.gnss.onFix((f) => reports.push(f));
      await fn(t, h, reports);
    });

  withHarness('reports fixes at the receiver position, and null without one', async (t, h, reports) => {
    t.equal(h.gnss.running, false, 'not running before start()');
    await h.gnss.start();
    await h.gnss.start();
    t.equal(h.gnss.running, true);
    t.match(h.gnss.name, /\S/);
    await h.epoch({ latitude: 51.5, longitude: -0.12 });
    await h.until(() => reports.some((r) => r !== null), 'a fix');
    const fix = reports.find((r) => r !== null)!;
    t.ok(near(fix.latitude, 51.5) && near(fix.longitude, -0.12), `fix at the place (${fix.latitude}, ${fix.longitude})`);
    t.ok(fix.accuracyM > 0 && Number.isFinite(fix.accuracyM), 'an accuracy');
    t.ok(Number.isFinite(fix.timeMs) && fix.timeMs > Date.UTC(2020, 0, 1), 'a UTC time');
    t.same(h.gnss.lastFix(), reports.filter((r) => r !== null).at(-1), 'lastFix is the newest fix reported');
    const n = reports.length;
    await h.epoch(null);
    await h.until(() => reports.length > n && reports.at(-1) === null, 'a null report');
    t.same(h.gnss.lastFix(), reports.filter((r) => r !== null).at(-1), 'lastFix keeps the newest fix through no-fix reports');
    const st = h.gnss.stats();
    t.ok(st.fixes >= 1 && st.sentences >= 2, `stats count (${JSON.stringify(st)})`);
  });

  withHarness('unsubscribed listeners hear nothing; stop() ends reports and start() resumes', async (t, h, reports) => {
    const mine: unknown[] = [];
    const off = h.gnss.onFix((f) => mine.push(f));
    await h.gnss.start();
    await h.epoch({ latitude: 10, longitude: 20 });
    await h.until(() => mine.length >= 1, 'a report');
    off();
    const n = mine.length;
    await h.gnss.stop();
    await h.gnss.stop();
    t.equal(h.gnss.running, false, 'stopped');
    await h.gnss.start();
    t.equal(h.gnss.running, true, 'running again');
    await h.epoch({ latitude: 11, longitude: 21 });
    await h.until(() => reports.some((r) => r !== null && near(r.latitude, 11)), 'a fix after restart');
    t.equal(mine.length, n, 'the removed listener heard nothing more');
  });

  withHarness('assist() rejects data out of bounds', async (t, h) => {
    await h.gnss.start();
    await t.rejects(h.gnss.assist({ ephemeris: new Uint8Array(0), validAtMs: Date.now() }), RangeError);
    await t.rejects(h.gnss.assist({ ephemeris: new Uint8Array(65537), validAtMs: Date.now() }), RangeError);
    await t.rejects(h.gnss.assist({ ephemeris: new Uint8Array(10), validAtMs: NaN }), RangeError);
  });

  withHarness('a receiver that goes away ends the driver with DeviceGoneError', async (t, h) => {
    const ends: unknown[] = [];
    h.gnss.onClose((e) => ends.push(e));
    await h.gnss.start();
    await h.vanish();
    await h.until(() => ends.length === 1, 'onClose');
    t.type(ends[0], DeviceGoneError);
    t.equal(h.gnss.running, false);
    await t.rejects(h.gnss.start(), DeviceGoneError, 'start() after the end rejects with the same error');
    await h.gnss.close();
    t.equal(ends.length, 1, 'onClose is called once');
  });

  withHarness('close() ends with undefined, is idempotent, and start() then rejects ECLOSED', async (t, h) => {
    await h.gnss.start();
    const ends: unknown[] = [];
    h.gnss.onClose((e) => ends.push(e));
    await h.gnss.close();
    await h.gnss.close();
    t.equal(ends.length, 1, 'onClose called once');
    t.equal(ends[0], undefined, 'with undefined');
    t.equal(h.gnss.running, false);
    await t.rejects(h.gnss.start(), { code: 'ECLOSED' });
    const late: unknown[] = [];
    h.gnss.onClose((e) => late.push(e));
    await h.until(() => late.length === 1, 'a late onClose listener');
  });

  t.test(`${name}: a missing receiver rejects start() with DeviceMissingError`, async (t) => {
    const h = await make();
    t.teardown(() => h.cleanup());
    const g = h.missing();
    await t.rejects(g.start(), DeviceMissingError);
    t.equal(g.running, false);
    await g.close();
  });
}
