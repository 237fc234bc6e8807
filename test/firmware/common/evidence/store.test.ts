/** The chunk store: write, sync, clips, close, list, read for offload, decrypt, delete on custody. */
import t from 'tap';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { checkRecording } from '../../../../protocols/manifest.js';
import {
  createRecording, deleteRecording, generateSystemKeyPair, isLastChunk, listRecordings, newRecordingId, newRecordingKey,
  openChunk, openRecording, openRecordingKey, recoverRecordings, type RecordingReader, type SystemKeyPair,
} from '../../../../firmware/common/evidence/index.js';
import { concatBytes, meta, pattern } from './helpers.js';

const end = { triggerOffReason: 'TRIGGER_REASON_BUTTON' as const, triggerOffTimeMs: 1_790_000_090_000, stopTimeMs: 1_790_000_095_000 };

async function decryptAll(reader: RecordingReader, system: SystemKeyPair): Promise<Uint8Array> {
  const key = await openRecordingKey(reader.sealedKey, system);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < reader.chunkCount; i++) {
    const c = await reader.readChunk(i);
    parts.push(openChunk(key, { recordingId: reader.recordingId, index: i, last: isLastChunk(i, reader.chunkCount, reader.interrupted) }, c.ciphertext));
  }
  return concatBytes(parts);
}

t.test('a recording written in pieces reads back as the same plaintext, chunk by chunk', async (t) => {
  const system = await generateSystemKeyPair();
  const storage = new EmulatedStorage().mount();
  const recordingId = newRecordingId();
  const rk = await newRecordingKey(system.publicKey);
  const w = await createRecording(storage, { recordingId, ...rk, meta, chunkSize: 1000 });
  const written: Uint8Array[] = [];
  let offset = 0;
  const put = async (n: number) => { const p = pattern(offset, n); offset += n; written.push(p); await w.append(p, meta.startTimeMs + offset); };
  await w.beginClip(meta.startTimeMs);
  await put(2500);
  t.equal(w.chunkCount, 2, 'two full chunks sealed');
  t.equal(w.bufferedBytes, 500);
  await w.sync();
  t.equal(w.chunkCount, 3, 'sync sealed the partial chunk');
  const clip0 = await w.endClip(meta.startTimeMs + 60_000);
  t.same(clip0, { firstChunk: 0, chunkCount: 3, startTimeMs: meta.startTimeMs, stopTimeMs: meta.startTimeMs + 60_000 });
  await w.beginClip(meta.startTimeMs + 60_000);
  await put(1);
  await put(3333);
  const state = await w.close(end);
  t.equal(state.status, 'closed');
  t.equal(w.status, 'closed');
  await t.rejects(w.append(new Uint8Array(1)), { code: 'EBADSTATE', message: /append after close/ });

  t.same(state.clips.map((c) => [c.firstChunk, c.chunkCount]), [[0, 3], [3, 4]], 'second clip holds 3 full chunks and the last');
  const list = await listRecordings(storage);
  t.same(list.map((r) => [r.idHex, r.status, r.chunkCount]), [[Buffer.from(recordingId).toString('hex'), 'closed', 7]]);
  const reader = await openRecording(storage, recordingId);
  t.same(await decryptAll(reader, system), concatBytes(written));
  const entry = reader.manifestEntry();
  t.doesNotThrow(() => checkRecording(entry, 'recording'), 'the manifest entry passes the protocol checks');
  t.equal(entry.chunkCount, 7);
  t.equal(entry.interrupted, false);
  t.equal(entry.triggerOffReason, 'TRIGGER_REASON_BUTTON');
  t.equal(entry.digestAlgorithm, 'DIGEST_ALGORITHM_SHA_256');
  t.equal(entry.totalBytes, offset + 7 * 16);
  const last = await reader.readChunk(6);
  t.equal(last.last, true);
  t.same(last.digest, entry.chunkDigests[6]);
  await t.rejects(reader.readChunk(7), { code: 'ENOTFOUND', message: /has no chunk 7: expected 0 to 6/ });
  t.same((await recoverRecordings(storage)).recovered, [], 'nothing to recover after a clean close');
});

t.test('an empty close writes one empty last chunk; a swapped chunk between recordings fails', async (t) => {
  const system = await generateSystemKeyPair();
  const storage = new EmulatedStorage().mount();
  const ids = [newRecordingId(), newRecordingId()];
  for (const recordingId of ids) {
    const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 64 });
    await w.append(pattern(0, 100));
    await w.sync();
    await w.close(end);
  }
  const [a, b] = await Promise.all(ids.map((id) => openRecording(storage, id)));
  t.equal(a!.chunkCount, 3, '64 + 36 synced, then an empty last chunk');
  t.equal((await a!.readChunk(2)).ciphertext.length, 16);
  const keyA = await openRecordingKey(a!.sealedKey, system);
  const fromB = await b!.readChunk(0);
  t.throws(() => openChunk(keyA, { recordingId: a!.recordingId, index: 0, last: false }, fromB.ciphertext), { code: 'EAUTH' });
});

