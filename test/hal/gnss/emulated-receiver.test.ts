import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedSerial } from '../../../hal/serial/emulated.js';
import { EmulatedGnssReceiver, type EmulatedGnssReceiverOptions } from '../../../hal/gnss/emulated-receiver.js';
import { NmeaGnss } from '../../../hal/gnss/serial-nmea.js';
import type { GnssFix } from '../../../hal/gnss/contract.js';
import { decodeAssistancePiece, encodeAssistance } from '../../../hal/gnss/assistance-sentence.js';

function rig(options: Partial<EmulatedGnssReceiverOptions> = {}) {
  const tl = new Timeline();
  const clock = tl.clock();
  const serial = new EmulatedSerial({ name: 'cam1' });
  const receiver = new EmulatedGnssReceiver({ serial, path: '/dev/ttyGNSS0', clock, ...options });
  const gnss = new NmeaGnss({ serial, path: '/dev/ttyGNSS0', baudRate: 9600, clock });
  const reports: { at: number; fix: GnssFix | null }[] = [];
  gnss.onFix((fix) => reports.push({ at: tl.time, fix }));
  const firstFixAt = (after = 0) => reports.find((r) => r.fix !== null && r.at >= after)?.at;
  return { tl, clock, serial, receiver, gnss, reports, firstFixAt, close: async () => { await gnss.close(); receiver.close(); } };
}

t.test('cold start: about 30 s to the first fix, null reports before it', async (t) => {
  const r = rig();
  t.teardown(r.close);
  await r.gnss.start();
  await r.tl.advance(60_000);
  const ttff = r.firstFixAt()! - (r.receiver.poweredAtMs ?? 0);
  t.ok(ttff >= 30_000 && ttff <= 32_000, `TTFF ${ttff} ms`);
  const before = r.reports.filter((x) => x.at < r.firstFixAt()!);
  t.ok(before.length >= 28 && before.every((x) => x.fix === null), `${before.length} null reports before the fix`);
  const after = r.reports.filter((x) => x.at >= r.firstFixAt()!);
  t.ok(after.length >= 27 && after.every((x) => x.fix !== null), 'then a fix every second');
  t.equal(r.gnss.stats().dropped, 0, 'nothing dropped');
  t.equal(r.gnss.stats().fixes, after.length);
});

t.test('fresh assistance shortens the first fix to about 5 s; stale assistance is not sent', async (t) => {
  const r = rig();
  t.teardown(r.close);
  await r.gnss.start();
  const ephemeris = new Uint8Array(2000).map((_, i) => i * 7);
  t.equal(await r.gnss.assist({ ephemeris, validAtMs: r.clock.now() - 5 * 3600_000 }), false, 'stale (5 h): false');
  t.equal(await r.gnss.assist({ ephemeris, validAtMs: r.clock.now() - 3600_000 }), true, 'fresh: true once written');
  await r.tl.advance(20_000);
  t.equal(r.receiver.assistanceValidAtMs, r.clock.now() - 20_000 - 3600_000, 'the receiver took the $PBWCEPH pieces');
  const ttff = r.firstFixAt()! - (r.receiver.poweredAtMs ?? 0);
  t.ok(ttff >= 4000 && ttff <= 6500, `assisted TTFF ${ttff} ms`);
  await t.rejects(r.gnss.assist({ ephemeris: new Uint8Array(1), validAtMs: r.clock.now() }).then(async () => {
    await r.gnss.stop();
    return r.gnss.assist({ ephemeris: new Uint8Array(1), validAtMs: r.clock.now() });
  }), { code: 'ESTOPPED' }, 'assist() while stopped says start() first');
});

t.test('the assistance sentence stays within NMEA line length and round-trips', async (t) => {
  const ephemeris = new Uint8Array(65536).map((_, i) => (i * 13) & 0xff);
  const lines = encodeAssistance({ ephemeris, validAtMs: 1_767_225_600_000 }).split('\r\n').filter(Boolean);
  t.equal(lines.length, Math.ceil(65536 / 30));
  t.ok(lines.every((l) => l.length + 2 <= 82), 'each line <= 82 characters with CR LF');
  const back = lines.map((l) => decodeAssistancePiece(l)!);
  t.ok(back.every((p) => p && p.count === lines.length && p.validAtMs === 1_767_225_600_000));
  t.same(Buffer.concat(back.map((p) => p.bytes)), Buffer.from(ephemeris));
  t.equal(decodeAssistancePiece(lines[0]!.replace(/\*..$/, '*00')), undefined, 'a bad checksum is refused');
});

