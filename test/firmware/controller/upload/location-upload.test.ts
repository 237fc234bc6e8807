/**
 * Location end to end: a fake receiver through the camera's LocationService and EvidenceSink,
 * the sealed location in the manifest entry (through the wire codec), then uploadRecording to
 * the reference destination: TriggerOn/OffLocation metadata, the `_gpstrail.json` object read
 * back when the destination has StoreGNSSTrackRecording, none without it, and a recording
 * without location uploaded exactly as before.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSessionMessage, encodeSessionMessage } from '../../../../protocols/envelope.js';
import type { Recording } from '../../../../protocols/manifest.js';
import { generateSystemKeyPair, listRecordings, openRecording, type RecordingReader, type SystemKeyPair } from '../../../../firmware/common/evidence/index.js';
import { readSealedLocation } from '../../../../firmware/camera/location/location-log.js';
import { parseLocation } from '../../../../firmware/camera/location/location-text.js';
import { uploadRecording, type GnssTrailDocument } from '../../../../firmware/controller/upload/index.js';
import type { BufferedRecording } from '../../../../firmware/controller/buffer/contract.js';
import { locationRig, recordBetween } from '../../camera/location/helpers.js';
import { readBody, startDestination, type Destination } from './helpers.js';

const system = await generateSystemKeyPair();
const options = (d: Destination) => ({ systemKeys: system, controllerSerial: 'SCU-0001', destination: d.connection, clock: d.clock });
const NO_TRAIL = { Read: {}, Store: { StoreBookmarks: true }, StoreAndRead: {} };

/** A recording made by a camera with location `mode` three hours ago, as the controller's buffer holds it. */
async function locatedRecording(mode: 'always' | 'off', s: SystemKeyPair = system): Promise<BufferedRecording> {
  const epoch = Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000;
  const rig = await locationRig({ mode, epoch, system: s });
  await recordBetween(rig, 20, 50);
  rig.recorder.close();
  await rig.service.close();
  const storage = rig.medium.mount();
  const reader: RecordingReader = await openRecording(storage, (await listRecordings(storage))[0]!.recordingId);
  const entry: Recording = { ...reader.manifestEntry(), sealedLocation: await readSealedLocation(storage, reader.idHex) };
  // Through the wire as the camera's manifest page and the controller's manifest.bin carry it.
  const decoded = decodeSessionMessage(encodeSessionMessage({ kind: 'manifest', recordings: [entry], more: false }));
  if (decoded.kind !== 'manifest') throw new Error('expected a manifest');
  const manifest = decoded.recordings[0]!;
  return {
    idHex: reader.idHex, manifest, cameraModel: 'W100', receivedAt: 0, prioritized: false,
    readChunk: async (i) => (await reader.readChunk(i)).ciphertext,
  };
}

async function sidecar(d: Destination, container: string): Promise<Record<string, string>> {
  return (JSON.parse(await readFile(join(d.root, 'AUTH_scu', encodeURIComponent(container), '.container.json'), 'utf8')) as { metadata: Record<string, string> }).metadata;
}

