import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HalError } from '../../../hal/errors.js';
import { AnnexBParser, NalType, nalUnits, splitAccessUnits, type AnnexBUnit } from '../../../hal/video/annexb.js';
import { DEFAULT_FIXTURE_URL } from '../../../hal/video/fixture.js';
import { Random } from '../../../hal/world/random.js';

const fixture = new Uint8Array(readFileSync(fileURLToPath(DEFAULT_FIXTURE_URL)));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const bytes = (...b: number[]) => Uint8Array.from(b);
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

/** Feed `stream` in chunks of random sizes in [1, maxChunk]; collect units (and errors). */
function parseChunked(stream: Uint8Array, random: Random, maxChunk: number, max?: number) {
  const units: AnnexBUnit[] = [];
  const errors: unknown[] = [];
  let peak = 0;
  const parser = new AnnexBParser((u) => units.push(u), max ? { maxAccessUnitBytes: max } : {});
  for (let at = 0; at < stream.length;) {
    const n = random.int(1, maxChunk);
    try {
      parser.push(stream.subarray(at, at + n));
    } catch (e) {
      errors.push(e);
    }
    peak = Math.max(peak, parser.bufferedBytes);
    at += n;
  }
  try {
    parser.end();
  } catch (e) {
    errors.push(e);
  }
  return { units, errors, peak, parser };
}

t.test('the fixture splits into its 60 pictures, IDR at 0 and 30, losing no byte', async (t) => {
  const units = splitAccessUnits(fixture);
  t.equal(units.length, 60);
  t.same(units.flatMap((u, i) => (u.keyframe ? [i] : [])), [0, 30]);
  t.equal(hex(cat(...units.map((u) => u.data))), hex(fixture), 'units concatenated give the stream back');
  t.same(nalUnits(units[0]!.data).map((n) => n.type), [NalType.sps, NalType.pps, NalType.sei, NalType.idr, NalType.idr], 'two slices: the picture and its display band');
  t.same(nalUnits(units[30]!.data).map((n) => n.type), [NalType.sps, NalType.pps, NalType.idr, NalType.idr]);
  t.same(nalUnits(units[1]!.data).map((n) => n.type), [NalType.slice, NalType.slice]);
});

t.test('chunk boundaries do not matter: 1-byte, random and whole feeds give the same units', async (t) => {
  const whole = splitAccessUnits(fixture).map((u) => [hex(u.data), u.keyframe]);
  const ones = parseChunked(fixture, new Random(1), 1);
  t.same(ones.units.map((u) => [hex(u.data), u.keyframe]), whole, 'one byte at a time');
  const random = new Random(2);
  for (let i = 0; i < 20; i++) {
    const r = parseChunked(fixture, random, 3000);
    t.same(r.units.map((u) => [hex(u.data), u.keyframe]), whole, `random chunking ${i}`);
  }
});

t.test('units are delivered once the next one begins; end() flushes the last', async (t) => {
  const units: AnnexBUnit[] = [];
  const parser = new AnnexBParser((u) => units.push(u));
  const split = splitAccessUnits(fixture);
  parser.push(split[0]!.data);
  t.equal(units.length, 0, 'a unit is not known to be complete until the next begins');
  parser.push(split[1]!.data);
  t.equal(units.length, 1);
  parser.end();
  t.equal(units.length, 2);
  t.equal(parser.bufferedBytes, 0);
});

t.test('access unit delimiters split units; AUD stays first', async (t) => {
  const aud = bytes(0, 0, 0, 1, 0x09, 0xf0);
  const withAud = cat(...splitAccessUnits(fixture).flatMap((u) => [aud, u.data]));
  const units = splitAccessUnits(withAud);
  t.equal(units.length, 60);
  t.ok(units.every((u) => nalUnits(u.data)[0]!.type === NalType.aud), 'every unit begins with its AUD');
  t.same(units.flatMap((u, i) => (u.keyframe ? [i] : [])), [0, 30]);
  // A lone AUD (no slice) between pictures is dropped, not made a unit.
  const doubled = cat(aud, aud, withAud);
  t.equal(splitAccessUnits(doubled).length, 60);
});

