/** LinuxNet against a fake sysfs tree and address table (no root needed), plus loopback TCP. */
import t, { type Test } from 'tap';
import net from 'node:net';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LinuxNet } from '../../../hal/net/linux.js';
import { parseInet6 } from '../../../hal/net/sysfs.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import type { NetInterface } from '../../../hal/net/contract.js';

const clock = new SystemClock();

function fakeHost(t: Test) {
  const dir = t.testdir({});
  const sys = join(dir, 'class-net');
  const inet6 = join(dir, 'if_inet6');
  const iface = (name: string, f: { ifindex: number; address: string; operstate: string; carrier?: string }) => {
    mkdirSync(join(sys, name), { recursive: true });
    writeFileSync(join(sys, name, 'ifindex'), `${f.ifindex}\n`);
    writeFileSync(join(sys, name, 'address'), `${f.address}\n`);
    writeFileSync(join(sys, name, 'operstate'), `${f.operstate}\n`);
    if (f.carrier === undefined) rmSync(join(sys, name, 'carrier'), { force: true }); // reads fail (EINVAL) when admin down
    else writeFileSync(join(sys, name, 'carrier'), `${f.carrier}\n`);
  };
  iface('lo', { ifindex: 1, address: '00:00:00:00:00:00', operstate: 'unknown', carrier: '1' });
  iface('port1', { ifindex: 5, address: '6E:09:C6:55:C2:2C', operstate: 'up', carrier: '1' });
  iface('port2', { ifindex: 6, address: '6e:09:c6:55:c2:2d', operstate: 'lowerlayerdown', carrier: '0' });
  iface('port3', { ifindex: 7, address: '6e:09:c6:55:c2:2e', operstate: 'down' });
  writeFileSync(inet6, [
    '00000000000000000000000000000001 01 80 10 80       lo',
    '20010db8000000000000000000000005 05 40 00 00    port1', // global: not link-local
    'fe800000000000006c09c6fffe55c22c 05 40 20 80    port1',
    'fe800000000000006c09c6fffe55c22d 06 40 20 c0    port2', // tentative: DAD running
    '',
  ].join('\n'));
  const net = new LinuxNet({ clock, sysfsRoot: sys, inet6Path: inet6, linkPollMs: 20 });
  return { net, sys, inet6, iface };
}

t.test('parseInet6 reads the kernel table', async (t) => {
  t.same(parseInet6('fe800000000000006c09c6fffe55c22c 05 40 20 80    port1\njunk\n'), [
    { address: 'fe80::6c09:c6ff:fe55:c22c', index: 5, scope: 0x20, flags: 0x80, name: 'port1' },
  ]);
});

t.test('interfaces come from sysfs; link-local only once DAD is done; up needs carrier', async (t) => {
  const { net } = fakeHost(t);
  const list = await net.interfaces();
  t.same(list.map((i) => i.name), ['lo', 'port1', 'port2', 'port3'], 'by index');
  t.same(list[1], { name: 'port1', index: 5, up: true, linkLocal: 'fe80::6c09:c6ff:fe55:c22c', mac: '6e:09:c6:55:c2:2c' });
  t.same([list[2]?.up, list[2]?.linkLocal], [false, undefined], 'no carrier; tentative address not offered');
  t.same([list[3]?.up, list[3]?.linkLocal], [false, undefined], 'administratively down (carrier unreadable)');
  t.equal(list[0]?.up, true, 'operstate unknown with carrier counts as up');
  t.same(await net.interface('port1'), list[1]);
});

t.test('missing and down interfaces are refused with errors that name them', async (t) => {
  const { net } = fakeHost(t);
  await t.rejects(net.interface('port9'), { name: 'DeviceMissingError', message: /"port9".*one of: lo, port1, port2, port3/ });
  await t.rejects(net.interface('../etc'), { name: 'DeviceMissingError' });
  await t.rejects(net.joinMulticast('port2', 'ff02::1:b0c', 0), { code: 'EADDRNOTAVAIL', message: /port2.*DAD/ });
  await t.rejects(net.listen('port3', 0), { code: 'EADDRNOTAVAIL' });
  await t.rejects(net.connect({ address: 'fe80::1', port: 80, scope: 'port2' }), { code: 'ENETUNREACH', message: /\[fe80::1%port2\]:80: link port2 is down/ });
  await t.rejects(net.connect({ address: 'fe80::1%port1', port: 80, scope: 'port1' }), TypeError);
  await t.rejects(net.joinMulticast('port1', 'ff02::1:b0c', -1), RangeError);
  t.throws(() => new LinuxNet({ clock, linkPollMs: 0 }), /linkPollMs must be a finite number > 0, got 0/);
});

t.test('watchLink polls sysfs: reports now, then changes only, then stops', async (t) => {
  const { net, iface, sys } = fakeHost(t);
  const seen: NetInterface[] = [];
  const stop = net.watchLink('port2', (i) => seen.push(i));
  t.equal(seen.length, 0, 'not synchronously');
  const until = async (n: number) => { for (let k = 0; k < 200 && seen.length < n; k++) await clock.sleep(5); };
  await until(1);
  t.same(seen.map((i) => i.up), [false], 'once at once');
  await clock.sleep(80);
  t.equal(seen.length, 1, 'no report without a change');
  iface('port2', { ifindex: 6, address: '6e:09:c6:55:c2:2d', operstate: 'up', carrier: '1' });
  await until(2);
  t.same(seen.map((i) => i.up), [false, true], 'carrier came');
  rmSync(join(sys, 'port2'), { recursive: true });
  await until(3);
  t.same(seen[2], { name: 'port2', index: 0, up: false, linkLocal: undefined, mac: '00:00:00:00:00:00' }, 'interface removed: reported down');
  stop();
  stop();
  iface('port2', { ifindex: 8, address: '6e:09:c6:55:c2:2d', operstate: 'up', carrier: '1' });
  await clock.sleep(80);
  t.equal(seen.length, 3, 'nothing after stop');
});

const server = net.createServer((s) => s.end('hello'));
const loopback6 = await new Promise<boolean>((resolve) => {
  server.once('error', () => resolve(false));
  server.listen({ host: '::1', port: 0 }, () => resolve(true));
});
t.teardown(() => { if (loopback6) server.close(); });

t.test('connect over loopback: a Stream with its peer; ECONNREFUSED names the endpoint', { skip: loopback6 && existsSync('/sys/class/net/lo') ? false : 'needs IPv6 on loopback (::1) and sysfs' }, async (t) => {
  const real = new LinuxNet({ clock });
  const port = (server.address() as net.AddressInfo).port;
  const s = await real.connect({ address: '0:0::1', port, scope: 'lo' });
  t.same(s.peer, { address: '::1', port, scope: 'lo' }, 'peer in canonical form with its scope');
  let text = '';
  for await (const d of s) text += d;
  t.equal(text, 'hello');
  const closed = await new Promise<number>((r) => { const probe = net.createServer(); probe.listen({ host: '::1', port: 0 }, () => { const p = (probe.address() as net.AddressInfo).port; probe.close(() => r(p)); }); });
  await t.rejects(real.connect({ address: '::1', port: closed, scope: 'lo' }), {
    name: 'HalError', code: 'ECONNREFUSED', message: `connect to [::1%lo]:${closed}: ::1 answered but nobody listens on port ${closed}`,
  });
  await t.rejects(real.connect({ address: '::1', port, scope: 'nosuch0' }), { name: 'DeviceMissingError', message: /nosuch0/ });
});
