import t from 'tap';
import { MAX_LINE_BYTES, NmeaParser, nmeaChecksum, nmeaLine, type NmeaCounts } from '../../../hal/gnss/nmea/parser.js';
import type { NmeaSentence } from '../../../hal/gnss/nmea/sentence.js';

const enc = (s: string) => new TextEncoder().encode(s);
function parse(text: string | Uint8Array, chunk = Infinity): { out: NmeaSentence[]; counts: NmeaCounts } {
  const out: NmeaSentence[] = [];
  const p = new NmeaParser((s) => out.push(s));
  const bytes = typeof text === 'string' ? enc(text) : text;
  for (let i = 0; i < bytes.length; i += chunk) p.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
  p.end();
  return { out, counts: { ...p.counts } };
}
const total = (c: NmeaCounts) => c.sentences + c.ignored + c.badChecksum + c.malformed + c.tooLong + c.partial;

// Recorded sentences: the NMEA reference examples, a SiRF-style (GlobalTop) log, u-blox M8 (SparkFun)
// and NovAtel output. Checksums are as the receivers sent them.
const RECORDED = [
  '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47',
  '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A',
  '$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39',
  '$GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45*75',
  '$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48',
  '$GPGLL,4916.45,N,12311.12,W,225444,A,*1D',
  '$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76',
  '$GPRMC,092750.000,A,5321.6802,N,00630.3372,W,0.02,31.66,280511,,,A*43',
  '$GPGSA,A,3,10,07,05,02,29,04,08,13,,,,,1.72,1.03,1.38*0A',
  '$GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30*70',
  '$GNGGA,001043.00,4404.14036,N,12118.85961,W,1,12,0.98,1113.0,M,-21.3,M,,*47',
  '$GPGLL,5109.0262317,N,11401.8407304,W,202725.00,A,D*79',
];
// Every other talker, built here with their checksums computed.
const BUILT = [
  nmeaLine('GNRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A'),
  nmeaLine('GNGSA,A,3,10,12,15,20,24,25,29,32,,,,,1.70,0.98,1.39,1'),
  nmeaLine('GLGSV,2,1,08,65,20,265,27,71,48,052,28,72,66,322,35,73,19,037,22'),
  nmeaLine('GNVTG,,T,,M,0.012,N,0.022,K,A'),
  nmeaLine('GAGSV,1,1,03,02,45,120,42,05,60,080,44,12,30,250,38'),
  nmeaLine('BDGSV,1,1,02,01,45,120,42,05,60,080,44'),
  nmeaLine('GBGSA,A,3,01,05,,,,,,,,,,,2.1,1.2,1.7'),
  nmeaLine('GAGGA,101010.5,0000.000,S,00000.000,W,6,04,2.0,,M,,M,,'),
  nmeaLine('GLGLL,5530.00000,N,03737.00000,E,101010.00,V,N'),
];

t.test('recorded receiver sentences parse to their values', async (t) => {
  const { out, counts } = parse(RECORDED.join('\r\n') + '\r\n');
  t.equal(counts.sentences, RECORDED.length, 'all taken');
  t.equal(total(counts), RECORDED.length);
  const gga = out[0];
  t.match(gga, { type: 'GGA', talker: 'GP', quality: 1, satellites: 8, hdop: 0.9, altitudeM: 545.4, timeOfDayMs: (12 * 3600 + 35 * 60 + 19) * 1000 });
  if (gga?.type !== 'GGA') throw new Error('GGA expected');
  t.ok(Math.abs(gga.latitude - (48 + 7.038 / 60)) < 1e-9, 'latitude 48°07.038 N');
  t.ok(Math.abs(gga.longitude - (11 + 31 / 60)) < 1e-9, 'longitude 11°31.000 E');
  t.match(out[1], { type: 'RMC', valid: true, speedKnots: 22.4, courseDeg: 84.4, dateMs: Date.UTC(1994, 2, 23), mode: '' });
  t.match(out[2], { type: 'GSA', fixMode: 3, pdop: 2.5, hdop: 1.3, vdop: 2.1 });
  t.match(out[3], { type: 'GSV', messages: 2, messageNumber: 1, satellitesInView: 8 });
  t.match(out[4], { type: 'VTG', courseDeg: 54.7, speedKmh: 10.2 });
  const gll = out[5];
  if (gll?.type !== 'GLL') throw new Error('GLL expected');
  t.equal(gll.valid, true);
  t.ok(Math.abs(gll.longitude + (123 + 11.12 / 60)) < 1e-9, 'west is negative');
  t.equal(gll.timeOfDayMs, (22 * 3600 + 54 * 60 + 44) * 1000);
  t.match(out[7], { type: 'RMC', timeOfDayMs: (9 * 3600 + 27 * 60 + 50) * 1000, dateMs: Date.UTC(2011, 4, 28), mode: 'A' });
  t.match(out[10], { type: 'GGA', talker: 'GN', satellites: 12, altitudeM: 1113, hdop: 0.98 });
  t.match(out[11], { type: 'GLL', timeOfDayMs: (20 * 3600 + 27 * 60 + 25) * 1000 });
});

