/**
 * Cameras whose certificate the controller does not accept: one of another system (Unknown
 * camera) and one whose certificate expired (8 weeks without docking: safe mode). Neither is
 * offloaded; their recordings stay on the camera.
 */
import t from 'tap';
import { adopt, camera, cameraHas, controller, newWorld, pass, record, stopAll, until } from './world-helpers.js';

t.test('a camera of another system: Unknown camera, no offload, its recordings stay on it', async (t) => {
  const world = newWorld();
  const siteA = await controller(world);
  const cam = await camera(world, 'W100-0001');
  await adopt(world, cam);
  await siteA.runtime.stop();
  await siteA.hal.close();
  const rec = await record(world, cam, 3000);

  const siteB = await controller(world, {}, { serial: 'W800-0002', systemId: 'site-b' });
  const unknown: string[] = [];
  siteB.runtime.dock.on('unknown-camera', (c, e) => unknown.push(`${c.serial}:${e.systemId}`));
  let sessions = 0;
  siteB.runtime.dock.on('session', () => sessions++);
  world.docks.dock('W100-0001', 'st', 1);
  await until(world, () => unknown.length > 0, 'the Unknown camera report');
  await pass(world, 30_000, 250);
  t.same(unknown, ['W100-0001:site-a'], 'reported once as a camera of site-a');
  t.equal(sessions, 0, 'no session, so no offload');
  t.same(siteB.runtime.buffer.stats(), { usedBytes: 0, reservedBytes: 0, receiving: 0, complete: 0, notTransferred: 0, uploaded: 0 }, 'nothing in site-b\'s buffer');
  t.ok(await cameraHas(cam, rec.idHex), 'the recording stays on the camera');
  t.equal(cam.runtime.enrollment.systemId, 'site-a');
  await stopAll([siteB], [cam]);
});

t.test('an expired certificate (8 weeks without docking): safe mode, no offload, recordings stay on the camera', async (t) => {
  const world = newWorld();
  const ctl = await controller(world);
  const cam = await camera(world, 'W100-0001');
  await adopt(world, cam);
  const rec = await record(world, cam, 3000);
  // Nine weeks later on both wall clocks (without running nine weeks of timers).
  const later = ctl.hal.clock.now() + 9 * 7 * 24 * 3600_000;
  ctl.hal.emulators.clock.setWallClock(later);
  cam.hal.emulators.clock.setWallClock(later);

  const safe: string[] = [];
  ctl.runtime.dock.on('safe-mode', (c, e) => safe.push(`${c.serial}: ${e.message}`));
  const held: string[] = [];
  ctl.runtime.offload.on('held', (_c, r) => held.push(Buffer.from(r.recordingId).toString('hex')));
  world.docks.dock('W100-0001', 'st', 1);
  await until(world, () => safe.length > 0, 'the safe-mode report');
  await pass(world, 30_000, 250);
  t.match(safe[0], /W100-0001: Camera W100-0001 is in safe mode: its certificate is not valid \(expired/);
  t.same(held, [], 'nothing offloaded');
  t.equal(ctl.runtime.buffer.stats().receiving + ctl.runtime.buffer.stats().complete, 0, 'nothing reserved');
  t.ok(await cameraHas(cam, rec.idHex), 'the recording stays on the camera');
  t.equal(cam.runtime.behaviour.state.kind, 'safe-mode', 'the camera itself shows safe mode, docked');
  await stopAll([ctl], [cam]);
});
