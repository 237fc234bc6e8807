/**
 * The camera runtime on an emulated board: the record button records with prebuffer into
 * encrypted storage once adopted (refused before), docking ends a recording, and boot recovers
 * what a power cut left open before sessions are served.
 */
import t, { type Test } from 'tap';
import { X509Certificate } from 'node:crypto';
import { World } from '../../../hal/world/world.js';
import { checkConfig } from '../../../hal/boards/config.js';
import { board as cameraBoard, openEmulatedCamera } from '../../../hal/boards/emulated-camera.js';
import { listRecordings, openRecording } from '../../../firmware/common/evidence/index.js';
import { silentLog } from '../../../firmware/common/log.js';
import { startCamera } from '../../../firmware/camera/runtime.js';
import { SystemAuthority } from '../../../firmware/controller/system-authority.js';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';

const raw = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

async function boot(t: Test) {
  const world = new World({ seed: 7, epoch: Date.UTC(2026, 10, 23, 7) });
  world.docks.addStation('station-1', 1);
  const hal = await openEmulatedCamera(checkConfig({ serial: 'W100-0007' }, cameraBoard.schema, 'test camera'), world);
  const warnings: string[] = [];
  const log = { ...silentLog, warn: (_: string, m: string) => { warnings.push(m); } };
  const runtime = await startCamera(hal, log, { recorder: { prebufferMs: 10_000 }, user: 'officer.7', timeZone: 'UTC' });
  t.teardown(async () => { await runtime.stop(); await hal.close(); });
  await runtime.enrollment.ready();
  const tl = world.timeline;
  /** Tap the record button, letting virtual time run while it is held. */
  const tap = async () => { const p = hal.emulators.buttons.tap('record'); await tl.advance(500); await p; await runtime.settled(); };
  return { world, tl, hal, runtime, warnings, tap };
}

async function adopt(runtime: Awaited<ReturnType<typeof startCamera>>, now: number) {
  const authority = await SystemAuthority.open(new EmulatedStorage().mount(), 'site-a', now);
  const [key] = (await runtime.enrollment.answer({ kind: 'enrollmentRequest', systemId: 'site-a' }))!;
  if (key?.kind !== 'enrollmentKey') throw new Error('no enrollment key');
  const issued = authority.issueCamera('W100-0007', key.publicKey, now);
  const [res] = (await runtime.enrollment.answer({ kind: 'enrollment', systemId: 'site-a', certificate: raw(issued.certPem), caCertificate: raw(authority.ca.certPem), evidencePublicKey: authority.evidencePublicKey }))!;
  if (res?.kind !== 'enrollmentResult' || !res.accepted) throw new Error('not adopted');
}

t.test('record button: refused until adopted, then a recording with prebuffer, stopped by a second press', async (t) => {
  const { tl, hal, runtime, warnings, tap } = await boot(t);
  t.ok(runtime.recorder, 'recorder running');
  await tl.advance(15_000);
  await tap();
  t.equal(runtime.recorder!.state.kind, 'idle', 'not recording while unadopted');
  t.ok(warnings.some((w) => /not adopted/.test(w)), 'the reason is logged');
  t.same(await runtime.recordings(), { open: 0, closed: 0, interrupted: 0 });

  await adopt(runtime, hal.clock.now());
  await tl.advance(12_000);
  await tap();
  t.equal(runtime.recorder!.state.kind, 'recording');
  t.same(await runtime.recordings(), { open: 1, closed: 0, interrupted: 0 }, 'being written');
  await tl.advance(20_000);
  await tap();
  t.equal(runtime.recorder!.state.kind, 'idle');
  t.same(await runtime.recordings(), { open: 0, closed: 1, interrupted: 0 });
  t.same({ started: runtime.sink.stats.started, closed: runtime.sink.stats.closed }, { started: 1, closed: 1 });
  const [summary] = await listRecordings(hal.storage);
  const entry = (await openRecording(hal.storage, summary!.recordingId)).manifestEntry();
  t.equal(entry.userId, 'officer.7');
  t.equal(entry.cameraSerial, 'W100-0007');
  t.ok(entry.triggerOnTimeMs - entry.startTimeMs >= 9_000, `prebuffer ${entry.triggerOnTimeMs - entry.startTimeMs} ms`);
  t.ok(entry.stopTimeMs - entry.triggerOnTimeMs >= 19_000, 'runs until the second press');
});