t.test('every talker and type', async (t) => {
  const { out, counts } = parse(BUILT.join(''));
  t.equal(counts.sentences, BUILT.length);
  t.same(out.map((s) => `${s.talker}${s.type}`), ['GNRMC', 'GNGSA', 'GLGSV', 'GNVTG', 'GAGSV', 'BDGSV', 'GBGSA', 'GAGGA', 'GLGLL']);
  t.match(out[7], { type: 'GGA', quality: 6, latitude: -0, timeOfDayMs: 36610500 });
  t.match(out[8], { type: 'GLL', valid: false });
  t.match(out[3], { type: 'VTG', speedKmh: 0.022 });
  t.ok(Number.isNaN((out[3] as { courseDeg: number }).courseDeg), 'empty course is NaN');
});

t.test('no-fix sentences of a cold receiver', async (t) => {
  const { out, counts } = parse(nmeaLine('GPGGA,,,,,,0,00,99.99,,,,,,') + nmeaLine('GPRMC,,V,,,,,,,,,,N') + nmeaLine('GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99'));
  t.equal(counts.sentences, 3);
  t.match(out[0], { type: 'GGA', quality: 0 });
  t.ok(Number.isNaN((out[0] as { timeOfDayMs: number }).timeOfDayMs));
  t.match(out[1], { type: 'RMC', valid: false, mode: 'N' });
  t.match(out[2], { type: 'GSA', fixMode: 1 });
});