t.test('slices of one picture stay together; SEI, SPS and first slices begin units', async (t) => {
  const sps = bytes(0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e);
  const pps = bytes(0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80);
  const idr0 = bytes(0, 0, 1, 0x65, 0x88, 0x84, 0x21); // first_mb_in_slice = 0
  const idr1 = bytes(0, 0, 1, 0x65, 0x40, 0x11, 0x22); // first_mb_in_slice = 1
  const p0 = bytes(0, 0, 1, 0x41, 0x9a, 0x02, 0x03);
  const p1 = bytes(0, 0, 1, 0x41, 0x20, 0x12, 0x34);
  const sei = bytes(0, 0, 1, 0x06, 0x05, 0x01, 0x80);
  const eos = bytes(0, 0, 1, 0x0a);
  const filler = bytes(0, 0, 1, 0x0c, 0xff, 0xff, 0x80);
  const stream = cat(sps, pps, idr0, idr1, p0, p1, filler, sei, p0, eos, sps, pps, idr0);
  const units = splitAccessUnits(stream);
  t.same(units.map((u) => hex(u.data)), [
    hex(cat(sps, pps, idr0, idr1)),
    hex(cat(p0, p1, filler)),
    hex(cat(sei, p0, eos)),
    hex(cat(sps, pps, idr0)),
  ]);
  t.same(units.map((u) => u.keyframe), [true, false, false, true]);
});

t.test('joining mid-stream skips to the next unit boundary', async (t) => {
  const split = splitAccessUnits(fixture);
  let offset = 0;
  for (let i = 0; i < 10; i++) offset += split[i]!.data.length;
  const midSlice = offset + 7; // inside picture 10
  const garbage = Uint8Array.from({ length: 500 }, (_, i) => (i * 37 + 11) & 0xff | 0x10);
  const units: AnnexBUnit[] = [];
  const p2 = new AnnexBParser((u) => units.push(u));
  p2.push(cat(garbage, fixture.subarray(midSlice)));
  p2.end();
  t.equal(units.length, 49, 'pictures 11-59');
  t.equal(hex(units[0]!.data), hex(split[11]!.data));
  t.equal(p2.skippedBytes, garbage.length + split[10]!.data.length - 7, 'the garbage and the rest of picture 10 were skipped');
});

t.test('parameter sets with no picture make no unit', async (t) => {
  const units = splitAccessUnits(bytes(0, 0, 0, 1, 0x67, 0x42, 0, 0x1e, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80));
  t.same(units, []);
  t.same(splitAccessUnits(new Uint8Array(0)), []);
  t.same(splitAccessUnits(bytes(0, 0, 1)), []);
});

t.test('an access unit above the maximum is dropped with an E2BIG error; parsing goes on', async (t) => {
  const split = splitAccessUnits(fixture);
  const big = split.flatMap((u, i) => (u.data.length > 4096 ? [i] : []));
  t.same(big, [0, 30], 'the two IDR pictures are larger than 4096 bytes');
  const units: AnnexBUnit[] = [];
  const parser = new AnnexBParser((u) => units.push(u), { maxAccessUnitBytes: 4096 });
  const err = (() => { try { parser.push(fixture); } catch (e) { return e; } })();
  t.ok(err instanceof HalError, 'push throws a HalError');
  t.equal((err as HalError).code, 'E2BIG');
  t.match((err as Error).message, /access unit of at least \d+ bytes exceeds the maximum of 4096 bytes: expected an Annex-B stream/);
  t.equal(units.length, 57, 'the rest of the chunk was parsed before throwing');
  t.ok(units.every((u) => u.data.length <= 4096 && !u.keyframe));
  parser.end();
  t.equal(units.length, 58, 'all pictures but the two oversized ones');
  t.equal(parser.skippedBytes, split[0]!.data.length + split[30]!.data.length, 'exactly the oversized pictures were skipped');

  t.throws(() => new AnnexBParser(() => {}, { maxAccessUnitBytes: 3 }), RangeError);
});

t.test('one endless NAL unit cannot grow memory past the maximum', async (t) => {
  const max = 64 * 1024;
  const parser = new AnnexBParser(() => {}, { maxAccessUnitBytes: max });
  parser.push(bytes(0, 0, 0, 1, 0x65, 0x88));
  const filler = new Uint8Array(10_000).fill(0xab);
  let errors = 0, peak = 0;
  for (let i = 0; i < 200; i++) {
    try { parser.push(filler); } catch (e) { if ((e as HalError).code === 'E2BIG') errors++; else throw e; }
    peak = Math.max(peak, parser.bufferedBytes);
  }
  t.equal(errors, 1, 'one error for the oversized unit, then bytes without start code are skipped');
  t.ok(peak <= max + 64 * 1024, `held at most ${peak} bytes`);
  t.ok(parser.bufferedBytes <= 3, 'garbage after it is not kept');
});

