/** Bookmarks in a recording: durable when addBookmark resolves, kept through a power cut, in the manifest entry. */
import t from 'tap';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { checkRecording } from '../../../../protocols/manifest.js';
import {
  createRecording, generateSystemKeyPair, newRecordingKey, openRecording, recoverRecordings,
} from '../../../../firmware/common/evidence/index.js';
import { meta, pattern } from './helpers.js';

const recordingId = Uint8Array.from({ length: 16 }, (_, i) => 0xb0 + i);
const end = { triggerOffReason: 'TRIGGER_REASON_BUTTON' as const, triggerOffTimeMs: meta.startTimeMs + 50_000, stopTimeMs: meta.startTimeMs + 55_000 };

t.test('bookmarks round-trip through a closed recording into its manifest entry', async (t) => {
  const system = await generateSystemKeyPair();
  const storage = new EmulatedStorage().mount();
  const w = await createRecording(storage, { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 100 });
  await w.beginClip(meta.startTimeMs);
  await w.append(pattern(0, 250), meta.startTimeMs + 10_000);
  t.equal(await w.addBookmark(meta.startTimeMs + 20_000), true);
  t.equal(await w.addBookmark(meta.startTimeMs + 5_000.7), true, 'an earlier time (clock stepped back) is kept in order');
  t.equal(await w.addBookmark(meta.startTimeMs + 20_000), false, 'the same ms twice is one bookmark');
  t.equal(await w.addBookmark(meta.startTimeMs - 1), false, 'before the recording starts is ignored');
  await t.rejects(w.addBookmark(Number.NaN), TypeError);
  t.same(w.bookmarks, [meta.startTimeMs + 5_000, meta.startTimeMs + 20_000]);
  await w.close(end);
  await t.rejects(w.addBookmark(meta.startTimeMs + 30_000), { code: 'EBADSTATE', message: /addBookmark after close/ });
  const entry = (await openRecording(storage, recordingId)).manifestEntry();
  t.same(entry.bookmarkTimesMs, [meta.startTimeMs + 5_000, meta.startTimeMs + 20_000]);
  t.doesNotThrow(() => checkRecording(entry, 'recording'));
});

t.test('a power cut keeps every bookmark addBookmark resolved; the manifest keeps those within the durable media', async (t) => {
  const system = await generateSystemKeyPair();
  const medium = new EmulatedStorage();
  const w = await createRecording(medium.mount(), { recordingId, ...(await newRecordingKey(system.publicKey)), meta, chunkSize: 100 });
  await w.beginClip(meta.startTimeMs);
  await w.append(pattern(0, 300), meta.startTimeMs + 30_000);
  await w.sync();
  t.equal(await w.addBookmark(meta.startTimeMs + 12_000), true);
  await w.append(pattern(300, 120), meta.startTimeMs + 40_000); // one chunk sealed, never synced
  t.equal(await w.addBookmark(meta.startTimeMs + 39_000), true, 'durable, but after the last durable media');
  medium.cutPower();

  const report = await recoverRecordings(medium.mount());
  t.same(report.recovered.map((r) => r.status), ['interrupted']);
  const reader = await openRecording(medium.mount(), recordingId);
  t.same(reader.state.bookmarks, [meta.startTimeMs + 12_000, meta.startTimeMs + 39_000], 'both bookmarks survived in the state file');
  const entry = reader.manifestEntry();
  t.ok(entry.stopTimeMs < meta.startTimeMs + 39_000, `interrupted recording stops at its last durable media (${entry.stopTimeMs - meta.startTimeMs} ms)`);
  t.same(entry.bookmarkTimesMs, [meta.startTimeMs + 12_000], 'a bookmark into lost media is left out of the manifest');
  t.doesNotThrow(() => checkRecording(entry, 'recording'));
});
