/**
 * Board: an emulated camera in the shared world. Besides the HAL it hands out the emulators'
 * control surfaces (press a button, cut power at the next write, dock it) for tests, the HIL rig
 * and the simulator.
 */
import type { Board } from './board.js';
import type { CameraHal } from './contract.js';
import type { Schema } from './config.js';
import { identitySchema } from './schema-parts.js';
import { joinWorld } from './emulated-world.js';
import type { World } from '../world/world.js';
import { EmulatedStorage } from '../storage/emulated.js';
import { EmulatedNet, dockLink } from '../net/emulated.js';
import { EmulatedCamera } from '../video/emulated.js';
import { EmulatedPower } from '../power/emulated.js';
import { EmulatedButtons } from '../buttons/emulated.js';
import { EmulatedIndicators } from '../indicators/emulated.js';
import { EmulatedSerial } from '../serial/emulated.js';
import type { VirtualClock } from '../clock/emulated.js';

const schema: Schema = {
  ...identitySchema('camera'),
  storageBytes: { type: 'integer', default: 64 * 2 ** 30, min: 1024, doc: 'capacity of the emulated flash' },
  batteryPercent: { type: 'integer', default: 80, min: 0, max: 100, doc: 'battery level at boot' },
  clockSkewMs: { type: 'integer', default: 0, doc: 'how far this camera\'s wall clock is off true time' },
  seed: { type: 'integer', default: 1, min: 0, doc: 'seed of the emulators\' randomness (torn writes, loss)' },
  videoBurstFrames: { type: 'integer', default: 1, min: 1, max: 30, doc: 'frames the emulated sensor hands over at once (each keeps its capture time); more makes long simulations faster' },
};

interface Config { serial: string; model: string; storageBytes: number; batteryPercent: number; clockSkewMs: number; seed: number; videoBurstFrames: number }

export const DOCK_INTERFACE = 'dock0';

export interface CameraEmulators {
  world: World;
  clock: VirtualClock;
  /** The flash medium; mount() it again after a power cut. */
  medium: EmulatedStorage;
  net: EmulatedNet;
  video: EmulatedCamera;
  power: EmulatedPower;
  buttons: EmulatedButtons;
  indicators: EmulatedIndicators;
  serial: EmulatedSerial;
}

export interface EmulatedCameraHal extends CameraHal {
  emulators: CameraEmulators;
}

export async function openEmulatedCamera(raw: Record<string, unknown>, worldIn?: World): Promise<EmulatedCameraHal> {
  const c = raw as unknown as Config;
  const { world, release } = joinWorld(worldIn, c.seed);
  const clock = world.timeline.clock(c.clockSkewMs);
  const medium = new EmulatedStorage({ name: c.serial, capacityBytes: c.storageBytes, seed: c.seed });
  const net = new EmulatedNet(world.links, c.serial, clock, [DOCK_INTERFACE]);
  const unfollow = dockLink(world, net, DOCK_INTERFACE);
  const video = new EmulatedCamera({ clock, name: c.serial, burstFrames: c.videoBurstFrames });
  const power = new EmulatedPower({ clock, device: c.serial, docks: world.docks, level: c.batteryPercent });
  const buttons = new EmulatedButtons({ clock, name: c.serial });
  const indicators = new EmulatedIndicators({ clock, device: c.serial });
  const serial = new EmulatedSerial({ name: c.serial });
  let closed = false;
  return {
    target: 'camera', board: 'emulated-camera',
    identity: { serial: c.serial, model: c.model, systemId: '' },
    clock, storage: medium.mount(), net, dockInterface: DOCK_INTERFACE, video, power, buttons, indicators, serial,
    emulators: { world, clock, medium, net, video, power, buttons, indicators, serial },
    async close() {
      if (closed) return;
      closed = true;
      unfollow();
      power.detach();
      await buttons.close();
      await indicators.close();
      await net.close();
      clock.dropAllTimers();
      release();
    },
  };
}

export const board: Board<CameraHal> = {
  name: 'emulated-camera',
  target: 'camera',
  real: false,
  description: 'emulated camera: fixture video in virtual time, emulated flash, buttons, battery, dock link',
  schema,
  open: (config, { world }) => openEmulatedCamera(config, world),
};
