/**
 * Issue 5's GNSS parser target: NMEA 0183 parsing at >= 50 MB/s on one core, on a realistic
 * mixed stream (RMC, VTG, GGA, GSA, GSV x3, GLL per second, as a u-blox receiver sends), against
 * a baseline in the same run: a plain byte scan over the same buffer that finds each line and
 * verifies its checksum, the least work any NMEA reader must do. The ratio shows what field
 * parsing and the epoch assembly cost on top.
 */
import { NmeaParser, nmeaLine } from '../../hal/gnss/nmea/parser.js';
import { EpochAssembler } from '../../hal/gnss/nmea/epoch.js';
import { median, say, type Row } from './report.js';

/** `seconds` epochs of a moving receiver, as bytes. */
export function nmeaStream(seconds: number): Uint8Array {
  let s = '';
  for (let i = 0; i < seconds; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 1000);
    const hh = String(t.getUTCHours()).padStart(2, '0'), mm = String(t.getUTCMinutes()).padStart(2, '0'), ss = String(t.getUTCSeconds()).padStart(2, '0');
    const time = `${hh}${mm}${ss}.00`;
    const lat = `51${(30.042 + i * 0.00011).toFixed(5).padStart(8, '0')},N`, lon = `000${(7.476 + i * 0.00007).toFixed(5).padStart(8, '0')},W`;
    s += nmeaLine(`GNRMC,${time},A,${lat},${lon},1.204,38.20,010126,,,A`);
    s += nmeaLine('GNVTG,38.20,T,,M,1.204,N,2.230,K,A');
    s += nmeaLine(`GNGGA,${time},${lat},${lon},1,12,0.78,35.2,M,47.0,M,,`);
    s += nmeaLine('GNGSA,A,3,02,05,12,13,15,18,24,25,29,,,,1.31,0.78,1.05');
    s += nmeaLine('GPGSV,3,1,11,02,45,120,42,05,60,080,44,12,30,250,38,13,15,310,33');
    s += nmeaLine('GPGSV,3,2,11,15,22,045,36,18,71,190,45,24,10,330,29,25,52,270,41');
    s += nmeaLine('GPGSV,3,3,11,29,33,100,39,31,05,015,,32,12,210,');
    s += nmeaLine(`GNGLL,${lat},${lon},${time},A,A`);
  }
  return new TextEncoder().encode(s);
}

/** Baseline: find every line and check its checksum, nothing else. Returns lines that pass. */
function scanBaseline(b: Uint8Array): number {
  let ok = 0, sum = 0, star = -1, start = -1;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x24) { start = i; sum = 0; star = -1; }
    else if (c === 0x2a) star = i;
    else if (c === 0x0a) {
      if (start >= 0 && star > start) {
        const h = (x: number) => (x <= 0x39 ? x - 0x30 : x - 0x37);
        if (((h(b[star + 1]!) << 4) | h(b[star + 2]!)) === sum) ok++;
      }
      start = -1;
    } else if (star < 0 && start >= 0) sum ^= c;
  }
  return ok;
}

/** MB/s (10^6 bytes) of `fn` over `bytes` fed in `chunk`-byte reads, best of a few runs' median. */
function rate(bytes: Uint8Array, runs: number, fn: (b: Uint8Array) => number): { mbps: number; result: number } {
  const speeds: number[] = [];
  let result = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = fn(bytes);
    const ms = performance.now() - t0;
    speeds.push(bytes.length / 1e6 / (ms / 1000));
  }
  return { mbps: median(speeds), result };
}

export async function nmeaParse(options: { seconds?: number; runs?: number } = {}): Promise<Row[]> {
  const bytes = nmeaStream(options.seconds ?? 40_000);
  const runs = options.runs ?? 7;
  const CHUNK = 4096; // what a serial read hands over at a time
  const parse = (b: Uint8Array) => {
    const asm = new EpochAssembler();
    let fixes = 0;
    const p = new NmeaParser((s) => { if (asm.push(s)) fixes++; });
    for (let i = 0; i < b.length; i += CHUNK) p.push(b.subarray(i, i + CHUNK));
    p.end();
    if (p.dropped !== 0) throw new Error(`bench: the parser dropped ${p.dropped} lines of a clean stream`);
    return fixes;
  };
  rate(bytes, 2, parse); // warm up
  rate(bytes, 2, scanBaseline);
  const parsed = rate(bytes, runs, parse);
  const base = rate(bytes, runs, scanBaseline);
  say(`nmea: ${(bytes.length / 1e6).toFixed(1)} MB, ${parsed.result} fixes; parser ${parsed.mbps.toFixed(0)} MB/s, line+checksum scan ${base.mbps.toFixed(0)} MB/s`);
  return [{
    target: 'NMEA parse + epoch assembly (MB/s, one core)',
    measured: `${parsed.mbps.toFixed(0)} MB/s`,
    baseline: `${base.mbps.toFixed(0)} MB/s line+checksum scan`,
    ratio: `${(parsed.mbps / base.mbps).toFixed(2)}x`,
    limit: '>= 50 MB/s',
    ok: parsed.mbps >= 50,
  }];
}
