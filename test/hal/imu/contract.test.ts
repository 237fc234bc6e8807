/** Both IMU drivers held to one contract: the IIO driver on a fake sysfs tree, the emulated one in virtual time. */
import t from 'tap';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Timeline } from '../../../hal/clock/emulated.js';
import { LinuxIioImu } from '../../../hal/imu/linux-iio.js';
import { EmulatedImu } from '../../../hal/imu/emulated.js';
import { imuContract, type ImuHarness } from './suite.js';
import { passWithIo } from '../step-with-io.js';

imuContract(t, 'linux iio', async (): Promise<ImuHarness> => {
  const root = await mkdtemp(join(tmpdir(), 'bwc-iio-'));
  const dir = join(root, 'iio:device0');
  await mkdir(dir);
  const files: Record<string, string> = {
    name: 'bmi160', in_accel_x_raw: '0', in_accel_y_raw: '0', in_accel_z_raw: '0', in_accel_scale: '0.000598550',
    in_anglvel_x_raw: '0', in_anglvel_y_raw: '0', in_anglvel_z_raw: '0', in_anglvel_scale: '0.001065264',
  };
  for (const [f, v] of Object.entries(files)) await writeFile(join(dir, f), `${v}\n`);
  const timeline = new Timeline();
  const imu = await LinuxIioImu.open({ clock: timeline.clock(), root, device: 'bmi160' });
  return {
    imu,
    pass: (ms) => passWithIo(timeline, ms, () => imu.settled()),
    upright: () => writeFile(join(dir, 'in_accel_y_raw'), `${Math.round(9.80665 / 0.00059855)}\n`),
    vanish: () => rm(dir, { recursive: true }),
    cleanup: async () => { await imu.close(); await rm(root, { recursive: true, force: true }); },
  };
});

imuContract(t, 'emulated', async (): Promise<ImuHarness> => {
  const timeline = new Timeline();
  const imu = new EmulatedImu({ clock: timeline.clock(), seed: 5, baseline: { activity: 'resting', up: [0, 1, 0] } });
  return {
    imu,
    pass: (ms) => timeline.advance(ms),
    upright: async () => imu.setBaseline({ activity: 'resting', up: [0, 1, 0] }),
    vanish: async () => imu.vanish(),
    cleanup: () => imu.close(),
  };
});
