/**
 * IMU: a device's accelerometer and gyroscope (an IIO sensor on a real board, a trace player in
 * the emulated world), read as batches of timestamped samples. Every IMU driver keeps these rules.
 */
import type { HalError } from '../errors.js';

/**
 * One reading. Axes are the camera's own: x to the wearer's left-to-right, y up along the
 * camera's front face when worn upright, z out of the front (away from the chest).
 */
export interface ImuSample {
  /** When it was taken, ms on the device Clock's monotonic scale; never earlier than the sample before. */
  timeMs: number;
  /**
   * Specific force in m/s^2 (what an accelerometer measures: gravity's reaction plus motion). At
   * rest it reads +9.81 along the axis pointing up: worn upright ay ~ +9.81; in free fall ~0 on
   * every axis.
   */
  ax: number;
  ay: number;
  az: number;
  /** Angular rate in rad/s about x, y, z (right-handed). NaN on every axis when the IMU has no gyroscope. */
  gx: number;
  gy: number;
  gz: number;
}

/**
 * Samples since the previous batch, oldest first, at least one. Listeners run synchronously and
 * must not keep the array (drivers may reuse it); a listener that throws is a firmware bug and
 * the error propagates like an EventEmitter listener's.
 */
export type ImuBatchListener = (batch: readonly ImuSample[]) => void;

/** Rates every driver accepts; a real sensor runs at its nearest supported rate. */
export const MIN_IMU_RATE_HZ = 1;
export const MAX_IMU_RATE_HZ = 1000;

/**
 * An accelerometer with an optional gyroscope.
 * - Nothing is delivered before start() or after stop(); start() again resumes (no backlog is
 *   delivered for the time it was stopped).
 * - Batches are delivered asynchronously (never inside start()), to every listener present at
 *   delivery, in the order listeners were added. Samples with no listener are dropped.
 * - When the sensor goes away (IIO files vanish, the device is unbound) delivery stops and the
 *   IMU ends with a DeviceGoneError naming it; no exception reaches the caller's stack.
 */
export interface Imu {
  /** Human-readable name for messages (`iio:device0 (lsm6dsl)`, `emulated:cam1 imu`). */
  readonly name: string;
  /** Whether samples carry angular rates (false: gx, gy, gz are NaN). */
  readonly hasGyroscope: boolean;
  /** True between start() and stop(), close() or the device going away. */
  readonly running: boolean;
  /** The rate asked for at start() while running, else undefined. */
  readonly rateHz: number | undefined;
  /**
   * Start sampling at `rateHz` samples a second. Called while running, changes the rate.
   * Throws RangeError for a rate outside MIN_IMU_RATE_HZ..MAX_IMU_RATE_HZ; rejects with HalError
   * `ECLOSED` after close() or the device going away.
   */
  start(rateHz: number): Promise<void>;
  /** Stop sampling (saves battery). Idempotent. */
  stop(): Promise<void>;
  /** Call `listener` with every batch from now on. Returns a function that removes it. */
  onSamples(listener: ImuBatchListener): () => void;
  /**
   * Call `listener` once when the IMU ends: `undefined` after close(), the DeviceGoneError when
   * the sensor went away. A listener added after the end is called on the next tick. Returns a
   * function that removes it.
   */
  onClose(listener: (error: HalError | undefined) => void): () => void;
  /** Stop and release the sensor. Idempotent. */
  close(): Promise<void>;
}

/** Standard gravity, m/s^2. */
export const STANDARD_GRAVITY = 9.80665;

/** Checks a requested rate, naming what was expected. */
export function checkImuRate(rateHz: number, who: string): void {
  if (!Number.isFinite(rateHz) || rateHz < MIN_IMU_RATE_HZ || rateHz > MAX_IMU_RATE_HZ) {
    throw new RangeError(`${who}: rate must be ${MIN_IMU_RATE_HZ}..${MAX_IMU_RATE_HZ} Hz, got ${rateHz}`);
  }
}
