/**
 * HolsterService end to end on the emulated link in virtual time: the 10-minute window edges,
 * unholster -> recording, the pairing flow with its indications, and the report at dock.
 */
import t from 'tap';
import { World } from '../../../../hal/world/world.js';
import { EmulatedHolsterLink, holsterWorldOf } from '../../../../hal/holster/emulated.js';
import { HolsterService } from '../../../../firmware/camera/holster/holster-service.js';
import type { PairingIndication } from '../../../../firmware/camera/holster/pairing-indication.js';

const MIN = 60_000;

function rig(model: 'W100' | 'W120' = 'W100') {
  const world = new World({ seed: 9 });
  const hw = holsterWorldOf(world);
  world.setPosition('cam1', { x: 0, y: 0 });
  const link = new EmulatedHolsterLink(world, world.timeline.clock(), 'cam1');
  const recordings: string[] = [];
  const shown: PairingIndication[] = [];
  const service = new HolsterService(link, world.timeline.clock(), { serial: 'cam1', model }, {
    startRecording: (trigger) => recordings.push(trigger),
    indicate: (i) => shown.push(i),
  });
  return { world, hw, link, service, recordings, shown, far: { x: 50, y: 0 }, near: { x: 3, y: 0 } };
}

t.test('a sensor coming into range at 9:59 after undock connects; unholster records', async (t) => {
  const { world, hw, link, service, recordings, far, near } = rig();
  hw.addSensor('AAA111', far, { powered: true, bonded: true });
  service.setPairings({ userId: 'u1', sensors: [{ serial: 'AAA111', pending: false }] });
  service.undocked('u1');
  await world.timeline.advance(9 * MIN + 59_000);
  t.same(link.connected(), []);
  hw.move('AAA111', near);
  await world.timeline.advance(500);
  t.same(link.connected(), ['AAA111'], 'connected inside the window');
  await world.timeline.advance(30 * MIN);
  t.notOk(service.scanning, 'window closed');
  t.same(link.connected(), ['AAA111'], 'the connection outlives the window');
  hw.unholster('AAA111');
  await world.timeline.advance(10);
  t.same(recordings, ['unholster']);
  const report = service.docked();
  t.equal(report?.sensors[0]?.status, 'HOLSTER_PAIRING_STATUS_PAIRED');
  t.equal(report?.sensors[0]?.lastConnectedMs, world.timeline.epoch + 9 * MIN + 59_000);
  t.same(link.connected(), [], 'docking drops the link');
  hw.holster('AAA111'); hw.unholster('AAA111');
  await world.timeline.advance(10);
  t.same(recordings, ['unholster'], 'docked: no recording');
  await service.stop();
});

t.test('a sensor coming into range at 10:01 after undock is not connected until the next undock', async (t) => {
  const { world, hw, link, service, recordings, far, near } = rig();
  hw.addSensor('AAA111', far, { powered: true, bonded: true });
  service.setPairings({ userId: 'u1', sensors: [{ serial: 'AAA111', pending: false }] });
  service.undocked('u1');
  await world.timeline.advance(10 * MIN + 1000);
  hw.move('AAA111', near);
  await world.timeline.advance(5 * MIN);
  t.same(link.connected(), [], 'not connected after the window');
  hw.unholster('AAA111');
  await world.timeline.advance(10);
  t.same(recordings, []);
  service.docked();
  hw.holster('AAA111');
  service.undocked('u1');
  await world.timeline.advance(1500);
  t.same(link.connected(), ['AAA111'], 'the next undock opens a new window');
  hw.unholster('AAA111');
  await world.timeline.advance(10);
  t.same(recordings, ['unholster']);
  await service.stop();
});

t.test('a sensor out of range (beyond 10 m) never connects; a disconnect after the window is not retried', async (t) => {
  const { world, hw, link, service } = rig();
  hw.addSensor('AAA111', { x: 10.5, y: 0 }, { powered: true, bonded: true });
  service.setPairings({ userId: 'u1', sensors: [{ serial: 'AAA111', pending: false }] });
  service.undocked('u1');
  await world.timeline.advance(5 * MIN);
  t.same(link.connected(), []);
  hw.move('AAA111', { x: 5, y: 0 });
  await world.timeline.advance(10);
  t.same(link.connected(), ['AAA111'], 'in at 5 m');
  await world.timeline.advance(6 * MIN);
  hw.move('AAA111', { x: 20, y: 0 });
  await world.timeline.advance(1000);
  hw.move('AAA111', { x: 1, y: 0 });
  await world.timeline.advance(5000);
  t.same(link.connected(), [], 'lost after the window: given up until the next undock');
  await service.stop();
});

t.test('pairing flow: pending sensor powered after undock pairs within 20 s, shows white then green, then records', async (t) => {
  const { world, hw, service, recordings, shown, near } = rig('W120');
  hw.addSensor('BBB222', near);
  service.setPairings({ userId: 'u1', sensors: [{ serial: 'BBB222', pending: true }] });
  service.undocked('u1');
  await world.timeline.advance(30_000);
  hw.powerOn('BBB222');
  await world.timeline.advance(20_000);
  t.same(shown.map((i) => `${i.on} ${i.color}`), ['holster-icon white', 'holster-icon green']);
  hw.unholster('BBB222');
  await world.timeline.advance(10);
  t.same(recordings, ['unholster'], 'step 11: unholster after pairing records');
  t.same(service.docked(), { userId: 'u1', sensors: [{ serial: 'BBB222', status: 'HOLSTER_PAIRING_STATUS_PAIRED', lastConnectedMs: world.timeline.epoch + 36_000 }] });
  await service.stop();
});

t.test('pairing flow failure: yellow then red, reported FAILED at dock', async (t) => {
  const { world, hw, service, shown, near } = rig('W100');
  hw.addSensor('BBB222', near);
  hw.failNextPairing('BBB222', 'wrong key');
  service.setPairings({ userId: 'u1', sensors: [{ serial: 'BBB222', pending: true }] });
  service.undocked('u1');
  hw.powerOn('BBB222');
  await world.timeline.advance(25_000);
  t.same(shown.map((i) => `${i.on} ${i.color}${i.pulse ? ' pulse' : ''}`), ['wireless-led yellow pulse', 'wireless-led red']);
  t.equal(service.sensors()[0]?.failure, 'wrong key');
  t.equal(service.docked()?.sensors[0]?.status, 'HOLSTER_PAIRING_STATUS_FAILED');
  await service.stop();
});

t.test('setPairings refuses a malformed message naming the field', async (t) => {
  const { service } = rig();
  t.throws(() => service.setPairings({ userId: 'u1', sensors: [{ serial: 'abc', pending: true }] }), /holsterPairings\.sensors\[0\]\.serial/);
  t.equal(service.report(), undefined);
  await service.stop();
});
