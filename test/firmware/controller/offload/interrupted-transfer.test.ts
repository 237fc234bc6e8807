/**
 * Transfers cut short: the camera undocked mid-transfer, and the controller's power cut
 * mid-transfer. Each resumes from the last verified (durable) chunk, not from 0, completes, and
 * the camera deletes the recording only once the controller holds all of it.
 */
import t from 'tap';
import {
  adopt, camera, cameraCiphertext, cameraHas, controller, newWorld, pass, record, restartController, stopAll, undock, until,
} from './world-helpers.js';

const CHUNK = 4096;

t.test('undock mid-transfer, re-dock: resumes from the last verified chunk, completes, camera deletes only after', async (t) => {
  const world = newWorld();
  const ctl = await controller(world);
  const cam = await camera(world, 'W100-0001', { chunkSize: CHUNK });
  await adopt(world, cam);
  const rec = await record(world, cam, 4000);
  const mine = await cameraCiphertext(cam, rec.recordingId);
  t.ok(mine.chunks.length > 20, `a long transfer: ${mine.chunks.length} chunks of ${CHUNK} bytes`);

  let chunks = 0;
  let undocked = false;
  ctl.runtime.offload.on('chunk', () => {
    if (++chunks === 10 && !undocked) { undocked = true; world.docks.undock('W100-0001'); }
  });
  world.docks.dock('W100-0001', 'st', 1);
  await until(world, () => chunks >= 10, '10 chunks pulled');
  await pass(world, 20_000, 250);
  const kept = ctl.runtime.buffer.held(rec.idHex);
  t.equal(ctl.runtime.buffer.status(rec.idHex), 'receiving', 'not complete');
  t.ok(kept >= 10 && kept < mine.chunks.length, `the buffer kept ${kept} verified chunks`);
  t.ok(await cameraHas(cam, rec.idHex), 'the camera still has it: no custody ack for a part');

  chunks = 0;
  const held: number[] = [];
  ctl.runtime.offload.on('held', (_c, _r, report) => held.push(report.chunks));
  world.docks.dock('W100-0001', 'st', 1);
  await until(world, () => held.length === 1, 'the recording completed after re-docking');
  t.equal(held[0], mine.chunks.length - kept, `only the ${mine.chunks.length - kept} missing chunks pulled after re-docking, not from 0`);
  t.equal(chunks, mine.chunks.length - kept);
  await until(world, async () => !(await cameraHas(cam, rec.idHex)), 'the camera deleting it');
  const [b] = await ctl.runtime.buffer.pending();
  for (let i = 0; i < mine.chunks.length; i++) {
    if (!Buffer.from(await b!.readChunk(i)).equals(Buffer.from(mine.chunks[i]!))) t.fail(`chunk ${i} differs`);
  }
  t.pass('every chunk in the buffer equals the camera\'s');
  await stopAll([ctl], [cam]);
});

t.test('controller power cut mid-transfer, rebooted on the same disk: resumes from its durable chunks, completes, nothing lost', async (t) => {
  const world = newWorld();
  const ctl = await controller(world);
  const cam = await camera(world, 'W100-0001', { chunkSize: CHUNK });
  await adopt(world, cam);
  const rec = await record(world, cam, 4000);
  const mine = await cameraCiphertext(cam, rec.recordingId);

  let chunks = 0;
  ctl.runtime.offload.on('chunk', () => {
    if (++chunks === 21) ctl.hal.emulators.medium.cutPower();
  });
  world.docks.dock('W100-0001', 'st', 1);
  await until(world, () => chunks >= 21, '21 chunks pulled');
  await ctl.runtime.stop().catch(() => undefined);
  await pass(world, 2000);
  t.ok(await cameraHas(cam, rec.idHex), 'the camera still has it');

  const ctl2 = await restartController(ctl);
  const resumedAt = ctl2.runtime.buffer.held(rec.idHex);
  t.equal(ctl2.runtime.buffer.status(rec.idHex), 'receiving');
  t.ok(resumedAt >= 16 && resumedAt <= 21, `after the reboot the buffer holds ${resumedAt} whole verified chunks (synced every 8)`);
  const held: number[] = [];
  ctl2.runtime.offload.on('held', (_c, _r, report) => held.push(report.chunks));
  await until(world, () => held.length === 1, 'the recording completed after the reboot');
  t.equal(held[0], mine.chunks.length - resumedAt, 'resumed from its durable chunks, not from 0');
  await until(world, async () => !(await cameraHas(cam, rec.idHex)), 'the camera deleting it');
  const [b] = await ctl2.runtime.buffer.pending();
  for (let i = 0; i < mine.chunks.length; i++) {
    if (!Buffer.from(await b!.readChunk(i)).equals(Buffer.from(mine.chunks[i]!))) t.fail(`chunk ${i} differs`);
  }
  t.pass('every chunk in the buffer equals the camera\'s');
  // And once more from a cold start: the complete recording survives another reboot.
  const ctl3 = await restartController(ctl2);
  t.equal(ctl3.runtime.buffer.status(rec.idHex), 'complete');
  await stopAll([ctl2, ctl3], [cam]);
});
