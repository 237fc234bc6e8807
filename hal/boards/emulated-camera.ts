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
import { EmulatedHolsterLink, holsterWorldOf, type HolsterWorld } from '../holster/emulated.js';
import { EmulatedRadio } from '../radio/emulated.js';
import { EmulatedGnssReceiver } from '../gnss/emulated-receiver.js';
import { NmeaGnss } from '../gnss/serial-nmea.js';
import { emulatedImuFor } from '../imu/world-imus.js';
import type { EmulatedImu } from '../imu/emulated.js';
import { radioMediumOf, type RadioMedium } from '../radio/medium.js';
import { EmulatedMiniCube } from '../cube/emulated.js';

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
  /** The camera's link to holster sensors; the sensors themselves live in `holsters`. */
  holster: EmulatedHolsterLink;
  /** The world's holster sensors (add, power, unholster, move). */
  holsters: HolsterWorld;
  /** The camera's wireless broadcast radio, at the camera's world position. */
  radio: EmulatedRadio;
  /** The world's radio medium (loss, walls, stats). */
  radios: RadioMedium;
  /** The GNSS receiver on the camera's serial port GNSS_PORT: follows the camera's world position; sky, outages, track. */
  gnssReceiver: EmulatedGnssReceiver;
  /** The camera's IMU: plays traces (falls, a jump, running) over the wearer's baseline motion. */
  imu: EmulatedImu;
  /** The camera's mini cube connector: connect(), disconnect(), tap() a cube's button, read its indicator. */
  cube: EmulatedMiniCube;
}

/** Where the emulated GNSS receiver is wired (the NMEA driver reads it like a real UART). */
export const GNSS_PORT = '/dev/ttyGNSS0';

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
  const holster = new EmulatedHolsterLink(world, clock, c.serial);
  const radio = new EmulatedRadio(world, c.serial, clock);
  // The receiver keeps true UTC (satellite time), whatever the camera's own clock says.
  const gnssReceiver = new EmulatedGnssReceiver({ serial, path: GNSS_PORT, clock: world.timeline.clock() });
  gnssReceiver.follow(() => world.position(c.serial));
  const gnss = new NmeaGnss({ serial, path: GNSS_PORT, baudRate: 9600, clock });
  const imu = emulatedImuFor(world, c.serial, clock);
  const cube = new EmulatedMiniCube({ clock, name: c.serial });
  let closed = false;
  return {
    target: 'camera', board: 'emulated-camera',
    identity: { serial: c.serial, model: c.model, systemId: '' },
    clock, storage: medium.mount(), net, dockInterface: DOCK_INTERFACE, video, power, buttons, indicators, serial, holster, radio, gnss, imu, cube,
    emulators: { world, clock, medium, net, video, power, buttons, indicators, serial, holster, holsters: holsterWorldOf(world), radio, radios: radioMediumOf(world), gnssReceiver, imu, cube },
    async close() {
      if (closed) return;
      closed = true;
      unfollow();
      power.detach();
      await buttons.close();
      await indicators.close();
      await holster.close();
      await radio.close();
      await gnss.close();
      await imu.close();
      await cube.close();
      gnssReceiver.close();
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
