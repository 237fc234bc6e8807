import t from 'tap';
import { randomBytes } from 'node:crypto';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { Timeline, VirtualClock } from '../../../../hal/clock/emulated.js';
import { chunkDigest } from '../../../../firmware/common/evidence/envelope.js';
import { silentLog } from '../../../../firmware/common/log.js';
import { BufferFullError, ChunkRejectedError, EvidenceBuffer } from '../../../../firmware/controller/buffer/evidence-buffer.js';
import { toHex, type Recording } from '../../../../protocols/index.js';

/** A manifest entry and its chunk ciphertexts (random bytes: the buffer never decrypts). */
function recording(chunks: number, chunkSize = 1000, userId = 'officer-1'): { r: Recording; data: Uint8Array[] } {
  const data = Array.from({ length: chunks }, (_, i) => randomBytes(i === chunks - 1 ? 300 : chunkSize + 16));
  const r: Recording = {
    recordingId: randomBytes(16), userId, cameraSerial: 'W100-0001', triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: 1_790_000_000_000,
    triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: 1_790_000_060_000, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000,
    interrupted: false, chunkCount: chunks, chunkSize, totalBytes: data.reduce((a, d) => a + d.length, 0), digestAlgorithm: 'DIGEST_ALGORITHM_SHA_256',
    chunkDigests: data.map((d) => chunkDigest(d)), sealedKey: randomBytes(80), clips: [{ firstChunk: 0, chunkCount: chunks, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000 }],
    timeZone: 'Europe/Stockholm', firmwareVersion: '0.1.0',
  };
  return { r, data };
}

const camera = { serial: 'W100-0001', model: 'W100' };
const world = () => {
  const clock = new VirtualClock(new Timeline({ epoch: 1_790_000_100_000 }));
  const medium = new EmulatedStorage({ name: 'controller' });
  const open = (priorities: Set<string> = new Set()) => EvidenceBuffer.open({ storage: medium.mount(), clock, log: silentLog, isPrioritized: (u) => priorities.has(u), marginBytes: 0 });
  return { clock, medium, open };
};

t.test('a recording received whole becomes complete, readable, and is released after upload', async (t) => {
  const { open } = world();
  const buffer = await open();
  const { r, data } = recording(5);
  const id = toHex(r.recordingId);
  const intake = await buffer.receive(r, camera);
  t.equal(intake.next, 0);
  const completed: string[] = [];
  buffer.onComplete((x) => completed.push(x));
  for (const [i, d] of data.entries()) await intake.add(i, d);
  t.equal(buffer.stats().reservedBytes > 0, true, 'reserved until at the destination');
  await intake.complete();
  t.same(completed, [id]);
  t.equal(buffer.status(id), 'complete');
  const [pending] = await buffer.pending();
  t.equal(pending!.idHex, id);
  t.equal(pending!.cameraModel, 'W100');
  for (const [i, d] of data.entries()) t.same(await pending!.readChunk(i), d, `chunk ${i} reads back`);
  await buffer.release(id);
  t.equal(buffer.status(id), 'uploaded');
  t.same(await buffer.pending(), []);
  t.equal(buffer.stats().usedBytes, 0, 'chunks deleted');
  t.equal(buffer.stats().reservedBytes, 0, 'reservation removed');
  await t.rejects(pending!.readChunk(0), /no longer in the buffer/);
});

t.test('a chunk that does not match the manifest is rejected and nothing is written', async (t) => {
  const { open } = world();
  const buffer = await open();
  const { r, data } = recording(3);
  const intake = await buffer.receive(r, camera);
  const tampered = Uint8Array.from(data[0]!);
  tampered[10]! ^= 1;
  await t.rejects(intake.add(0, tampered), ChunkRejectedError);
  await t.rejects(intake.add(0, data[0]!.subarray(0, 100)), /digest does not match|bytes, expected/);
  await t.rejects(intake.add(1, data[1]!), /chunk 1 arrived where chunk 0 was expected/);
  t.equal(buffer.stats().usedBytes, 0);
  await intake.add(0, data[0]!);
  t.equal(intake.next, 1);
});