t.test('docking ends a recording (trigger off: dock); no prebuffer or recording while docked', async (t) => {
  const { world, tl, hal, runtime, tap } = await boot(t);
  await adopt(runtime, hal.clock.now());
  await tl.advance(5_000);
  await tap();
  t.equal(runtime.recorder!.state.kind, 'recording');
  await tl.advance(5_000);
  world.docks.dock('W100-0007', 'station-1', 1);
  await tl.advance(2_000);
  await runtime.settled();
  t.equal(runtime.recorder!.state.kind, 'idle');
  t.same(await runtime.recordings(), { open: 0, closed: 1, interrupted: 0 });
  const [summary] = await listRecordings(hal.storage);
  t.equal((await openRecording(hal.storage, summary!.recordingId)).manifestEntry().triggerOffReason, 'TRIGGER_REASON_DOCK');
  await tap();
  t.equal(runtime.recorder!.state.kind, 'idle', 'a press while docked does not record');
  world.docks.undock('W100-0007');
  await tl.advance(2_000);
  await tap();
  t.equal(runtime.recorder!.state.kind, 'recording', 'undocked again: records');
});

t.test('boot recovers a recording a power cut left open', async (t) => {
  const { tl, hal, runtime, tap } = await boot(t);
  await adopt(runtime, hal.clock.now());
  await tl.advance(5_000);
  await tap();
  await tl.advance(5_000);
  await runtime.settled();
  hal.emulators.medium.cutPower();
  runtime.recorder!.powerCut();
  await runtime.stop();
  // Same medium, next boot.
  const hal2 = { ...hal, storage: hal.emulators.medium.mount() };
  const second = await startCamera(hal2, silentLog);
  t.teardown(() => second.stop());
  t.equal(second.recovery.recovered.length, 1);
  t.equal(second.recovery.recovered[0]!.status, 'interrupted');
  t.same(await second.recordings(), { open: 0, closed: 0, interrupted: 1 });
});

t.test('a bookmark made while recording (always record: the button only bookmarks) is kept in the recording for the destination', async (t) => {
  const world = new World({ seed: 9, epoch: Date.UTC(2026, 10, 23, 9) });
  world.docks.addStation('station-1', 1);
  const hal = await openEmulatedCamera(checkConfig({ serial: 'W100-0007' }, cameraBoard.schema, 'test camera'), world);
  const runtime = await startCamera(hal, silentLog, { profile: { activation: { alwaysRecord: true }, prebuffer: { enabled: false } }, user: 'officer.7', timeZone: 'UTC' });
  t.teardown(async () => { await runtime.stop(); await hal.close(); });
  await runtime.enrollment.ready();
  await adopt(runtime, hal.clock.now());
  const tl = world.timeline;
  world.docks.dock('W100-0007', 'station-1', 1);
  await tl.advance(2_000);
  world.docks.undock('W100-0007');
  await tl.advance(10_000);
  t.equal(runtime.behaviour.state.kind, 'recording', 'undock starts the recording');
  const press = hal.emulators.buttons.tap('record');
  await tl.advance(2_000);
  await press;
  const bookmarkAt = hal.clock.now() - 2_000;
  await tl.advance(5_000);
  world.docks.dock('W100-0007', 'station-1', 1);
  await tl.advance(2_000);
  await runtime.settled();
  const [rec] = await listRecordings(hal.storage);
  const entry = (await openRecording(hal.storage, rec!.recordingId)).manifestEntry();
  t.equal(runtime.behaviour.bookmarks.length, 1, 'one bookmark made');
  t.equal(entry.bookmarkTimesMs?.length, 1, 'and kept with the recording');
  t.ok(Math.abs(entry.bookmarkTimesMs![0]! - bookmarkAt) < 1_000, 'at the press');
  t.equal(entry.triggerOnReason, 'TRIGGER_REASON_UNDOCK');
  t.equal(entry.triggerOffReason, 'TRIGGER_REASON_DOCK');
});
