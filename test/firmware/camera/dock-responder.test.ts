/**
 * Serving a session to the controller: manifest pages (cursor, page size, frame size), chunks
 * whose digests match the manifest, errors for bad requests, and deletion only on a full,
 * durable, verified custody ack from the camera's own system.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';
import type { Storage } from '../../../hal/storage/contract.js';
import {
  SUPPORTED_VERSIONS, SessionStream, encodeSessionMessage, type Recording, type SessionMessage,
} from '../../../protocols/index.js';
import { createRecording, generateSystemKeyPair, listRecordings, newRecordingId, newRecordingKey } from '../../../firmware/common/evidence/index.js';
import { silentLog } from '../../../firmware/common/log.js';
import { serveCameraSession } from '../../../firmware/camera/dock-responder.js';
import { OffloadSession } from '../../../firmware/camera/offload.js';
import type { CameraCredentials, CameraEnrollment } from '../../../firmware/camera/enrollment.js';
import { createPublicKey } from 'node:crypto';
import { SystemAuthority } from '../../../firmware/controller/system-authority.js';
import { generateDeviceKey } from '../../../firmware/common/pki/keys.js';
import { upgradeToTlsClient } from '../../../firmware/common/pki/session-upgrade.js';
import { acceptCamera, type DeviceCredentials } from '../../../firmware/common/pki/secure-session.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const EPOCH = Date.UTC(2026, 10, 23, 8);

/** `closed` closed recordings of `chunks` chunks each (100-byte chunks) and one still open. */
async function store(closed: number, chunks = 3) {
  const medium = new EmulatedStorage({ name: 'cam1' });
  const storage = medium.mount();
  const system = await generateSystemKeyPair();
  for (let i = 0; i <= closed; i++) {
    const { key, sealedKey } = await newRecordingKey(system.publicKey);
    const w = await createRecording(storage, {
      recordingId: newRecordingId(), key, sealedKey, chunkSize: 100,
      meta: { cameraSerial: 'W100-0042', userId: '', triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: EPOCH + i * 60_000, startTimeMs: EPOCH + i * 60_000, timeZone: 'UTC', firmwareVersion: '0.1.0' },
    });
    await w.beginClip(EPOCH + i * 60_000);
    await w.append(new Uint8Array(chunks * 100 - 50).fill(i), EPOCH + i * 60_000 + 1000);
    if (i === closed) { await w.sync(); break; } // the last one stays open (being written)
    await w.close({ triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: EPOCH + i * 60_000 + 1000, stopTimeMs: EPOCH + i * 60_000 + 1000 });
  }
  return { medium, storage };
}

