/**
 * The content destination down, full (507), or on another clock: recordings the controller took
 * custody of (the camera deleted them) stay in the buffer, not released, until the destination
 * accepts them with Status Complete; a clock mismatch raises "Can't transfer recordings".
 */
import t from 'tap';
import type { UploaderEvent } from '../../../../firmware/controller/upload/uploader.js';
import { startDestinationServer } from '../../../../tools/destination/server.js';
import { adopt, camera, cameraHas, controller, destination, newWorld, pass, record, stopAll, until, type Camera, type Controller } from './world-helpers.js';
import type { World } from '../../../../hal/world/world.js';

/** Record undocked, dock, wait until the controller holds it and the camera deleted it. */
async function offloaded(world: World, ctl: Controller, cam: Camera): Promise<string> {
  const rec = await record(world, cam, 3000);
  world.docks.dock(cam.hal.identity.serial, 'st', 1);
  await until(world, () => ctl.runtime.buffer.status(rec.idHex) !== undefined && ctl.runtime.buffer.status(rec.idHex) !== 'receiving', 'the recording held by the controller');
  await until(world, async () => !(await cameraHas(cam, rec.idHex)), 'the camera deleting it (custody moved)');
  return rec.idHex;
}

function events(ctl: Controller): UploaderEvent[] {
  const out: UploaderEvent[] = [];
  ctl.runtime.uploader!.subscribe((e) => out.push(e));
  return out;
}

t.test('destination down, then up: the recording waits in the buffer, then is uploaded and released', async (t) => {
  const world = newWorld();
  const dest = await destination({ now: () => world.timeline.epoch + world.timeline.time });
  const port = Number(new URL(dest.server.url).port);
  await dest.server.close();
  const ctl = await controller(world, { connection: dest.connection });
  const ev = events(ctl);
  const cam = await camera(world, 'W100-0001');
  await adopt(world, cam);
  const id = await offloaded(world, ctl, cam);
  await pass(world, 120_000, 500);
  t.equal(ctl.runtime.buffer.status(id), 'complete', 'still in the buffer while the destination is down');
  t.ok(ev.some((e) => e.type === 'retry'), 'the uploader retries');
  t.notOk(ev.some((e) => e.type === 'uploaded'));

  const up = await startDestinationServer({ root: dest.root, port, users: { scu: 'secret' }, now: () => ctl.hal.clock.now(), log: () => {} });
  t.teardown(async () => { await up.close(); await dest.close().catch(() => undefined); });
  await until(world, () => ctl.runtime.buffer.status(id) === 'uploaded', 'the upload after the destination came back', 900_000, 500);
  t.ok(ev.some((e) => e.type === 'uploaded' && e.idHex === id), 'uploaded with Status Complete');
  t.same(await ctl.runtime.buffer.pending(), [], 'released only now');
  await stopAll([ctl], [cam]);
});

t.test('destination full (507): alert, the recording stays in the buffer until the destination takes it', async (t) => {
  const world = newWorld();
  const dest = await destination({ now: () => world.timeline.epoch + world.timeline.time });
  t.teardown(dest.close);
  dest.server.faults.next(507, { method: 'PUT' });
  const ctl = await controller(world, { connection: dest.connection });
  const ev = events(ctl);
  const cam = await camera(world, 'W100-0001');
  await adopt(world, cam);
  const id = await offloaded(world, ctl, cam);
  await until(world, () => ev.some((e) => e.type === 'alert'), 'an alert', 120_000, 250);
  const alert = ev.find((e) => e.type === 'alert');
  t.equal(alert?.type === 'alert' && alert.alert.kind, 'destination-full');
  t.equal(ctl.runtime.buffer.status(id), 'complete', 'not released after the 507');
  t.equal(dest.server.statusCounts[507], 1);
  await pass(world, 120_000, 500);
  t.equal(ctl.runtime.buffer.status(id), 'complete', 'still kept while uploads are stopped');
  t.equal(dest.server.statusCounts[507], 1, 'no retry storm against a full destination');
  // Space freed at the destination; the operator resumes uploads (else they retry after stopRetryMs).
  ctl.runtime.uploader!.resume();
  await until(world, () => ctl.runtime.buffer.status(id) === 'uploaded', 'the upload once the destination takes it again', 300_000, 250);
  t.ok(ev.some((e) => e.type === 'uploaded' && e.idHex === id));
  await stopAll([ctl], [cam]);
});

t.test('clock mismatch between controller and destination: "Can\'t transfer recordings", nothing released', async (t) => {
  const world = newWorld();
  const dest = await destination({ now: () => world.timeline.epoch + world.timeline.time }, { clockSkewMs: 2 * 3600_000 });
  t.teardown(dest.close);
  const storedBefore = dest.server.storedBytes();
  const ctl = await controller(world, { connection: dest.connection });
  const ev = events(ctl);
  const cam = await camera(world, 'W100-0001');
  await adopt(world, cam);
  const id = await offloaded(world, ctl, cam);
  await until(world, () => ev.some((e) => e.type === 'alert'), 'an alert', 120_000, 250);
  await pass(world, 120_000, 500);
  const alerts = ev.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
  t.equal(alerts[0]?.kind, 'clock-mismatch');
  t.match(alerts[0]?.message, /^Can't transfer recordings: the date and time in the content destination differ/);
  t.equal(ctl.runtime.buffer.status(id), 'complete', 'nothing released');
  t.notOk(ev.some((e) => e.type === 'uploaded'));
  t.equal(dest.server.storedBytes(), storedBefore, 'nothing stored at the destination');
  await stopAll([ctl], [cam]);
});
