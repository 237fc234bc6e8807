/**
 * LocationService in virtual time with a fake receiver, through the real EvidenceSink and recorder:
 * the receiver on/off by mode, trigger-on/off locations and the trail (prebuffer included) sealed
 * with the recording, no location on a wrong camera clock, records durable across a power cut.
 */
import t from 'tap';
import { generateSystemKeyPair, listRecordings, openRecording, openRecordingKey, recoverRecordings, EvidenceError } from '../../../../firmware/common/evidence/index.js';
import { readSealedLocation } from '../../../../firmware/camera/location/location-log.js';
import { openSealedLocation, type RecordingLocation } from '../../../../firmware/common/evidence/sealed-location.js';
import { TRIGGER_FIX_WINDOW_MS } from '../../../../firmware/camera/location/location-policy.js';
import type { Storage } from '../../../../hal/storage/contract.js';
import type { SystemKeyPair } from '../../../../firmware/common/evidence/index.js';
import { locationRig, recordBetween } from './helpers.js';

async function only(storage: Storage, system: SystemKeyPair): Promise<{ loc: RecordingLocation; sealed: Uint8Array; entry: ReturnType<Awaited<ReturnType<typeof openRecording>>['manifestEntry']> }> {
  const list = await listRecordings(storage);
  if (list.length !== 1) throw new Error(`expected one recording, found ${list.length}`);
  const reader = await openRecording(storage, list[0]!.recordingId);
  const sealed = await readSealedLocation(storage, reader.idHex);
  const key = await openRecordingKey(reader.sealedKey, system);
  return { loc: openSealedLocation(key, reader.recordingId, sealed), sealed, entry: reader.manifestEntry() };
}

t.test('always: receiver on while undocked, trail from the prebuffer to the postbuffer, trigger locations nearest', async (t) => {
  const rig = await locationRig({ mode: 'always' });
  t.equal(rig.gnss.running, true, 'undocked and on: receiver on before any recording');
  t.equal(rig.service.locationOn, true);
  await recordBetween(rig, 20, 50);
  const { loc, sealed, entry } = await only(rig.medium.mount(), rig.system);
  t.equal(loc.closed, true, 'closed in order');
  t.ok(loc.triggerOn && Math.abs(loc.triggerOn.timeMs - entry.triggerOnTimeMs) <= 500, `trigger-on fix ${loc.triggerOn?.timeMs! - entry.triggerOnTimeMs} ms from the trigger`);
  t.ok(loc.triggerOff && Math.abs(loc.triggerOff.timeMs - entry.triggerOffTimeMs) <= 500, `trigger-off fix ${loc.triggerOff?.timeMs! - entry.triggerOffTimeMs} ms from the trigger`);
  t.ok(loc.trail.length >= 30, `${loc.trail.length} trail points`);
  t.ok(loc.trail[0]!.timeMs >= entry.startTimeMs && loc.trail[0]!.timeMs < entry.triggerOnTimeMs, 'the prebuffer\'s fixes count: the trail begins with the media');
  t.ok(loc.trail.at(-1)!.timeMs > entry.triggerOffTimeMs, 'the postbuffer\'s fixes count');
  t.ok(loc.trail.every((p, i) => i === 0 || p.timeMs - loc.trail[i - 1]!.timeMs >= 1000), 'at most one point a second, in order');
  t.ok(Math.abs(loc.trail[0]!.latitude - (59.3326 + (loc.trail[0]!.timeMs - Date.UTC(2026, 10, 23, 8)) / 1000 * 3e-5)) < 1e-6, 'the track\'s position');
  t.equal(entry.sealedLocation, undefined, 'the evidence reader leaves it to readSealedLocation (wired in offload)');
  t.ok(sealed.length > 0);
  // Never in plaintext at rest: the stored latitude (1e-7 degrees, big-endian) appears nowhere on the medium.
  const lat = Buffer.alloc(4);
  lat.writeInt32BE(Math.round(loc.trail[3]!.latitude * 1e7));
  for (const [path, bytes] of rig.medium.durableSnapshot()) t.notOk(Buffer.from(bytes).includes(lat), `${path} holds no plaintext latitude`);
  // The camera cannot read it back: only the system key opens the recording key.
  const other = await generateSystemKeyPair();
  const reader = await openRecording(rig.medium.mount(), (await listRecordings(rig.medium.mount()))[0]!.recordingId);
  await t.rejects(openRecordingKey(reader.sealedKey, other), { code: 'EKEY' });
  rig.recorder.close();
  await rig.service.close();
  t.equal(rig.gnss.running, false, 'close() powers the receiver down');
});

