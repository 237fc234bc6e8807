/**
 * IMU on Linux: an Industrial I/O (IIO) accelerometer (+ gyroscope) read from sysfs
 * (/sys/bus/iio/devices/iio:deviceN: `name`, in_accel_{x,y,z}_raw with in_accel_scale and
 * optional in_accel_offset, in_anglvel_{x,y,z}_raw with in_anglvel_scale), polled with the Clock.
 *
 * Why polling sysfs and not the buffered /dev/iio:deviceN interface: the buffer needs a trigger
 * (the chip's data-ready interrupt, or an hrtimer trigger made through configfs), root to write
 * scan_elements/ *_en, trigger/current_trigger and buffer/enable, and a per-driver binary scan
 * layout (storagebits, shift, endianness, a timestamp channel); not every IIO driver supports it,
 * and Node reads a character device only on a thread-pool thread that blocks. Fall detection
 * needs 50-100 Hz, which sysfs reads give on any IIO driver without privileges (6 small reads a
 * sample). The cost: timestamps are the poll's, not the chip's (jitter of a timer tick), and a
 * poll still reading when the next is due is skipped (counted), never queued.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Timer } from '../clock/contract.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../errors.js';
import type { Imu, ImuSample } from './contract.js';
import { ImuBase } from './imu-base.js';

export const DEFAULT_IIO_ROOT = '/sys/bus/iio/devices';

export interface LinuxIioImuOptions {
  clock: Clock;
  /** The IIO devices directory. Default /sys/bus/iio/devices (tests pass a fake tree). */
  root?: string;
  /**
   * The accelerometer's IIO device name (its `name` file, e.g. `lsm6dsl`, `bmi160`). Default: the
   * first iio:deviceN, by number, that has in_accel_x_raw.
   */
  device?: string;
  /**
   * The gyroscope's IIO device name when it is a separate device (some chips register two).
   * Default: the accelerometer's device, when it has in_anglvel_x_raw; else no gyroscope.
   */
  gyroDevice?: string;
}

/** One axis group (accel or anglvel) of one device: raw file paths and the SI conversion. */
interface Channel {
  dir: string;
  raw: [string, string, string];
  scale: [number, number, number];
  offset: [number, number, number];
}

/** Counters for diagnostics. */
export interface IioStats {
  samples: number;
  /** Polls skipped because the previous one was still reading. */
  skipped: number;
  /** Polls whose values could not be read or parsed (EIO, EAGAIN, garbage). */
  dropped: number;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
const AXES = ['x', 'y', 'z'] as const;

async function readTrim(path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path, 'utf8')).trim();
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function parseNumber(text: string, path: string): number {
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new HalError('EMALFORMED', `${path} says "${text.slice(0, 40)}": expected a decimal number`);
  return v;
}

