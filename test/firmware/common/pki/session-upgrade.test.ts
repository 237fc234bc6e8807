/**
 * STARTTLS for sessions: a plaintext hello, then mutual TLS on the same connection (emulated
 * dock link and real TCP), judged on the virtual clock; refusals name their verdict.
 */
import t from 'tap';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { createPublicKey } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { World } from '../../../../hal/world/world.js';
import { EmulatedNet } from '../../../../hal/net/emulated.js';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { SessionStream } from '../../../../protocols/stream.js';
import { frameSessionMessage, type SessionMessage } from '../../../../protocols/envelope.js';
import { generateDeviceKey, type KeyPair } from '../../../../firmware/common/pki/keys.js';
import { createSystemCa, issueDeviceCertificate } from '../../../../firmware/common/pki/system-ca.js';
import { PeerRejectedError, TlsHandshakeError, acceptCamera, acceptController, type DeviceCredentials } from '../../../../firmware/common/pki/secure-session.js';
import { upgradeToTlsClient, upgradeToTlsServer } from '../../../../firmware/common/pki/session-upgrade.js';
import { SystemAuthority } from '../../../../firmware/controller/system-authority.js';

const WEEK = 7 * 24 * 3600_000;
const EPOCH = Date.UTC(2026, 5, 1);
const nonce = new Uint8Array(16).fill(7);
let camKey: KeyPair, otherKey: KeyPair, siteA: System, siteB: System;
t.before(async () => {
  [camKey, otherKey] = await Promise.all([generateDeviceKey(), generateDeviceKey()]);
  // Key generation takes a while: two systems shared by the tests that do not move time.
  [siteA, siteB] = await Promise.all([openSystem('site-a'), openSystem('site-b')]);
  await Promise.all([siteA.authority.controllerCredentials('W800-1', EPOCH), siteB.authority.controllerCredentials('W800-9', EPOCH)]);
});

async function emulatedLink(world: World): Promise<[Duplex, Duplex]> {
  const ctl = new EmulatedNet(world.links, 'ctl', world.timeline.clock(), ['port1']);
  const cam = new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']);
  world.links.attach('ctl', 'port1', 'port1');
  world.links.attach('cam', 'dock0', 'port1');
  await world.timeline.advance(10);
  const server = await cam.listen('dock0', 0);
  const accepted = new Promise<Duplex>((r) => server.onConnection(r));
  const addr = (await cam.interface('dock0')).linkLocal!;
  const ctlSide = await ctl.connect({ address: addr, port: server.port, scope: 'port1' });
  return [ctlSide, await accepted];
}

async function tcpPair(host: string): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection');
  const client = connect(port, host);
  const [[peer]] = await Promise.all([accepted, once(client, 'connect')]);
  server.close();
  return [client, peer as Socket];
}