t.test('power cut while receiving: the buffer resumes after its last whole verified chunk', async (t) => {
  const { medium, open } = world();
  let buffer = await open();
  const { r, data } = recording(10);
  const id = toHex(r.recordingId);
  let intake = await buffer.receive(r, camera);
  for (let i = 0; i < 4; i++) await intake.add(i, data[i]!);
  await intake.sync();
  for (let i = 4; i < 7; i++) await intake.add(i, data[i]!);
  medium.cutPower();
  buffer = await open();
  t.equal(buffer.status(id), 'receiving');
  const held = buffer.held(id);
  t.ok(held >= 4 && held <= 7, `held ${held}: every synced chunk kept, the torn tail dropped`);
  intake = await buffer.receive(r, camera);
  t.equal(intake.next, held, 'resumes where the durable chunks end');
  for (let i = held; i < 10; i++) await intake.add(i, data[i]!);
  await intake.complete();
  buffer = await open();
  const [p] = await buffer.pending();
  for (const [i, d] of data.entries()) t.same(await p!.readChunk(i), d, `chunk ${i} intact after the cut and resume`);
});

t.test('an undocked transfer resumes in a new segment, even over chunks written but not synced', async (t) => {
  const { open } = world();
  let buffer = await open();
  const { r, data } = recording(6);
  let intake = await buffer.receive(r, camera);
  for (let i = 0; i < 3; i++) await intake.add(i, data[i]!);
  await intake.close();
  intake = await buffer.receive(r, camera);
  t.equal(intake.next, 3);
  for (let i = 3; i < 6; i++) await intake.add(i, data[i]!);
  await intake.complete();
  buffer = await open();
  const [p] = await buffer.pending();
  for (const [i, d] of data.entries()) t.same(await p!.readChunk(i), d);
});

t.test('no room: BufferFullError names the recording and what it needs; nothing is reserved', async (t) => {
  const { medium, open } = world();
  medium.setCapacity(50_000);
  const buffer = await open();
  const { r } = recording(100);
  await t.rejects(buffer.receive(r, camera), BufferFullError);
  await t.rejects(buffer.receive(r, camera), new RegExp(`${toHex(r.recordingId)} needs \\d+ bytes reserved`));
  t.equal(buffer.stats().reservedBytes, 0);
  const small = recording(2);
  await buffer.receive(small.r, camera);
  t.ok(buffer.stats().reservedBytes > 0);
});

t.test('not transferred recordings are kept and left out of the queue; prioritized users go first', async (t) => {
  const { open } = world();
  const buffer = await open(new Set(['vip']));
  const a = recording(1, 1000, 'officer-1');
  const b = recording(1, 1000, 'vip');
  for (const x of [a, b]) {
    const intake = await buffer.receive(x.r, camera);
    await intake.add(0, x.data[0]!);
    await intake.complete();
  }
  t.same((await buffer.pending()).map((p) => p.manifest.userId), ['vip', 'officer-1']);
  await buffer.markNotTransferred(toHex(a.r.recordingId), '400 Bad Request');
  t.same((await buffer.pending()).map((p) => p.manifest.userId), ['vip']);
  t.same((await buffer.notTransferred()).map((n) => n.reason), ['400 Bad Request']);
  await t.rejects(buffer.release(toHex(a.r.recordingId)), /not-transferred in the buffer, expected complete/);
  t.equal(buffer.status(toHex(a.r.recordingId)), 'not-transferred');
});

t.test('an uploaded recording leaves a tombstone so a camera listing it again is not offloaded twice', async (t) => {
  const { open } = world();
  let buffer = await open();
  const { r, data } = recording(1);
  const intake = await buffer.receive(r, camera);
  await intake.add(0, data[0]!);
  await intake.complete();
  await buffer.release(toHex(r.recordingId));
  buffer = await open();
  t.equal(buffer.status(toHex(r.recordingId)), 'uploaded');
  await t.rejects(buffer.receive(r, camera), /already uploaded/);
});
