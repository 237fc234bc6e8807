/**
 * Board: a camera on a Linux single-board computer (sysfs, evdev, a capture command, a data
 * directory), with the sensors its config names: GNSS, IMU, broadcast radio (holster: none yet).
 */
import { stat } from 'node:fs/promises';
import type { Board } from './board.js';
import type { CameraHal } from './contract.js';
import type { Schema } from './config.js';
import { identitySchema } from './schema-parts.js';
import { SystemClock } from '../clock/linux.js';
import { DirectoryStorage } from '../storage/linux.js';
import { LinuxNet } from '../net/linux.js';
import { CaptureCommandVideo } from '../video/linux.js';
import { LinuxPower } from '../power/linux.js';
import { EvdevButtons } from '../buttons/linux.js';
import { LinuxIndicators } from '../indicators/linux.js';
import { LinuxSerial } from '../serial/linux.js';
import { DeviceMissingError } from '../errors.js';
import type { Gnss } from '../gnss/contract.js';
import { NmeaGnss } from '../gnss/serial-nmea.js';
import { GpsdGnss, GPSD_DEFAULT_PORT } from '../gnss/gpsd.js';
import type { Imu } from '../imu/contract.js';
import { DEFAULT_IIO_ROOT, LinuxIioImu } from '../imu/linux-iio.js';
import type { Radio } from '../radio/contract.js';
import { LinuxUdpRadio, RADIO_PORT } from '../radio/linux-udp.js';

const schema: Schema = {
  ...identitySchema('camera'),
  storageDir: { type: 'string', default: '/var/lib/bwc', doc: 'directory for evidence and state (must exist, on the camera\'s flash)' },
  dockInterface: { type: 'string', default: 'usb0', doc: 'network interface the docking bay contacts bring up' },
  video: {
    type: 'object', doc: 'the capture command that writes H.264 Annex-B to stdout', fields: {
      command: { type: 'string[]', default: ['rpicam-vid', '-t', '0', '--codec', 'h264', '--inline', '--width', '1920', '--height', '1080', '--framerate', '30', '-o', '-'], doc: 'argv of the capture command' },
      width: { type: 'integer', default: 1920, min: 16, max: 7680, doc: 'picture width the command produces' },
      height: { type: 'integer', default: 1080, min: 16, max: 4320, doc: 'picture height the command produces' },
      fps: { type: 'number', default: 30, min: 1, max: 120, doc: 'frame rate the command produces' },
      overlayFile: { type: 'string', default: '', doc: 'the overlay text file the command draws (e.g. ffmpeg drawtext=textfile=FILE:reload=1); \'\' = no overlay' },
    },
  },
  buttons: {
    type: 'object', doc: 'the evdev input device of the buttons', fields: {
      device: { type: 'string', default: '/dev/input/event0', doc: 'evdev node' },
      keymap: { type: 'map', default: { 167: 'record', 116: 'power', 148: 'function' }, keyPattern: /^\d+$/, doc: 'key code -> button name' },
    },
  },
  power: {
    type: 'object', doc: 'the power_supply class in sysfs', fields: {
      root: { type: 'string', default: '/sys/class/power_supply', doc: 'power_supply directory' },
      battery: { type: 'string', default: '', doc: 'battery supply name; empty finds the one of type Battery' },
      dock: { type: 'string', default: '', doc: 'dock-contact supply name; empty finds the Mains or USB one' },
      pollMs: { type: 'integer', default: 500, min: 10, max: 60_000, doc: 'how often sysfs is read' },
    },
  },
  leds: {
    type: 'object', doc: 'the leds class in sysfs', fields: {
      root: { type: 'string', default: '/sys/class/leds', doc: 'leds directory' },
      device: { type: 'string', default: '', doc: 'only LEDs named <device>:<color>:<function>; empty takes all' },
    },
  },
  linkPollMs: { type: 'integer', default: 200, min: 10, max: 10_000, doc: 'how often dock link state is read from sysfs' },
  gnss: {
    type: 'variant', tag: 'kind', doc: 'the GNSS receiver (location); absent on a camera without one', variants: {
      'nmea-serial': {
        path: { type: 'string', required: true, pattern: /^\/\S+$/, doc: 'the receiver\'s serial port, e.g. /dev/ttyS1 or /dev/ttyACM0' },
        baudRate: { type: 'integer', default: 9600, min: 1200, max: 921_600, doc: 'line speed (u-blox UARTs default to 9600; ignored on USB)' },
      },
      gpsd: {
        host: { type: 'string', default: '127.0.0.1', doc: 'gpsd host' },
        port: { type: 'integer', default: GPSD_DEFAULT_PORT, min: 1, max: 65_535, doc: 'gpsd TCP port' },
        connectTimeoutMs: { type: 'integer', default: 5000, min: 100, max: 60_000, doc: 'give up connecting after this long' },
      },
    },
  },
  imu: {
    type: 'object', optional: true, doc: 'the accelerometer/gyroscope in the IIO sysfs class (fall detection); absent on a camera without one', fields: {
      root: { type: 'string', default: DEFAULT_IIO_ROOT, doc: 'IIO devices directory' },
      device: { type: 'string', default: '', doc: 'the accelerometer\'s IIO name (its name file, e.g. lsm6dsl); empty takes the first iio:deviceN with in_accel_x_raw' },
      gyroDevice: { type: 'string', default: '', doc: 'the gyroscope\'s IIO name when it is a separate device; empty uses the accelerometer\'s device if it has in_anglvel_x_raw' },
    },
  },
  radio: {
    type: 'object', optional: true, doc: 'the wireless broadcast radio: IPv6 link-local UDP multicast on one interface; absent on a camera without one', fields: {
      interface: { type: 'string', required: true, pattern: /^[A-Za-z0-9_.:@-]{1,15}$/, doc: 'network interface the broadcast link is on, e.g. wlan0' },
      port: { type: 'integer', default: RADIO_PORT, min: 1, max: 65_535, doc: 'UDP port of the broadcast group (every camera of a system must agree)' },
    },
  },
};

