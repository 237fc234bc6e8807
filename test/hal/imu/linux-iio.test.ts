/** The IIO sysfs IMU driver on a fake tree in a temp dir: finding by name, scale and offset, polling, vanishing. */
import t from 'tap';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Timeline } from '../../../hal/clock/emulated.js';
import { LinuxIioImu } from '../../../hal/imu/linux-iio.js';
import type { ImuSample } from '../../../hal/imu/contract.js';
import { DeviceGoneError, DeviceMissingError, type HalError } from '../../../hal/errors.js';
import { passWithIo } from '../step-with-io.js';

async function device(root: string, n: number, files: Record<string, string>): Promise<string> {
  const dir = join(root, `iio:device${n}`);
  await mkdir(dir, { recursive: true });
  for (const [f, v] of Object.entries(files)) await writeFile(join(dir, f), `${v}\n`);
  return dir;
}

const ACCEL = { in_accel_x_raw: '100', in_accel_y_raw: '16384', in_accel_z_raw: '-50', in_accel_scale: '0.000598550' };
const GYRO = { in_anglvel_x_raw: '10', in_anglvel_y_raw: '0', in_anglvel_z_raw: '-20', in_anglvel_scale: '0.001221730' };

async function tree(t: { teardown(fn: () => unknown): void }) {
  const root = await mkdtemp(join(tmpdir(), 'bwc-iio-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await device(root, 0, { name: 'cros-ec-light' });
  const imuDir = await device(root, 1, { name: 'lsm6dsl', ...ACCEL, ...GYRO, in_accel_offset: '0' });
  return { root, imuDir };
}

t.test('finds the device by name, converts raw values with scale and offset, polls at the rate', async (t) => {
  const { root, imuDir } = await tree(t);
  const timeline = new Timeline();
  const imu = await LinuxIioImu.open({ clock: timeline.clock(), root, device: 'lsm6dsl' });
  t.equal(imu.name, 'iio iio:device1 (lsm6dsl)');
  t.ok(imu.hasGyroscope);
  const got: ImuSample[] = [];
  imu.onSamples((b) => got.push(...b));
  await imu.start(50);
  t.equal(imu.rateHz, 50);
  await passWithIo(timeline, 1000, () => imu.settled());
  t.equal(got.length, 50, '50 samples in a second at 50 Hz');
  const s = got[0]!;
  t.equal(s.timeMs, 20, 'timestamped with the Clock at the poll');
  t.ok(Math.abs(s.ax - 100 * 0.00059855) < 1e-9 && Math.abs(s.ay - 16384 * 0.00059855) < 1e-9 && Math.abs(s.az + 50 * 0.00059855) < 1e-9, 'accel = (raw + offset) * scale, m/s^2');
  t.ok(Math.abs(s.gx - 10 * 0.00122173) < 1e-9 && s.gy === 0 && Math.abs(s.gz + 20 * 0.00122173) < 1e-9, 'angular rate in rad/s');
  // The kernel's value changes: the next polls read it.
  await writeFile(join(imuDir, 'in_accel_x_raw'), '-200\n');
  await passWithIo(timeline, 100, () => imu.settled());
  t.ok(Math.abs(got.at(-1)!.ax + 200 * 0.00059855) < 1e-9, 'new raw value read');
  await imu.stop();
  const n = got.length;
  await passWithIo(timeline, 500, () => imu.settled());
  t.equal(got.length, n, 'nothing after stop');
  t.same(imu.stats(), { samples: n, skipped: 0, dropped: 0 });
  await imu.close();
});

t.test('per-axis scale and offset; accel-only device; gyroscope on a separate device', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bwc-iio-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await device(root, 0, { name: 'acc', in_accel_x_raw: '10', in_accel_y_raw: '20', in_accel_z_raw: '30', in_accel_x_scale: '0.5', in_accel_y_scale: '0.25', in_accel_z_scale: '2', in_accel_z_offset: '-5' });
  await device(root, 1, { name: 'gyr', ...GYRO });
  const timeline = new Timeline();
  const accOnly = await LinuxIioImu.open({ clock: timeline.clock(), root });
  t.equal(accOnly.hasGyroscope, false, 'default: the first device with an accelerometer; no anglvel there');
  const got: ImuSample[] = [];
  accOnly.onSamples((b) => got.push(...b));
  await accOnly.start(10);
  await passWithIo(timeline, 100, () => accOnly.settled());
  t.same([got[0]!.ax, got[0]!.ay, got[0]!.az], [5, 5, 50], 'per-axis scale, per-axis offset');
  t.ok(Number.isNaN(got[0]!.gx) && Number.isNaN(got[0]!.gy) && Number.isNaN(got[0]!.gz), 'no gyroscope: NaN rates');
  await accOnly.close();

  const both = await LinuxIioImu.open({ clock: timeline.clock(), root, device: 'acc', gyroDevice: 'gyr' });
  t.ok(both.hasGyroscope);
  const got2: ImuSample[] = [];
  both.onSamples((b) => got2.push(...b));
  await both.start(10);
  await passWithIo(timeline, 100, () => both.settled());
  t.ok(Math.abs(got2[0]!.gz + 20 * 0.00122173) < 1e-9, 'rates from the gyroscope device');
  await both.close();
});

t.test('a missing device or channel is a DeviceMissingError naming the path and what was expected', async (t) => {
  const { root } = await tree(t);
  const clock = new Timeline().clock();
  await t.rejects(LinuxIioImu.open({ clock, root, device: 'bmi160' }), {
    name: 'DeviceMissingError',
    message: `IIO device "bmi160" not found at ${root}: expected an iio:deviceN directory whose name file says bmi160 (found: iio:device0=cros-ec-light, iio:device1=lsm6dsl)`,
  });
  await t.rejects(LinuxIioImu.open({ clock, root: join(root, 'nope') }), DeviceMissingError);
  await t.rejects(LinuxIioImu.open({ clock, root, device: 'cros-ec-light' }), { message: /in_accel_x_raw/ }, 'a device without accel channels');
  await device(root, 2, { name: 'noscale', in_accel_x_raw: '1', in_accel_y_raw: '1', in_accel_z_raw: '1' });
  await t.rejects(LinuxIioImu.open({ clock, root, device: 'noscale' }), { message: /in_accel_scale or in_accel_x_scale/ });
  await device(root, 3, { name: 'badscale', in_accel_x_raw: '1', in_accel_y_raw: '1', in_accel_z_raw: '1', in_accel_scale: 'lots' });
  await t.rejects(LinuxIioImu.open({ clock, root, device: 'badscale' }), { code: 'EMALFORMED', message: /says "lots": expected a decimal number/ });
});

t.test('files that vanish end the IMU with DeviceGoneError, no crash; garbage is dropped and counted', async (t) => {
  const { root, imuDir } = await tree(t);
  const timeline = new Timeline();
  const imu = await LinuxIioImu.open({ clock: timeline.clock(), root, device: 'lsm6dsl' });
  const ends: (HalError | undefined)[] = [];
  imu.onClose((e) => ends.push(e));
  let n = 0;
  imu.onSamples((b) => { n += b.length; });
  await imu.start(100);
  await passWithIo(timeline, 100, () => imu.settled());
  await writeFile(join(imuDir, 'in_accel_y_raw'), 'garbage\n');
  await passWithIo(timeline, 50, () => imu.settled());
  t.equal(imu.stats().dropped, 5, 'unparseable reads dropped and counted');
  t.equal(imu.running, true, 'still running');
  await writeFile(join(imuDir, 'in_accel_y_raw'), '16384\n');
  await passWithIo(timeline, 50, () => imu.settled());
  const before = n;
  t.ok(before >= 14, 'samples again');
  await rm(imuDir, { recursive: true });
  await passWithIo(timeline, 100, () => imu.settled());
  t.equal(ends.length, 1);
  t.type(ends[0], DeviceGoneError);
  t.match(ends[0]!.message, `IIO IMU at ${imuDir} went away`);
  t.equal(imu.running, false);
  t.equal(n, before, 'nothing delivered after it went away');
  await t.rejects(imu.start(100), { code: 'ECLOSED' });
  const late = await new Promise<HalError | undefined>((resolve) => imu.onClose(resolve));
  t.type(late, DeviceGoneError, 'a listener added after the end hears it too');
});

t.test('rates out of range are a RangeError', async (t) => {
  const { root } = await tree(t);
  const imu = await LinuxIioImu.open({ clock: new Timeline().clock(), root });
  await t.rejects(imu.start(0), RangeError);
  await t.rejects(imu.start(5000), { message: /rate must be 1\.\.1000 Hz, got 5000/ });
  await imu.close();
});
