/** Clock contract suite: every Clock implementation must pass it. */
import type { Test } from 'tap';
import type { Clock } from '../../../hal/clock/contract.js';

export interface ClockHarness {
  clock: Clock;
  /** Let `ms` of the clock's time pass (really wait, or advance virtual time). */
  pass(ms: number): Promise<void>;
}

export function clockContract(t: Test, name: string, make: () => ClockHarness): void {
  t.test(`${name}: clock contract`, async (t) => {
    t.test('monotonic never decreases and now() is epoch ms', async (t) => {
      const { clock, pass } = make();
      const a = clock.monotonic();
      await pass(20);
      const b = clock.monotonic();
      t.ok(b >= a + 19, `monotonic advanced ${b - a} ms over a 20 ms pass`);
      t.ok(clock.now() > Date.UTC(2020, 0, 1), 'now() is a plausible epoch');
    });

    t.test('timers fire in due order, ties in set order', async (t) => {
      const { clock, pass } = make();
      const order: string[] = [];
      clock.setTimeout(() => order.push('c30'), 30);
      clock.setTimeout(() => order.push('a10'), 10);
      clock.setTimeout(() => order.push('b10'), 10);
      clock.setTimeout(() => order.push('z0'), 0);
      t.same(order, [], 'nothing fires synchronously');
      await pass(60);
      t.same(order, ['z0', 'a10', 'b10', 'c30']);
    });

    t.test('cancel stops a timer and is idempotent', async (t) => {
      const { clock, pass } = make();
      let fired = 0;
      const timer = clock.setTimeout(() => fired++, 10);
      timer.cancel();
      timer.cancel();
      await pass(30);
      t.equal(fired, 0);
    });

    t.test('setInterval repeats without drift until cancelled', async (t) => {
      const { clock, pass } = make();
      const at: number[] = [];
      const start = clock.monotonic();
      const timer = clock.setInterval(() => at.push(clock.monotonic() - start), 20);
      await pass(110);
      timer.cancel();
      const n = at.length;
      await pass(60);
      t.equal(at.length, n, 'no firing after cancel');
      t.ok(n >= 4 && n <= 6, `fired ${n} times in 110 ms at 20 ms`);
      const last = at[n - 1]!;
      t.ok(Math.abs(last - n * 20) < 15, `the ${n}th firing at ${last.toFixed(1)} ms stays on the 20 ms grid`);
    });

    t.test('sleep resolves after the delay', async (t) => {
      const { clock, pass } = make();
      let done = false;
      void clock.sleep(15).then(() => { done = true; });
      await pass(5);
      t.notOk(done, 'not before the delay');
      await pass(30);
      t.ok(done, 'after the delay');
    });

    t.test('bad delays are rejected naming what was expected', async (t) => {
      const { clock } = make();
      t.throws(() => clock.setTimeout(() => {}, -1), /delay must be a finite number of milliseconds >= 0, got -1/);
      t.throws(() => clock.setInterval(() => {}, 0), /> 0, got 0/);
      t.throws(() => clock.setTimeout(() => {}, NaN), RangeError);
    });
  });
}
