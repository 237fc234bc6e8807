/** The bound on concurrent transfers, the waiting line (prioritized users first), and the 24 h prioritization. */
import t from 'tap';
import { TransferSlots } from '../../../../firmware/controller/offload/transfer-slots.js';
import { PRIORITY_MS, UserPriorities } from '../../../../firmware/controller/offload/priorities.js';
import { Timeline } from '../../../../hal/clock/emulated.js';

t.test('at most `max` transfers at once; prioritized requests jump the line, then first come first served', async (t) => {
  const slots = new TransferSlots(2);
  const order: string[] = [];
  const take = (label: string, prioritized = false) => slots.acquire({ label, prioritized }).then((release) => { order.push(label); return release; });
  const a = await take('a');
  const b = await take('b');
  t.equal(slots.inUse, 2);
  const c = take('c');
  const d = take('d');
  const vip = take('vip', true);
  await new Promise((r) => setImmediate(r));
  t.same(order, ['a', 'b'], 'nobody else starts while both slots are busy');
  t.equal(slots.queued, 3);
  a();
  a(); // releasing twice frees one slot only
  await new Promise((r) => setImmediate(r));
  t.same(order, ['a', 'b', 'vip'], 'the prioritized request goes first');
  b();
  (await vip)();
  await Promise.all([c, d]);
  t.same(order, ['a', 'b', 'vip', 'c', 'd']);
  t.throws(() => new TransferSlots(0), /whole number >= 1, got 0/);
});

t.test('a withdrawn request leaves the line; a granted one keeps no abort listener', async (t) => {
  const slots = new TransferSlots(1);
  const first = await slots.acquire({ label: 'first', prioritized: false });
  const abort = new AbortController();
  const waiting = slots.acquire({ label: 'second', prioritized: false }, abort.signal);
  abort.abort();
  await t.rejects(waiting, /transfer of second withdrawn/);
  t.equal(slots.queued, 0);
  const session = new AbortController();
  first();
  for (let i = 0; i < 30; i++) (await slots.acquire({ label: `r${i}`, prioritized: false }, session.signal))();
  t.equal(slots.inUse, 0);
  await t.rejects(slots.acquire({ label: 'late', prioritized: false }, abort.signal), /withdrawn/, 'an aborted signal is refused at once');
});

t.test('a prioritization ends by itself after 24 hours', async (t) => {
  const tl = new Timeline();
  const p = new UserPriorities(tl.clock());
  p.prioritize('officer-7');
  t.ok(p.isPrioritized('officer-7'));
  t.notOk(p.isPrioritized('officer-8'));
  await tl.advance(PRIORITY_MS - 1);
  t.ok(p.isPrioritized('officer-7'), 'still prioritized just before 24 h');
  await tl.advance(1);
  t.notOk(p.isPrioritized('officer-7'), 'removed at 24 h');
  t.throws(() => p.prioritize(''), /expected a user id/);
});
