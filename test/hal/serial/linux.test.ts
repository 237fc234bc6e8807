import t from 'tap';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxSerial } from '../../../hal/serial/linux.js';
import { listSysfsPorts } from '../../../hal/serial/sysfs-ports.js';
import { DeviceMissingError } from '../../../hal/errors.js';

const addonLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('bindings-cpp'));

t.test('the native addon is loaded only when ports are listed or opened', async (t) => {
  const bus = new LinuxSerial();
  t.notOk(addonLoaded(), 'not loaded by importing and constructing the driver');
  await bus.list();
  t.ok(addonLoaded(), 'loaded by list()');
});

t.test('list works without udev: it returns an array and does not throw', async (t) => {
  const lines: string[] = [];
  const bus = new LinuxSerial({ log: (ns, m) => lines.push(`${ns} ${m}`) });
  const ports = await bus.list();
  t.ok(Array.isArray(ports));
  for (const p of ports) t.match(p.path, /^\/dev\/tty/, `${p.path} is a device node`);
  t.ok(Array.isArray(await bus.list()), 'and again');
  t.comment(`ports here: ${ports.map((p) => p.path).join(', ') || 'none'}; ${lines.join('; ') || 'udev answered'}`);
});

t.test('sysfs listing: ports with a device link, USB ids from the USB device above', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bwc-sysfs-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const usb = join(root, 'devices/pci0000:00/usb1/1-1');
  await mkdir(join(usb, '1-1:1.0/ttyUSB0'), { recursive: true });
  await writeFile(join(usb, 'idVendor'), '1546\n');
  await writeFile(join(usb, 'idProduct'), '01A7\n');
  await writeFile(join(usb, 'manufacturer'), 'u-blox AG\n');
  await writeFile(join(usb, 'serial'), 'GNSS123\n');
  await mkdir(join(root, 'devices/platform/serial8250'), { recursive: true });
  await mkdir(join(root, 'devices/platform/fe201000.serial'), { recursive: true });
  const tty = join(root, 'class/tty');
  for (const n of ['ttyUSB0', 'ttyS1', 'ttyAMA0', 'tty0', 'ptmx']) await mkdir(join(tty, n), { recursive: true });
  await symlink(join(usb, '1-1:1.0/ttyUSB0'), join(tty, 'ttyUSB0/device'));
  await symlink(join(root, 'devices/platform/serial8250'), join(tty, 'ttyS1/device'));
  await writeFile(join(tty, 'ttyS1/type'), '0\n');
  await symlink(join(root, 'devices/platform/fe201000.serial'), join(tty, 'ttyAMA0/device'));

  const expected = [
    { path: '/dev/ttyAMA0' },
    { path: '/dev/ttyUSB0', vendorId: '1546', productId: '01a7', manufacturer: 'u-blox AG', serialNumber: 'GNSS123' },
  ];
  t.same(await listSysfsPorts({ sysClassTty: tty, devDir: '/dev' }), expected, 'virtual terminals and 8250 ports without a UART are left out');
  t.same(await new LinuxSerial({ udev: false, sysClassTty: tty }).list(), expected, 'the driver lists the same with udev off');
  t.same(await listSysfsPorts({ sysClassTty: join(root, 'nothing'), devDir: '/dev' }), [], 'no sysfs: no ports');
});

t.test('open refuses what is not a tty, naming the path and what was expected', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-serial-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'file'), 'x');
  const bus = new LinuxSerial();
  await t.rejects(bus.open(join(dir, 'file'), { baudRate: 9600 }), { code: 'ENOTTY', message: /file is not a serial port \(it is a regular file\); expected a serial tty device/ });
  await t.rejects(bus.open(dir, { baudRate: 9600 }), { code: 'ENOTTY', message: /it is a directory/ });
  await t.rejects(bus.open('/dev/null', { baudRate: 9600 }), { code: 'ENOTTY', message: /\/dev\/null is not a serial port/ });
  await t.rejects(bus.open(join(dir, 'nope/ttyUSB0'), { baudRate: 9600 }), DeviceMissingError);
});
