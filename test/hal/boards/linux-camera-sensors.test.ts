/**
 * The linux-camera board opened with its sensors on stand-in hardware: GNSS on a socat PTY pair,
 * the IMU on an IIO-shaped directory, the radio on lo; a missing sensor fails the open and
 * releases what was already open.
 */
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from '../../../hal/boards/config.js';
import { board } from '../../../hal/boards/linux-camera.js';
import type { CameraHal } from '../../../hal/boards/contract.js';
import type { GnssFix } from '../../../hal/gnss/contract.js';
import type { ImuSample } from '../../../hal/imu/contract.js';
import { farDevice, ptyPair, socatMissing } from '../serial/pty-pair.js';
import { epochLines } from '../gnss/nmea-epoch.js';

const realUntil = async (cond: () => boolean, what: string, ms = 8000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A camera's devices on disk: power_supply and leds directories, an evdev FIFO with a writer, a storage directory. */
async function bench(t: Test): Promise<{ dir: string; base: Record<string, unknown> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-board-sensors-'));
  const power = join(dir, 'power_supply'), leds = join(dir, 'leds'), store = join(dir, 'store'), event = join(dir, 'event0');
  const files: Record<string, Record<string, string>> = {
    [join(power, 'BAT0')]: { type: 'Battery', capacity: '80', status: 'Discharging' },
    [join(power, 'AC')]: { type: 'Mains', online: '0' },
    [join(leds, 'bwc:red:status')]: { brightness: '0', max_brightness: '255', trigger: '[none] timer' },
  };
  for (const [d, fs] of Object.entries(files)) {
    await mkdir(d, { recursive: true });
    for (const [f, v] of Object.entries(fs)) await writeFile(join(d, f), `${v}\n`);
  }
  await mkdir(store);
  execFileSync('mkfifo', [event]);
  // Opening a FIFO for reading blocks until it has a writer (an evdev node never does): be one.
  const writer = await open(event, 'r+');
  t.teardown(async () => { await writer.close(); await rm(dir, { recursive: true, force: true }); });
  return { dir, base: { serial: 'W100-0007', storageDir: store, dockInterface: 'lo', buttons: { device: event }, power: { root: power, pollMs: 50 }, leds: { root: leds } } };
}

async function openBoard(t: Test, config: Record<string, unknown>): Promise<CameraHal> {
  const hal = await board.open(checkConfig(config, board.schema, 'test config'), {});
  t.teardown(() => hal.close());
  return hal;
}

/** An IIO tree with one accelerometer+gyroscope device, as /sys/bus/iio/devices shows it. */
async function iioTree(dir: string): Promise<string> {
  const root = join(dir, 'iio');
  const dev = join(root, 'iio:device0');
  await mkdir(dev, { recursive: true });
  const files = { name: 'lsm6dsl', in_accel_x_raw: '0', in_accel_y_raw: '0', in_accel_z_raw: '16384', in_accel_scale: '0.000598550', in_anglvel_x_raw: '10', in_anglvel_y_raw: '0', in_anglvel_z_raw: '0', in_anglvel_scale: '0.001221730' };
  for (const [f, v] of Object.entries(files)) await writeFile(join(dev, f), `${v}\n`);
  return root;
}

t.test('without sensor settings the board has no gnss, imu or radio', async (t) => {
  const { base } = await bench(t);
  const hal = await openBoard(t, base);
  t.equal(hal.gnss, undefined);
  t.equal(hal.imu, undefined);
  t.equal(hal.radio, undefined);
});

t.test('gnss nmea-serial on a PTY pair: fixes arrive through hal.gnss; close releases the port', { skip: socatMissing }, async (t) => {
  const { base } = await bench(t);
  const pair = await ptyPair();
  const far = await farDevice(pair);
  t.teardown(() => far.close());
  const hal = await openBoard(t, { ...base, gnss: { kind: 'nmea-serial', path: pair.host, baudRate: 9600 } });
  const gnss = hal.gnss!;
  t.ok(gnss, 'the board made a GNSS driver');
  t.equal(gnss.name, `nmea ${pair.host}`);
  const fixes: (GnssFix | null)[] = [];
  gnss.onFix((f) => fixes.push(f));
  await gnss.start();
  const place = { latitude: 59.3293, longitude: 18.0686 };
  // An epoch every 100 ms until one is parsed (the first bytes may race the port opening).
  const end = Date.now() + 8000;
  while (!fixes.some((f) => f !== null)) {
    if (Date.now() > end) throw new Error(`no fix within 8 s; got ${JSON.stringify(fixes)}`);
    await far.send(new TextEncoder().encode(epochLines(place, Date.now())));
    await new Promise((r) => setTimeout(r, 100));
  }
  const fix = fixes.find((f) => f !== null)!;
  t.ok(Math.abs(fix.latitude - place.latitude) < 1e-5 && Math.abs(fix.longitude - place.longitude) < 1e-5, 'the position the receiver sent');
  t.same(gnss.lastFix(), fixes.at(-1));
  await hal.close();
  t.notOk(gnss.running, 'closed with the board');
});

t.test('gnss nmea-serial naming a port that is not there: the open fails naming gnss.path', async (t) => {
  const { dir, base } = await bench(t);
  await t.rejects(board.open(checkConfig({ ...base, gnss: { kind: 'nmea-serial', path: join(dir, 'ttyGNSS9') } }, board.schema, 'test config'), {}),
    { name: 'DeviceMissingError', message: /GNSS receiver serial port not found at .*ttyGNSS9: expected a serial device node \(config gnss\.path\)/ });
});

t.test('gnss gpsd: the board makes a gpsd client for the host and port', async (t) => {
  const { base } = await bench(t);
  const hal = await openBoard(t, { ...base, gnss: { kind: 'gpsd', host: '127.0.0.1', port: 2950 } });
  t.equal(hal.gnss?.name, 'gpsd 127.0.0.1:2950');
  t.equal(hal.gnss?.running, false, 'not connected until the runtime starts it');
});

t.test('imu on an IIO-shaped directory: samples in SI units through hal.imu', async (t) => {
  const { dir, base } = await bench(t);
  const root = await iioTree(dir);
  const hal = await openBoard(t, { ...base, imu: { root, device: 'lsm6dsl' } });
  const imu = hal.imu!;
  t.equal(imu.name, 'iio iio:device0 (lsm6dsl)');
  t.ok(imu.hasGyroscope);
  const got: ImuSample[] = [];
  imu.onSamples((b) => got.push(...b));
  await imu.start(50);
  await realUntil(() => got.length >= 3, 'three samples');
  const s = got[0]!;
  t.ok(Math.abs(s.az - 16384 * 0.00059855) < 1e-9 && s.ax === 0, 'accel in m/s^2 (1 g on z)');
  t.ok(Math.abs(s.gx - 10 * 0.00122173) < 1e-9, 'angular rate in rad/s');
  await hal.close();
  t.notOk(imu.running, 'closed with the board');
});

t.test('imu naming a device the tree does not have: the open fails naming it', async (t) => {
  const { dir, base } = await bench(t);
  const root = await iioTree(dir);
  await t.rejects(board.open(checkConfig({ ...base, imu: { root, device: 'bmi160' } }, board.schema, 'test config'), {}),
    { name: 'DeviceMissingError', message: /IIO device "bmi160" not found .*found: iio:device0=lsm6dsl/ });
});

t.test('radio on lo: the board joins the group on the named interface; close ends it', async (t) => {
  const { base } = await bench(t);
  const hal = await openBoard(t, { ...base, radio: { interface: 'lo', port: 47_899 } });
  const radio = hal.radio!;
  t.equal(radio.name, 'udp radio lo');
  let ended: unknown = 'no';
  radio.onClose((e) => { ended = e; });
  await hal.close();
  t.equal(ended, undefined, 'closed cleanly with the board');
});

t.test('radio on an interface that is not there: the open fails naming it (after GNSS and IMU were opened)', async (t) => {
  const { dir, base } = await bench(t);
  const root = await iioTree(dir);
  await t.rejects(board.open(checkConfig({ ...base, gnss: { kind: 'gpsd' }, imu: { root }, radio: { interface: 'nosuch9' } }, board.schema, 'test config'), {}),
    { name: 'DeviceMissingError', message: /radio interface not found at nosuch9/ });
});
