/**
 * Automatic activation in the whole camera runtime on emulated boards, with the system's key and
 * pairings arriving through the controller's assignment at the dock: a recording started on one
 * camera starts recording on a nearby camera of the same system (wireless broadcast), and a
 * paired holster sensor's unholster starts a recording (unholster detection).
 */
import t from 'tap';
import { adopt, camera, controller, newWorld, pass, stopAll, until } from '../controller/offload/world-helpers.js';
import { CameraAssignments } from '../../../firmware/controller/assignments.js';
import { listRecordings, openRecording } from '../../../firmware/common/evidence/index.js';

const broadcasting = { activation: { broadcast: { enabled: true, strength: 'high', delayAtUndockMin: 0 }, recordOnReceivedBroadcast: true } };

async function triggersOf(cam: { hal: { storage: import('../../../hal/storage/contract.js').Storage } }): Promise<string[]> {
  const out: string[] = [];
  for (const r of await listRecordings(cam.hal.storage)) {
    const reader = await openRecording(cam.hal.storage, r.recordingId);
    out.push(reader.manifestEntry().triggerOnReason);
  }
  return out;
}

t.test('wireless broadcast: a recording on one camera starts one on a camera 40 m away, not on one 150 m away', async (t) => {
  const world = newWorld();
  const assignments = new CameraAssignments({ cameras: {
    'W100-0001': { userId: 'u1', profile: broadcasting }, 'W100-0002': { userId: 'u2', profile: broadcasting }, 'W100-0003': { userId: 'u3', profile: broadcasting },
  } });
  const ctl = await controller(world, { assignments });
  const cams = [await camera(world, 'W100-0001'), await camera(world, 'W100-0002'), await camera(world, 'W100-0003')];
  for (const c of cams) await adopt(world, c);
  world.setPosition('W100-0001', { x: 0, y: 0 });
  world.setPosition('W100-0002', { x: 40, y: 0 });
  world.setPosition('W100-0003', { x: 150, y: 0 });
  const [a, b, c] = cams as [typeof cams[0], typeof cams[0], typeof cams[0]];
  t.ok(a.runtime.broadcast && b.runtime.broadcast, 'broadcast runs once the key came with the assignment');
  const tap = a.hal.emulators.buttons.tap('record');
  await pass(world, 1000);
  await tap;
  await until(world, () => b.runtime.behaviour.state.kind === 'recording', 'the camera 40 m away recording', 5000);
  t.equal(c.runtime.behaviour.state.kind, 'idle', 'the camera 150 m away did not hear it');
  const stop = a.hal.emulators.buttons.tap('record');
  await pass(world, 1000);
  await stop;
  const stopB = b.hal.emulators.buttons.tap('record');
  await pass(world, 1000);
  await stopB;
  await until(world, async () => (await listRecordings(b.hal.storage)).some((r) => r.status === 'closed'), 'b\'s recording closed', 20_000);
  t.same(await triggersOf(b), ['TRIGGER_REASON_WIRELESS_BROADCAST'], 'the trigger is recorded as broadcast');
  t.same(await triggersOf(a), ['TRIGGER_REASON_BUTTON']);
  await stopAll([ctl], cams);
});

t.test('unholster detection: pairing through the controller, then unholster starts a recording', async (t) => {
  const world = newWorld();
  const assignments = new CameraAssignments({ cameras: { 'W100-0004': { userId: 'u4' } } });
  const ctl = await controller(world, { assignments });
  await ctl.runtime.pairings.pair('u4', 'a1b2c3');
  const cam = await camera(world, 'W100-0004');
  await adopt(world, cam);
  world.setPosition('W100-0004', { x: 0, y: 0 });
  // Dock again so the pairing goes with the assignment, then undock and power the sensor nearby.
  world.docks.dock('W100-0004', 'st', 1);
  await until(world, () => cam.runtime.holster?.sensors().some((s) => s.serial === 'A1B2C3') ?? false, 'the pairing reached the camera');
  world.docks.undock('W100-0004');
  await pass(world, 2000);
  cam.hal.emulators.holsters.addSensor('A1B2C3', { x: 2, y: 0 }, { powered: true });
  await until(world, () => cam.runtime.holsterIndications.some((i) => i.step === 'pairing-succeeded'), 'pairing succeeded', 30_000);
  cam.hal.emulators.holsters.unholster('A1B2C3');
  await until(world, () => cam.runtime.behaviour.state.kind === 'recording', 'recording after unholster', 5000);
  const stop = cam.hal.emulators.buttons.tap('record');
  await pass(world, 1000);
  await stop;
  await until(world, async () => (await listRecordings(cam.hal.storage)).some((r) => r.status === 'closed'), 'recording closed', 20_000);
  t.same(await triggersOf(cam), ['TRIGGER_REASON_UNHOLSTER']);
  // At the next dock the outcome goes back: the controller shows the sensor paired.
  world.docks.dock('W100-0004', 'st', 1);
  await until(world, () => ctl.runtime.pairings.pairingsOf('u4').some((p) => p.status === 'paired'), 'the controller shows it paired');
  await stopAll([ctl], [cam]);
});