t.test('while recording and streaming: receiver only while recording (postbuffer included) or streaming', async (t) => {
  const rig = await locationRig({ mode: 'while-recording-and-streaming' });
  t.equal(rig.gnss.running, false, 'idle: off');
  await rig.timeline.advance(20_000);
  rig.recorder.recordPress();
  await rig.recorder.settled();
  t.equal(rig.gnss.running, true, 'recording: on');
  await rig.timeline.advance(30_000);
  rig.recorder.recordPress();
  await rig.recorder.settled();
  await rig.timeline.advance(1_000);
  t.equal(rig.gnss.running, true, 'postbuffer: still on');
  await rig.timeline.advance(10_000);
  await rig.recorder.settled();
  t.equal(rig.gnss.running, false, 'closed: off');
  await rig.service.streaming(true);
  t.equal(rig.gnss.running, true, 'streaming: on');
  await rig.service.streaming(false);
  t.equal(rig.gnss.running, false);
  const { loc, entry } = await only(rig.medium.mount(), rig.system);
  t.ok(loc.trail[0]!.timeMs > entry.triggerOnTimeMs, 'no fixes in the prebuffer: the receiver was off');
  t.ok(loc.triggerOn && loc.triggerOn.timeMs - entry.triggerOnTimeMs <= TRIGGER_FIX_WINDOW_MS, 'trigger-on: the first fix after the trigger, within the window');
  t.ok(loc.triggerOff, 'trigger-off known');
  rig.recorder.close();
  await rig.service.close();
});

t.test('off, or docked: the receiver stays off and the recording has no location', async (t) => {
  for (const o of [{ mode: 'off' as const }, { mode: 'always' as const, docked: true }]) {
    const rig = await locationRig(o);
    await recordBetween(rig, 10, 20);
    t.equal(rig.gnss.starts, 0, `${JSON.stringify(o)}: never started`);
    const storage = rig.medium.mount();
    const [r] = await listRecordings(storage);
    t.equal((await readSealedLocation(storage, Buffer.from(r!.recordingId).toString('hex'))).length, 0, 'no sealed location');
    await rig.service.undocked();
    t.equal(rig.gnss.running, o.mode === 'always', 'undocking turns it on only with always');
    await rig.service.power(false);
    t.equal(rig.gnss.running, false, 'camera off: receiver off');
    rig.recorder.close();
    await rig.service.close();
  }
});

t.test('a wrong camera clock means no location: fixes refused, counted, warned once', async (t) => {
  const rig = await locationRig({ mode: 'always', clockErrorMs: -3600_000 });
  await recordBetween(rig, 10, 30);
  t.ok(rig.service.stats.clockMismatch >= 30, `${rig.service.stats.clockMismatch} fixes refused`);
  t.equal(rig.service.stats.fixes, 0);
  t.equal(rig.warnings.filter((w) => /wrong system time means no location/.test(w)).length, 1, 'one warning for the episode');
  const storage = rig.medium.mount();
  const [r] = await listRecordings(storage);
  t.equal((await readSealedLocation(storage, Buffer.from(r!.recordingId).toString('hex'))).length, 0, 'no location kept');
  rig.recorder.close();
  await rig.service.close();
});

t.test('a power cut keeps the durable records: the interrupted recording\'s location opens, not closed', async (t) => {
  const rig = await locationRig({ mode: 'always' });
  await rig.timeline.advance(10_000);
  rig.recorder.recordPress();
  await rig.recorder.settled();
  await rig.timeline.advance(12_000);
  await rig.recorder.settled();
  rig.medium.cutPower();
  rig.recorder.powerCut();
  rig.recorder.close();
  await rig.service.close().catch(() => undefined);
  const storage = rig.medium.mount();
  const report = await recoverRecordings(storage);
  t.equal(report.recovered.length, 1, 'recovery still works with the location file in the folder');
  const { loc } = await only(storage, rig.system);
  t.equal(loc.closed, false);
  t.ok(loc.triggerOn, 'the trigger-on location survived');
  t.ok(loc.trail.length >= 15, `${loc.trail.length} trail points survived (prebuffer + 12 s)`);
  t.ok(loc.trail.every((p) => p.timeMs >= 0), 'all authentic');
  t.type(EvidenceError, 'function');
});
