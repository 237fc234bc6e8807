/**
 * The pieces the offload benchmarks share: a test system's PKI on real files, a camera recording
 * of plaintext sealed by the evidence writer, the camera serving sessions on loopback TCP, the
 * controller's pull (hello, mutual TLS, manifest, chunks into the evidence buffer) and upload.
 */
import { createPublicKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { SystemClock } from '../../hal/clock/linux.js';
import { DirectoryStorage } from '../../hal/storage/linux.js';
import { SUPPORTED_VERSIONS, SessionStream } from '../../protocols/index.js';
import { createRecording, newRecordingId, newRecordingKey } from '../../firmware/common/evidence/index.js';
import { silentLog } from '../../firmware/common/log.js';
import { generateDeviceKey } from '../../firmware/common/pki/keys.js';
import { acceptCamera } from '../../firmware/common/pki/secure-session.js';
import { upgradeToTlsClient } from '../../firmware/common/pki/session-upgrade.js';
import { serveCameraSession } from '../../firmware/camera/dock-responder.js';
import type { CameraCredentials, CameraEnrollment } from '../../firmware/camera/enrollment.js';
import { SystemAuthority } from '../../firmware/controller/system-authority.js';
import { SessionChannel } from '../../firmware/controller/session-channel.js';
import { EvidenceBuffer } from '../../firmware/controller/buffer/evidence-buffer.js';
import { pullRecording } from '../../firmware/controller/offload/pull-recording.js';
import { uploadRecording } from '../../firmware/controller/upload/upload-recording.js';
import { SwiftClient } from '../../firmware/controller/destination/swift-client.js';
import { connectionFileText, parseConnectionFile } from '../../firmware/controller/destination/connection-file.js';
import { startDestinationServer, type DestinationServer } from '../destination/server.js';

export const MiB = 2 ** 20;
export const SYSTEM_ID = 'bench-site';
export const CAMERA_SERIAL = 'W100-0042';
export const CONTROLLER_SERIAL = 'W800-0001';
const clock = new SystemClock();

async function dirStorage(dir: string): Promise<DirectoryStorage> {
  await mkdir(dir, { recursive: true });
  return DirectoryStorage.open(dir);
}

/** The system's authority kept in `dir` (the child process opens the same one) and a camera's credentials. */
export async function systemPki(dir: string): Promise<{ authority: SystemAuthority; camera: CameraCredentials }> {
  const authority = await SystemAuthority.open(await dirStorage(dir), SYSTEM_ID, clock.now());
  const key = await generateDeviceKey();
  const certPem = authority.issueCamera(CAMERA_SERIAL, createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' }), clock.now()).certPem;
  const camera: CameraCredentials = {
    systemId: SYSTEM_ID, keyPem: key.privateKeyPem, certPem, caCertPem: authority.ca.certPem,
    evidencePublicKey: Buffer.from(authority.evidencePublicKey).toString('hex'),
  };
  return { authority, camera };
}

/**
 * A closed recording of `mib` MiB of plaintext in 1 MiB chunks, cut into clips of `clipMib`,
 * written by the evidence writer onto real files in `dir` (sealed, digested, synced).
 */
export async function writePlainRecording(dir: string, evidencePublicKey: Uint8Array, mib: number, clipMib = 64, recordings = 1): Promise<DirectoryStorage> {
  const storage = await dirStorage(dir);
  const block = new Uint8Array(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  // `recordings` recordings share the `mib` MiB (the last takes the remainder).
  const each = Math.max(1, Math.floor(mib / recordings));
  for (let r = 0, left = mib; r < recordings && left > 0; r++) {
    const size = r === recordings - 1 ? left : Math.min(each, left);
    left -= size;
    const start = Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000 + r * 3600_000 / recordings;
    const w = await createRecording(storage, {
      recordingId: newRecordingId(), ...(await newRecordingKey(evidencePublicKey)), chunkSize: MiB,
      meta: { cameraSerial: CAMERA_SERIAL, userId: 'officer-7', triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: start, startTimeMs: start, timeZone: 'UTC', firmwareVersion: '0.1.0' },
    });
    for (let i = 0; i < size; i++) {
      if (i % clipMib === 0) {
        if (i > 0) await w.endClip(start + i * 1000);
        await w.beginClip(start + i * 1000);
      }
      block[0] = i & 0xff;
      block[1] = r & 0xff;
      await w.append(block, start + i * 1000);
      if (i % 32 === 31) await w.sync();
    }
    await w.endClip(start + size * 1000);
    await w.close({ triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: start + size * 1000, stopTimeMs: start + size * 1000 });
  }
  return storage;
}

/** The camera serving sessions on `host` (any free port) from `storage`, as a member of the system. */
export async function serveCamera(storage: DirectoryStorage, creds: CameraCredentials, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const enrollment = { systemId: SYSTEM_ID, current: creds, answer: async () => undefined } as unknown as CameraEnrollment;
  const sockets = new Set<Socket>();
  const served: Promise<void>[] = [];
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    served.push(serveCameraSession(new SessionStream(s), { clock, identity: { serial: CAMERA_SERIAL, model: 'W100', systemId: '' }, enrollment, storage, log: silentLog }));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(served);
      await new Promise((r) => server.close(r));
    },
  };
}

/** A reference destination on a temp dir with one user, and the connection file for it. */
export async function destination(root: string): Promise<{ server: DestinationServer; connectionText: string }> {
  const server = await startDestinationServer({ root, users: { scu: 'secret' } });
  return { server, connectionText: connectionFileText({ authUri: server.authUrl, user: 'scu', key: 'secret', containerType: 'mkv' }) };
}

/** Pull and upload overlap (as on the controller): `totalMs` is first request to last upload; the legs are each one's own busy time. */
export interface LegTimes { pullMs: number; uploadMs: number; totalMs: number; pulledBytes: number; uploadedBytes: number }

/**
 * The controller's side: open a session to the camera on `port` (hello, mutual TLS), read the
 * manifest, pull every recording into an evidence buffer on `bufferDir`, then upload each to the
 * destination of `connectionText`. Times each leg.
 */
export async function controllerOffload(o: { port: number; host?: string; authorityDir: string; bufferDir: string; connectionText: string }): Promise<LegTimes> {
  const authority = await SystemAuthority.open(await DirectoryStorage.open(o.authorityDir), SYSTEM_ID, clock.now());
  const buffer = await EvidenceBuffer.open({ storage: await dirStorage(o.bufferDir), clock, log: silentLog });
  const host = o.host ?? '127.0.0.1';
  const t0 = performance.now();
  const socket: Socket = connect(o.port, host);
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  let s = new SessionStream(socket);
  await s.send({ kind: 'hello', role: 'ROLE_CONTROLLER', supported: [...SUPPORTED_VERSIONS], deviceSerial: CONTROLLER_SERIAL, firmwareVersion: '0.1.0', systemId: SYSTEM_ID, nonce: new Uint8Array(16) });
  const hello = await s.read();
  const result = await s.read();
  if (hello?.kind !== 'hello' || result?.kind !== 'helloResult' || !result.accepted) throw new Error(`bench: the camera did not accept the hello (got ${hello?.kind}, ${result?.kind})`);
  ({ session: s } = await upgradeToTlsClient(s, await authority.controllerCredentials(CONTROLLER_SERIAL, clock.now()), clock, 'bench camera', acceptCamera(CAMERA_SERIAL)));
  const channel = new SessionChannel(s, clock, 'bench camera');
  const manifest = await channel.request({ kind: 'manifestRequest', afterRecordingId: new Uint8Array(0), maxRecordings: 0 }, 'manifest', 5000);
  // As on the controller: recordings are pulled one after another while complete ones upload.
  const connection = parseConnectionFile(o.connectionText);
  const client = new SwiftClient({ connection, clock });
  let pulledBytes = 0, uploadedBytes = 0, uploadMs = 0;
  let pullDone = false;
  let wake: (() => void) | undefined;
  buffer.onComplete(() => wake?.());
  const uploads = (async () => {
    for (;;) {
      const [rec] = await buffer.pending();
      if (!rec) {
        if (pullDone) return;
        await new Promise<void>((r) => { wake = r; });
        continue;
      }
      const u0 = performance.now();
      const up = await uploadRecording(client, rec, {
        systemKeys: { publicKey: authority.evidencePublicKey, privateKey: authority.evidencePrivateKey },
        controllerSerial: CONTROLLER_SERIAL, destination: connection, clock,
      });
      await buffer.release(rec.idHex);
      uploadMs += performance.now() - u0;
      uploadedBytes += up.bytes;
    }
  })();
  let pullMs = 0;
  try {
    for (const r of manifest.recordings) {
      const intake = await buffer.receive(r, { serial: CAMERA_SERIAL, model: 'W100' });
      pulledBytes += (await pullRecording(channel, intake)).bytes;
    }
    pullMs = performance.now() - t0;
    channel.close('offload done', true);
  } finally {
    pullDone = true;
    wake?.();
    await uploads.finally(() => client.close());
  }
  return { pullMs, uploadMs, totalMs: performance.now() - t0, pulledBytes, uploadedBytes };
}