t.test('with StoreGNSSTrackRecording: trigger locations as metadata, the trail object read back', async (t) => {
  const d = await startDestination(t);
  const rec = await locatedRecording('always');
  t.ok((rec.manifest.sealedLocation?.length ?? 0) > 0, `sealed location through the wire: ${rec.manifest.sealedLocation?.length} bytes`);
  const result = await uploadRecording(d.client, rec, options(d));
  t.equal(result.locationError, undefined);
  const meta = await sidecar(d, result.container);
  t.equal(meta.Status, 'Complete');
  const on = parseLocation(meta.Triggeronlocation!);
  const off = parseLocation(meta.Triggerofflocation!);
  t.ok(Math.abs(on.epochS * 1000 - rec.manifest.triggerOnTimeMs) <= 1500, `TriggerOnLocation ${meta.Triggeronlocation} at the trigger`);
  t.ok(Math.abs(off.epochS * 1000 - rec.manifest.triggerOffTimeMs) <= 1500, `TriggerOffLocation ${meta.Triggerofflocation} at the trigger`);
  t.ok(off.latitude > on.latitude, 'the camera walked north between them');
  t.match(meta.Triggeronlocation, /^\+59\.\d{6}\+018\.064900\+4\.2\+\d{10}$/);

  t.ok(result.gnssTrailObject, 'trail object sent');
  t.match(result.gnssTrailObject, new RegExp(`^\\d{8}T\\d{6}Z_${rec.idHex}_W100-0042_gpstrail\\.json$`));
  const mine = d.requests.filter((r) => r.includes(result.container));
  t.match(mine.at(-2), /^PUT .*_gpstrail\.json$/, 'the trail goes up before Status Complete');
  t.match(mine.at(-1), /^POST /, 'Status Complete last');
  const got = await d.client.getObject(result.container, result.gnssTrailObject!);
  t.equal(got.metadata.filetype, 'json');
  const doc = JSON.parse((await readBody(got.body)).toString('utf8')) as GnssTrailDocument;
  t.ok(doc.CoordinateEntries.length >= 30, `${doc.CoordinateEntries.length} coordinate entries`);
  const first = doc.CoordinateEntries[0]!;
  t.match(first.LocationWKT, /^POINT\(18\.0649 59\.\d+\)$/, 'WKT: longitude first');
  t.ok(first.SecondsFromStart >= 0 && first.SecondsFromStart < 5, `first point ${first.SecondsFromStart} s from the start (prebuffer)`);
  t.equal(Date.parse(first.Timestamp), rec.manifest.startTimeMs + first.SecondsFromStart * 1000, 'Timestamp and SecondsFromStart agree');
  t.ok(doc.CoordinateEntries.every((e, i) => i === 0 || e.SecondsFromStart > doc.CoordinateEntries[i - 1]!.SecondsFromStart), 'in time order');
});

t.test('without StoreGNSSTrackRecording: trigger locations only, no trail object', async (t) => {
  const d = await startDestination(t, { server: { capabilities: NO_TRAIL } });
  const rec = await locatedRecording('always');
  const result = await uploadRecording(d.client, rec, options(d));
  t.equal(result.gnssTrailObject, undefined);
  const meta = await sidecar(d, result.container);
  t.equal(meta.Status, 'Complete');
  t.ok(meta.Triggeronlocation && meta.Triggerofflocation, 'start and end positions kept as metadata');
  t.notOk(d.requests.some((r) => r.includes('gpstrail')), 'no trail request');
});

t.test('a recording without location uploads exactly as before: no location metadata, no capabilities asked', async (t) => {
  const d = await startDestination(t);
  const rec = await locatedRecording('off');
  t.equal(rec.manifest.sealedLocation?.length, 0);
  const result = await uploadRecording(d.client, rec, options(d));
  const meta = await sidecar(d, result.container);
  t.equal(meta.Status, 'Complete');
  t.equal(meta.Triggeronlocation, undefined);
  t.equal(result.gnssTrailObject, undefined);
  t.notOk(d.requests.some((r) => r.includes('Capabilities')), 'no capabilities request');
});

t.test('sealed location that does not open (tampered): the evidence still uploads, without location, and says why', async (t) => {
  const d = await startDestination(t);
  const rec = await locatedRecording('always');
  const bad = Uint8Array.from(rec.manifest.sealedLocation!);
  bad[10] = bad[10]! ^ 0xff;
  const result = await uploadRecording(d.client, { ...rec, manifest: { ...rec.manifest, sealedLocation: bad } }, options(d));
  t.match(result.locationError, /does not authenticate/);
  const meta = await sidecar(d, result.container);
  t.equal(meta.Status, 'Complete');
  t.equal(meta.Triggeronlocation, undefined);
});
