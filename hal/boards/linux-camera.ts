/** Board: a camera on a Linux single-board computer (sysfs, evdev, a capture command, a data directory). */
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
};

interface Config {
  serial: string; model: string; storageDir: string; dockInterface: string; linkPollMs: number;
  video: { command: string[]; width: number; height: number; fps: number };
  buttons: { device: string; keymap: Record<string, string> };
  power: { root: string; battery: string; dock: string; pollMs: number };
  leds: { root: string; device: string };
}

export const board: Board<CameraHal> = {
  name: 'linux-camera',
  target: 'camera',
  real: true,
  description: 'camera on Linux: capture command, evdev buttons, power_supply and leds sysfs, a data directory',
  schema,
  async open(raw, { log }) {
    const c = raw as unknown as Config;
    const clock = new SystemClock();
    const closers: (() => Promise<void> | void)[] = [];
    try {
      const storage = await DirectoryStorage.open(c.storageDir);
      const net = new LinuxNet({ clock, linkPollMs: c.linkPollMs });
      await net.interface(c.dockInterface);
      const video = new CaptureCommandVideo({ clock, command: c.video.command, width: c.video.width, height: c.video.height, fps: c.video.fps });
      const power = await LinuxPower.open({ clock, root: c.power.root, pollMs: c.power.pollMs, ...(c.power.battery ? { battery: c.power.battery } : {}), ...(c.power.dock ? { dock: c.power.dock } : {}) });
      const buttons = await EvdevButtons.open({ clock, path: c.buttons.device, keymap: c.buttons.keymap, ...(log ? { log } : {}) });
      closers.push(() => buttons.close());
      const indicators = await LinuxIndicators.open({ clock, root: c.leds.root, ...(c.leds.device ? { device: c.leds.device } : {}), onError: (e) => log?.('hal:indicators', e.message) });
      closers.push(() => indicators.close());
      const serial = new LinuxSerial({ ...(log ? { log } : {}) });
      return {
        target: 'camera', board: 'linux-camera',
        identity: { serial: c.serial, model: c.model, systemId: '' },
        clock, storage, net, dockInterface: c.dockInterface, video, power, buttons, indicators, serial,
        close: async () => { for (const close of closers.splice(0).reverse()) await close(); },
      };
    } catch (e) {
      for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
      throw e;
    }
  },
};
