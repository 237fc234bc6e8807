import t from 'tap';
import { PrebufferRing } from '../../../../firmware/camera/recorder/prebuffer-ring.js';
import { unitSource } from './units.js';

t.test('keeps the configured length of whole GOPs, starting on a keyframe', async (t) => {
  const ring = new PrebufferRing({ lengthMs: 5000, maxBytes: 10_000_000 });
  const src = unitSource({ fps: 30, gop: 30, bytes: 100 });
  for (let i = 0; i < 20 * 30; i++) {
    ring.push(src.next());
    if (i > 6 * 30) {
      t.ok(ring.heldMs >= 5000 - 1e-6 && ring.heldMs <= 6000 + 1e-6, `held ${ring.heldMs} ms is within [5000, 6000]`);
    }
  }
  const status = ring.status();
  t.same(status.shortfall, { kind: 'none' });
  t.equal(status.missingMs, 0);
  const head = ring.drain();
  t.ok(head[0]!.keyframe, 'head starts on a keyframe');
  t.equal(head[0]!.sequence % 30, 0);
  for (let i = 1; i < head.length; i++) t.equal(head[i]!.sequence, head[i - 1]!.sequence + 1);
  t.equal(head[head.length - 1]!.sequence, 20 * 30 - 1, 'ends with the newest unit');
  t.equal(ring.heldBytes, 0);
  t.equal(ring.heldMs, 0);
  t.same(ring.drain(), [], 'empty after drain');
});

t.test('units before the first keyframe are never kept', async (t) => {
  const ring = new PrebufferRing({ lengthMs: 15_000, maxBytes: 1_000_000 });
  const src = unitSource({ gop: 30 });
  src.skip(10);
  for (let i = 0; i < 20; i++) ring.push(src.next());
  t.equal(ring.status().units, 0);
  t.equal(ring.status().discardedUnits, 20);
  t.equal(ring.oldestPts, undefined);
  for (let i = 0; i < 5; i++) ring.push(src.next());
  const head = ring.drain();
  t.equal(head[0]!.sequence, 30);
  t.ok(head[0]!.keyframe);
});

t.test('the byte bound is never passed and drops whole GOPs from the old end', async (t) => {
  const maxBytes = 50_000;
  const ring = new PrebufferRing({ lengthMs: 30_000, maxBytes });
  const src = unitSource({ gop: 30, bytes: 1000, keyBytes: 3000 });
  for (let i = 0; i < 10 * 30; i++) {
    ring.push(src.next());
    t.ok(ring.heldBytes <= maxBytes, `held ${ring.heldBytes} <= ${maxBytes}`);
  }
  const status = ring.status();
  t.ok(status.heldMs < 30_000 && status.heldMs > 500, `held ${status.heldMs} ms`);
  t.same(status.shortfall, { kind: 'byte-bound', maxBytes });
  t.ok(status.evictedGops >= 8);
  const head = ring.drain();
  t.ok(head[0]!.keyframe, 'still starts on a keyframe');
});

t.test('a keyframe larger than the byte bound empties the ring until one fits', async (t) => {
  const ring = new PrebufferRing({ lengthMs: 30_000, maxBytes: 2000 });
  const src = unitSource({ gop: 30, bytes: 10, keyBytes: 5000 });
  for (let i = 0; i < 90; i++) ring.push(src.next());
  t.equal(ring.heldBytes, 0);
  t.same(ring.drain(), []);
  t.equal(ring.status().shortfall.kind, 'emptied', 'drained');
});

t.test('a sequence gap drops the partial GOP and skips to the next keyframe', async (t) => {
  const ring = new PrebufferRing({ lengthMs: 30_000, maxBytes: 1_000_000 });
  const src = unitSource({ gop: 30, bytes: 100 });
  for (let i = 0; i < 45; i++) ring.push(src.next()); // GOP 0 whole, GOP 1 half
  src.skip(3);
  for (let i = 0; i < 42; i++) ring.push(src.next()); // 48..89: 48..59 skipped, GOP 2 whole
  const status = ring.status();
  t.equal(status.gops, 2);
  t.equal(status.units, 60);
  t.equal(status.discardedUnits, 15 + 12);
  t.ok(Math.abs(status.missingMs - 1000) < 1e-6, `missing ${status.missingMs} ms (the lost GOP)`);
  const head = ring.drain();
  t.same(head.map((u) => u.sequence), [...Array.from({ length: 30 }, (_, i) => i), ...Array.from({ length: 30 }, (_, i) => 60 + i)]);
});

t.test('after a reset or a drain it says why it is short and since when', async (t) => {
  const ring = new PrebufferRing({ lengthMs: 30_000, maxBytes: 1_000_000 });
  const src = unitSource({ gop: 30 });
  t.same(ring.status(0).shortfall, { kind: 'emptied', cause: 'boot', sinceMs: 0 });
  for (let i = 0; i < 300; i++) ring.push(src.next());
  let s = ring.status();
  t.equal(s.shortfall.kind, 'emptied');
  if (s.shortfall.kind === 'emptied') {
    t.equal(s.shortfall.cause, 'boot');
    t.ok(Math.abs(s.shortfall.sinceMs - 10_000) < 1e-6);
  }
  ring.reset('recording-ended', src.sequence * (1000 / 30));
  for (let i = 0; i < 60; i++) ring.push(src.next());
  s = ring.status();
  t.ok(Math.abs(s.heldMs - 2000) < 1e-6);
  t.equal(s.shortfall.kind === 'emptied' && s.shortfall.cause, 'recording-ended');
  for (let i = 0; i < 30 * 31; i++) ring.push(src.next());
  t.same(ring.status().shortfall, { kind: 'none' }, 'full again after the configured length');
});

t.test('keeps units by reference unless told to copy', async (t) => {
  const src = unitSource({ gop: 1, bytes: 10 });
  const plain = new PrebufferRing({ lengthMs: 1000, maxBytes: 1000 });
  const copying = new PrebufferRing({ lengthMs: 1000, maxBytes: 1000, copy: true });
  const u = src.next();
  plain.push(u);
  copying.push(u);
  t.equal(plain.drain()[0]!.data, u.data);
  const copied = copying.drain()[0]!;
  t.not(copied.data.buffer, u.data.buffer);
  t.same([...copied.data], [...u.data]);
});

t.test('rejects bounds no ring can have', async (t) => {
  t.throws(() => new PrebufferRing({ lengthMs: 0, maxBytes: 1 }), /lengthMs must be a positive number/);
  t.throws(() => new PrebufferRing({ lengthMs: 1000, maxBytes: 1.5 }), /maxBytes must be a positive whole number/);
});
