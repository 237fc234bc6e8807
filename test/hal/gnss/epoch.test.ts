import t from 'tap';
import { EpochAssembler } from '../../../hal/gnss/nmea/epoch.js';
import { NmeaParser, nmeaLine } from '../../../hal/gnss/nmea/parser.js';
import type { GnssFix } from '../../../hal/gnss/contract.js';

function run(text: string, options = {}): (GnssFix | null)[] {
  const a = new EpochAssembler(options);
  const out: (GnssFix | null)[] = [];
  const p = new NmeaParser((s) => { const f = a.push(s); if (f !== undefined) out.push(f); });
  p.push(new TextEncoder().encode(text));
  const last = a.flush();
  if (last !== undefined) out.push(last);
  return out;
}

// A SiRF-style (GlobalTop) second: GGA, GSA, GSV, RMC, VTG; checksums as recorded.
const SIRF = [
  '$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76',
  '$GPGSA,A,3,10,07,05,02,29,04,08,13,,,,,1.72,1.03,1.38*0A',
  '$GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30*70',
  '$GPRMC,092750.000,A,5321.6802,N,00630.3372,W,0.02,31.66,280511,,,A*43',
].join('\r\n') + '\r\n';

t.test('one SiRF-style second becomes one fix with date, quality, HDOP, speed', async (t) => {
  const fixes = run(SIRF);
  t.equal(fixes.length, 1);
  const f = fixes[0]!;
  t.ok(f);
  t.equal(f!.timeMs, Date.UTC(2011, 4, 28, 9, 27, 50));
  t.ok(Math.abs(f!.latitude - (53 + 21.6802 / 60)) < 1e-9);
  t.ok(Math.abs(f!.longitude + (6 + 30.3372 / 60)) < 1e-9);
  t.match(f, { quality: 'gps', satellites: 8, hdop: 1.03, altitudeM: 61.7, courseDeg: 31.66 });
  t.ok(Math.abs(f!.accuracyM - 5.15) < 1e-9, 'accuracy is HDOP x 5 m');
  t.ok(Math.abs(f!.speedMps! - 0.02 * 1852 / 3600) < 1e-12, 'knots to m/s');
});

t.test('a u-blox second (RMC, VTG, GGA, GSA after) is emitted once both RMC and GGA are in', async (t) => {
  const a = new EpochAssembler();
  const seen: (GnssFix | null | undefined)[] = [];
  const p = new NmeaParser((s) => seen.push(a.push(s)));
  p.push(new TextEncoder().encode(
    nmeaLine('GNRMC,101500.00,A,5130.04200,N,00007.47600,W,1.944,90.00,010126,,,D') +
    nmeaLine('GNVTG,90.00,T,,M,1.944,N,3.600,K,D') +
    nmeaLine('GNGGA,101500.00,5130.04200,N,00007.47600,W,2,12,0.70,35.2,M,47.0,M,1.0,0000') +
    nmeaLine('GNGSA,A,3,02,05,12,,,,,,,,,,1.2,0.7,1.0')));
  t.same(seen.map((x) => (x === undefined ? 'undefined' : x === null ? 'null' : 'fix')), ['undefined', 'undefined', 'fix', 'undefined']);
  t.match(seen[2], { quality: 'dgps', satellites: 12, hdop: 0.7, timeMs: Date.UTC(2026, 0, 1, 10, 15) });
  t.ok(Math.abs((seen[2] as GnssFix).speedMps! - 1) < 1e-3, '1.944 kn is 1 m/s');
});

t.test('no fix: GGA quality 0, RMC V, GSA mode 1, cold receiver without time', async (t) => {
  t.same(run(nmeaLine('GPRMC,101500.00,V,,,,,,,010126,,,N') + nmeaLine('GPGGA,101500.00,,,,,0,00,99.99,,,,,,')), [null]);
  t.same(run(nmeaLine('GPRMC,,V,,,,,,,,,,N') + nmeaLine('GPGGA,,,,,,0,00,99.99,,,,,,') + nmeaLine('GPRMC,,V,,,,,,,,,,N') + nmeaLine('GPGGA,,,,,,0,00,99.99,,,,,,')), [null, null], 'one null per second without time');
  t.same(run(nmeaLine('GPGGA,101500.00,5130.042,N,00007.476,W,1,04,2.0,35.2,M,47.0,M,,') + nmeaLine('GPGSA,A,1,,,,,,,,,,,,,99,99,99') + nmeaLine('GPRMC,101500.00,A,5130.042,N,00007.476,W,0,0,010126,,,A')), [null], 'GSA says no fix');
  t.same(run(nmeaLine('GPGLL,5130.042,N,00007.476,W,101500.00,V,N') + nmeaLine('GPGLL,5130.042,N,00007.476,W,101501.00,V,N')), [null, null], 'GLL-only receiver');
});

t.test('a GGA-only receiver: dated from the clock, each epoch ends at the next', async (t) => {
  const gga = (time: string) => nmeaLine(`GPGGA,${time},5130.042,N,00007.476,W,1,04,2.0,35.2,M,47.0,M,,`);
  t.same(run(gga('101500.00') + gga('101501.00')), [null, null], 'no date without RMC or a clock: null');
  const today = () => Date.UTC(2026, 5, 1, 10, 15, 3);
  const fixes = run(gga('101500.00') + gga('101501.00'), { today });
  t.equal(fixes.length, 2);
  t.equal(fixes[0]!.timeMs, Date.UTC(2026, 5, 1, 10, 15, 0));
  t.equal(fixes[1]!.timeMs, Date.UTC(2026, 5, 1, 10, 15, 1));
  const justAfterMidnight = () => Date.UTC(2026, 5, 2, 0, 0, 1);
  t.equal(run(gga('235959.00'), { today: justAfterMidnight })[0]!.timeMs, Date.UTC(2026, 5, 1, 23, 59, 59), 'a fix from before midnight keeps yesterday');
  t.equal(run(nmeaLine('GPGLL,5130.042,N,00007.476,W,101500.00,A,A'), { today })[0]!.quality, 'gps', 'GLL-only');
});

t.test('the date of the last RMC carries over midnight for later GGA-only seconds', async (t) => {
  const text = nmeaLine('GPRMC,235959.00,A,5130.042,N,00007.476,W,0,0,311226,,,A') + nmeaLine('GPGGA,235959.00,5130.042,N,00007.476,W,1,04,2.0,35.2,M,47.0,M,,');
  t.equal(run(text)[0]!.timeMs, Date.UTC(2026, 11, 31, 23, 59, 59));
});
