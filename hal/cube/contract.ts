/**
 * MiniCube: the camera's connector for an AXIS TW1201 Mini Cube Sensor, a wired accessory with one
 * recording button and a front recording indicator. Each connection hands out its own Buttons and Indicators.
 *
 * Real driver: NOT BUILT. A cube on a real board would show up as a hot-plugged input device (its
 * button, through evdev) and an LED class device (its indicator); how the connector reports the cube
 * (udev, a GPIO detect line) is not known here, so only the emulated connector (emulated.ts) exists.
 */
import type { Buttons } from '../buttons/contract.js';
import type { Indicators } from '../indicators/contract.js';

/** The cube's one button as its Buttons driver names it (firmware maps it with CUBE_BUTTONS). */
export const CUBE_RECORD_BUTTON = 'record';
/** The cube's front recording indicator as its Indicators driver names it: one red LED. */
export const CUBE_FRONT_LED = 'front';

/** A connected cube. Both drivers end when it is disconnected (its Buttons with a DeviceGoneError). */
export interface CubeConnection {
  /** Its recording button (`record`), keeping every rule of the Buttons contract. */
  readonly buttons: Buttons;
  /** Its front recording indicator (`front`, red); calls reject with HalError ECLOSED once it is gone. */
  readonly indicators: Indicators;
}

/**
 * A camera's mini cube connector. Every driver keeps these rules:
 * - Changes are delivered asynchronously (never inside the call that caused them), in order, to
 *   every listener present at delivery: the new connection on connect, `undefined` on disconnect.
 * - A disconnect is reported after the connection's buttons released whatever was held.
 * - After close() nothing is reported; a cube still connected counts as disconnected.
 */
export interface MiniCube {
  /** Human-readable name for messages (`emulated:cam1 mini cube`). */
  readonly name: string;
  /** The cube connected now (as far as the changes delivered so far say), or undefined. */
  readonly current: CubeConnection | undefined;
  /** Call `listener` with every change from now on. Returns a function that removes it. */
  onChange(listener: (connection: CubeConnection | undefined) => void): () => void;
  /** Stop reporting and release the connector. Idempotent. */
  close(): Promise<void>;
}
