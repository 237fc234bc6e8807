/**
 * Board: an emulated system controller in the shared world, its ports following the world's
 * docking stations. Hands out the emulators' control surfaces besides the HAL.
 */
import type { Board } from './board.js';
import type { ControllerHal, DockPort } from './contract.js';
import type { Schema } from './config.js';
import { identitySchema } from './schema-parts.js';
import { joinWorld } from './emulated-world.js';
import type { World } from '../world/world.js';
import { portSegment, MAX_PORTS } from '../world/docks.js';
import { EmulatedStorage } from '../storage/emulated.js';
import { EmulatedNet, stationLink } from '../net/emulated.js';
import { EmulatedIndicators, CONTROLLER_LEDS } from '../indicators/emulated.js';
import { EmulatedSerial } from '../serial/emulated.js';
import type { VirtualClock } from '../clock/emulated.js';
import { EmulatedRfidReader } from '../rfid/emulated.js';

const schema: Schema = {
  ...identitySchema('controller'),
  storageBytes: { type: 'integer', default: 512 * 2 ** 30, min: 1024, doc: 'capacity of the emulated buffer disk' },
  clockSkewMs: { type: 'integer', default: 0, doc: 'how far the controller\'s wall clock is off true time' },
  seed: { type: 'integer', default: 1, min: 0, doc: 'seed of the emulators\' randomness' },
  rfid: { type: 'boolean', default: false, doc: 'an RFID reader for self-assign tags on the USB connector (emulators.rfid taps tags)' },
};

interface Config { serial: string; model: string; systemId: string; storageBytes: number; clockSkewMs: number; seed: number; rfid?: boolean }

export interface ControllerEmulators {
  world: World;
  clock: VirtualClock;
  medium: EmulatedStorage;
  net: EmulatedNet;
  indicators: EmulatedIndicators;
  serial: EmulatedSerial;
  /** The self-assign tag reader, when the config asks for one (`rfid: true`). */
  rfid?: EmulatedRfidReader;
}

export interface EmulatedControllerHal extends ControllerHal {
  emulators: ControllerEmulators;
}

export async function openEmulatedController(raw: Record<string, unknown>, worldIn?: World): Promise<EmulatedControllerHal> {
  const c = raw as unknown as Config;
  const { world, release } = joinWorld(worldIn, c.seed);
  const clock = world.timeline.clock(c.clockSkewMs);
  const medium = new EmulatedStorage({ name: c.serial, capacityBytes: c.storageBytes, seed: c.seed });
  const ports: DockPort[] = Array.from({ length: MAX_PORTS }, (_, i) => ({ port: i + 1, interface: portSegment(i + 1) }));
  const net = new EmulatedNet(world.links, c.serial, clock, ports.map((p) => p.interface));
  const unfollow = ports.map((p) => stationLink(world, net, p.port, p.interface));
  const indicators = new EmulatedIndicators({ clock, device: c.serial, leds: CONTROLLER_LEDS, vibration: false, sound: false });
  const serial = new EmulatedSerial({ name: c.serial });
  const rfid = c.rfid === true ? new EmulatedRfidReader({ clock, device: c.serial }) : undefined;
  let closed = false;
  return {
    target: 'controller', board: 'emulated-controller',
    identity: { serial: c.serial, model: c.model, systemId: c.systemId },
    clock, storage: medium.mount(), net, ports, serial, indicators, ...(rfid ? { rfid } : {}),
    emulators: { world, clock, medium, net, indicators, serial, ...(rfid ? { rfid } : {}) },
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of unfollow) stop();
      await indicators.close();
      await rfid?.close();
      await net.close();
      clock.dropAllTimers();
      release();
    },
  };
}

export const board: Board<ControllerHal> = {
  name: 'emulated-controller',
  target: 'controller',
  real: false,
  description: 'emulated system controller: five docking-station ports on the world\'s links, emulated buffer disk',
  schema,
  open: (config, { world }) => openEmulatedController(config, world),
};
