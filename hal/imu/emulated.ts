/**
 * Emulated IMU: plays traces in virtual time (each sample at its time on the trace's rate,
 * delivered in batches by Clock timers) and, between traces, the wearer's baseline (standing,
 * walking, lying...) at the started rate with seeded noise. The rig and tests drive it with
 * play(trace), playNamed('fall-forward'), setBaseline(...) and vanish().
 */
import type { Clock, Timer } from '../clock/contract.js';
import { DeviceGoneError } from '../errors.js';
import { Random } from '../world/random.js';
import type { Imu, ImuSample } from './contract.js';
import { ImuBase } from './imu-base.js';
import { baselineSample, noise, upOf } from './baseline.js';
import { ACTIVITIES, shippedTrace, type Baseline, type ImuTrace } from './trace.js';

export interface EmulatedImuOptions {
  clock: Clock;
  /** For messages; default `emulated imu`. */
  name?: string;
  /** Noise seed. Default 1. */
  seed?: number;
  /** What the wearer does at first. Default standing. */
  baseline?: Baseline;
  /** Whether it has a gyroscope (false: angular rates are NaN). Default true. */
  gyroscope?: boolean;
  /** How often batches are delivered, ms. Default 100. */
  batchMs?: number;
}

interface Playing { trace: ImuTrace; startMs: number; periodMs: number; done: () => void; timer: Timer }

export class EmulatedImu extends ImuBase implements Imu {
  readonly name: string;
  readonly hasGyroscope: boolean;
  private readonly clock: Clock;
  private readonly rnd: Random;
  private readonly batchMs: number;
  private current: Baseline;
  private baselineStartMs: number;
  private playing: Playing | undefined;
  /** Index of the next trace sample, or the time of the next baseline sample. */
  private traceIndex = 0;
  private nextAt = 0;
  private pending: ImuSample[] = [];
  private timer: Timer | undefined;
  private delivered = 0;

  constructor(options: EmulatedImuOptions) {
    super();
    this.clock = options.clock;
    this.name = options.name ?? 'emulated imu';
    this.rnd = new Random(options.seed ?? 1);
    this.hasGyroscope = options.gyroscope ?? true;
    this.batchMs = options.batchMs ?? 100;
    if (!Number.isFinite(this.batchMs) || this.batchMs <= 0) throw new RangeError(`${this.name}: batchMs must be a number of milliseconds > 0, got ${options.batchMs}`);
    this.current = checkBaseline(options.baseline ?? { activity: 'standing' }, this.name);
    this.baselineStartMs = this.clock.monotonic();
  }

  /** What the wearer does between traces. */
  baseline(): Baseline { return this.current; }

  /** The trace playing now, by name. */
  nowPlaying(): string | undefined { return this.playing?.trace.name; }

  /** Samples delivered since creation. */
  samplesDelivered(): number { return this.delivered; }

  /** Change what the wearer does from now on (ends a trace that is playing). */
  setBaseline(baseline: Baseline): void {
    const b = checkBaseline(baseline, this.name);
    this.catchUp();
    this.endTrace();
    this.current = b;
    this.baselineStartMs = this.clock.monotonic();
  }

  /**
   * Play `trace` from now (while sampling, from the next sample slot, at most one period later):
   * its samples at its own rate, then its `after` baseline. Resolves when
   * it has played out in virtual time (or another trace or baseline replaced it). Plays whether
   * or not the IMU is sampling: the wearer moves either way.
   */
  play(trace: ImuTrace): Promise<void> {
    if (trace.samples.length === 0) throw new RangeError(`${this.name}: trace ${trace.name} has no samples`);
    this.catchUp();
    this.endTrace();
    const now = this.clock.monotonic();
    // While sampling, the trace takes the next sample slot (a sample at `now` may be out already).
    const startMs = this.running ? Math.max(now, this.nextAt) : now;
    const periodMs = 1000 / trace.rateHz;
    return new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(() => { this.catchUp(); this.endTrace(); }, startMs - now + trace.samples.length * periodMs);
      this.playing = { trace, startMs, periodMs, done: resolve, timer };
      this.traceIndex = 0;
    });
  }

  /** Play a shipped trace (hal/imu/traces/<name>.csv). */
  playNamed(name: string): Promise<void> {
    return this.play(shippedTrace(name));
  }

  /** The sensor goes away: delivery stops and the IMU ends with a DeviceGoneError. */
  vanish(): void {
    this.end(new DeviceGoneError('emulated IMU', this.name));
  }

  protected begin(rateHz: number): void {
    const wasRunning = this.running;
    this.rate = rateHz;
    if (!wasRunning) this.seek(this.clock.monotonic());
    this.timer?.cancel();
    this.timer = this.clock.setInterval(() => this.tick(), this.batchMs);
  }

  protected halt(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = [];
  }

  /** Start sampling at `now`: the first sample is the one due at or after it. */
  private seek(now: number): void {
    const p = this.playing;
    if (p) {
      this.traceIndex = Math.min(p.trace.samples.length, Math.max(0, Math.ceil((now - p.startMs) / p.periodMs)));
      if (this.traceIndex >= p.trace.samples.length) this.endTrace();
    }
    this.nextAt = now;
  }

  private tick(): void {
    this.catchUp();
    const batch = this.pending;
    this.pending = [];
    this.delivered += batch.length;
    this.deliver(batch);
  }

  /** Generate every sample due up to now into the pending batch (only while running). */
  private catchUp(): void {
    if (!this.running) return;
    const now = this.clock.monotonic();
    const period = 1000 / this.rate!;
    for (;;) {
      const p = this.playing;
      if (p) {
        const at = p.startMs + this.traceIndex * p.periodMs;
        if (at > now) return;
        // The trace lasts until the slot after its last sample; then its after-baseline starts.
        if (this.traceIndex >= p.trace.samples.length) { this.endTrace(); continue; }
        const s = p.trace.samples[this.traceIndex]!;
        this.push(at, s.ax, s.ay, s.az, s.gx, s.gy, s.gz);
        this.traceIndex++;
      } else {
        if (this.nextAt > now) return;
        const s = baselineSample(this.current, this.nextAt - this.baselineStartMs, this.rnd, noise);
        this.push(this.nextAt, s.ax, s.ay, s.az, s.gx, s.gy, s.gz);
        this.nextAt += period;
      }
    }
  }

  private push(timeMs: number, ax: number, ay: number, az: number, gx: number, gy: number, gz: number): void {
    const g = this.hasGyroscope;
    this.pending.push({ timeMs, ax, ay, az, gx: g ? gx : NaN, gy: g ? gy : NaN, gz: g ? gz : NaN });
  }

  /** The trace is over (played out or replaced): its after-baseline starts where it ended. */
  private endTrace(): void {
    const p = this.playing;
    if (!p) return;
    this.playing = undefined;
    p.timer.cancel();
    // Played out: where it ended. Replaced while sampling: the next slot it would have used (no
    // sample twice at one instant). Replaced while stopped: now.
    const end = this.running || this.traceIndex >= p.trace.samples.length ? p.startMs + this.traceIndex * p.periodMs : this.clock.monotonic();
    this.current = p.trace.after;
    this.baselineStartMs = end;
    this.nextAt = Math.max(this.nextAt, end);
    p.done();
  }
}

function checkBaseline(b: Baseline, who: string): Baseline {
  if (!b || !(ACTIVITIES as readonly string[]).includes(b.activity)) {
    throw new RangeError(`${who}: baseline activity must be one of ${ACTIVITIES.join(', ')}, got ${JSON.stringify(b?.activity)}`);
  }
  upOf(b); // throws for a zero up vector
  return b;
}
