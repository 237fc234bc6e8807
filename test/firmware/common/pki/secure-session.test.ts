/** Mutual TLS over the emulated dock link, judged on virtual time. */
import t from 'tap';
import { World } from '../../../../hal/world/world.js';
import { EmulatedNet } from '../../../../hal/net/emulated.js';
import type { Stream } from '../../../../hal/net/contract.js';
import { generateDeviceKey } from '../../../../firmware/common/pki/keys.js';
import { createSystemCa, issueDeviceCertificate, type SystemCa } from '../../../../firmware/common/pki/system-ca.js';
import { secureClient, secureServer, PeerRejectedError, type DeviceCredentials } from '../../../../firmware/common/pki/secure-session.js';

const WEEK = 7 * 24 * 3600_000;
let ca: SystemCa, other: SystemCa;
let keys: Awaited<ReturnType<typeof generateDeviceKey>>[];
t.before(async () => {
  keys = await Promise.all([0, 1, 2, 3].map(() => generateDeviceKey()));
  ca = createSystemCa('site-a', keys[0]!, Date.UTC(2026, 0, 1));
  other = createSystemCa('site-b', keys[1]!, Date.UTC(2026, 0, 1));
});

async function link(world: World): Promise<{ ctlSide: Stream; camSide: Stream }> {
  const ctl = new EmulatedNet(world.links, 'ctl', world.timeline.clock(), ['port1']);
  const cam = new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']);
  world.links.attach('ctl', 'port1', 'port1');
  world.links.attach('cam', 'dock0', 'port1');
  await world.timeline.advance(10);
  const server = await cam.listen('dock0', 0);
  const accepted = new Promise<Stream>((r) => server.onConnection(r));
  const addr = (await cam.interface('dock0')).linkLocal!;
  const ctlSide = await ctl.connect({ address: addr, port: server.port, scope: 'port1' });
  return { ctlSide, camSide: await accepted };
}

function credentials(issuer: SystemCa, serial: string, key: { publicKeyPem: string; privateKeyPem: string }, now: number): DeviceCredentials {
  return { keyPem: key.privateKeyPem, certPem: issueDeviceCertificate(issuer, { serial, publicKeyPem: key.publicKeyPem }, now).certPem, caCertPem: ca.certPem };
}

t.test('controller and an adopted camera authenticate each other and talk', async (t) => {
  const world = new World({ epoch: Date.UTC(2026, 5, 1) });
  const clock = world.timeline.clock();
  const { ctlSide, camSide } = await link(world);
  const [c, s] = await Promise.all([
    secureClient(ctlSide, credentials(ca, 'W800-1', keys[2]!, clock.now()), clock, 'controller'),
    secureServer(camSide, credentials(ca, 'W100-1', keys[3]!, clock.now()), clock, 'camera'),
  ]);
  t.match(c.peer, { kind: 'valid', serial: 'W100-1', systemId: 'site-a' });
  t.match(s.peer, { kind: 'valid', serial: 'W800-1' });
  const got = new Promise<string>((r) => s.socket.once('data', (d) => r(d.toString())));
  c.socket.write('manifest please');
  t.equal(await got, 'manifest please');
  c.socket.destroy();
  s.socket.destroy();
});

t.test('a camera of another system is refused as unknown', async (t) => {
  const world = new World({ epoch: Date.UTC(2026, 5, 1) });
  const clock = world.timeline.clock();
  const { ctlSide, camSide } = await link(world);
  const foreign = { ...credentials(other, 'W100-9', keys[3]!, clock.now()), caCertPem: other.certPem };
  const [c, s] = await Promise.allSettled([
    secureClient(ctlSide, credentials(ca, 'W800-1', keys[2]!, clock.now()), clock, 'controller'),
    secureServer(camSide, foreign, clock, 'camera'),
  ]);
  t.equal(c.status, 'rejected');
  t.equal(s.status, 'rejected', 'the camera side ends too, not left hanging');
  const err = (c as PromiseRejectedResult).reason;
  t.type(err, PeerRejectedError);
  t.match(err.message, /controller: peer certificate refused \(unknown-system: certificate of W100-9 is issued by/);
});

t.test('a camera certificate 9 weeks old on the virtual clock is expired: refused', async (t) => {
  const world = new World({ epoch: Date.UTC(2026, 5, 1) });
  const clock = world.timeline.clock();
  const camCreds = credentials(ca, 'W100-2', keys[3]!, clock.now());
  const ctlCreds = credentials(ca, 'W800-1', keys[2]!, clock.now());
  await world.timeline.advance(9 * WEEK);
  const { ctlSide, camSide } = await link(world);
  const [c] = await Promise.allSettled([
    secureClient(ctlSide, { ...ctlCreds, certPem: issueDeviceCertificate(ca, { serial: 'W800-1', publicKeyPem: keys[2]!.publicKeyPem }, clock.now()).certPem }, clock, 'controller'),
    secureServer(camSide, camCreds, clock, 'camera'),
  ]);
  t.equal(c.status, 'rejected');
  t.match((c as PromiseRejectedResult).reason, { verdict: { kind: 'expired', serial: 'W100-2' } });
});
