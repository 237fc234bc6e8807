/**
 * Net contract suite: every Net implementation must pass it. The harness builds one fixed
 * topology: a controller `ctl` with interfaces `port1` and `port2`; cameras `a` and `b` docked
 * in the station on port 1 and camera `c` in the station on port 2, each with interface `dock0`.
 */
import type { Test } from 'tap';
import type { NetInterface } from '../../../hal/net/contract.js';
import type { DrainResult, PumpResult, StreamFate, StreamInfo, WireDatagram } from './agent.js';

export type HostName = 'ctl' | 'a' | 'b' | 'c';
export type CameraName = 'a' | 'b' | 'c';

/** One host of the topology: runs agent actions (see agent.ts) on its Net. */
export interface NetHost {
  call<T = unknown>(action: string, args?: Record<string, unknown>): Promise<T>;
}

export interface NetHarness {
  host(name: HostName): NetHost;
  /** Undock (false) or re-dock (true) a camera: its dock0 loses or regains carrier. */
  setLink(camera: CameraName, up: boolean): Promise<void>;
  close(): Promise<void>;
}

const GROUP = 'ff02::1:b0c';
const MB = 1024 * 1024;
/** How long to wait before deciding that something did not arrive. */
const QUIET_MS = 200;

export function netContract(t: Test, name: string, make: () => Promise<NetHarness>): void {
  t.test(`${name}: net contract`, async (t) => {
    const h = await make();
    t.teardown(() => h.close());
    const ctl = h.host('ctl'), a = h.host('a'), b = h.host('b'), c = h.host('c');
    const ll = async (host: NetHost, ifname: string) => (await host.call<NetInterface>('interface', { name: ifname })).linkLocal!;

    t.test('interfaces() lists each interface with index, link state, MAC and link-local address', async (t) => {
      const list = await ctl.call<NetInterface[]>('interfaces');
      for (const port of ['port1', 'port2']) {
        const i = list.find((x) => x.name === port);
        if (!t.ok(i, `${port} is listed among ${list.map((x) => x.name).join(', ')}`) || !i) continue;
        t.ok(Number.isInteger(i.index) && i.index > 0, `${port} has index ${i.index}`);
        t.equal(i.up, true, `${port} is up`);
        t.match(i.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, `${port} has a MAC`);
        t.match(i.linkLocal, /^fe80:/, `${port} has a link-local address`);
        t.notOk(i.linkLocal!.includes('%'), 'the address carries no scope of its own');
        t.same(await ctl.call('interface', { name: port }), i, `interface('${port}') agrees with interfaces()`);
      }
      const p1 = list.find((x) => x.name === 'port1'), p2 = list.find((x) => x.name === 'port2');
      t.not(p1?.index, p2?.index, 'indexes differ');
      t.ok(list.every((x, k) => k === 0 || list[k - 1]!.index < x.index), 'listed by index');
      const cam = await a.call<NetInterface[]>('interfaces');
      t.ok(cam.some((x) => x.name === 'dock0' && x.up && x.linkLocal?.startsWith('fe80:')), 'a camera lists dock0, up, with a link-local address');
      t.not(await ll(a, 'dock0'), await ll(b, 'dock0'), 'cameras have distinct addresses');
    });

    t.test('a missing interface is a DeviceMissingError naming it', async (t) => {
      const missing = { name: 'DeviceMissingError', code: 'ENODEV', message: /port9/ };
      await t.rejects(ctl.call('interface', { name: 'port9' }), missing);
      await t.rejects(ctl.call('join', { name: 'port9', group: GROUP, port: 47001 }), missing);
      await t.rejects(ctl.call('listen', { name: 'port9', port: 47001 }), missing);
      await t.rejects(ctl.call('connect', { to: { address: 'fe80::1', port: 47001, scope: 'port9' } }), missing);
      const list = await ctl.call<NetInterface[]>('interfaces');
      t.notOk(list.some((i) => i.name === 'port9'), 'interfaces() does not invent it');
      const w = await ctl.call<string>('watch', { name: 'port9' });
      const events = await ctl.call<NetInterface[]>('events', { watch: w, count: 1 });
      t.match(events[0], { name: 'port9', index: 0, up: false, mac: '00:00:00:00:00:00' }, 'watchLink reports it down');
      t.equal(events[0]?.linkLocal, undefined, 'without an address');
      await ctl.call('unwatch', { watch: w });
    });

    t.test('bad arguments are rejected naming what was expected', async (t) => {
      await t.rejects(ctl.call('join', { name: 'port1', group: 'ff05::1', port: 47002 }), { name: 'TypeError', message: /link-local multicast/ });
      await t.rejects(ctl.call('join', { name: 'port1', group: GROUP, port: 70000 }), { name: 'RangeError', message: /port must be/ });
      await t.rejects(ctl.call('connect', { to: { address: 'not-an-address', port: 1, scope: 'port1' } }), { name: 'TypeError', message: /IPv6 address/ });
      await t.rejects(ctl.call('connect', { to: { address: 'fe80::1', port: 0, scope: 'port1' } }), { name: 'TypeError', message: /port must be/ });
      const { port } = await a.call<{ port: number }>('listen', { name: 'dock0', port: 0 });
      t.ok(port > 0, `port 0 picked ${port}`);
      await t.rejects(a.call('listen', { name: 'dock0', port }), { code: 'EADDRINUSE', message: new RegExp(String(port)) });
    });

    t.test('multicast on port1 reaches both cameras there and nothing else', async (t) => {
      const P = 47010;
      const s1 = await ctl.call<{ socket: string; port: number }>('join', { name: 'port1', group: GROUP, port: P });
      const s2 = await ctl.call<{ socket: string }>('join', { name: 'port2', group: GROUP, port: P });
      t.equal(s1.port, P);
      const sa = await a.call<{ socket: string }>('join', { name: 'dock0', group: GROUP, port: P });
      const sb = await b.call<{ socket: string }>('join', { name: 'dock0', group: GROUP, port: P });
      const sc = await c.call<{ socket: string }>('join', { name: 'dock0', group: GROUP, port: P });
      const ctlAddr = await ll(ctl, 'port1');

      await ctl.call('send', { socket: s1.socket, text: 'solicit 1' });
      for (const [cam, s] of [[a, sa], [b, sb]] as const) {
        const got = await cam.call<WireDatagram[]>('inbox', { socket: s.socket, count: 1 });
        t.same(got.map((d) => d.text), ['solicit 1']);
        t.same(got[0]?.from, { address: ctlAddr, port: P, scope: 'dock0' }, 'from the controller, scoped to the camera interface');
      }
      t.same(await c.call('inbox', { socket: sc.socket, count: 1, timeoutMs: QUIET_MS }), [], 'a camera on port2 hears nothing');
      t.same(await ctl.call('inbox', { socket: s1.socket, count: 1, timeoutMs: QUIET_MS }), [], 'no own datagram looped back');
      t.same(await ctl.call('inbox', { socket: s2.socket, count: 1, timeoutMs: QUIET_MS }), [], 'port2 socket of the same host hears nothing');

      // A camera's beacon to the group: the controller sees it on port1 only, b hears it too.
      await a.call('send', { socket: sa.socket, text: 'beacon a' });
      const heard = await ctl.call<WireDatagram[]>('inbox', { socket: s1.socket, count: 1 });
      t.same(heard.map((d) => d.text), ['beacon a']);
      t.same(heard[0]?.from, { address: await ll(a, 'dock0'), port: P, scope: 'port1' }, 'beacon from a, scope port1');
      t.same((await b.call<WireDatagram[]>('inbox', { socket: sb.socket, count: 1 })).map((d) => d.text), ['beacon a']);
      t.same(await ctl.call('inbox', { socket: s2.socket, count: 1, timeoutMs: QUIET_MS }), [], 'not on port2');

      await c.call('send', { socket: sc.socket, text: 'beacon c' });
      const on2 = await ctl.call<WireDatagram[]>('inbox', { socket: s2.socket, count: 1 });
      t.same(on2.map((d) => [d.text, d.from.scope]), [['beacon c', 'port2']], 'camera c is heard on port2');
      t.same(await ctl.call('inbox', { socket: s1.socket, count: 1, timeoutMs: QUIET_MS }), [], 'and not on port1');

      for (const [host, s] of [[ctl, s1], [ctl, s2], [a, sa], [b, sb], [c, sc]] as const) await host.call('closeSocket', { socket: s.socket });
    });

    t.test('solicitation answered by unicast beacons: enumeration in one round trip', async (t) => {
      const P = 47020;
      const s1 = await ctl.call<{ socket: string }>('join', { name: 'port1', group: GROUP, port: P });
      for (const cam of [a, b, c]) {
        const s = await cam.call<{ socket: string }>('join', { name: 'dock0', group: GROUP, port: P });
        await cam.call('answer', { socket: s.socket, reply: 'beacon' });
      }
      const r = await ctl.call<{ replies: WireDatagram[] }>('solicit', { socket: s1.socket, count: 2 });
      const from = r.replies.filter((d) => d.text === 'beacon').map((d) => d.from);
      t.same(new Set(from.map((f) => f.address)), new Set([await ll(a, 'dock0'), await ll(b, 'dock0')]), 'a and b answer, c does not');
      t.ok(from.every((f) => f.scope === 'port1' && f.port === P), 'answers come to port1 from the cameras\' port');
      t.same(await ctl.call('inbox', { socket: s1.socket, count: 1, timeoutMs: QUIET_MS }), [], 'nothing more arrives');
      await t.rejects(ctl.call('send', { socket: s1.socket, text: 'x', to: { address: 'fe80::1', port: P, scope: 'port2' } }), { code: 'EINVAL', message: /expected scope port1/ });
    });

    t.test('TCP to a scoped link-local address carries megabytes both ways with backpressure', async (t) => {
      const aAddr = await ll(a, 'dock0'), ctlAddr = await ll(ctl, 'port1');
      const srv = await a.call<{ server: string; port: number }>('listen', { name: 'dock0', port: 47030 });
      t.equal(srv.port, 47030);
      const out = await ctl.call<StreamInfo>('connect', { to: { address: aAddr, port: srv.port, scope: 'port1' } });
      t.same(out.peer, { address: aAddr, port: srv.port, scope: 'port1' }, 'controller sees the camera through port1');
      const inn = await a.call<StreamInfo>('accepted', { server: srv.server });
      t.equal(inn.peer.address, ctlAddr, 'camera sees the controller port1 address');
      t.equal(inn.peer.scope, 'dock0');
      t.ok(inn.peer.port > 0);

      // Camera holds off reading: the controller's writes must report backpressure.
      const [sent, got] = await Promise.all([
        ctl.call<PumpResult>('pump', { stream: out.stream, bytes: 4 * MB }),
        a.call<DrainResult>('drain', { stream: inn.stream, holdMs: 300 }),
      ]);
      t.equal(got.bytes, 4 * MB, 'every byte arrived');
      t.equal(got.sha256, sent.sha256, 'in order, unchanged');
      t.ok(sent.blocked > 0, `write() returned false ${sent.blocked} times while the reader held off`);

      // And the other way: camera connects to the controller.
      const csrv = await ctl.call<{ server: string; port: number }>('listen', { name: 'port1', port: 0 });
      const up = await a.call<StreamInfo>('connect', { to: { address: ctlAddr, port: csrv.port, scope: 'dock0' } });
      t.equal(up.peer.scope, 'dock0');
      const acc = await ctl.call<StreamInfo>('accepted', { server: csrv.server });
      t.same({ address: acc.peer.address, scope: acc.peer.scope }, { address: aAddr, scope: 'port1' });
      const [sent2, got2] = await Promise.all([
        a.call<PumpResult>('pump', { stream: up.stream, bytes: 3 * MB + 123 }),
        ctl.call<DrainResult>('drain', { stream: acc.stream, holdMs: 300 }),
      ]);
      t.same([got2.bytes, got2.sha256], [sent2.written, sent2.sha256]);
      t.ok(sent2.blocked > 0, 'backpressure camera → controller too');
      await ctl.call('closeServer', { server: csrv.server });
      await a.call('closeServer', { server: srv.server });
    });

    t.test('connect to a port nobody listens on is ECONNREFUSED naming the endpoint', async (t) => {
      const aAddr = await ll(a, 'dock0');
      await t.rejects(ctl.call('connect', { to: { address: aAddr, port: 47041, scope: 'port1' } }), {
        name: 'HalError', code: 'ECONNREFUSED', message: `connect to [${aAddr}%port1]:47041`,
      });
    });

    t.test('a closed server accepts no more, its open streams stay', async (t) => {
      const aAddr = await ll(a, 'dock0');
      const srv = await a.call<{ server: string; port: number }>('listen', { name: 'dock0', port: 47050 });
      const out = await ctl.call<StreamInfo>('connect', { to: { address: aAddr, port: srv.port, scope: 'port1' } });
      const inn = await a.call<StreamInfo>('accepted', { server: srv.server });
      await a.call('closeServer', { server: srv.server });
      await a.call('closeServer', { server: srv.server });
      await t.rejects(ctl.call('connect', { to: { address: aAddr, port: srv.port, scope: 'port1' } }), { code: 'ECONNREFUSED' });
      await ctl.call('write', { stream: out.stream, text: 'still here' });
      t.equal(await a.call('read', { stream: inn.stream, length: 10 }), 'still here');
      await ctl.call('destroy', { stream: out.stream });
      const fate = await a.call<StreamFate>('fate', { stream: inn.stream });
      t.ok(fate.closed, 'the peer closing ends the stream');
    });

    t.test('undock: watchLink sees the link go down, streams over it reset, re-dock works', async (t) => {
      const w = await a.call<string>('watch', { name: 'dock0' });
      const first = await a.call<NetInterface[]>('events', { watch: w, count: 1 });
      t.same(first.map((i) => [i.name, i.up]), [['dock0', true]], 'reported once at once, up');
      const aAddr = await ll(a, 'dock0');
      const srv = await a.call<{ server: string; port: number }>('listen', { name: 'dock0', port: 47060 });
      await ctl.call<StreamInfo>('connect', { to: { address: aAddr, port: srv.port, scope: 'port1' } });
      const inn = await a.call<StreamInfo>('accepted', { server: srv.server });

      await h.setLink('a', false);
      const down = await a.call<NetInterface[]>('events', { watch: w, count: 2 });
      t.same(down.slice(1).map((i) => i.up), [false], 'then down');
      t.equal(down[1]?.linkLocal, aAddr, 'the link-local address stays while undocked');
      const fate = await a.call<StreamFate>('fate', { stream: inn.stream });
      t.ok(fate.closed, 'the camera stream is destroyed');
      t.match(fate.error, { code: 'ECONNRESET', message: /dock0/ }, 'with ECONNRESET naming the link');
      t.equal((await a.call<NetInterface>('interface', { name: 'dock0' })).up, false);
      await t.rejects(a.call('connect', { to: { address: await ll(ctl, 'port1'), port: 47061, scope: 'dock0' } }), { code: 'ENETUNREACH', message: /dock0/ });

      await h.setLink('a', true);
      const again = await a.call<NetInterface[]>('events', { watch: w, count: 3 });
      t.same(again.slice(2).map((i) => i.up), [true], 'and up again');
      await a.call('unwatch', { watch: w });
      const re = await ctl.call<StreamInfo>('connect', { to: { address: aAddr, port: srv.port, scope: 'port1' } });
      t.equal(re.peer.address, aAddr, 'the same listener answers after re-dock');
      await ctl.call('destroy', { stream: re.stream });
      await a.call('closeServer', { server: srv.server });
    });
  });
}
