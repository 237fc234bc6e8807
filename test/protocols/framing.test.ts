/** Framing: varint length prefixes, the streaming FrameDecoder across every split, limits. */
import t from 'tap';
import {
  DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrame, encodeLengthPrefix, readLengthPrefix,
} from '../../protocols/framing.js';
import { ProtocolError } from '../../protocols/errors.js';
import { toHex } from '../../protocols/wire.js';

const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

t.test('length prefixes are minimal varints', async (t) => {
  const table: [number, string][] = [[0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [16384, '808001'], [2 ** 32 - 1, 'ffffffff0f']];
  for (const [n, hex] of table) {
    t.equal(toHex(encodeLengthPrefix(n)), hex, `${n}`);
    t.same(readLengthPrefix(Uint8Array.from(Buffer.from(`${hex}ff`, 'hex'))), { length: n, prefixBytes: hex.length / 2 }, `read ${hex}`);
  }
  t.throws(() => encodeLengthPrefix(-1), RangeError);
  t.throws(() => encodeLengthPrefix(2 ** 32), RangeError);
  t.throws(() => encodeLengthPrefix(1.5), RangeError);
  t.throws(() => readLengthPrefix(Uint8Array.of(0x80)), { code: 'ETRUNCATED' });
});

t.test('the default maximum holds a 4 MiB chunk with headroom', async (t) => {
  t.equal(DEFAULT_MAX_FRAME_BYTES, 4 * 1024 * 1024 + 64 * 1024);
  t.equal(new FrameDecoder().maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
  for (const bad of [0, -1, 1.5, 2 ** 32, Number.NaN]) {
    t.throws(() => new FrameDecoder({ maxFrameBytes: bad }), RangeError, `maxFrameBytes ${bad}`);
  }
});

t.test('frames split at every possible pair of points decode identically', async (t) => {
  const frames = [payload(0, 0), payload(1, 1), payload(127, 2), payload(128, 3), payload(300, 4), payload(5, 5)];
  const stream = concat(frames.map((f) => encodeFrame(f)));
  let checked = 0;
  for (let a = 0; a <= stream.length; a += 3) {
    for (let b = a; b <= stream.length; b += 7) {
      const d = new FrameDecoder();
      const got = [...d.push(stream.subarray(0, a)), ...d.push(stream.subarray(a, b)), ...d.push(stream.subarray(b))];
      d.end();
      if (got.length !== frames.length || got.some((g, i) => toHex(g) !== toHex(frames[i]!))) {
        t.fail(`split at ${a}, ${b}`);
        return;
      }
      checked++;
    }
  }
  t.ok(checked > 1000, `${checked} splits decoded identically`);
});

t.test('a frame inside one slice is a view; a split frame is copied once', async (t) => {
  const f = encodeFrame(payload(10, 9));
  const whole = new FrameDecoder().push(f)[0]!;
  t.equal(whole.buffer, f.buffer, 'view of the pushed slice');
  const d = new FrameDecoder();
  t.same(d.push(f.subarray(0, 4)), []);
  t.equal(d.buffered, 3, "three payload bytes held");
  t.notOk(d.idle);
  const [split] = d.push(f.subarray(4));
  t.not(split!.buffer, f.buffer, 'a copy');
  t.same(split, payload(10, 9));
  t.ok(d.idle);
  t.equal(d.buffered, 0);
});

t.test('an oversized length prefix is rejected before any payload is buffered', async (t) => {
  const d = new FrameDecoder({ maxFrameBytes: 100 });
  t.same(d.push(encodeLengthPrefix(100)), [], '100 is allowed');
  t.same(d.push(new Uint8Array(100)), [new Uint8Array(100)]);
  t.throws(() => d.push(encodeLengthPrefix(101)), { code: 'EFRAME_TOO_LARGE', message: /101 bytes exceeds the maximum frame size of 100/ });
  t.throws(() => d.push(new Uint8Array(1)), { code: 'EFRAME_TOO_LARGE' }, 'the failure is sticky');
  t.throws(() => d.end(), { code: 'EFRAME_TOO_LARGE' });
  t.throws(() => encodeFrame(new Uint8Array(101), { maxFrameBytes: 100 }), { code: 'EFRAME_TOO_LARGE' });
});

t.test('malformed prefixes are EVARINT', async (t) => {
  for (const hex of ['ffffffffff01', '8080808010', '8100', '808000', 'ffffffff7f']) {
    const d = new FrameDecoder({ maxFrameBytes: 2 ** 32 - 1 });
    t.throws(() => d.push(Uint8Array.from(Buffer.from(hex, 'hex'))), { code: 'EVARINT' }, hex);
  }
  // The largest prefix is still accepted when the limit allows it.
  t.same(new FrameDecoder({ maxFrameBytes: 2 ** 32 - 1 }).push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)), []);
});

t.test('end() inside a prefix or a frame is ETRUNCATED; push after end is ECLOSED', async (t) => {
  const a = new FrameDecoder();
  a.push(Uint8Array.of(0x85));
  t.throws(() => a.end(), { code: 'ETRUNCATED', message: /inside a length prefix/ });
  const b = new FrameDecoder();
  b.push(Uint8Array.of(5, 1, 2));
  t.throws(() => b.end(), { code: 'ETRUNCATED', message: /got 2 of 5 bytes/ });
  const c = new FrameDecoder();
  c.push(Uint8Array.of(1, 7));
  c.end();
  t.throws(() => c.push(Uint8Array.of(0)), { code: 'ECLOSED' });
  t.ok(new ProtocolError('EDECODE', 'x') instanceof Error);
});

t.test('decoding is linear in the bytes fed (no quadratic concatenation)', async (t) => {
  // Time one frame of 1 MiB and one of 16 MiB, both fed in 1 KiB slices. Quadratic buffering
  // would make the second 256 times slower; linear makes it about 16 times.
  const time = (n: number) => {
    const frame = encodeFrame(new Uint8Array(n), { maxFrameBytes: n });
    const d = new FrameDecoder({ maxFrameBytes: n });
    const start = performance.now();
    let got = 0;
    for (let at = 0; at < frame.length; at += 1024) got += d.push(frame.subarray(at, at + 1024)).length;
    t.equal(got, 1);
    return performance.now() - start;
  };
  time(1 << 20); // warm up
  const small = Math.max(time(1 << 20), 0.5);
  const large = time(16 << 20);
  t.ok(large / small < 100, `16 MiB took ${large.toFixed(1)} ms, 1 MiB ${small.toFixed(1)} ms (ratio ${(large / small).toFixed(1)})`);
});
