/**
 * What firmware gets from a board: one driver per kind, by contract only. The camera and
 * controller runtimes take these and never import a concrete driver.
 */
import type { Clock } from '../clock/contract.js';
import type { Storage } from '../storage/contract.js';
import type { Net } from '../net/contract.js';
import type { SerialBus } from '../serial/contract.js';
import type { VideoSource } from '../video/contract.js';
import type { Power } from '../power/contract.js';
import type { Buttons } from '../buttons/contract.js';
import type { Indicators } from '../indicators/contract.js';
import type { HolsterLink } from '../holster/contract.js';
import type { Radio } from '../radio/contract.js';
import type { Gnss } from '../gnss/contract.js';
import type { Imu } from '../imu/contract.js';
import type { MiniCube } from '../cube/contract.js';
import type { RfidReader } from '../rfid/contract.js';

export interface DeviceIdentity {
  /** Serial number printed on the device. */
  serial: string;
  /** Product model, e.g. W100 or W800. */
  model: string;
  /** Body-worn system: the controller's from its config; '' for a camera (adoption decides, see firmware/camera/enrollment.ts). */
  systemId: string;
}

export interface CameraHal {
  target: 'camera';
  board: string;
  identity: DeviceIdentity;
  clock: Clock;
  storage: Storage;
  net: Net;
  /** The network interface the docking bay's contacts bring up. */
  dockInterface: string;
  video: VideoSource;
  power: Power;
  buttons: Buttons;
  indicators: Indicators;
  serial: SerialBus;
  /** The short-range link to holster sensors (unholster detection); absent on boards without one. */
  holster?: HolsterLink;
  /** The wireless broadcast radio; absent on boards without one. */
  radio?: Radio;
  /** The GNSS receiver (location); absent on models without one. */
  gnss?: Gnss;
  /** Accelerometer and gyroscope (fall detection); absent on boards without one. */
  imu?: Imu;
  /** The connector for a mini cube sensor (AXIS TW1201); absent on boards without one. */
  cube?: MiniCube;
  /** Release every driver. Idempotent. */
  close(): Promise<void>;
}

export interface DockPort {
  /** Docking-station port number on the controller's front, 1-5. */
  port: number;
  /** Network interface behind it. */
  interface: string;
}

export interface ControllerHal {
  target: 'controller';
  board: string;
  identity: DeviceIdentity;
  clock: Clock;
  storage: Storage;
  net: Net;
  ports: DockPort[];
  serial: SerialBus;
  indicators: Indicators;
  /** The self-assign tag reader on the USB connector; absent when none is configured. */
  rfid?: RfidReader;
  close(): Promise<void>;
}
