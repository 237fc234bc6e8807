/** Behaviour only the virtual clock has: per-device skew, power loss, continuations between instants. */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';

t.test('devices on one timeline share monotonic time but may disagree on wall time', async (t) => {
  const tl = new Timeline({ epoch: Date.UTC(2026, 5, 1) });
  const a = tl.clock();
  const b = tl.clock(-3600_000);
  await tl.advance(1000);
  t.equal(a.monotonic(), b.monotonic());
  t.equal(a.now() - b.now(), 3600_000);
  b.setWallClock(Date.UTC(2030, 0, 1));
  t.equal(b.now(), Date.UTC(2030, 0, 1));
  t.equal(b.monotonic(), 1000, 'setting wall time does not move monotonic time');
});

t.test('dropAllTimers models a power cut: that device\'s timers never fire', async (t) => {
  const tl = new Timeline();
  const a = tl.clock(), b = tl.clock();
  const fired: string[] = [];
  a.setTimeout(() => fired.push('a'), 10);
  a.setInterval(() => fired.push('ai'), 5);
  b.setTimeout(() => fired.push('b'), 10);
  a.dropAllTimers();
  await tl.advance(50);
  t.same(fired, ['b']);
  t.equal(a.pendingTimers, 0);
});

t.test('async chains started by a timer finish before the next instant', async (t) => {
  const tl = new Timeline();
  const c = tl.clock();
  const log: string[] = [];
  c.setTimeout(async () => {
    for (let i = 0; i < 20; i++) {
      await Promise.resolve();
      await new Promise<void>((r) => process.nextTick(r));
    }
    log.push('chain done');
  }, 10);
  c.setTimeout(() => log.push('second timer'), 11);
  await tl.advance(20);
  t.same(log, ['chain done', 'second timer']);
});

t.test('advance refuses to run twice at once', async (t) => {
  const tl = new Timeline();
  const p = tl.advance(10);
  await t.rejects(tl.advance(10), /already running/);
  await p;
});

t.test('runUntilIdle stops when no timer is left', async (t) => {
  const tl = new Timeline();
  const c = tl.clock();
  let n = 0;
  const tick = () => { if (++n < 5) c.setTimeout(tick, 1000); };
  c.setTimeout(tick, 1000);
  await tl.runUntilIdle();
  t.equal(n, 5);
  t.equal(tl.time, 5000);
});