t.test('one huge chunk is taken in steps, not copied whole', async (t) => {
  const big = cat(...Array.from({ length: 200 }, () => fixture)); // ~4 MB
  const { units, peak } = parseChunked(big, new Random(3), big.length);
  t.equal(units.length, 200 * 60);
  t.ok(peak < 200_000, `buffer peaked at ${peak} bytes for a ${big.length}-byte chunk`);
});

t.test('nalUnits spans: begin at the start code, end before the next', async (t) => {
  const u0 = splitAccessUnits(fixture)[0]!.data;
  const spans = nalUnits(u0);
  t.same(spans.map((s) => [s.type, s.begin, s.start]), [[7, 0, 4], [8, 28, 32], [6, 37, 40], [5, 681, 684], [5, 3357, 3360]]);
  t.equal(spans.at(-1)!.end, u0.length);
  t.same(nalUnits(bytes(1, 2, 3)), [], 'no start code, no NAL unit');
});

t.test('fuzz: random and mutated input never crashes, stays bounded, chunking-invariant', async (t) => {
  const random = new Random(20260101);
  const max = 8192;
  let runs = 0, unitsSeen = 0, oversized = 0;
  const startCodes = [bytes(0, 0, 1), bytes(0, 0, 0, 1)];
  const mutate = (input: Uint8Array): Uint8Array => {
    const out = Array.from(input);
    const edits = random.int(1, 40);
    for (let e = 0; e < edits; e++) {
      const at = random.int(0, Math.max(0, out.length - 1));
      switch (random.int(0, 5)) {
        case 0: out[at] = random.int(0, 255); break; // flip a byte
        case 1: out.splice(at, random.int(1, 200)); break; // delete a span
        case 2: out.splice(at, 0, ...startCodes[random.int(0, 1)]!, random.int(0, 255)); break; // spurious NAL
        case 3: out.splice(at, 0, ...out.slice(random.int(0, out.length - 1), random.int(0, out.length))); break; // duplicate
        case 4: out.splice(at, 0, ...new Array(random.int(1, 20)).fill(0)); break; // zero run
        default: out.length = Math.max(0, at); // truncate
      }
    }
    return Uint8Array.from(out);
  };
  const randomStream = (): Uint8Array => {
    const out: number[] = [];
    const n = random.int(0, 20_000);
    while (out.length < n) {
      if (random.next() < 0.05) out.push(...startCodes[random.int(0, 1)]!);
      else out.push(random.next() < 0.3 ? 0 : random.int(0, 255));
    }
    return Uint8Array.from(out);
  };
  for (let i = 0; i < 300; i++) {
    const input = i % 2 === 0 ? randomStream() : mutate(fixture);
    const a = parseChunked(input, random, random.int(1, 4096), max);
    runs++;
    for (const e of a.errors) {
      if (!(e instanceof HalError) || e.code !== 'E2BIG') {
        t.fail(`run ${i}: unexpected ${String(e)}`);
        return;
      }
      oversized++;
    }
    for (const u of a.units) {
      const d = u.data;
      const sc = (d[0] === 0 && d[1] === 0 && d[2] === 1) || (d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === 1);
      if (!sc || d.length > max || u.keyframe !== nalUnits(d).some((n) => n.type === NalType.idr)) {
        t.fail(`run ${i}: bad unit of ${d.length} bytes (${hex(d.subarray(0, 8))})`);
        return;
      }
    }
    if (a.peak > max + 64 * 1024 + 8) { t.fail(`run ${i}: buffer grew to ${a.peak}`); return; }
    if (a.errors.length === 0) {
      const b = parseChunked(input, random, 7, max);
      if (b.errors.length === 0 && b.units.map((u) => hex(u.data)).join() !== a.units.map((u) => hex(u.data)).join()) {
        t.fail(`run ${i}: different units for different chunking`);
        return;
      }
    }
    unitsSeen += a.units.length;
  }
  t.equal(runs, 300);
  t.ok(unitsSeen > 1000, `${unitsSeen} units from fuzzed input, ${oversized} oversized errors`);
});
