/**
 * Adoption ("Add cameras") end to end on emulated boards: unadopted cameras are adopted only
 * when asked, keep their credentials across reboots, and a camera of another system is an
 * Unknown camera with no session retries.
 */
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { World } from '../../../hal/world/world.js';
import { checkConfig } from '../../../hal/boards/config.js';
import { openEmulatedCamera, board as cameraBoard, type EmulatedCameraHal } from '../../../hal/boards/emulated-camera.js';
import { openEmulatedController, board as controllerBoard } from '../../../hal/boards/emulated-controller.js';
import { startCamera } from '../../../firmware/camera/runtime.js';
import { startController } from '../../../firmware/controller/runtime.js';
import { silentLog } from '../../../firmware/common/log.js';
import type { CameraSession } from '../../../firmware/controller/camera-session.js';

async function system(world: World, systemId: string, adoptCameras: boolean) {
  const hal = await openEmulatedController(checkConfig({ serial: `W800-${systemId}`, systemId }, controllerBoard.schema, 't'), world);
  const runtime = await startController(hal, silentLog, { adoptCameras });
  await runtime.ready();
  const sessions: CameraSession[] = [];
  runtime.dock.on('session', (_c, s) => sessions.push(s));
  return { hal, runtime, sessions, stop: async () => { await runtime.stop(); await hal.close(); } };
}

async function camera(world: World, serial: string, hal?: EmulatedCameraHal) {
  const h = hal ?? await openEmulatedCamera(checkConfig({ serial }, cameraBoard.schema, 't'), world);
  const runtime = await startCamera(h, silentLog);
  await runtime.enrollment.ready();
  return { hal: h, runtime };
}

t.test('adoption happens only with "Add cameras" on, and survives a camera reboot', async (t) => {
  const world = new World({ epoch: Date.UTC(2026, 10, 23) });
  world.docks.addStation('st', 1);
  const ctl = await system(world, 'site-a', false);
  const cam = await camera(world, 'W100-0001');
  world.docks.dock('W100-0001', 'st', 1);
  await world.timeline.advance(3000);
  t.equal(ctl.sessions.at(-1)?.membership, 'unadopted', 'without "Add cameras" the camera stays unadopted');
  t.equal(cam.runtime.enrollment.systemId, '');
  world.docks.undock('W100-0001');
  await world.timeline.advance(20_000);
  await ctl.stop();

  const adopting = await system(world, 'site-a', true);
  world.docks.dock('W100-0001', 'st', 1);
  await world.timeline.advance(3000);
  t.equal(adopting.sessions.at(-1)?.membership, 'adopted');
  t.equal(cam.runtime.enrollment.systemId, 'site-a');
  t.equal(cam.runtime.enrollment.current?.evidencePublicKey, Buffer.from(adopting.runtime.authority.evidencePublicKey).toString('hex'), 'the camera holds the system\'s evidence key');

  // Power cycle the camera: a new runtime on the same flash.
  world.docks.undock('W100-0001');
  await cam.runtime.stop();
  const reborn = await startCamera({ ...cam.hal, storage: cam.hal.emulators.medium.mount() }, silentLog);
  t.equal(reborn.enrollment.systemId, 'site-a', 'credentials survive the reboot');
  await world.timeline.advance(20_000);
  world.docks.dock('W100-0001', 'st', 1);
  await world.timeline.advance(3000);
  t.equal(adopting.sessions.at(-1)?.membership, 'member', 'back at the dock it is a member, not adopted again');

  // Two days later it docks again: its certificate is renewed inside the mutual TLS session.
  const before = new X509Certificate(reborn.enrollment.current!.certPem).validTo;
  world.docks.undock('W100-0001');
  await world.timeline.advance(20_000);
  const later = adopting.hal.emulators.clock.now() + 2 * 24 * 3600_000;
  adopting.hal.emulators.clock.setWallClock(later);
  cam.hal.emulators.clock.setWallClock(later);
  world.docks.dock('W100-0001', 'st', 1);
  for (let i = 0; i < 40 && adopting.sessions.at(-1)?.membership !== 'renewed'; i++) await world.timeline.advance(250);
  t.equal(adopting.sessions.at(-1)?.membership, 'renewed', 'a member docking after a day gets a new certificate');
  t.ok(Date.parse(new X509Certificate(reborn.enrollment.current!.certPem).validTo) > Date.parse(before), 'the new certificate lasts longer');
  t.equal(reborn.enrollment.systemId, 'site-a');
  await reborn.stop();
  await adopting.stop();
  await cam.hal.close();
});

t.test('a camera of another system is an Unknown camera: reported once, no session, no retries', async (t) => {
  const world = new World({ epoch: Date.UTC(2026, 10, 23) });
  world.docks.addStation('st', 1);
  const siteA = await system(world, 'site-a', true);
  const cam = await camera(world, 'W100-0002');
  world.docks.dock('W100-0002', 'st', 1);
  await world.timeline.advance(3000);
  t.equal(cam.runtime.enrollment.systemId, 'site-a');
  world.docks.undock('W100-0002');
  await world.timeline.advance(20_000);
  await siteA.stop();

  const siteB = await system(world, 'site-b', true);
  const unknown: string[] = [];
  siteB.runtime.dock.on('unknown-camera', (c, e) => unknown.push(`${c.serial}:${e.systemId}`));
  let failures = 0;
  siteB.runtime.dock.on('session-failed', () => failures++);
  world.docks.dock('W100-0002', 'st', 1);
  await world.timeline.advance(12_000);
  t.same(unknown, ['W100-0002:site-a'], 'reported as belonging to site-a');
  t.equal(siteB.sessions.length, 0, 'no session');
  t.equal(failures, 0, 'no retry loop');
  t.match(siteB.runtime.dock.cameras(), [{ serial: 'W100-0002', phase: 'unknown', systemId: 'site-a' }]);
  t.equal(cam.runtime.enrollment.systemId, 'site-a', 'site-b did not take it over');
  await siteB.stop();
  await cam.runtime.stop();
  await cam.hal.close();
});
