/** Board: a system controller on Linux: one network interface per docking-station port, a data directory. */
import type { Board } from './board.js';
import type { ControllerHal, DockPort } from './contract.js';
import type { Schema } from './config.js';
import { identitySchema } from './schema-parts.js';
import { SystemClock } from '../clock/linux.js';
import { DirectoryStorage } from '../storage/linux.js';
import { LinuxNet } from '../net/linux.js';
import { LinuxIndicators } from '../indicators/linux.js';
import { LinuxSerial } from '../serial/linux.js';
import { DeviceMissingError } from '../errors.js';
import { EvdevRfidReader } from '../rfid/linux.js';
import { ReconnectingRfidReader } from '../rfid/reconnecting.js';

const schema: Schema = {
  ...identitySchema('controller'),
  storageDir: { type: 'string', default: '/var/lib/bwc', doc: 'buffer directory for offloaded recordings (must exist)' },
  ports: { type: 'map', default: { 1: 'eth1', 2: 'eth2', 3: 'eth3', 4: 'eth4', 5: 'eth5' }, keyPattern: /^[1-5]$/, doc: 'docking-station port number (1-5) -> network interface' },
  leds: {
    type: 'object', doc: 'the leds class in sysfs', fields: {
      root: { type: 'string', default: '/sys/class/leds', doc: 'leds directory' },
      device: { type: 'string', default: '', doc: 'only LEDs named <device>:<color>:<function>; empty takes all' },
    },
  },
  linkPollMs: { type: 'integer', default: 200, min: 10, max: 10_000, doc: 'how often port link state is read from sysfs' },
  rfid: {
    type: 'object', optional: true, doc: 'the self-assign RFID reader (a USB keyboard-wedge reader); absent when the system has none', fields: {
      device: { type: 'string', required: true, pattern: /^\/dev\/input\/[^\s]+$/, doc: 'the reader\'s evdev node, e.g. /dev/input/by-id/usb-<reader>-event-kbd' },
    },
  },
};

interface Config {
  serial: string; model: string; systemId: string; storageDir: string; linkPollMs: number;
  ports: Record<string, string>;
  leds: { root: string; device: string };
  rfid?: { device: string };
}

export const board: Board<ControllerHal> = {
  name: 'linux-controller',
  target: 'controller',
  real: true,
  description: 'system controller on Linux: one network interface per docking-station port, leds sysfs, a buffer directory',
  schema,
  async open(raw, { log }) {
    const c = raw as unknown as Config;
    const clock = new SystemClock();
    const storage = await DirectoryStorage.open(c.storageDir);
    const net = new LinuxNet({ clock, linkPollMs: c.linkPollMs });
    const ports: DockPort[] = Object.entries(c.ports).map(([p, name]) => ({ port: Number(p), interface: name })).sort((a, b) => a.port - b.port);
    for (const p of ports) {
      await net.interface(p.interface).catch((cause) => {
        throw new DeviceMissingError(`docking-station port ${p.port} interface`, p.interface, 'a network interface (see ports in the config)', { cause });
      });
    }
    const indicators = await LinuxIndicators.open({ clock, root: c.leds.root, ...(c.leds.device ? { device: c.leds.device } : {}), vibrator: null, onError: (e) => log?.('hal:indicators', e.message) });
    // The reader may be unplugged (the manual's setup moves it to a computer and back) or not plugged in yet.
    const rfidConfig = c.rfid;
    const rfid = rfidConfig ? new ReconnectingRfidReader({ name: `RFID reader ${rfidConfig.device}`, clock, open: () => EvdevRfidReader.open({ path: rfidConfig.device, clock, ...(log ? { log } : {}) }), ...(log ? { log } : {}) }) : undefined;
    const serial = new LinuxSerial({ ...(log ? { log } : {}) });
    return {
      target: 'controller', board: 'linux-controller',
      identity: { serial: c.serial, model: c.model, systemId: c.systemId },
      clock, storage, net, ports, serial, indicators, ...(rfid ? { rfid } : {}),
      close: async () => { await rfid?.close(); await indicators.close(); },
    };
  },
};
