/**
 * The camera's fall watch: samples the IMU, runs the fall detector and calls back on a fall (the
 * runtime starts recording with trigger FALL, and streaming when the profile says). The runtime
 * starts it when the profile's activation.recordOnFall is on, and stops it when that goes off.
 */
import type { Clock } from '../../../hal/clock/contract.js';
import type { HalError } from '../../../hal/errors.js';
import type { Imu, ImuSample } from '../../../hal/imu/contract.js';
import { initialFallState, stepFalls, type FallDetectorState, type FallEvent } from './fall-detector.js';
import { fallThresholds, type FallThresholds } from './fall-thresholds.js';
import type { CameraProfile } from '../profile/profile.js';

/**
 * Whether the watch should run: "Record on fall detection" is on and the camera is out of its
 * dock (a docked camera is not worn; its IMU is off to save power).
 */
export function fallWatchWanted(profile: CameraProfile, docked: boolean): boolean {
  return profile.activation.recordOnFall && !docked;
}

export type FallDetected = Extract<FallEvent, { kind: 'fall' }>;
export type DropDetected = Extract<FallEvent, { kind: 'drop' }>;

export interface FallWatchCallbacks {
  /** The wearer fell; `atMs` is the Clock's monotonic time the fall was confirmed. Must not throw. */
  onFall(atMs: number, fall: FallDetected): void;
  /** The camera was dropped (tumbling free fall): not a fall; for diagnostics. */
  onDrop?(atMs: number, drop: DropDetected): void;
  /** The IMU ended while watching (DeviceGoneError when it went away); the watch has stopped. */
  onEnd?(error: HalError | undefined): void;
}

export interface FallWatchOptions {
  /** IMU rate. Default 100 Hz (the thresholds' windows need >= 50 Hz). */
  rateHz?: number;
  /** Threshold overrides (checked; RangeError names a bad one). */
  thresholds?: Partial<FallThresholds>;
}

export interface FallWatchStats {
  samples: number;
  falls: number;
  drops: number;
  /** Monotonic time of the last fall reported. */
  lastFallAtMs: number | undefined;
  /** Worst delay (ms) between a fall's confirming sample and its callback (batching). */
  worstReportDelayMs: number;
}

export class FallWatch {
  private readonly imu: Imu;
  private readonly clock: Clock;
  private readonly callbacks: FallWatchCallbacks;
  private readonly rateHz: number;
  private readonly thresholds: FallThresholds;
  private state: FallDetectorState = initialFallState();
  private unsubscribe: (() => void) | undefined;
  private counts: FallWatchStats = { samples: 0, falls: 0, drops: 0, lastFallAtMs: undefined, worstReportDelayMs: 0 };

  constructor(imu: Imu, clock: Clock, callbacks: FallWatchCallbacks, options: FallWatchOptions = {}) {
    this.imu = imu;
    this.clock = clock;
    this.callbacks = callbacks;
    this.rateHz = options.rateHz ?? 100;
    this.thresholds = fallThresholds(options.thresholds);
  }

  get running(): boolean { return this.unsubscribe !== undefined; }

  /** Start the IMU and watch. Idempotent. Rejects as Imu.start does (a closed or missing IMU). */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.state = initialFallState();
    const offSamples = this.imu.onSamples((batch) => this.take(batch));
    const offClose = this.imu.onClose((error) => {
      if (!this.unsubscribe) return;
      this.detach();
      this.callbacks.onEnd?.(error);
    });
    this.unsubscribe = () => { offSamples(); offClose(); };
    try {
      await this.imu.start(this.rateHz);
    } catch (e) {
      this.detach();
      throw e;
    }
  }

  /** Stop watching and the IMU (saves battery). Idempotent. */
  async stop(): Promise<void> {
    if (!this.unsubscribe) return;
    this.detach();
    await this.imu.stop();
  }

  stats(): FallWatchStats { return { ...this.counts }; }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private take(batch: readonly ImuSample[]): void {
    if (!this.unsubscribe) return;
    this.counts.samples += batch.length;
    this.state = stepFalls(this.state, batch, (e) => {
      // A callback may stop the watch: the batch's later events are not reported then.
      if (!this.unsubscribe) return;
      if (e.kind === 'fall') {
        this.counts.falls++;
        this.counts.lastFallAtMs = e.atMs;
        this.counts.worstReportDelayMs = Math.max(this.counts.worstReportDelayMs, this.clock.monotonic() - e.atMs);
        this.callbacks.onFall(e.atMs, e);
      } else {
        this.counts.drops++;
        this.callbacks.onDrop?.(e.atMs, e);
      }
    }, this.thresholds);
  }
}