type System = Awaited<ReturnType<typeof openSystem>>;
async function openSystem(systemId: string) {
  const authority = await SystemAuthority.open(new EmulatedStorage().mount(), systemId, EPOCH);
  const camera = (serial: string, now: number, key = camKey): DeviceCredentials => ({
    keyPem: key.privateKeyPem,
    certPem: authority.issueCamera(serial, createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' }), now).certPem,
    caCertPem: authority.ca.certPem,
  });
  return { authority, camera };
}

/** The plaintext opening of a member camera's session: hello both ways, then the camera's helloResult. */
async function plaintextHello(ctl: SessionStream, cam: SessionStream): Promise<void> {
  await ctl.send({ kind: 'hello', role: 'ROLE_CONTROLLER', supported: [{ major: 1, minor: 0 }], deviceSerial: 'W800-1', firmwareVersion: '1', systemId: 'site-a', nonce });
  const hello = await cam.read();
  if (hello?.kind !== 'hello') throw new Error(`expected hello, got ${hello?.kind}`);
  await cam.send({ kind: 'hello', role: 'ROLE_CAMERA', supported: [{ major: 1, minor: 0 }], deviceSerial: 'W100-1', firmwareVersion: '1', systemId: 'site-a', nonce });
  await cam.send({ kind: 'helloResult', accepted: true, negotiated: { major: 1, minor: 0 } });
  if ((await ctl.read())?.kind !== 'hello') throw new Error('expected the camera hello');
  if ((await ctl.read())?.kind !== 'helloResult') throw new Error('expected helloResult');
}

const manifest: SessionMessage = { kind: 'manifest', recordings: [], more: false };

const noIpv6 = await tcpPair('::1').then(([x, y]) => { x.destroy(); y.destroy(); return false as const; }, (e: Error) => `no IPv6 loopback here: ${e.message}`);

for (const transport of ['emulated', 'tcp 127.0.0.1', 'tcp ::1'] as const) {
  t.test(`${transport}: after the plaintext hello both sides upgrade and messages flow both ways inside TLS`, { skip: transport === 'tcp ::1' && noIpv6 }, async (t) => {
    const world = new World({ epoch: EPOCH });
    const clock = world.timeline.clock();
    const [ctlRaw, camRaw] = transport === 'emulated' ? await emulatedLink(world) : await tcpPair(transport.slice(4));
    const a = siteA;
    const ctl = new SessionStream(ctlRaw), cam = new SessionStream(camRaw);
    await plaintextHello(ctl, cam);
    const [c, s] = await Promise.all([
      upgradeToTlsClient(ctl, await a.authority.controllerCredentials('W800-1', clock.now()), clock, 'controller', acceptCamera('W100-1')),
      upgradeToTlsServer(cam, a.camera('W100-1', clock.now()), clock, 'camera', acceptController),
    ]);
    t.match(c.peer, { kind: 'valid', serial: 'W100-1', systemId: 'site-a', role: 'camera' });
    t.match(s.peer, { kind: 'valid', serial: 'W800-1', systemId: 'site-a', role: 'controller' });
    await c.session.send({ kind: 'manifestRequest', afterRecordingId: new Uint8Array(0), maxRecordings: 0 });
    t.equal((await s.session.read())?.kind, 'manifestRequest', 'controller -> camera');
    await s.session.send(manifest);
    t.same(await c.session.read(), manifest, 'camera -> controller');
    // Large messages (several TLS records) arrive whole.
    const big: SessionMessage = { kind: 'chunkResponse', recordingId: nonce, index: 3, data: { ciphertext: new Uint8Array(3 << 20).fill(9), digest: new Uint8Array(32).fill(2), last: true } };
    const sending = s.session.send(big);
    const got = await c.session.read();
    await sending;
    t.equal(got?.kind === 'chunkResponse' ? got.data?.ciphertext.length : -1, 3 << 20, '3 MiB chunk inside TLS');
    await s.session.end();
    t.equal(await c.session.read(), undefined, 'a clean end inside TLS reads as the end');
    c.session.destroy(); s.session.destroy();
  });
}

t.test('an adopted-now camera upgrades right after enrollmentResult with the certificate it just got', async (t) => {
  const world = new World({ epoch: EPOCH });
  const clock = world.timeline.clock();
  const [ctlRaw, camRaw] = await emulatedLink(world);
  const a = siteA;
  const ctl = new SessionStream(ctlRaw), cam = new SessionStream(camRaw);
  await plaintextHello(ctl, cam);
  await ctl.send({ kind: 'enrollmentRequest', systemId: 'site-a' });
  t.equal((await cam.read())?.kind, 'enrollmentRequest');
  const creds = a.camera('W100-1', clock.now());
  await cam.send({ kind: 'enrollmentResult', accepted: true });
  t.equal((await ctl.read())?.kind, 'enrollmentResult');
  const [c, s] = await Promise.all([
    upgradeToTlsClient(ctl, await a.authority.controllerCredentials('W800-1', clock.now()), clock, 'controller'),
    upgradeToTlsServer(cam, creds, clock, 'camera'),
  ]);
  t.equal(c.peer.serial, 'W100-1');
  await c.session.send({ kind: 'goodbye' });
  t.same(await s.session.read(), { kind: 'goodbye' });
  c.session.destroy(); s.session.destroy();
});

async function refused(world: World, ctlCreds: DeviceCredentials, camCreds: DeviceCredentials, camAccept = acceptController) {
  const clock = world.timeline.clock();
  const [ctlRaw, camRaw] = await emulatedLink(world);
  const ctl = new SessionStream(ctlRaw), cam = new SessionStream(camRaw);
  await plaintextHello(ctl, cam);
  const [c, s] = await Promise.allSettled([
    upgradeToTlsClient(ctl, ctlCreds, clock, 'controller'),
    upgradeToTlsServer(cam, camCreds, clock, 'camera', camAccept),
  ]);
  return { ctl: c.status === 'rejected' ? c.reason as Error : undefined, cam: s.status === 'rejected' ? s.reason as Error : undefined, ctlRaw, camRaw };
}

t.test("a camera certificate of another system's CA: the controller refuses it as unknown-system, the camera side ends too", async (t) => {
  const world = new World({ epoch: EPOCH });
  const a = siteA, b = siteB;
  const now = world.timeline.clock().now();
  const r = await refused(world, await a.authority.controllerCredentials('W800-1', now), b.camera('W100-9', now));
  t.type(r.ctl, PeerRejectedError);
  t.match(r.ctl, { code: 'EPEER', verdict: { kind: 'unknown-system', serial: 'W100-9', systemId: 'site-b' }, message: /^controller: peer certificate refused \(unknown-system: certificate of W100-9 is issued by/ });
  t.ok(r.cam, `the camera does not hang: ${r.cam?.message}`);
  t.ok(r.ctlRaw.destroyed && r.camRaw.destroyed, 'both connections closed');
});

t.test('a camera certificate 9 weeks old on the virtual clock is refused as expired; the renewed controller certificate is fine', async (t) => {
  const world = new World({ epoch: EPOCH });
  const clock = world.timeline.clock();
  const a = await openSystem('site-a'); // its own: time moves 9 weeks
  const first = await a.authority.controllerCredentials('W800-1', clock.now());
  const camCreds = a.camera('W100-2', clock.now());
  await world.timeline.advance(9 * WEEK);
  const renewed = await a.authority.controllerCredentials('W800-1', clock.now());
  t.not(renewed.certPem, first.certPem, 'the controller certificate was renewed');
  t.equal(renewed.keyPem, first.keyPem, 'with the same key');
  const r = await refused(world, renewed, camCreds);
  t.type(r.ctl, PeerRejectedError);
  t.match(r.ctl, { verdict: { kind: 'expired', serial: 'W100-2' }, message: /refused \(expired: expired 2026-07-27/ });
  t.ok(r.cam, 'the camera side ends too');
});

t.test('a controller of another system posing as ours: the camera refuses it as unknown-system', async (t) => {
  const world = new World({ epoch: EPOCH });
  const a = siteA, b = siteB;
  const now = world.timeline.clock().now();
  // Its certificate is from CA b, but it trusts CA a, so only the camera's judgement decides.
  const rogue = { ...await b.authority.controllerCredentials('W800-9', now), caCertPem: a.authority.ca.certPem };
  const r = await refused(world, rogue, a.camera('W100-1', now));
  t.type(r.cam, PeerRejectedError);
  t.match(r.cam, { verdict: { kind: 'unknown-system', serial: 'W800-9', systemId: 'site-b' }, message: /^camera: peer certificate refused \(unknown-system: certificate of W800-9 is issued by "CN=bwc system site-b CA/ });
  t.ok(r.camRaw.destroyed, 'the camera closed the connection');
});

t.test('a controller and a camera of different systems: both refuse, neither hangs', async (t) => {
  const world = new World({ epoch: EPOCH });
  const a = siteA, b = siteB;
  const now = world.timeline.clock().now();
  const r = await refused(world, await b.authority.controllerCredentials('W800-9', now), a.camera('W100-1', now));
  // The controller judges first (TLS 1.3: the client sees the server's certificate first) and
  // closes; the camera then sees either its own verdict or the close, depending on timing.
  t.match(r.ctl, { code: 'EPEER', verdict: { kind: 'unknown-system', serial: 'W100-1', systemId: 'site-a' } });
  t.ok(r.cam instanceof PeerRejectedError || r.cam instanceof TlsHandshakeError, `the camera ends too: ${r.cam?.message}`);
});

t.test("a camera's certificate cannot pass for the controller's", async (t) => {
  const world = new World({ epoch: EPOCH });
  const a = siteA;
  const now = world.timeline.clock().now();
  const r = await refused(world, a.camera('W100-7', now, otherKey), a.camera('W100-1', now));
  t.match(r.cam, { code: 'EPEER', verdict: { kind: 'valid', role: 'camera' }, message: /W100-7 holds a camera certificate, expected the controller's/ });
});

t.test('plaintext where the TLS ClientHello should be: a clear not-tls error on both sides, no hang', async (t) => {
  const world = new World({ epoch: EPOCH });
  const clock = world.timeline.clock();
  const a = siteA;
  const [ctlRaw, camRaw] = await tcpPair('127.0.0.1');
  const ctl = new SessionStream(ctlRaw), cam = new SessionStream(camRaw);
  await plaintextHello(ctl, cam);
  // A controller that does not upgrade goes on in plaintext with a manifest request.
  const camSide = upgradeToTlsServer(cam, a.camera('W100-1', clock.now()), clock, 'camera');
  await ctl.send({ kind: 'manifestRequest', afterRecordingId: new Uint8Array(0), maxRecordings: 0 });
  await t.rejects(camSide, { code: 'ETLS', reason: 'not-tls', message: /^camera: the peer did not speak TLS where the handshake was expected/ });
  t.ok(camRaw.destroyed, 'the connection is closed');
  ctl.destroy();

  // A camera that answers the ClientHello in plaintext.
  const [c2, s2] = await tcpPair('127.0.0.1');
  const ctl2 = new SessionStream(c2), cam2 = new SessionStream(s2);
  await plaintextHello(ctl2, cam2);
  const ctlSide = upgradeToTlsClient(ctl2, await a.authority.controllerCredentials('W800-1', clock.now()), clock, 'controller');
  await once(s2, 'readable');
  s2.write('\u0000\u0000\u0000plaintext goodbye, not TLS at all\n');
  await t.rejects(ctlSide, { code: 'ETLS', reason: 'not-tls', message: /^controller: the peer did not speak TLS/ });
  cam2.destroy();
});

t.test('a camera that spoke again before the upgrade: refused before any TLS if read, else as not-tls', async (t) => {
  const world = new World({ epoch: EPOCH });
  const clock = world.timeline.clock();
  const a = siteA;
  const creds = await a.authority.controllerCredentials('W800-1', clock.now());
  // helloResult and a goodbye in one write: the controller's decoder holds the goodbye.
  const [ctlRaw, camRaw] = await tcpPair('127.0.0.1');
  const ctl = new SessionStream(ctlRaw);
  camRaw.write(Buffer.concat([
    frameSessionMessage({ kind: 'helloResult', accepted: true, negotiated: { major: 1, minor: 0 } }),
    frameSessionMessage({ kind: 'goodbye' }),
  ]));
  t.equal((await ctl.read())?.kind, 'helloResult');
  const e = await upgradeToTlsClient(ctl, creds, clock, 'controller').then(() => undefined, (x: Error) => x);
  t.match(e, { name: 'ProtocolError', code: 'ESTREAM', message: /cannot upgrade, the peer already sent 1 more message\(s\)/ });
  t.ok(ctlRaw.destroyed, 'the connection is closed');
  camRaw.destroy();

  // The goodbye arrives after helloResult was read: it reaches TLS, which says it is not TLS.
  const [c2, s2] = await emulatedLink(world);
  const ctl2 = new SessionStream(c2), cam2 = new SessionStream(s2);
  await plaintextHello(ctl2, cam2);
  await cam2.send({ kind: 'goodbye' });
  const e2 = await upgradeToTlsClient(ctl2, creds, clock, 'controller').then(() => undefined, (x: Error) => x);
  t.match(e2, { code: 'ETLS', reason: 'not-tls' });
  t.ok(c2.destroyed, 'the connection is closed');
  cam2.destroy();
});

t.test('a peer that never answers the handshake times out on the virtual clock', async (t) => {
  const world = new World({ epoch: EPOCH });
  const clock = world.timeline.clock();
  const a = siteA;
  const [ctlRaw, camRaw] = await emulatedLink(world);
  const ctl = new SessionStream(ctlRaw), cam = new SessionStream(camRaw);
  await plaintextHello(ctl, cam);
  const upgrading = upgradeToTlsClient(ctl, await a.authority.controllerCredentials('W800-1', clock.now()), clock, 'controller', undefined, 2_000);
  const outcome = upgrading.then(() => 'upgraded', (e: Error) => e);
  await world.timeline.advance(1_999);
  t.equal(await Promise.race([outcome, new Promise((r) => setImmediate(() => r('pending')))]), 'pending', 'still waiting before the timeout');
  await world.timeline.advance(1);
  t.match(await outcome, { code: 'ETLS', reason: 'timeout', message: /controller: TLS handshake did not finish within 2000 ms/ });
  cam.destroy();
});
