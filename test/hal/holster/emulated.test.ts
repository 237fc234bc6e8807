/**
 * Emulated holster sensors and links: range per pair within 5-10 m, connect only to bonded
 * sensors in range, unholster events on connected links, pairing in a few virtual seconds.
 */
import t from 'tap';
import { World } from '../../../hal/world/world.js';
import { EmulatedHolsterLink, holsterWorldOf } from '../../../hal/holster/emulated.js';
import type { HolsterEvent } from '../../../hal/holster/contract.js';

function setup(seed = 3) {
  const world = new World({ seed });
  const hw = holsterWorldOf(world);
  world.setPosition('cam1', { x: 0, y: 0 });
  const clock = world.timeline.clock();
  const link = new EmulatedHolsterLink(world, clock, 'cam1');
  const events: HolsterEvent[] = [];
  link.onEvent((e) => events.push(e));
  return { world, hw, link, events, kinds: () => events.map((e) => `${e.serial} ${e.kind}`) };
}

t.test('ranges are seeded per pair in 5-10 m and stable', async (t) => {
  const { hw } = setup();
  const ranges: number[] = [];
  for (let i = 0; i < 50; i++) {
    const serial = `S${String(i).padStart(5, '0')}`;
    hw.addSensor(serial, { x: 100, y: 0 });
    const r = hw.rangeM(serial, 'cam1');
    t.equal(hw.rangeM(serial, 'cam1'), r, 'same range asked twice');
    ranges.push(r);
  }
  t.ok(ranges.every((r) => r >= 5 && r < 10), 'every range in [5, 10)');
  t.ok(Math.max(...ranges) - Math.min(...ranges) > 2, 'ranges differ between pairs');
});

t.test('a bonded sensor connects at 5 m, not beyond 10 m; leaving range disconnects', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const { world, hw, link, kinds } = setup(seed);
    hw.addSensor('ABC123', { x: 10.01, y: 0 }, { powered: true, bonded: true });
    await link.listen({ connect: ['ABC123'], pair: [] });
    await world.timeline.advance(3000);
    t.same(link.connected(), [], `seed ${seed}: out of range at 10.01 m`);
    hw.move('ABC123', { x: 0, y: 5 });
    await world.timeline.advance(10);
    t.same(link.connected(), ['ABC123'], `seed ${seed}: connected at 5 m`);
    hw.move('ABC123', { x: 0, y: 12 });
    await world.timeline.advance(10);
    t.same(kinds(), ['ABC123 connected', 'ABC123 disconnected'], `seed ${seed}`);
    await link.close();
  }
});

t.test('an unbonded sensor does not connect; power off disconnects', async (t) => {
  const { world, hw, link, events } = setup();
  hw.addSensor('ABC123', { x: 1, y: 0 }, { powered: true, bonded: false });
  await link.listen({ connect: ['ABC123'], pair: [] });
  await world.timeline.advance(2000);
  t.same(events, [], 'not bonded: no connection');
  hw.addSensor('XYZ789', { x: 1, y: 0 }, { powered: true, bonded: true });
  await link.listen({ connect: ['XYZ789'], pair: [] });
  await world.timeline.advance(1);
  hw.powerOff('XYZ789');
  await world.timeline.advance(1);
  t.same(events.map((e) => e.kind), ['connected', 'disconnected']);
  t.match(events[1]?.reason, /power/);
});

t.test('unholster/holster reach connected links only', async (t) => {
  const { world, hw, link, kinds } = setup();
  hw.addSensor('ABC123', { x: 1, y: 0 }, { powered: true, bonded: true });
  hw.unholster('ABC123');
  await link.listen({ connect: ['ABC123'], pair: [] });
  await world.timeline.advance(1);
  hw.holster('ABC123');
  hw.unholster('ABC123');
  await world.timeline.advance(1);
  t.same(kinds(), ['ABC123 connected', 'ABC123 holstered', 'ABC123 unholstered']);
  await link.stopScanning();
  hw.holster('ABC123');
  await world.timeline.advance(1);
  t.equal(kinds().at(-1), 'ABC123 holstered', 'a connection survives stopScanning');
});

t.test('pairing: a freshly powered sensor pairs within 20 s, then is bonded and connected', async (t) => {
  const { world, hw, link, kinds } = setup();
  hw.addSensor('ABC123', { x: 2, y: 0 });
  await link.listen({ connect: [], pair: ['ABC123'] });
  await world.timeline.advance(5000);
  t.same(kinds(), [], 'unpowered: nothing');
  hw.powerOn('ABC123');
  const start = world.timeline.time;
  await world.timeline.advance(1);
  t.same(kinds(), ['ABC123 pairing-started']);
  await world.timeline.advance(19_000);
  t.same(kinds(), ['ABC123 pairing-started', 'ABC123 paired', 'ABC123 connected']);
  t.ok(hw.info('ABC123').bonded);
  t.ok(world.timeline.time - start < 20_000);
});

t.test('pairing fails when the sensor loses power or is told to fail', async (t) => {
  const { world, hw, link, events } = setup();
  hw.addSensor('ABC123', { x: 2, y: 0 }, { powered: true });
  await link.listen({ connect: [], pair: ['ABC123'] });
  await world.timeline.advance(1000);
  hw.powerOff('ABC123');
  await world.timeline.advance(10_000);
  t.same(events.map((e) => e.kind), ['pairing-started', 'pairing-failed']);
  t.match(events[1]?.reason, /lost power/);
  hw.failNextPairing('ABC123', 'bad key');
  hw.powerOn('ABC123');
  await world.timeline.advance(10_000);
  t.same(events.slice(2).map((e) => `${e.kind} ${e.reason ?? ''}`), ['pairing-started ', 'pairing-failed bad key']);
  t.notOk(hw.info('ABC123').bonded);
});

t.test('control surface refuses unknown and bad serials', async (t) => {
  const { hw, link } = setup();
  t.throws(() => hw.unholster('NOPE00'), /no holster sensor "NOPE00"/);
  t.throws(() => hw.addSensor('bad', { x: 0, y: 0 }), /expected the 6-character serial/);
  hw.addSensor('abc123', { x: 0, y: 0 });
  t.throws(() => hw.addSensor('ABC123', { x: 0, y: 0 }), /already in the world/);
  await link.close();
  await t.rejects(link.listen({ connect: [], pair: [] }), { code: 'ECLOSED' });
});