t.test('disk full: the sealed chunk is kept and written later, never sealed twice', async (t) => {
  const system = await generateSystemKeyPair();
  const medium = new EmulatedStorage({ capacityBytes: 4000 });
  const storage = medium.mount();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 1000 });
  await w.append(pattern(0, 1000));
  await t.rejects(w.append(pattern(1000, 3000)), { code: 'ENOSPC' });
  medium.setCapacity(1e6);
  await w.append(pattern(4000, 10));
  await w.close(end);
  const reader = await openRecording(storage, recordingId);
  const plain = await decryptAll(reader, system);
  t.same(plain.subarray(0, 1000), pattern(0, 1000));
  t.ok(plain.length >= 1010, `kept ${plain.length} bytes`);
});

t.test('delete only with custody acknowledged, never while open', async (t) => {
  const system = await generateSystemKeyPair();
  const storage = new EmulatedStorage().mount();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta });
  await t.rejects(deleteRecording(storage, recordingId, { custodyAcknowledged: true }), { code: 'EBADSTATE', message: /is open/ });
  await t.rejects(openRecording(storage, recordingId), { code: 'EBADSTATE', message: /still open/ });
  await w.append(pattern(0, 10));
  await w.close(end);
  await t.rejects(deleteRecording(storage, recordingId, { custodyAcknowledged: false }), { code: 'EBADSTATE', message: /expected custodyAcknowledged true/ });
  t.equal((await listRecordings(storage)).length, 1);
  await deleteRecording(storage, recordingId, { custodyAcknowledged: true });
  t.same(await listRecordings(storage), []);
  t.same(await storage.list('recordings'), [], 'folder gone');
  await t.rejects(openRecording(storage, recordingId), { code: 'ENOTFOUND' });
  await t.rejects(createRecording(storage, { recordingId: new Uint8Array(3), key: new Uint8Array(32), sealedKey: new Uint8Array(80), meta }), { name: 'TypeError', message: /recordingId must be 16 bytes/ });
  await t.rejects(createRecording(storage, { recordingId: newRecordingId(), key: new Uint8Array(32), sealedKey: new Uint8Array(80), meta: { ...meta, cameraSerial: '' } }), { name: 'TypeError', message: /meta.cameraSerial/ });
  await t.rejects(createRecording(storage, { recordingId: newRecordingId(), key: new Uint8Array(32), sealedKey: new Uint8Array(80), meta, chunkSize: 0 }), { name: 'RangeError', message: /chunkSize must be an integer from 1/ });
  const w2 = await createRecording(storage, { recordingId: newRecordingId(), ...(await newRecordingKey(system.publicKey)), meta });
  await t.rejects(w2.close({ ...end, triggerOffReason: 'TRIGGER_REASON_UNSPECIFIED' }), { name: 'TypeError', message: /triggerOffReason/ });
  await t.rejects(w2.endClip(1), { code: 'EBADSTATE', message: /endClip with no open clip/ });
  await w2.beginClip(1);
  await t.rejects(w2.beginClip(2), { code: 'EBADSTATE', message: /beginClip while clip/ });
  t.equal(await w2.endClip(3), undefined, 'a clip with no bytes is not recorded');
});

t.test('a recording id is used once', async (t) => {
  const system = await generateSystemKeyPair();
  const storage = new EmulatedStorage().mount();
  const recordingId = newRecordingId();
  await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta });
  await t.rejects(createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta }), { code: 'EBADSTATE', message: /already exists/ });
});

t.test('bit rot in a stored chunk is reported as ECORRUPT on read', async (t) => {
  const system = await generateSystemKeyPair();
  const medium = new EmulatedStorage();
  const storage = medium.mount();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 100 });
  await w.append(pattern(0, 250));
  await w.close(end);
  const path = `recordings/${Buffer.from(recordingId).toString('hex')}/chunks`;
  const file = medium.table().get(path)!;
  file.bytes[56 + 116 + 56 + 5]! ^= 0x10; // a byte inside chunk 1's ciphertext
  const reader = await openRecording(storage, recordingId);
  await reader.readChunk(0);
  await t.rejects(reader.readChunk(1), { code: 'ECORRUPT', message: /chunk 1: stored bytes do not match their digest/ });
});

t.test('the same round trip on the real directory storage (fsync, rename)', async (t) => {
  const { DirectoryStorage } = await import('../../../../hal/storage/linux.js');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'bwc-evidence-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const storage = await DirectoryStorage.open(dir);
  const system = await generateSystemKeyPair();
  const recordingId = newRecordingId();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 4096 });
  await w.beginClip(meta.startTimeMs);
  await w.append(pattern(0, 10_000));
  await w.sync();
  await w.append(pattern(10_000, 5000));
  await w.close(end);
  t.same((await recoverRecordings(storage)).recovered, []);
  const r = await openRecording(storage, recordingId);
  t.equal(r.chunkCount, 5, '4096 + 4096 + 1808 (sync) + 4096 + 904 (last)');
  t.ok(Buffer.from(await decryptAll(r, system)).equals(pattern(0, 15_000)));
  await deleteRecording(storage, recordingId, { custodyAcknowledged: true });
  t.same(await listRecordings(storage), []);
  t.same((await recoverRecordings(storage)).removed, [], 'an empty folder left by the deletion is not reported');
});
