/**
 * The evidence loop end to end on emulated boards: a recording made undocked is pulled into the
 * controller's buffer at the dock, its custody acknowledged and deleted from the camera only
 * then, the buffer's copy decrypts with the system's keys, and the reference destination gets it
 * with Status Complete before the buffer releases it.
 */
import t from 'tap';
import { toHex } from '../../../../protocols/index.js';
import {
  adopt, camera, cameraCiphertext, cameraHas, controller, decrypt, destination, newWorld, record, restartController, stopAll, undock, until,
} from './world-helpers.js';

t.test('happy path: record undocked, dock, pulled, acknowledged, deleted on the camera, decrypts, uploaded, released', async (t) => {
  const world = newWorld();
  const ctl = await controller(world);
  const cam = await camera(world, 'W100-0001');
  await adopt(world, cam);
  const rec = await record(world, cam, 4000);
  const mine = await cameraCiphertext(cam, rec.recordingId);
  t.ok(mine.chunks.length >= 1, `a recording of ${mine.chunks.length} chunk(s), ${rec.totalBytes} bytes`);
  const held: string[] = [];
  ctl.runtime.offload.on('held', (_c, r) => held.push(toHex(r.recordingId)));

  world.docks.dock('W100-0001', 'st', 1);
  await until(world, () => held.includes(rec.idHex), 'the recording held by the controller');
  t.equal(ctl.runtime.buffer.status(rec.idHex), 'complete');
  await until(world, async () => !(await cameraHas(cam, rec.idHex)), 'the camera deleting it after the custody ack');
  const [buffered] = await ctl.runtime.buffer.pending();
  t.equal(buffered?.idHex, rec.idHex);
  const copy: Uint8Array[] = [];
  for (let i = 0; i < mine.chunks.length; i++) copy.push(await buffered!.readChunk(i));
  t.same(copy.map((c) => Buffer.from(c).toString('hex')), mine.chunks.map((c) => Buffer.from(c).toString('hex')), 'the buffer holds exactly the camera\'s ciphertext');
  const plain = Buffer.concat(await decrypt(ctl, buffered!.manifest, copy));
  t.same([...plain.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'decrypts to a Matroska clip (EBML header)');
  t.equal(plain.length, rec.totalBytes - 16 * mine.chunks.length, 'every chunk opens (plaintext = ciphertext minus one tag per chunk)');

  // Upload: a controller with the destination's connection file (a restart on the same disk).
  await undock(world, cam);
  await ctl.runtime.stop();
  const dest = await destination(ctl.hal.clock);
  t.teardown(dest.close);
  const ctl2 = await restartController(ctl, { connection: dest.connection });
  const uploaded: string[] = [];
  ctl2.runtime.uploader!.subscribe((ev) => { if (ev.type === 'uploaded') uploaded.push(ev.idHex); });
  await until(world, () => ctl2.runtime.buffer.status(rec.idHex) === 'uploaded', 'the recording at the destination and released', 300_000);
  t.same(uploaded, [rec.idHex], 'the destination accepted Status Complete');
  t.same(await ctl2.runtime.buffer.pending(), [], 'released from the buffer');
  t.equal(ctl2.runtime.buffer.stats().usedBytes, 0);
  await stopAll([ctl2], [cam]);
});