t.test('each kind of bad line is counted by reason and skipped', async (t) => {
  const good = RECORDED[0]!;
  const cases: [string, keyof NmeaCounts][] = [
    [good.slice(0, -2) + '48', 'badChecksum'],
    [good.slice(0, -3), 'malformed'], // no checksum
    [good.slice(0, -2) + 'ZZ', 'malformed'],
    [nmeaLine('GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,').trim(), 'malformed'], // hemisphere
    [nmeaLine('GPGGA,126519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,').trim(), 'malformed'], // minute 65
    [nmeaLine('GPGGA,123519,4867.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,').trim(), 'malformed'], // 67 arc minutes
    [nmeaLine('GPGGA,123519,4807.038,N,01131.000,E,9,08,0.9,545.4,M,46.9,M,,').trim(), 'malformed'], // quality 9
    [nmeaLine('GPGGA,123519,,,,,1,08,0.9,545.4,M,46.9,M,,').trim(), 'malformed'], // fix without position
    [nmeaLine('GPGGA,123519,4807.038,N').trim(), 'malformed'], // too few fields
    [nmeaLine('GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W').trim(), 'malformed'],
    [nmeaLine('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,320394,003.1,W').trim(), 'malformed'], // day 32
    [nmeaLine('GPGSA,A,7,,,,,,,,,,,,,1,1,1').trim(), 'malformed'],
    [nmeaLine('GPGSV,2,3,08').trim(), 'malformed'],
    [nmeaLine('GPVTG,1.2.3,T,,M,0,N,0,K').trim(), 'malformed'],
    [nmeaLine('GPTXT,01,01,02,ANTSTATUS=OK').trim(), 'ignored'],
    [nmeaLine('PUBX,00,081350.00,4717.113210,N').trim(), 'ignored'],
    [nmeaLine('XXGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,').trim(), 'ignored'],
    ['$GPGGA,' + '1'.repeat(MAX_LINE_BYTES) + '*00', 'tooLong'],
    ['GA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47', 'partial'],
    ['$GPGGA,123519,4807.0$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47', 'partial'],
  ];
  for (const [line, reason] of cases) {
    for (const chunk of [Infinity, 1, 7]) {
      const { counts } = parse(`${line}\r\n${good}\r\n`, chunk);
      t.equal(counts[reason], 1, `${reason}: ${line.slice(0, 40)} (chunks of ${chunk})`);
      t.equal(counts.sentences, reason === 'partial' && line.includes('$GPGGA,123519,4807.038') ? 2 : 1, 'the good line after it still parses');
    }
  }
  const exact = '$' + 'GPTXT,' + 'A'.repeat(MAX_LINE_BYTES - 10);
  const atLimit = `${exact}*${nmeaChecksum(exact.slice(1))}`;
  t.equal(atLimit.length, MAX_LINE_BYTES);
  t.equal(parse(atLimit + '\n').counts.ignored, 1, `a line of exactly ${MAX_LINE_BYTES} bytes is taken`);
  t.equal(parse(atLimit + '\n', 5).counts.ignored, 1, 'also across chunks');
  t.equal(parse(good).counts.partial, 1, 'a line cut off by the end of input is partial');
});

t.test('fuzz: random and mutated input never throws, counts add up, chunking changes nothing', async (t) => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const lines = [...RECORDED.map((l) => `${l}\r\n`), ...BUILT];
  let runs = 0, lineTotal = 0;
  for (let i = 0; i < 10_000; i++) {
    let bytes: Uint8Array;
    if (i % 3 === 0) {
      bytes = new Uint8Array(Math.floor(rnd() * 300));
      for (let k = 0; k < bytes.length; k++) bytes[k] = rnd() < 0.1 ? [0x24, 0x2a, 0x2c, 0x0a, 0x0d][Math.floor(rnd() * 5)]! : Math.floor(rnd() * 256);
    } else {
      let s = '';
      for (let k = 0, n = 1 + Math.floor(rnd() * 6); k < n; k++) s += lines[Math.floor(rnd() * lines.length)]!;
      bytes = enc(s);
      for (let k = 0, n = Math.floor(rnd() * 4); k < n; k++) {
        const at = Math.floor(rnd() * bytes.length);
        const op = rnd();
        if (op < 0.4) bytes[at] = Math.floor(rnd() * 256);
        else if (op < 0.7) bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
        else bytes = new Uint8Array([...bytes.subarray(0, at), Math.floor(rnd() * 128), ...bytes.subarray(at)]);
      }
    }
    const whole = parse(bytes);
    const chunked = parse(bytes, 1 + Math.floor(rnd() * 20));
    if (JSON.stringify(whole) !== JSON.stringify(chunked)) { t.fail(`chunking changed the result for input ${i}`); return; }
    // Every line ends in exactly one counter: lines are runs between CR/LF/$ boundaries.
    const text = Array.from(bytes);
    let expected = 0, inLine = false;
    for (const b of text) {
      if (b === 0x24) { if (inLine) expected++; inLine = true; }
      else if (b === 0x0a || b === 0x0d) { if (inLine) expected++; inLine = false; }
      else inLine = true;
    }
    if (inLine) expected++;
    if (total(whole.counts) !== expected) { t.fail(`input ${i}: ${total(whole.counts)} lines counted, ${expected} expected: ${JSON.stringify(whole.counts)}`); return; }
    runs++;
    lineTotal += expected;
  }
  t.equal(runs, 10_000, `10 000 inputs, ${lineTotal} lines, each counted once`);
});