/** Devices under `root` with their `name`, by device number. */
async function listDevices(root: string): Promise<{ dir: string; name: string | undefined }[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch (cause) {
    throw new DeviceMissingError('IIO devices directory', root, 'a directory of iio:deviceN entries like /sys/bus/iio/devices', { cause });
  }
  const devs = entries.filter((n) => /^iio:device\d+$/.test(n)).sort((a, b) => Number(a.slice(10)) - Number(b.slice(10)));
  const out: { dir: string; name: string | undefined }[] = [];
  for (const d of devs) {
    const dir = join(root, d);
    out.push({ dir, name: await readTrim(join(dir, 'name')).catch(() => undefined) });
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(() => true, () => false);
}

/** Read the conversion of `kind` (accel, anglvel) in `dir`: per-axis scale/offset, else shared. */
async function openChannel(dir: string, kind: string): Promise<Channel> {
  const raw = AXES.map((a) => join(dir, `in_${kind}_${a}_raw`)) as [string, string, string];
  for (const p of raw) {
    if (!(await exists(p))) throw new DeviceMissingError(`IIO ${kind} channel`, p, `a readable ${p.slice(dir.length + 1)} file in ${dir}`);
  }
  const conv = async (what: 'scale' | 'offset', fallback: number | undefined) => {
    const out: number[] = [];
    for (const a of AXES) {
      const per = join(dir, `in_${kind}_${a}_${what}`);
      const shared = join(dir, `in_${kind}_${what}`);
      const text = (await readTrim(per)) ?? (await readTrim(shared));
      if (text === undefined) {
        if (fallback === undefined) throw new DeviceMissingError(`IIO ${kind} ${what}`, shared, `in_${kind}_${what} or in_${kind}_${a}_${what} in ${dir}`);
        out.push(fallback);
      } else {
        out.push(parseNumber(text, (await exists(per)) ? per : shared));
      }
    }
    return out as [number, number, number];
  };
  return { dir, raw, scale: await conv('scale', undefined), offset: await conv('offset', 0) };
}

export class LinuxIioImu extends ImuBase implements Imu {
  readonly name: string;
  readonly hasGyroscope: boolean;
  private readonly clock: Clock;
  private readonly accel: Channel;
  private readonly gyro: Channel | undefined;
  private timer: Timer | undefined;
  private busy = false;
  private inFlight = new Set<Promise<void>>();
  private counts: IioStats = { samples: 0, skipped: 0, dropped: 0 };

  /** Use `open()`, which finds the device and reads its scales first. */
  constructor(options: { clock: Clock; name: string; accel: Channel; gyro: Channel | undefined }) {
    super();
    this.clock = options.clock;
    this.name = options.name;
    this.accel = options.accel;
    this.gyro = options.gyro;
    this.hasGyroscope = options.gyro !== undefined;
  }

  /**
   * Find the device by name under the root and read its scales. Rejects with DeviceMissingError
   * naming the path and what was expected when the device or a channel file is not there, and
   * HalError EMALFORMED for a scale that is not a number.
   */
  static async open(options: LinuxIioImuOptions): Promise<LinuxIioImu> {
    const root = options.root ?? DEFAULT_IIO_ROOT;
    const devices = await listDevices(root);
    const found = devices.map((d) => `${d.dir.slice(root.length + 1)}=${d.name ?? '?'}`).join(', ') || 'none';
    let accelDev: { dir: string; name: string | undefined } | undefined;
    if (options.device !== undefined) {
      accelDev = devices.find((d) => d.name === options.device);
      if (!accelDev) throw new DeviceMissingError(`IIO device "${options.device}"`, root, `an iio:deviceN directory whose name file says ${options.device} (found: ${found})`);
    } else {
      for (const d of devices) if (!accelDev && (await exists(join(d.dir, 'in_accel_x_raw')))) accelDev = d;
      if (!accelDev) throw new DeviceMissingError('IIO accelerometer', root, `an iio:deviceN directory with in_accel_x_raw (found: ${found})`);
    }
    const accel = await openChannel(accelDev.dir, 'accel');
    let gyro: Channel | undefined;
    if (options.gyroDevice !== undefined) {
      const g = devices.find((d) => d.name === options.gyroDevice);
      if (!g) throw new DeviceMissingError(`IIO device "${options.gyroDevice}"`, root, `an iio:deviceN directory whose name file says ${options.gyroDevice} (found: ${found})`);
      gyro = await openChannel(g.dir, 'anglvel');
    } else if (await exists(join(accelDev.dir, 'in_anglvel_x_raw'))) {
      gyro = await openChannel(accelDev.dir, 'anglvel');
    }
    const label = `${accelDev.dir.slice(root.length + 1)} (${accelDev.name ?? 'unnamed'})`;
    return new LinuxIioImu({ clock: options.clock, name: `iio ${label}`, accel, gyro });
  }

  stats(): IioStats { return { ...this.counts }; }

  /** Resolves when every poll started so far has finished (tests step virtual time with it). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  protected begin(rateHz: number): void {
    this.timer?.cancel();
    this.timer = this.clock.setInterval(() => this.poll(), 1000 / rateHz);
  }

  protected halt(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private poll(): void {
    if (this.busy) { this.counts.skipped++; return; }
    this.busy = true;
    const timeMs = this.clock.monotonic();
    const p = this.read(timeMs).then(
      (sample) => {
        if (!this.running || this.ended) return;
        this.counts.samples++;
        this.deliver([sample]);
      },
      (e: unknown) => this.failed(e),
    ).finally(() => { this.busy = false; this.inFlight.delete(p); });
    this.inFlight.add(p);
  }

  private async failed(e: unknown): Promise<void> {
    if (this.ended) return;
    const code = errno(e);
    const gone = code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO';
    if (gone || !(await exists(this.accel.dir)) || (this.gyro && !(await exists(this.gyro.dir)))) {
      const dir = (this.gyro && !(await exists(this.gyro.dir))) ? this.gyro.dir : this.accel.dir;
      this.end(new DeviceGoneError('IIO IMU', dir, { cause: e }));
      return;
    }
    this.counts.dropped++;
  }

  private async read(timeMs: number): Promise<ImuSample> {
    const a = await readAxes(this.accel);
    const g = this.gyro ? await readAxes(this.gyro) : [NaN, NaN, NaN];
    return { timeMs, ax: a[0]!, ay: a[1]!, az: a[2]!, gx: g[0]!, gy: g[1]!, gz: g[2]! };
  }
}

async function readAxes(c: Channel): Promise<number[]> {
  const texts = await Promise.all(c.raw.map((p) => fs.readFile(p, 'utf8')));
  return texts.map((t, i) => (parseNumber(t.trim(), c.raw[i]!) + c.offset[i]!) * c.scale[i]!);
}
