/**
 * uploadRecording against the reference destination (tools/destination) on loopback, with real
 * recordings written by the evidence writer: container name and metadata, Status Complete last,
 * clips that ffmpeg decodes, a torn last clip cut to whole elements, WantEncryption key objects,
 * a restart mid-upload that converges, ContainerType mp4 refused by name.
 */
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSystemKeyPair, openRecordingKey, wholeClipLength, isLastChunk, openChunk } from '../../../../firmware/common/evidence/index.js';
import { uploadRecording, containerNameOf, decryptClip, type ClipKeyDocument } from '../../../../firmware/controller/upload/index.js';
import { formatCompactUtc } from '../../../../firmware/controller/destination/names.js';
import { buffered, needFfmpeg, recordingMeta, probeClip, readBody, startDestination, writeRecording, type Destination } from './helpers.js';

const system = await generateSystemKeyPair();
const SCU = 'SCU-0001';

const options = (d: Destination) => ({ systemKeys: system, controllerSerial: SCU, destination: d.connection, clock: d.clock });

async function containerSidecar(d: Destination, container: string): Promise<{ metadata: Record<string, string> }> {
  return JSON.parse(await readFile(join(d.root, 'AUTH_scu', encodeURIComponent(container), '.container.json'), 'utf8')) as { metadata: Record<string, string> };
}

async function download(d: Destination, container: string, object: string): Promise<{ bytes: Buffer; metadata: Record<string, string> }> {
  const got = await d.client.getObject(container, object);
  return { bytes: await readBody(got.body), metadata: got.metadata };
}

t.test('a closed recording: container, metadata, clips that decode with their duration, Status Complete last', needFfmpeg, async (t) => {
  const d = await startDestination(t);
  const { reader, meta } = await writeRecording(system, { loops: 2 });
  const rec = buffered(reader);
  const progress: number[] = [];
  const result = await uploadRecording(d.client, rec, { ...options(d), onProgress: (p) => progress.push(p.recordingBytes) });

  const container = `officer-7_W100-0042_${formatCompactUtc(meta.triggerOnTimeMs)}`;
  t.equal(result.container, container, '<UserID>_<BWCSerialNumber>_<TriggerOnTime>');
  t.equal(result.clipObjects.length, 2, 'two 2 s clips');
  t.equal(result.durationsWritten, 2);
  t.same(result.skippedClips, []);
  t.ok(progress.length > 2 && progress.at(-1) === result.bytes - 0, `progress up to ${result.bytes} bytes`);

  const side = await containerSidecar(d, container);
  t.match(side.metadata, {
    Status: 'Complete', Userid: 'officer-7', Bwcserialnumber: 'W100-0042', Scuserialnumber: SCU, Firmwareversion: '0.1.0',
    Bwcmodel: 'W100', Triggeron: 'Button', Triggeroff: 'Button', Triggerontime: String(Math.floor(meta.triggerOnTimeMs / 1000)),
    Triggerontimeiso: new Date(meta.triggerOnTimeMs).toISOString(), Starttime: String(Math.floor(meta.startTimeMs / 1000)),
    Timezone: 'Europe/Copenhagen', Recordingid: rec.idHex,
  });
  t.ok(Number(side.metadata.Stoptime) > Number(side.metadata.Starttime), 'StopTime after StartTime');

  const mine = d.requests.filter((r) => r.includes(container));
  t.match(mine[0], /^HEAD /, 'looks first (a restart finds a Complete container)');
  t.match(mine[1], /^PUT \/v1\/AUTH_scu\/[^/]+$/, 'then PUT container');
  t.match(mine[2], /^POST \/v1\/AUTH_scu\/[^/]+$/, 'then POST metadata (Transferring)');
  t.same(mine.slice(3, -1).map((r) => r.split(' ')[0]), ['PUT', 'PUT'], 'then the clip objects');
  t.match(mine.at(-1), /^POST \/v1\/AUTH_scu\/[^/]+$/, 'Status Complete is the last request');

  for (const [i, object] of result.clipObjects.entries()) {
    const clip = rec.manifest.clips[i]!;
    t.equal(object, `${formatCompactUtc(clip.startTimeMs)}_${rec.idHex}.mkv`);
    const { bytes, metadata } = await download(d, container, object);
    t.same(metadata, { starttime: String(Math.floor(clip.startTimeMs / 1000)), stoptime: String(Math.ceil(clip.stopTimeMs / 1000)), containertype: 'mkv', recordingid: rec.idHex });
    const p = await probeClip(bytes);
    t.equal(p.errors, '', `${object} decodes without an error`);
    t.equal(p.frames, 60, '60 frames');
    t.ok(p.duration !== undefined && Math.abs(p.duration - 2) < 0.05, `declared duration ${p.duration} s`);
  }

  const again = await uploadRecording(d.client, rec, options(d));
  t.equal(again.alreadyComplete, true, 'run again: the container is already Complete, nothing sent');
  t.equal(d.requests.filter((r) => r.startsWith('PUT') && r.includes(container)).length, 3, 'no PUT the second time');
});

