/**
 * Crash consistency: cut power at every write of a recording's life (create, appends, syncs,
 * clip boundaries, close) and check what recovery leaves: every synced byte kept and verifying,
 * no corrupt chunk, the recording closed as interrupted (or closed) and offloadable.
 */
import t from 'tap';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { checkRecording } from '../../../../protocols/manifest.js';
import {
  createRecording, generateSystemKeyPair, isLastChunk, listRecordings, newRecordingKey, openChunk, openRecording,
  openRecordingKey, recoverRecordings, deleteRecording,
} from '../../../../firmware/common/evidence/index.js';
import { concatBytes, cuttingStorage, meta, pattern } from './helpers.js';

const recordingId = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const end = { triggerOffReason: 'TRIGGER_REASON_BUTTON' as const, triggerOffTimeMs: meta.startTimeMs + 50_000, stopTimeMs: meta.startTimeMs + 55_000 };
const sizes = [300, 700, 1200, 50, 999, 1, 2500, 400, 800, 64, 1500, 333];

t.test('power cut at every write index: synced data survives and verifies, torn tails are cut cleanly', async (t) => {
  const system = await generateSystemKeyPair();
  const rk = await newRecordingKey(system.publicKey);
  const full = concatBytes(sizes.map((n, i) => pattern(sizes.slice(0, i).reduce((a, b) => a + b, 0), n)));
  let k = 0;
  const outcomes = { none: 0, interrupted: 0, closed: 0 };
  let torn = 0;
  for (;; k++) {
    const medium = new EmulatedStorage({ seed: 1000 + k });
    const { storage, writes } = cuttingStorage(medium, k);
    let synced = 0;
    let offset = 0;
    let completed = false;
    try {
      const w = await createRecording(storage, { recordingId, key: rk.key.slice(), sealedKey: rk.sealedKey, meta, chunkSize: 400 });
      await w.beginClip(meta.startTimeMs);
      for (const [i, n] of sizes.entries()) {
        await w.append(full.subarray(offset, offset + n), meta.startTimeMs + i * 1000);
        offset += n;
        if (i === 5) { await w.endClip(meta.startTimeMs + 6000); synced = offset; await w.beginClip(meta.startTimeMs + 6000); }
        else if (i % 3 === 2) { await w.sync(); synced = offset; }
      }
      await w.close(end);
      synced = offset;
      completed = true;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EPOWER') throw e;
    }
    if (completed) {
      t.ok(k >= writes(), `write ${k}: the run finished without a cut after ${writes()} writes`);
      break;
    }
    // Boot again.
    const booted = medium.mount();
    const report = await recoverRecordings(booted);
    t.same(report.unreadable, [], `write ${k}: no unreadable state`);
    if ((report.recovered[0]?.tornBytes ?? 0) > 0) torn++;
    const list = await listRecordings(booted);
    if (list.length === 0) {
      t.equal(synced, 0, `write ${k}: no recording only when nothing was synced`);
      outcomes.none++;
      continue;
    }
    const r = await openRecording(booted, recordingId);
    t.not(r.state.status, 'open', `write ${k}: not left open`);
    outcomes[r.state.status as 'interrupted' | 'closed']++;
    const key = await openRecordingKey(r.sealedKey, system);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < r.chunkCount; i++) {
      const c = await r.readChunk(i);
      parts.push(openChunk(key, { recordingId, index: i, last: isLastChunk(i, r.chunkCount, r.interrupted) }, c.ciphertext));
    }
    const plain = concatBytes(parts);
    if (plain.length < synced || !Buffer.from(full.subarray(0, plain.length)).equals(plain)) {
      t.fail(`write ${k}: recovered ${plain.length} bytes, synced ${synced}: expected a prefix of what was written, at least the synced part`);
    }
    const entry = r.manifestEntry();
    t.doesNotThrow(() => checkRecording(entry, `write ${k}`), `write ${k}: offloadable manifest entry`);
    t.same((await recoverRecordings(booted)).recovered, [], `write ${k}: recovery is done once`);
    await deleteRecording(booted, recordingId, { custodyAcknowledged: true });
    t.same(await listRecordings(booted), [], `write ${k}: deletable after custody`);
  }
  t.ok(k >= 40, `cut at each of ${k} writes`);
  t.ok(torn > 0, `${torn} runs left a torn tail that recovery cut off`);
  t.ok(outcomes.none > 0 && outcomes.interrupted > 0 && outcomes.closed > 0, `outcomes seen: ${JSON.stringify(outcomes)}`);
});

t.test('power cut during recovery itself: the next boot recovers', async (t) => {
  const system = await generateSystemKeyPair();
  const medium = new EmulatedStorage();
  const s = medium.mount();
  const w = await createRecording(s, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 100 });
  await w.append(pattern(0, 450));
  await w.sync();
  medium.cutPower();
  const { storage } = cuttingStorage(medium, 0);
  await t.rejects(recoverRecordings(storage), { code: 'EPOWER' });
  const report = await recoverRecordings(medium.mount());
  t.same(report.recovered.map((r) => [r.status, r.chunkCount]), [['interrupted', 5]]);
});

t.test('a deletion cut short is finished at boot; an unreadable state file is reported, never deleted', async (t) => {
  const system = await generateSystemKeyPair();
  const medium = new EmulatedStorage();
  const s = medium.mount();
  const w = await createRecording(s, { recordingId, ...(await newRecordingKey(system.publicKey)), meta });
  await w.append(pattern(0, 10));
  await w.close(end);
  const { storage } = cuttingStorage(medium, 1); // the state file goes, the chunk file stays
  await t.rejects(deleteRecording(storage, recordingId, { custodyAcknowledged: true }), { code: 'EPOWER' });
  const booted = medium.mount();
  await booted.writeAtomic('recordings/00112233445566778899aabbccddeeff/state.json', new TextEncoder().encode('{"format":'));
  const report = await recoverRecordings(booted);
  t.same(report.removed, [Buffer.from(recordingId).toString('hex')]);
  t.same(report.unreadable.map((u) => [u.idHex, (u.error as { code?: string }).code]), [['00112233445566778899aabbccddeeff', 'ESTATE']]);
  t.same(await booted.list('recordings'), ['00112233445566778899aabbccddeeff']);
});
