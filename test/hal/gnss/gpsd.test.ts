import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { GpsdGnss, fixFromTpv } from '../../../hal/gnss/gpsd.js';
import type { GnssFix } from '../../../hal/gnss/contract.js';
import { GPSD_FIXTURE } from './gpsd-fixture.js';

t.test('TPV reports as fixes: gpsd_json(5) example, gpsd 3.22 fields, no fix', async (t) => {
  const sky = { hdop: 1.24, used: 5 };
  t.same(fixFromTpv(JSON.parse(GPSD_FIXTURE.tpv), sky), {
    timeMs: Date.UTC(2005, 5, 8, 10, 34, 48, 283), latitude: 46.498293369, longitude: 7.567411672, accuracyM: 36,
    hdop: 1.24, satellites: 5, quality: 'gps', altitudeM: 1343.127, speedMps: 0.091, courseDeg: 10.3788,
  });
  const f = fixFromTpv(JSON.parse(GPSD_FIXTURE.tpv322), sky)!;
  t.match(f, { quality: 'dgps', altitudeM: 35, latitude: 51.5007, longitude: -0.1246 });
  t.ok(Math.abs(f.accuracyM - Math.hypot(3.5, 4.2)) < 1e-9, 'accuracy from epx/epy when there is no eph');
  t.equal(fixFromTpv(JSON.parse(GPSD_FIXTURE.tpvNoFix), sky), null, 'mode 1: no fix');
  t.equal(fixFromTpv({ class: 'TPV', mode: 2, lat: 1, lon: 2 }, sky), null, 'no time: no fix');
  t.equal(fixFromTpv({ class: 'TPV', mode: 2, lat: 1, lon: 2, time: '2026-01-01T00:00:00Z', alt: 5 }, { hdop: NaN, used: 0 })!.altitudeM, undefined, '2D: no altitude');
});

t.test('a replayed gpsd session: SKY sets satellites and HDOP, garbage lines are counted, assist is false', async (t) => {
  let client: Socket | undefined;
  const server = createServer((c) => { client = c; c.write(`${GPSD_FIXTURE.version}\r\n`); c.on('error', () => {}); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => { client?.destroy(); server.close(() => r()); }));
  const gnss = new GpsdGnss({ port: (server.address() as { port: number }).port });
  t.equal(gnss.name, `gpsd 127.0.0.1:${(server.address() as { port: number }).port}`);
  const fixes: (GnssFix | null)[] = [];
  gnss.onFix((f) => fixes.push(f));
  await gnss.start();
  while (!client) await new Promise((r) => setTimeout(r, 5));
  const watch = await new Promise<string>((r) => client!.once('data', (d) => r(d.toString())));
  t.match(watch, /^\?WATCH=\{"enable":true,"json":true\};/, 'asks gpsd to watch in JSON');
  client.write(`${GPSD_FIXTURE.devices}\r\n${GPSD_FIXTURE.watch}\r\n${GPSD_FIXTURE.tpvNoFix}\r\nnot json\r\n[1,2]\r\n${GPSD_FIXTURE.sky}\r\n${GPSD_FIXTURE.tpv.slice(0, 40)}`);
  client.write(`${GPSD_FIXTURE.tpv.slice(40)}\r\n`);
  const until = async (cond: () => boolean) => { for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5)); };
  await until(() => fixes.length >= 2);
  t.equal(fixes[0], null);
  t.match(fixes[1], { satellites: 5, hdop: 1.24, accuracyM: 36 });
  t.same(gnss.stats(), { sentences: 6, dropped: 2, fixes: 1 }, 'VERSION, DEVICES, WATCH, 2 TPV, SKY taken; 2 garbage lines dropped');
  t.equal(await gnss.assist({ ephemeris: new Uint8Array(10), validAtMs: Date.now() }), false, 'gpsd cannot pass assistance on');
  await gnss.close();
});