t.test('an interrupted recording: every clip decodes, the torn last clip cut to its whole elements', needFfmpeg, async (t) => {
  const d = await startDestination(t);
  const { reader } = await writeRecording(system, { loops: 3, chunkSize: 500, cutAfterUnits: 157 });
  const rec = buffered(reader);
  t.equal(rec.manifest.interrupted, true);
  t.equal(rec.manifest.clips.length, 3, 'two whole clips and the torn one');
  const result = await uploadRecording(d.client, rec, options(d));
  t.equal(result.clipObjects.length, 3);
  const side = await containerSidecar(d, result.container);
  t.equal(side.metadata.Status, 'Complete');
  t.equal(side.metadata.Triggeroff, 'Interrupted');
  t.equal(side.metadata.Interrupted, 'true');

  const key = await openRecordingKey(rec.manifest.sealedKey, system);
  const last = rec.manifest.clips.at(-1)!;
  const parts: Uint8Array[] = [];
  for (let i = last.firstChunk; i < last.firstChunk + last.chunkCount; i++) {
    parts.push(openChunk(key, { recordingId: rec.manifest.recordingId, index: i, last: isLastChunk(i, rec.manifest.chunkCount, true) }, await rec.readChunk(i)));
  }
  const full = Buffer.concat(parts);
  const whole = wholeClipLength(full);
  t.ok(whole > 0 && whole < full.length, `torn clip (ends inside a block): ${whole} of ${full.length} bytes whole`);
  for (const [i, object] of result.clipObjects.entries()) {
    const { bytes } = await download(d, result.container, object);
    if (i === 2) t.equal(bytes.length, whole, 'the last clip is its whole-element prefix');
    const p = await probeClip(bytes);
    t.equal(p.errors, '', `${object} decodes without an error`);
    t.ok(p.frames >= (i === 2 ? 20 : 60), `${p.frames} frames`);
  }
});

t.test('WantEncryption: a .key object per clip unwraps with the private key and decrypts its clip', needFfmpeg, async (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const d = await startDestination(t, { wantEncryption: true, publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, publicKeyId: 'ems-key-2026' });
  const { reader } = await writeRecording(system, { loops: 2 });
  const rec = buffered(reader);
  const result = await uploadRecording(d.client, rec, options(d));
  t.equal(result.keyObjects.length, 2);
  for (const [i, object] of result.clipObjects.entries()) {
    const keyObject = result.keyObjects[i]!;
    t.equal(keyObject, object.replace(/\.mkv$/, '.key'));
    const k = await download(d, result.container, keyObject);
    t.equal(k.metadata.publickeyid, 'ems-key-2026');
    const doc = JSON.parse(k.bytes.toString('utf8')) as ClipKeyDocument;
    t.match(doc, { Format: 'bwc-clip-key/1', KeyId: 'ems-key-2026', Algorithm: 'AES-256-GCM', KeyWrapping: 'RSA-OAEP-SHA256', Object: object });
    const c = await download(d, result.container, object);
    t.equal(c.metadata.encryption, 'AES-256-GCM');
    t.not(c.bytes.subarray(0, 4).toString('hex'), '1a45dfa3', 'the clip object is not plain Matroska');
    const clear = decryptClip(c.bytes, doc, rsa.privateKey);
    const p = await probeClip(clear);
    t.equal(p.errors, '', `${object} decrypts to a clip that decodes`);
    t.equal(p.frames, 60);
  }
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const k0 = JSON.parse((await download(d, result.container, result.keyObjects[0]!)).bytes.toString('utf8')) as ClipKeyDocument;
  const c0 = (await download(d, result.container, result.clipObjects[0]!)).bytes;
  t.throws(() => decryptClip(c0, k0, other.privateKey), 'another private key does not unwrap it');
  c0[100] = c0[100]! ^ 1;
  t.throws(() => decryptClip(c0, k0, rsa.privateKey), 'a changed byte fails the GCM tag');
  t.equal((await containerSidecar(d, result.container)).metadata.Status, 'Complete');
});

t.test('a restart mid-upload converges: the next run completes the same container', needFfmpeg, async (t) => {
  const d = await startDestination(t);
  const { reader } = await writeRecording(system, { loops: 3 });
  const dying = buffered(reader, { failAtChunk: reader.manifestEntry().clips[1]!.firstChunk + 1 });
  await t.rejects(uploadRecording(d.client, dying, options(d)), /power lost while reading chunk/);
  const container = containerNameOf(dying.manifest);
  t.equal((await containerSidecar(d, container)).metadata.Status, 'Transferring', 'cut short: Transferring');

  const rebooted = d.newClient();
  const rec = buffered(reader);
  const result = await uploadRecording(rebooted, rec, options(d));
  t.equal(result.alreadyComplete, false);
  t.equal(result.clipObjects.length, 3);
  t.equal((await containerSidecar(d, container)).metadata.Status, 'Complete');
  for (const object of result.clipObjects) {
    const p = await probeClip((await download(d, container, object)).bytes);
    t.equal(p.errors, '', `${object} decodes`);
    t.equal(p.frames, 60);
  }
  const listing = await (await fetch(`${rebooted.session!.storageUrl}/${container}?format=json`, { headers: { 'X-Auth-Token': rebooted.session!.token } })).json() as { name: string }[];
  t.same(listing.map((o) => o.name).sort(), [...result.clipObjects].sort(), 'exactly one object per clip');
});