/** The system's authority (CA, controller credentials) and a camera certificate, made once per system. */
const systems = new Map<string, Promise<{ authority: SystemAuthority; controller: DeviceCredentials; camera: CameraCredentials }>>();
function pki(systemId: string) {
  let p = systems.get(systemId);
  if (!p) {
    p = (async () => {
      const authority = await SystemAuthority.open(new EmulatedStorage().mount(), systemId, EPOCH);
      const key = await generateDeviceKey();
      const certPem = authority.issueCamera('W100-0042', createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' }), EPOCH).certPem;
      const camera: CameraCredentials = { systemId, keyPem: key.privateKeyPem, certPem, caCertPem: authority.ca.certPem, evidencePublicKey: hex(authority.evidencePublicKey) };
      return { authority, controller: await authority.controllerCredentials('W800-0001', EPOCH), camera };
    })();
    systems.set(systemId, p);
  }
  return p;
}

async function enrollment(systemId: string): Promise<CameraEnrollment> {
  const current = systemId ? (await pki(systemId)).camera : undefined;
  return { systemId, current, answer: async () => undefined } as unknown as CameraEnrollment;
}

/** A camera serving sessions on loopback; `open()` gives the controller's side of a new session. */
async function camera(t: Test, storage: Storage, systemId = 'site-a', maxFrameBytes?: number) {
  const clock = new Timeline({ epoch: EPOCH }).clock();
  const infos: string[] = [];
  const log = { ...silentLog, info: (_: string, m: string) => { infos.push(m); } };
  const served: Promise<void>[] = [];
  const sockets: Socket[] = [];
  const adopted = await enrollment(systemId);
  const server = createServer((s) => {
    sockets.push(s);
    served.push(serveCameraSession(new SessionStream(s, maxFrameBytes ? { maxFrameBytes } : {}), {
      clock, identity: { serial: 'W100-0042', model: 'W100', systemId: '' }, enrollment: adopted, storage, log,
    }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(served);
    await new Promise((r) => server.close(r));
  });
  return {
    infos,
    async open(peerSystem = 'site-a') {
      const socket = connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      sockets.push(socket);
      let s = new SessionStream(socket);
      await s.send({ kind: 'hello', role: 'ROLE_CONTROLLER', supported: [...SUPPORTED_VERSIONS], deviceSerial: 'W800-0001', firmwareVersion: '0.1.0', systemId: peerSystem, nonce: new Uint8Array(16) });
      const hello = await s.read();
      const result = await s.read();
      if (hello?.kind !== 'hello' || result?.kind !== 'helloResult' || !result.accepted) throw new Error('hello failed');
      // A member camera and a controller of its system continue inside mutual TLS, as the controller does.
      if (systemId !== '' && peerSystem === systemId) {
        ({ session: s } = await upgradeToTlsClient(s, (await pki(peerSystem)).controller, clock, 'test controller', acceptCamera('W100-0042')));
      }
      const ask = async (m: SessionMessage) => { await s.send(m); const r = await s.read(); if (!r) throw new Error('session ended'); return r; };
      return {
        s,
        ask,
        async manifest(after: Uint8Array = new Uint8Array(0), max = 0) {
          const r = await ask({ kind: 'manifestRequest', afterRecordingId: after, maxRecordings: max });
          if (r.kind !== 'manifest') throw new Error(`expected manifest, got ${r.kind}`);
          return r;
        },
        async chunk(recordingId: Uint8Array, index: number) {
          const r = await ask({ kind: 'chunkRequest', recordingId, index });
          if (r.kind !== 'chunkResponse') throw new Error(`expected chunkResponse, got ${r.kind}`);
          return r;
        },
      };
    },
  };
}

async function allPages(c: Awaited<ReturnType<Awaited<ReturnType<typeof camera>>['open']>>, max: number) {
  const got: Recording[] = [];
  const mores: boolean[] = [];
  let after: Uint8Array = new Uint8Array(0);
  for (;;) {
    const page = await c.manifest(after, max);
    got.push(...page.recordings);
    mores.push(page.more);
    if (!page.more) return { got, mores };
    after = page.recordings[page.recordings.length - 1]!.recordingId;
  }
}

t.test('manifest pages: cursor, max_recordings, oldest first, the open recording left out', async (t) => {
  const { storage } = await store(5);
  const cam = await camera(t, storage);
  const c = await cam.open();
  const expected = (await listRecordings(storage)).filter((r) => r.status === 'closed').map((r) => r.idHex);
  t.equal(expected.length, 5);
  const { got, mores } = await allPages(c, 2);
  t.same(got.map((r) => hex(r.recordingId)), expected, 'every closed recording once, oldest first');
  t.same(mores, [true, true, false], 'pages of 2, 2, 1');
  const one = await c.manifest();
  t.equal(one.recordings.length, 5, 'camera chooses a page that holds them all');
  t.notOk(one.more);
  t.ok(one.recordings.every((r) => r.chunkCount === 3 && r.chunkDigests.length === 3 && !r.interrupted));
});

t.test('a manifest page always fits one frame', async (t) => {
  const { storage } = await store(6, 40);
  const frame = 4096;
  const offload = new OffloadSession({ storage, log: silentLog, systemId: () => 'site-a', maxFrameBytes: frame }, 'site-a');
  const ids: string[] = [];
  let after: Uint8Array = new Uint8Array(0);
  let pages = 0;
  for (;;) {
    const page = await offload.manifest({ afterRecordingId: after, maxRecordings: 0 });
    pages++;
    t.ok(encodeSessionMessage({ kind: 'manifest', ...page }).length <= frame, `page ${pages} fits ${frame} bytes`);
    t.ok(page.recordings.length >= 1);
    ids.push(...page.recordings.map((r) => hex(r.recordingId)));
    if (!page.more) break;
    after = page.recordings[page.recordings.length - 1]!.recordingId;
  }
  t.ok(pages >= 3, `${pages} pages`);
  t.equal(new Set(ids).size, 6);
  t.equal(ids.length, 6);
});

t.test('chunks match the manifest digests; bad requests get errors', async (t) => {
  const { medium, storage } = await store(2);
  const cam = await camera(t, storage);
  const c = await cam.open();
  const [rec] = (await c.manifest()).recordings;
  for (let i = 0; i < rec!.chunkCount; i++) {
    const r = await c.chunk(rec!.recordingId, i);
    if (!r.data) throw new Error(`chunk ${i}: ${r.error.message}`);
    t.same(r.data.digest, rec!.chunkDigests[i], `chunk ${i} digest as in the manifest`);
    t.same(new Uint8Array(createHash('sha256').update(r.data.ciphertext).digest()), rec!.chunkDigests[i], 'and it is the ciphertext\'s SHA-256');
    t.equal(r.data.last, i === rec!.chunkCount - 1);
    t.equal(r.index, i);
  }
  const code = (r: Extract<SessionMessage, { kind: 'chunkResponse' }>) => r.error?.code;
  t.equal(code(await c.chunk(new Uint8Array(16).fill(9), 0)), 'ERROR_CODE_NOT_FOUND', 'unknown recording');
  t.equal(code(await c.chunk(rec!.recordingId, rec!.chunkCount)), 'ERROR_CODE_OUT_OF_RANGE', 'index past the end');
  const open = (await listRecordings(storage)).find((r) => r.status === 'open')!;
  t.equal(code(await c.chunk(open.recordingId, 0)), 'ERROR_CODE_NOT_FOUND', 'a recording being written is not served');
  const [, second] = (await c.manifest()).recordings;
  medium.failReads(1, (p) => p.endsWith('/chunks'));
  t.equal(code(await c.chunk(second!.recordingId, 1)), 'ERROR_CODE_STORAGE', 'medium error');
  t.ok((await c.chunk(second!.recordingId, 1)).data, 'served again once the medium reads');
});

t.test('custody ack: deleted only when full, durable, verified and of the camera\'s system', async (t) => {
  const { storage } = await store(2);
  const cam = await camera(t, storage);
  const c = await cam.open();
  const [rec] = (await c.manifest()).recordings;
  const id = rec!.recordingId;
  const ack = (o: { chunksHeld?: number; durableVerified?: boolean; holderSystemId?: string }) => c.s.send({
    kind: 'custodyAck', recordingId: id, chunksHeld: o.chunksHeld ?? rec!.chunkCount, durableVerified: o.durableVerified ?? true,
    holderSerial: 'W800-0001', holderSystemId: o.holderSystemId ?? 'site-a',
  });
  const stillThere = async () => (await listRecordings(storage)).some((r) => hex(r.recordingId) === hex(id));

  await ack({ chunksHeld: rec!.chunkCount - 1 });
  await ack({ durableVerified: false });
  await ack({ holderSystemId: 'site-b' });
  // No reply to an ack: the next message read is the manifest asked for after them.
  t.equal((await c.manifest()).recordings.length, 2, 'acks got no reply; recording still listed');
  t.ok(await stillThere(), 'kept after partial, unsynced and foreign acks');
  t.ok(cam.infos.some((m) => /kept .*2 of 3 chunks/.test(m)));
  t.ok(cam.infos.some((m) => /kept .*not made it durable/.test(m)));
  t.ok(cam.infos.some((m) => /kept .*system 'site-b'/.test(m)));

  await ack({});
  const after = await c.manifest();
  t.notOk(await stillThere(), 'deleted after the full ack');
  t.equal(after.recordings.length, 1, 'the other closed recording is still offered');
  t.not(hex(after.recordings[0]!.recordingId), hex(id));
  t.ok(cam.infos.some((m) => /deleted: W800-0001 of system site-a holds all 3 chunks/.test(m)), 'logged');
  t.equal((await c.chunk(id, 0)).error?.code, 'ERROR_CODE_NOT_FOUND', 'its chunks are gone');
});

t.test('a controller of another system sees nothing and deletes nothing; an unadopted camera offers nothing', async (t) => {
  const { storage } = await store(1);
  const [rec] = (await listRecordings(storage)).filter((r) => r.status === 'closed');
  const cam = await camera(t, storage);
  const c = await cam.open('site-b');
  t.same((await c.manifest()).recordings, []);
  t.equal((await c.chunk(rec!.recordingId, 0)).error?.code, 'ERROR_CODE_OTHER_SYSTEM');
  await c.s.send({ kind: 'custodyAck', recordingId: rec!.recordingId, chunksHeld: 3, durableVerified: true, holderSerial: 'X', holderSystemId: 'site-b' });
  await c.s.send({ kind: 'custodyAck', recordingId: rec!.recordingId, chunksHeld: 3, durableVerified: true, holderSerial: 'X', holderSystemId: 'site-a' });
  await c.manifest();
  t.equal((await listRecordings(storage)).length, 2, 'nothing deleted');
  // Nor can it re-enroll the adopted camera outside a mutually authenticated session.
  const enroll = await c.ask({ kind: 'enrollmentRequest', systemId: 'site-a' });
  t.equal(enroll.kind === 'enrollmentResult' && !enroll.accepted ? enroll.error.code : enroll.kind, 'ERROR_CODE_OTHER_SYSTEM', 'plaintext enrollment of an adopted camera refused');

  const lone = await camera(t, storage, '');
  const u = await lone.open('site-a');
  t.same((await u.manifest()).recordings, []);
  t.equal((await u.chunk(rec!.recordingId, 0)).error?.code, 'ERROR_CODE_NOT_ADOPTED');
});

t.test('goodbye ends the session in order', async (t) => {
  const { storage } = await store(0);
  const cam = await camera(t, storage);
  const c = await cam.open();
  await c.s.send({ kind: 'goodbye' });
  t.equal(await c.s.read(), undefined, 'camera closed its side');
});
