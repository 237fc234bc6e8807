import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NalType, nalUnits, splitAccessUnits } from '../../../hal/video/annexb.js';
import { DEFAULT_FIXTURE_URL } from '../../../hal/video/fixture.js';
import { ParameterSetCache, findSps, parseSps, rbsp } from '../../../hal/video/parameter-sets.js';
import { Random } from '../../../hal/world/random.js';
import { ffmpegDecodeErrors, haveFfmpeg } from './suite.js';

const fixture = new Uint8Array(readFileSync(fileURLToPath(DEFAULT_FIXTURE_URL)));
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

// SPS NAL units made by ffmpeg 5.1 / libx264 from testsrc (see hal/video/fixtures/README.md).
const SPS_HIGH_1080P25 = fromHex('67640028acd940780227e5c044000003000400000300c83c60c658');
const SPS_MAIN_640x360_15 = fromHex('674d4016eca05017fcb80880000003008000000f078b16cb');

t.test('SPS: size after cropping, profile, level and VUI frame rate', async (t) => {
  t.same(findSps(fixture), { profileIdc: 66, profile: 'constrained-baseline', level: 30, width: 320, height: 240, fps: 30 });
  t.same(parseSps(SPS_HIGH_1080P25), { profileIdc: 100, profile: 'high', level: 40, width: 1920, height: 1080, fps: 25 },
    'high profile (chroma format fields), 1088 coded rows cropped to 1080');
  t.same(parseSps(SPS_MAIN_640x360_15), { profileIdc: 77, profile: 'main', level: 22, width: 640, height: 360, fps: 15 });
});

t.test('SPS: not an SPS, truncated or garbage gives undefined, never a throw', async (t) => {
  t.equal(parseSps(fromHex('68ce3c80')), undefined, 'a PPS');
  t.equal(parseSps(new Uint8Array(0)), undefined);
  for (let n = 0; n < SPS_HIGH_1080P25.length - 1; n++) {
    const r = parseSps(SPS_HIGH_1080P25.subarray(0, n));
    if (r && (r.width !== 1920 || r.height !== 1080 || (r.fps ?? 25) !== 25)) { t.fail(`a ${n}-byte truncation gave ${JSON.stringify(r)}`); break; }
  }
  const random = new Random(99);
  let parsed = 0;
  for (let i = 0; i < 2000; i++) {
    const b = Uint8Array.from({ length: random.int(1, 40) }, () => random.int(0, 255));
    b[0] = 0x67;
    const r = parseSps(b);
    if (r) {
      parsed++;
      if (!(r.width > 0 && r.height > 0 && r.width <= 16384 && r.height <= 16384)) { t.fail(`implausible ${JSON.stringify(r)}`); break; }
    }
  }
  t.pass(`2000 random SPS bodies, ${parsed} plausible, no throw`);
});

t.test('rbsp drops emulation prevention bytes', async (t) => {
  t.same([...rbsp(fromHex('0000030100000300'))], [0, 0, 1, 0, 0, 0]);
  t.same([...rbsp(fromHex('00000303'))], [0, 0, 3], 'only the 03 right after two zeros is dropped');
});

t.test('keyframes without SPS/PPS get the cached ones; before any, they are not keyframes', async (t) => {
  const units = splitAccessUnits(fixture);
  const strip = (data: Uint8Array) =>
    cat(...nalUnits(data).filter((n) => n.type !== NalType.sps && n.type !== NalType.pps).map((n) => data.subarray(n.begin, n.end)));
  const cache = new ParameterSetCache();

  const orphan = cache.complete({ data: strip(units[0]!.data), keyframe: true });
  t.notOk(orphan.keyframe, 'an IDR with no parameter set known cannot start decoding');

  const first = cache.complete(units[0]!);
  t.equal(first, units[0], 'a unit that has them passes unchanged');
  t.equal(cache.sequence?.width, 320);

  const bare = { data: strip(units[30]!.data), keyframe: true };
  const fixed = cache.complete(bare);
  t.ok(fixed.keyframe);
  t.same(nalUnits(fixed.data).map((n) => n.type), [NalType.sps, NalType.pps, NalType.idr, NalType.idr]);

  const aud = Uint8Array.of(0, 0, 0, 1, 9, 0xf0);
  const withAud = cache.complete({ data: cat(aud, bare.data), keyframe: true });
  t.same(nalUnits(withAud.data).map((n) => n.type), [NalType.aud, NalType.sps, NalType.pps, NalType.idr, NalType.idr], 'AUD stays first');

  const p = cache.complete(units[31]!);
  t.equal(p, units[31], 'other units pass unchanged');

  t.test('the completed keyframe decodes, alone and in the stream', { skip: haveFfmpeg ? false : 'needs Debian package ffmpeg' }, async (t) => {
    const stream = cat(...units.slice(0, 30).map((u) => u.data), fixed.data, ...units.slice(31).map((u) => u.data));
    t.equal(ffmpegDecodeErrors(fixed.data), '', 'alone');
    t.equal(ffmpegDecodeErrors(stream), '', 'in the stream');
  });
});