t.test('a recording without a user: the container says no-user', async (t) => {
  const d = await startDestination(t);
  const { reader } = await writeRecording(system, { loops: 1, meta: recordingMeta({ userId: '' }) });
  const result = await uploadRecording(d.client, buffered(reader), options(d));
  t.match(result.container, /^no-user_W100-0042_\d{8}T\d{6}Z$/);
  t.equal((await containerSidecar(d, result.container)).metadata.Userid, 'no-user');
});

t.test('bookmarks: one JSON object each, on the destination before Status Complete, counted in the container metadata', async (t) => {
  const d = await startDestination(t);
  // Two bookmarks in the same second, one later.
  const { reader, meta } = await writeRecording(system, { loops: 2, bookmarksMs: [100, 600, 3_200] });
  const rec = buffered(reader);
  t.same(rec.manifest.bookmarkTimesMs, [meta.startTimeMs + 100, meta.startTimeMs + 600, meta.startTimeMs + 3_200]);
  const result = await uploadRecording(d.client, rec, options(d));
  const container = result.container;
  const names = [100, 600, 3_200].map((b, i) => `bookmark_${formatCompactUtc(meta.startTimeMs + b)}_${rec.idHex}-${i + 1}`);
  t.same(result.bookmarkObjects, names, 'bookmark_<Timestamp>_<RecordingID>-<n>, distinct within one second');
  t.equal(new Set(names).size, 3);

  const mine = d.requests.filter((r) => r.includes(container));
  const complete = mine.length - 1;
  t.match(mine[complete], /^POST \/v1\/AUTH_scu\/[^/]+$/, 'Status Complete is the last request');
  for (const name of names) {
    const at = mine.findIndex((r) => r.startsWith('PUT') && r.includes(encodeURIComponent(name)));
    t.ok(at > 0 && at < complete, `${name} PUT before Status Complete (request ${at} of ${complete})`);
  }
  t.match((await containerSidecar(d, container)).metadata, { Status: 'Complete', Bookmarks: '3' });

  const { bytes, metadata } = await download(d, container, names[1]!);
  t.same(metadata, { filetype: 'json', recordingid: rec.idHex, timestamp: String(Math.floor((meta.startTimeMs + 600) / 1000)) });
  t.same(JSON.parse(bytes.toString('utf8')), {
    Timestamp: new Date(meta.startTimeMs + 600).toISOString(), SecondsFromStart: 0.6, RecordingID: rec.idHex,
    BWCSerialNumber: 'W100-0042', UserID: 'officer-7', BookmarkNumber: 2,
  });
  const again = await uploadRecording(d.client, rec, options(d));
  t.equal(again.alreadyComplete, true, 'a rerun after Complete sends nothing');
});

t.test('an upload cut off before Status Complete already left its bookmark objects; the rerun converges', async (t) => {
  const d = await startDestination(t);
  const { reader } = await writeRecording(system, { loops: 1, bookmarksMs: [500] });
  const rec = buffered(reader);
  // A client whose Status Complete never arrives: the container stays Transferring.
  const client = d.newClient();
  const post = client.postContainerMetadata.bind(client);
  client.postContainerMetadata = async (c, m) => {
    if (m.Status === 'Complete') throw new Error('link lost before Status Complete');
    return post(c, m);
  };
  await t.rejects(uploadRecording(client, rec, options(d)), /link lost/);
  const container = containerNameOf(rec.manifest);
  t.match((await containerSidecar(d, container)).metadata, { Status: 'Transferring', Bookmarks: '1' });
  t.equal(((await d.client.listObjects(container)) ?? []).filter((n) => n.startsWith('bookmark_')).length, 1, 'the bookmark object is stored before Status Complete');
  await uploadRecording(d.newClient(), rec, options(d));
  const listing = (await d.client.listObjects(container)) ?? [];
  t.equal(listing.filter((n) => n.startsWith('bookmark_')).length, 1, 'the same bookmark object, not a second one');
  t.equal((await containerSidecar(d, container)).metadata.Status, 'Complete');
});

t.test('ContainerType mp4: refused naming the setting, nothing sent', async (t) => {
  const d = await startDestination(t, { containerType: 'mp4' });
  const { reader } = await writeRecording(system, { loops: 1 });
  await t.rejects(uploadRecording(d.client, buffered(reader), options(d)), { name: 'DestinationError', kind: 'failed', message: /ContainerType "mp4" is not supported.*expected ContainerType "mkv"/ });
  t.same(d.requests, [], 'no request');
});