t.test('outages and a blocked sky give null reports; the fix returns after', async (t) => {
  const r = rig({ coldStartMs: 0 });
  t.teardown(r.close);
  await r.gnss.start();
  await r.tl.advance(10_000);
  r.receiver.addOutage(20_000, 30_000);
  await r.tl.advance(30_000);
  const during = r.reports.filter((x) => x.at >= 20_000 && x.at < 30_000);
  t.ok(during.length >= 9 && during.every((x) => x.fix === null), `outage: ${during.length} null reports`);
  t.ok(r.reports.filter((x) => x.at >= 30_000).every((x) => x.fix !== null), 'fixes after the outage');
  r.receiver.setSky('blocked');
  const n = r.reports.length;
  await r.tl.advance(5000);
  t.ok(r.reports.slice(n).every((x) => x.fix === null) && r.reports.length - n >= 4, 'blocked sky: null');
  r.receiver.setSky('open');
  await r.tl.advance(3000);
  t.ok(r.reports.at(-1)?.fix, 'open sky: fix');
});

t.test('a track: interpolated positions in metres around the origin, speed and course', async (t) => {
  const r = rig({ coldStartMs: 0, origin: { latitude: 51.5, longitude: -0.12 } });
  t.teardown(r.close);
  r.receiver.setTrack([{ atMs: 0, x: 0, y: 0 }, { atMs: 100_000, x: 0, y: 1000 }]); // 10 m/s north
  await r.gnss.start();
  await r.tl.advance(50_000);
  const last = r.reports.at(-1)!;
  const north = (last.fix!.latitude - 51.5) * Math.PI / 180 * 6_371_008.8;
  t.ok(Math.abs(north - last.at / 100) < 0.5, `at ${last.at} ms it is ${north.toFixed(2)} m north`);
  t.ok(Math.abs(last.fix!.longitude + 0.12) < 1e-7);
  t.ok(Math.abs(last.fix!.speedMps! - 10) < 0.01, `speed ${last.fix!.speedMps}`);
  t.ok(Math.abs(last.fix!.courseDeg!) < 0.01, 'course north');
  t.equal(last.fix!.timeMs, r.clock.now(), 'the fix time is the true UTC time');
  let where = { x: 100, y: 0 };
  r.receiver.follow(() => where);
  await r.tl.advance(2000);
  const east = (r.reports.at(-1)!.fix!.longitude + 0.12) * Math.PI / 180 * 6_371_008.8 * Math.cos(51.5 * Math.PI / 180);
  t.ok(Math.abs(east - 100) < 0.5, `follows a world position (${east.toFixed(2)} m east)`);
  where = { x: 0, y: 0 };
  r.receiver.setPosition({ latitude: -33.8568, longitude: 151.2153 });
  await r.tl.advance(2000);
  const sydney = r.reports.at(-1)!.fix!;
  t.ok(Math.abs(sydney.latitude + 33.8568) < 1e-6 && Math.abs(sydney.longitude - 151.2153) < 1e-6, 'southern and eastern hemispheres');
  t.throws(() => r.receiver.setTrack([]), RangeError);
  t.throws(() => r.receiver.setPosition({ latitude: 91, longitude: 0 }), RangeError);
});

t.test('power follows the port: off when stopped, a hot start within 4 h of the last fix', async (t) => {
  const r = rig();
  t.teardown(r.close);
  await r.gnss.start();
  await r.tl.advance(40_000);
  t.ok(r.receiver.isPowered);
  await r.gnss.stop();
  await r.tl.advance(2000);
  t.notOk(r.receiver.isPowered, 'unpowered once the port is closed');
  const n = r.reports.length;
  await r.tl.advance(60_000);
  t.equal(r.reports.length, n, 'no reports while stopped');
  await r.gnss.start();
  const from = r.tl.time;
  await r.tl.advance(10_000);
  const ttff = r.firstFixAt(from)! - r.receiver.poweredAtMs!;
  t.ok(ttff <= 3000, `hot start TTFF ${ttff} ms`);
  await r.gnss.stop();
  await r.tl.advance(5 * 3600_000);
  await r.gnss.start();
  const from2 = r.tl.time;
  await r.tl.advance(40_000);
  const cold = r.firstFixAt(from2)! - r.receiver.poweredAtMs!;
  t.ok(cold >= 30_000, `after 5 h off it is a cold start again (${cold} ms)`);
});

t.test('the receiver unplugged: the driver ends with DeviceGoneError', async (t) => {
  const r = rig();
  await r.gnss.start();
  const ends: unknown[] = [];
  r.gnss.onClose((e) => ends.push(e));
  r.receiver.close();
  await r.tl.advance(1000);
  t.equal(ends.length, 1);
  t.match(ends[0], { name: 'DeviceGoneError', code: 'EGONE', message: /\/dev\/ttyGNSS0/ });
  t.equal(r.gnss.running, false);
});
