import t from 'tap';
import { World } from '../../../hal/world/world.js';
import { EmulatedNet, NEIGHBOUR_TIMEOUT_MS, dockLink, macFor, stationLink } from '../../../hal/net/emulated.js';
import { SEND_WINDOW } from '../../../hal/net/emulated-stream.js';
import { linkLocalFromMac } from '../../../hal/net/address.js';
import type { Datagram, NetInterface, Stream } from '../../../hal/net/contract.js';

const GROUP = 'ff02::1:b0c';

/** A controller with port1 and a camera with dock0, both on segment port1. */
function pair(world = new World()) {
  const ctl = new EmulatedNet(world.links, 'ctl', world.timeline.clock(), ['port1', 'port2']);
  const cam = new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']);
  world.links.attach('ctl', 'port1', 'port1');
  world.links.attach('cam', 'dock0', 'port1');
  return { world, ctl, cam };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Stream errors are expected in these tests: collect them instead of crashing. */
function errors(s: Stream): Error[] {
  const list: Error[] = [];
  s.on('error', (e) => list.push(e));
  return list;
}

async function connected(ctl: EmulatedNet, cam: EmulatedNet, port = 4000) {
  const server = await cam.listen('dock0', port);
  const accepted = new Promise<Stream>((r) => server.onConnection(r));
  const camAddr = (await cam.interface('dock0')).linkLocal!;
  const client = await ctl.connect({ address: camAddr, port, scope: 'port1' });
  return { server, client, accepted: await accepted, camAddr };
}

t.test('addresses: MAC-derived EUI-64 link-local, deterministic, interfaces numbered in order', async (t) => {
  const world = new World();
  const net = new EmulatedNet(world.links, 'ctl', world.timeline.clock(), ['port1', { name: 'port2', mac: '6E:09:C6:55:C2:2C' }]);
  const [p1, p2] = await net.interfaces();
  t.same([p1?.name, p1?.index, p2?.name, p2?.index], ['port1', 1, 'port2', 2]);
  t.equal(p1?.mac, macFor('ctl/port1'), 'MAC derived from host and interface');
  t.match(p1?.mac, /^02:/, 'locally administered');
  t.equal(p2?.mac, '6e:09:c6:55:c2:2c', 'given MAC kept, lower case');
  t.equal(linkLocalFromMac('6e:09:c6:55:c2:2c'), 'fe80::6c09:c6ff:fe55:c22c', 'as the kernel derived it in a namespace');
  t.equal(p1?.linkLocal, undefined, 'no address before the link was ever up');
  world.links.attach('ctl', 'port2', 'port2');
  t.equal((await net.interface('port2')).linkLocal, 'fe80::6c09:c6ff:fe55:c22c');
  world.links.detach('ctl', 'port2');
  const after = await net.interface('port2');
  t.same([after.up, after.linkLocal], [false, 'fe80::6c09:c6ff:fe55:c22c'], 'address stays after the link goes down');
  const again = new EmulatedNet(new World().links, 'ctl', new World().timeline.clock(), ['port1']);
  t.equal((await again.interface('port1')).mac, p1?.mac, 'same MAC in another world');
});

t.test('a never-up interface cannot listen or join (EADDRNOTAVAIL); bad declarations throw', async (t) => {
  const world = new World();
  const net = new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']);
  await t.rejects(net.listen('dock0', 1), { code: 'EADDRNOTAVAIL', message: /dock0/ });
  await t.rejects(net.joinMulticast('dock0', GROUP, 1), { code: 'EADDRNOTAVAIL' });
  t.throws(() => new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']), /host cam is already on the link medium/);
  t.throws(() => new EmulatedNet(world.links, 'x', world.timeline.clock(), ['this-name-is-too-long']), /1-15 characters/);
  t.throws(() => new EmulatedNet(world.links, 'y', world.timeline.clock(), [{ name: 'eth0', mac: 'nope' }]), /aa:bb:cc:dd:ee:ff/);
  t.throws(() => world.links.attach('ghost', 'dock0', 'port1'), /no host ghost on the link medium; known: cam/);
  t.throws(() => world.links.attach('cam', 'eth9', 'port1'), /host cam has no interface eth9; it has: dock0/);
  t.throws(() => world.links.setConditions('port1', { lossRate: 2 }), /lossRate must be in \[0, 1\], got 2/);
  t.throws(() => world.links.setConditions('port1', { latencyMs: -1 }), /latencyMs/);
  const twin = new EmulatedNet(world.links, 'twin', world.timeline.clock(), [{ name: 'dock0', mac: macFor('cam/dock0') }]);
  world.links.attach('cam', 'dock0', 'port1');
  t.throws(() => world.links.attach('twin', 'dock0', 'port1'), /duplicate MAC/);
  t.ok(twin);
});

t.test('operations complete asynchronously, never inside the call', async (t) => {
  const { ctl, cam } = pair();
  const events: NetInterface[] = [];
  ctl.watchLink('port1', (i) => events.push(i));
  t.equal(events.length, 0, 'watchLink reports after returning');
  const s = await cam.joinMulticast('dock0', GROUP, 5000);
  const got: Datagram[] = [];
  s.onMessage((d) => got.push(d));
  const c = await ctl.joinMulticast('port1', GROUP, 5000);
  const sent = c.send(new Uint8Array([1, 2, 3]));
  t.equal(got.length, 0, 'nothing delivered synchronously');
  await sent;
  await tick();
  t.same(got.map((d) => [...d.data]), [[1, 2, 3]]);
  t.same(events.map((i) => i.up), [true]);
});

t.test('undock resets streams on both ends with ECONNRESET naming the link', async (t) => {
  const { world, ctl, cam } = pair();
  const { client, accepted } = await connected(ctl, cam);
  const ce = errors(client), ae = errors(accepted);
  world.links.detach('cam', 'dock0');
  await tick();
  t.ok(client.destroyed && accepted.destroyed);
  t.match(ae[0], { name: 'HalError', code: 'ECONNRESET', message: /link cam\/dock0 went down \(left port1\)/ });
  t.match(ce[0], { code: 'ECONNRESET', message: /the peer's link cam\/dock0 went down/ });
  await t.rejects(cam.connect({ address: (await ctl.interface('port1')).linkLocal!, port: 1, scope: 'dock0' }), { code: 'ENETUNREACH' });
});

t.test('backpressure: an unread stream holds a bounded amount, then drains everything in order', async (t) => {
  const { ctl, cam } = pair();
  const { client, accepted } = await connected(ctl, cam);
  const chunk = Buffer.alloc(64 * 1024, 7);
  let written = 0, blocked = 0;
  // Write until the writer stays blocked: nobody reads, so 'drain' stops coming.
  for (let i = 0; i < 1000; i++) {
    written += chunk.length;
    if (client.write(chunk)) continue;
    blocked++;
    const drained = await Promise.race([new Promise((r) => client.once('drain', () => r(true))), (async () => { for (let k = 0; k < 20; k++) await tick(); return false; })()]);
    if (!drained) break;
  }
  t.ok(blocked > 1, `write() returned false ${blocked} times`);
  const held = accepted.readableLength;
  t.ok(held <= accepted.readableHighWaterMark + chunk.length, `reader buffer stays near its high-water mark (${held} bytes)`);
  t.ok(client.writableLength > 0, 'the writer keeps the rest');
  t.ok(written <= SEND_WINDOW + 2 * chunk.length + accepted.readableHighWaterMark, `bounded: ${written} bytes accepted before the writer stayed blocked`);
  let total = 0;
  accepted.on('data', (d: Buffer) => { total += d.length; });
  await new Promise((r) => client.once('drain', r));
  t.pass("'drain' comes once the reader reads");
  client.end();
  await new Promise((r) => accepted.once('end', r));
  t.equal(total, written, 'every byte arrives');
});

t.test('graceful close ends the peer; writing to a closed peer resets', async (t) => {
  const { ctl, cam } = pair();
  const { client, accepted } = await connected(ctl, cam);
  const ce = errors(client);
  accepted.destroy();
  await new Promise((r) => client.once('end', r).resume());
  t.pass('the peer sees end');
  const { client: c2, accepted: a2 } = await connected(ctl, cam, 4001);
  const e2 = errors(c2);
  a2.destroy();
  await tick();
  c2.write('late');
  await new Promise((r) => c2.once('close', r));
  t.match(e2.concat(ce), [{ code: 'ECONNRESET', message: /reset by the peer/ }]);
});

t.test('latency is virtual time, for datagrams and stream data', async (t) => {
  const { world, ctl, cam } = pair();
  world.links.setConditions('port1', { latencyMs: 40 });
  t.same(world.links.conditions('port1'), { lossRate: 0, latencyMs: 40 });
  const rx = await cam.joinMulticast('dock0', GROUP, 5000);
  const at: number[] = [];
  rx.onMessage(() => at.push(world.timeline.time));
  const tx = await ctl.joinMulticast('port1', GROUP, 5000);
  await tx.send(new Uint8Array([1]));
  await world.timeline.advance(39);
  t.same(at, [], 'not before the latency');
  await world.timeline.advance(1);
  t.same(at, [40]);

  const connecting = connected(ctl, cam);
  await world.timeline.advance(80); // a round trip for the handshake
  const { client, accepted } = await connecting;
  t.equal(world.timeline.time, 120, 'connected after one round trip');
  const got: number[] = [];
  accepted.on('data', () => got.push(world.timeline.time));
  client.write('x');
  await world.timeline.advance(39);
  t.same(got, []);
  await world.timeline.advance(1);
  t.same(got, [160], 'data one latency later');
});

t.test('loss drops datagrams reproducibly; streams stay reliable', async (t) => {
  const run = async () => {
    const { world, ctl, cam } = pair(new World({ seed: 7 }));
    world.links.setConditions('port1', { lossRate: 0.5 });
    const rx = await cam.joinMulticast('dock0', GROUP, 5000);
    const got: number[] = [];
    rx.onMessage((d) => got.push(d.data[0]!));
    const tx = await ctl.joinMulticast('port1', GROUP, 5000);
    for (let i = 0; i < 100; i++) await tx.send(new Uint8Array([i]));
    await tick();
    const { client, accepted } = await connected(ctl, cam);
    client.end(Buffer.alloc(100_000, 1));
    let n = 0;
    accepted.on('data', (d: Buffer) => { n += d.length; });
    await new Promise((r) => accepted.once('end', r));
    return { got, n };
  };
  const first = await run(), second = await run();
  t.ok(first.got.length > 20 && first.got.length < 80, `about half of 100 arrived (${first.got.length})`);
  t.same(second.got, first.got, 'the same ones with the same seed');
  t.equal(first.n, 100_000, 'stream bytes all arrive');
});

t.test('partition: no datagrams across, connects time out, stream data waits for heal', async (t) => {
  const world = new World();
  const { ctl, cam } = pair(world);
  const { client, accepted, camAddr } = await connected(ctl, cam);
  const other = new EmulatedNet(world.links, 'cam2', world.timeline.clock(), ['dock0']);
  world.links.attach('cam2', 'dock0', 'port1');
  const rxCam = await cam.joinMulticast('dock0', GROUP, 5000);
  const rxOther = await other.joinMulticast('dock0', GROUP, 5000);
  const heard: string[] = [];
  rxCam.onMessage(() => heard.push('cam'));
  rxOther.onMessage(() => heard.push('cam2'));
  world.links.partition('port1', ['cam']);
  const tx = await ctl.joinMulticast('port1', GROUP, 5000);
  await tx.send(new Uint8Array([1]));
  await tick();
  t.same(heard, ['cam2'], 'only the side of the controller hears it');

  const got: string[] = [];
  accepted.on('data', (d: Buffer) => got.push(d.toString()));
  client.write('held');
  await world.timeline.advance(1000);
  t.same(got, [], 'stream data waits');
  const attempt = ctl.connect({ address: camAddr, port: 4000, scope: 'port1' }, 500);
  const timedOut = t.rejects(attempt, { code: 'ETIMEDOUT', message: /no answer within 500 ms/ });
  await world.timeline.advance(500);
  await timedOut;
  world.links.heal('port1');
  await tick();
  t.same(got, ['held'], 'and flows after heal');
});

t.test('connect to an address nobody has: EHOSTUNREACH after neighbour discovery gives up', async (t) => {
  const { world, ctl } = pair();
  let settled = false;
  const p = ctl.connect({ address: 'fe80::dead', port: 1, scope: 'port1' });
  p.catch(() => {}).finally(() => { settled = true; });
  await world.timeline.advance(NEIGHBOUR_TIMEOUT_MS - 1);
  t.notOk(settled, 'still trying');
  await world.timeline.advance(1);
  await t.rejects(p, { code: 'EHOSTUNREACH', message: /no host has fe80::dead on port1/ });
  const q = t.rejects(ctl.connect({ address: 'fe80::dead', port: 1, scope: 'port1' }, 100), { code: 'ETIMEDOUT' });
  await world.timeline.advance(100);
  await q;
  await t.rejects(ctl.connect({ address: 'fe80::dead', port: 1, scope: 'port1' }, 0), RangeError);
});

t.test('dockLink and stationLink follow the world: bays, undock, station power', async (t) => {
  const world = new World();
  world.docks.addStation('s1', 3);
  const ctl = new EmulatedNet(world.links, 'ctl', world.timeline.clock(), ['port1', 'port2', 'port3']);
  const cam = new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']);
  const stopStation = stationLink(world, ctl, 3);
  const stop = dockLink(world, cam, 'dock0');
  t.equal(world.links.segmentOf('ctl', 'port3'), 'port3', 'controller port up: a station is plugged in');
  t.equal(world.links.segmentOf('ctl', 'port1'), undefined, 'no station on port1');
  t.equal(world.links.segmentOf('cam', 'dock0'), undefined, 'camera not docked');
  const seen: boolean[] = [];
  cam.watchLink('dock0', (i) => seen.push(i.up));
  world.docks.dock('cam', 's1', 5);
  t.equal(world.links.segmentOf('cam', 'dock0'), 'port3');
  t.same(world.links.attached('port3').map((a) => a.host).sort(), ['cam', 'ctl']);
  world.docks.setPower('s1', false);
  t.equal(world.links.segmentOf('cam', 'dock0'), undefined, 'station without power: no link');
  t.equal(world.links.segmentOf('ctl', 'port3'), undefined);
  world.docks.setPower('s1', true);
  world.docks.undock('cam');
  world.docks.dock('cam', 's1', 1);
  stop();
  stopStation();
  world.docks.undock('cam');
  t.equal(world.links.segmentOf('cam', 'dock0'), 'port3', 'no longer followed after stop');
  await tick();
  t.same(seen, [false, true, false, true, false, true]);
  const otherWorld = new World();
  t.throws(() => dockLink(otherWorld, cam, 'dock0'), /not on this world's link medium/);
});

t.test('close(): the host is gone, its peers reset, its id free again', async (t) => {
  const { world, ctl, cam } = pair();
  const { client, accepted } = await connected(ctl, cam);
  const ce = errors(client);
  errors(accepted);
  cam.close();
  cam.close();
  await tick();
  t.match(ce[0], { code: 'ECONNRESET' });
  await t.rejects(cam.interfaces(), { name: 'DeviceGoneError', message: /emulated host cam/ });
  await t.rejects(cam.listen('dock0', 1), { name: 'DeviceGoneError' });
  const reborn = new EmulatedNet(world.links, 'cam', world.timeline.clock(), ['dock0']);
  world.links.attach('cam', 'dock0', 'port1');
  t.equal((await reborn.interface('dock0')).up, true);
});