interface Config {
  serial: string; model: string; storageDir: string; dockInterface: string; linkPollMs: number;
  video: { command: string[]; width: number; height: number; fps: number; overlayFile: string };
  buttons: { device: string; keymap: Record<string, string> };
  power: { root: string; battery: string; dock: string; pollMs: number };
  leds: { root: string; device: string };
  gnss?: { kind: 'nmea-serial'; path: string; baudRate: number } | { kind: 'gpsd'; host: string; port: number; connectTimeoutMs: number };
  imu?: { root: string; device: string; gyroDevice: string };
  radio?: { interface: string; port: number };
}

/** The GNSS driver the config names; a serial port that is not there is a DeviceMissingError now, not at first fix. */
async function openGnss(c: NonNullable<Config['gnss']>, serial: LinuxSerial, clock: SystemClock, log: ((namespace: string, message: string) => void) | undefined): Promise<Gnss> {
  const logged = log ? { log } : {};
  if (c.kind === 'gpsd') return new GpsdGnss({ host: c.host, port: c.port, connectTimeoutMs: c.connectTimeoutMs, ...logged });
  try {
    await stat(c.path);
  } catch (cause) {
    throw new DeviceMissingError('GNSS receiver serial port', c.path, 'a serial device node (config gnss.path)', { cause });
  }
  return new NmeaGnss({ serial, path: c.path, baudRate: c.baudRate, clock, ...logged });
}

export const board: Board<CameraHal> = {
  name: 'linux-camera',
  target: 'camera',
  real: true,
  description: 'camera on Linux: capture command, evdev buttons, power_supply and leds sysfs, a data directory; optional GNSS (NMEA serial or gpsd), IIO IMU, UDP multicast radio',
  schema,
  async open(raw, { log }) {
    const c = raw as unknown as Config;
    const clock = new SystemClock();
    const closers: (() => Promise<void> | void)[] = [];
    try {
      const storage = await DirectoryStorage.open(c.storageDir);
      const net = new LinuxNet({ clock, linkPollMs: c.linkPollMs });
      await net.interface(c.dockInterface);
      const video = new CaptureCommandVideo({
        clock, command: c.video.command, width: c.video.width, height: c.video.height, fps: c.video.fps,
        ...(c.video.overlayFile ? { overlay: { file: c.video.overlayFile } } : {}),
      });
      const power = await LinuxPower.open({ clock, root: c.power.root, pollMs: c.power.pollMs, ...(c.power.battery ? { battery: c.power.battery } : {}), ...(c.power.dock ? { dock: c.power.dock } : {}) });
      const buttons = await EvdevButtons.open({ clock, path: c.buttons.device, keymap: c.buttons.keymap, ...(log ? { log } : {}) });
      closers.push(() => buttons.close());
      const indicators = await LinuxIndicators.open({ clock, root: c.leds.root, ...(c.leds.device ? { device: c.leds.device } : {}), onError: (e) => log?.('hal:indicators', e.message) });
      closers.push(() => indicators.close());
      const serial = new LinuxSerial({ ...(log ? { log } : {}) });
      let gnss: Gnss | undefined, imu: Imu | undefined, radio: Radio | undefined;
      if (c.gnss) {
        const g = gnss = await openGnss(c.gnss, serial, clock, log);
        closers.push(() => g.close());
      }
      if (c.imu) {
        const i = imu = await LinuxIioImu.open({ clock, root: c.imu.root, ...(c.imu.device ? { device: c.imu.device } : {}), ...(c.imu.gyroDevice ? { gyroDevice: c.imu.gyroDevice } : {}) });
        closers.push(() => i.close());
      }
      if (c.radio) {
        const r = radio = await LinuxUdpRadio.open({ clock, interface: c.radio.interface, port: c.radio.port });
        closers.push(() => r.close());
      }
      return {
        target: 'camera', board: 'linux-camera',
        identity: { serial: c.serial, model: c.model, systemId: '' },
        clock, storage, net, dockInterface: c.dockInterface, video, power, buttons, indicators, serial,
        ...(gnss ? { gnss } : {}), ...(imu ? { imu } : {}), ...(radio ? { radio } : {}),
        close: async () => { for (const close of closers.splice(0).reverse()) await close(); },
      };
    } catch (e) {
      for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
      throw e;
    }
  },
};
