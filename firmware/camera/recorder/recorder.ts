/**
 * The recorder at run time: feeds a camera's access units into the prebuffer ring while idle and
 * into a RecordingSink while recording, as the recorder machine decides; runs its timers.
 */
import type { Clock, Timer } from '../../../hal/clock/contract.js';
import { accessUnitBytes, type AccessUnit, type VideoInfo, type VideoStream } from '../../../hal/video/contract.js';
import { PrebufferRing, type PrebufferShortfall, type PrebufferStatus } from './prebuffer-ring.js';
import {
  checkRecorderConfig, initialRecorderState, recorderStep,
  type AutomaticTrigger, type ImmediateStop, type RecorderConfig, type RecorderEffect, type RecorderInput,
  type RecorderState, type TriggerOffReason, type TriggerOnReason,
} from './recorder-machine.js';

/** Handed to RecordingSink.begin(). Wall times are ms since the epoch on the camera's clock. */
export interface RecordingBegin {
  trigger: TriggerOnReason;
  /** When the trigger happened (button pressed, fall detected, ...). */
  triggerOnTime: number;
  /** Start of the recording including prebuffer: the head's first keyframe, else the trigger. */
  startTime: number;
  /** The prebuffer head that follows as the first append() calls. */
  prebuffer: { heldMs: number; units: number; bytes: number; shortfall: PrebufferShortfall };
  video: VideoInfo;
}

/** Handed to RecordingSink.end(). */
export interface RecordingEnd {
  trigger: TriggerOnReason;
  triggerOff: TriggerOffReason;
  triggerOnTime: number;
  /** When the user stopped (for postbuffer: the press, not the postbuffer's end). */
  triggerOffTime: number;
  /** Including prebuffer. */
  startTime: number;
  /** End of the last unit recorded, including postbuffer (triggerOffTime when none). */
  stopTime: number;
  /** Units handed to append(), prebuffer head included. */
  units: number;
  bytes: number;
  /** Units the recorder dropped because the sink fell behind (see Recorder). */
  droppedUnits: number;
}

/**
 * Where recordings go (the encrypted storage writer implements it; in-memory-sink.ts for tests). Calls come in order, one at
 * a time: begin, append for each unit (the prebuffer head first, starting on a keyframe), end.
 * A method returns quickly: slow work returns a promise, and the recorder waits for it before
 * the next call (never inside the video listener). Units are read-only and may be shared with
 * other listeners: copy before changing them. A throw or rejection ends the recording
 * ('storage-full') and is reported to `onSinkError`; end() is still called.
 */
export interface RecordingSink {
  begin(meta: RecordingBegin): void | Promise<void>;
  append(unit: AccessUnit): void | Promise<void>;
  end(meta: RecordingEnd): void | Promise<void>;
}

export interface RecorderOptions {
  /** An opened stream; the recorder subscribes, the caller starts and stops it. */
  video: VideoStream;
  clock: Clock;
  sink: RecordingSink;
  config: RecorderConfig;
  /** The prebuffer ring's byte bound (a board figure: the RAM set aside for it). */
  prebufferMaxBytes: number;
  /**
   * Bytes of units waiting for the sink (prebuffer head included) above which new units are
   * dropped until a keyframe, so a stalled sink never grows memory without bound. The head is
   * always taken (its bytes are already in RAM). Default: prebufferMaxBytes + 8 MiB.
   */
  maxPendingBytes?: number;
  /** Boot docked (no prebuffer, no recording until undock). Default false. */
  docked?: boolean;
  onIndicator?: (recording: boolean) => void;
  onBookmark?: (at: number) => void;
  onSinkError?: (error: unknown) => void;
  /** The machine's state kind changed (idle -> recording -> postbuffer -> idle, off). */
  onStateChange?: (state: RecorderState, previous: RecorderState) => void;
}

/** The last recording start: how much prebuffer it got and how fast it reached the sink. */
export interface RecordingStartReport {
  trigger: TriggerOnReason;
  /** Monotonic ms of the press or trigger. */
  pressedAt: number;
  /** Monotonic ms when the sink had taken begin() and every head unit; undefined until then. */
  headHandedAt: number | undefined;
  prebuffer: RecordingBegin['prebuffer'];
}

export interface RecorderStats {
  recordings: number;
  /** Units dropped because the sink fell behind. */
  droppedUnits: number;
  /** Bytes waiting for the sink now. */
  pendingBytes: number;
  /** The most pending bytes seen. */
  peakPendingBytes: number;
  lastStart: RecordingStartReport | undefined;
}

type Job =
  | { kind: 'begin'; meta: RecordingBegin }
  | { kind: 'append'; unit: AccessUnit }
  | { kind: 'end'; meta: RecordingEnd }
  | { kind: 'mark'; run: () => void };

interface Current {
  begin: RecordingBegin;
  units: number;
  bytes: number;
  dropped: number;
  /** Dropping until a keyframe (the sink fell behind, or failed). */
  skipping: boolean;
  failed: boolean;
}

export class Recorder {
  private machine: RecorderState;
  private ring: PrebufferRing | undefined;
  private readonly options: RecorderOptions;
  private readonly maxPending: number;
  private unsubscribe: (() => void) | undefined;
  private postbufferTimer: Timer | undefined;
  private current: Current | undefined;
  private queue: Job[] = [];
  private queueHead = 0;
  private pumping = false;
  private waiters: (() => void)[] = [];
  private unit: AccessUnit | undefined;
  readonly stats: RecorderStats = { recordings: 0, droppedUnits: 0, pendingBytes: 0, peakPendingBytes: 0, lastStart: undefined };

  constructor(options: RecorderOptions) {
    if (!options?.video || typeof options.video.onAccessUnit !== 'function') throw new TypeError('Recorder: options.video must be a VideoStream');
    if (!options.clock || typeof options.clock.monotonic !== 'function') throw new TypeError('Recorder: options.clock must be a Clock');
    if (!options.sink || typeof options.sink.append !== 'function') throw new TypeError('Recorder: options.sink must be a RecordingSink');
    if (!Number.isSafeInteger(options.prebufferMaxBytes) || options.prebufferMaxBytes <= 0) {
      throw new RangeError(`Recorder: prebufferMaxBytes must be a positive whole number of bytes, got ${options.prebufferMaxBytes}`);
    }
    this.options = options;
    this.maxPending = options.maxPendingBytes ?? options.prebufferMaxBytes + 8 * 1024 * 1024;
    this.machine = initialRecorderState(checkRecorderConfig(options.config));
  }

  /** Subscribe to the video and boot (always record resumes here when undocked). */
  start(): this {
    this.unsubscribe ??= this.options.video.onAccessUnit((unit) => this.onUnit(unit));
    this.dispatch({ kind: 'boot', at: this.options.clock.monotonic(), docked: this.options.docked ?? false });
    return this;
  }

  get state(): RecorderState {
    return this.machine;
  }

  /** The ring's status (undefined when the profile has no prebuffer). */
  prebuffer(): PrebufferStatus | undefined {
    return this.ring?.status(this.options.clock.monotonic());
  }

  /** The recording button's gesture. */
  recordPress(gesture: 'single' | 'double' = 'single'): void {
    this.dispatch({ kind: 'record-press', at: this.options.clock.monotonic(), gesture, prebufferFrom: this.ring?.oldestPts });
  }

  trigger(reason: AutomaticTrigger): void {
    this.dispatch({ kind: 'trigger', at: this.options.clock.monotonic(), reason, prebufferFrom: this.ring?.oldestPts });
  }

  /** Power off, battery empty or storage full: the recording ends at once. */
  stop(reason: ImmediateStop): void {
    this.dispatch({ kind: 'stop', at: this.options.clock.monotonic(), reason });
  }

  dock(): void {
    this.dispatch({ kind: 'dock', at: this.options.clock.monotonic() });
  }

  undock(): void {
    this.dispatch({ kind: 'undock', at: this.options.clock.monotonic() });
  }

  /** Power vanished: RAM (ring, queued units) is lost and the sink is not told. */
  powerCut(): void {
    this.dispatch({ kind: 'power-cut', at: this.options.clock.monotonic() });
  }

  /** Boot again after powerCut() or a power-off stop. */
  boot(docked = false): void {
    this.dispatch({ kind: 'boot', at: this.options.clock.monotonic(), docked });
  }

  configure(config: RecorderConfig): void {
    this.dispatch({ kind: 'configure', config });
  }

  /** Resolves when the sink has taken everything queued so far. */
  settled(): Promise<void> {
    if (!this.pumping && this.queueHead >= this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Unsubscribe from the video and cancel timers (a recording under way is not ended). */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.postbufferTimer?.cancel();
    this.postbufferTimer = undefined;
  }

  // --- the video listener: never waits, never throws for the sink ---

  private onUnit(unit: AccessUnit): void {
    this.unit = unit;
    try {
      this.dispatch({ kind: 'unit', pts: unit.pts, end: unit.pts + unit.duration });
    } finally {
      this.unit = undefined;
    }
  }

  private dispatch(input: RecorderInput): void {
    const previous = this.machine;
    const step = recorderStep(this.machine, input);
    this.machine = step.state;
    for (const effect of step.effects) this.run(effect);
    if (this.machine.kind === 'off' && input.kind !== 'boot') this.powerDown();
    if (this.machine.kind !== previous.kind) this.options.onStateChange?.(this.machine, previous);
  }

  private run(effect: RecorderEffect): void {
    const { clock } = this.options;
    switch (effect.kind) {
      case 'prebuffer-unit':
        if (this.unit) this.ring?.push(this.unit);
        return;
      case 'append-unit':
        if (this.unit) this.appendUnit(this.unit);
        return;
      case 'start-recording':
        this.startRecording(effect.trigger, effect.at);
        return;
      case 'begin-postbuffer':
        this.postbufferTimer?.cancel();
        this.postbufferTimer = clock.setTimeout(() => {
          this.postbufferTimer = undefined;
          this.dispatch({ kind: 'postbuffer-expired', at: clock.monotonic() });
        }, effect.ms);
        return;
      case 'cancel-postbuffer':
        this.postbufferTimer?.cancel();
        this.postbufferTimer = undefined;
        return;
      case 'finish-recording':
        this.finishRecording(effect.triggerOff, effect.at, effect.recording.stopAt);
        return;
      case 'reset-prebuffer': {
        const { prebufferMs } = this.machine.config;
        const at = clock.monotonic();
        if (prebufferMs <= 0) this.ring = undefined;
        else if (!this.ring || this.ring.lengthMs !== prebufferMs) {
          this.ring = new PrebufferRing({ lengthMs: prebufferMs, maxBytes: this.options.prebufferMaxBytes });
          this.ring.reset(effect.cause, at);
        } else this.ring.reset(effect.cause, at);
        return;
      }
      case 'indicator':
        this.options.onIndicator?.(effect.recording);
        return;
      case 'bookmark':
        this.options.onBookmark?.(effect.at);
    }
  }

  private wall(monotonic: number): number {
    const { clock } = this.options;
    return clock.now() - clock.monotonic() + monotonic;
  }

  private startRecording(trigger: TriggerOnReason, at: number): void {
    const status = this.ring?.status(at);
    const head = this.ring ? this.ring.drain() : [];
    const headBytes = head.reduce((n, u) => n + accessUnitBytes(u), 0);
    const prebuffer = {
      heldMs: status?.heldMs ?? 0, units: head.length, bytes: headBytes,
      // No ring: the profile has no prebuffer (or always record resumed at boot), nothing is short of it.
      shortfall: status?.shortfall ?? { kind: 'none' } as PrebufferShortfall,
    };
    const begin: RecordingBegin = {
      trigger,
      triggerOnTime: this.wall(at),
      startTime: this.wall(head[0]?.pts ?? at),
      prebuffer,
      video: this.options.video.info,
    };
    this.current = { begin, units: 0, bytes: 0, dropped: 0, skipping: false, failed: false };
    this.stats.recordings++;
    const report: RecordingStartReport = { trigger, pressedAt: at, headHandedAt: undefined, prebuffer };
    this.stats.lastStart = report;
    this.enqueue({ kind: 'begin', meta: begin }, 0);
    for (const unit of head) this.admit(unit, true);
    this.enqueue({ kind: 'mark', run: () => { report.headHandedAt = this.options.clock.monotonic(); } }, 0);
  }

  private appendUnit(unit: AccessUnit): void {
    this.admit(unit, false);
  }

  /** Queue one unit for the sink, or drop it (until a keyframe) when the sink is too far behind. */
  private admit(unit: AccessUnit, head: boolean): void {
    const rec = this.current;
    if (!rec) return;
    const size = accessUnitBytes(unit);
    if (!head) {
      if (rec.failed || (rec.skipping && !unit.keyframe) || this.stats.pendingBytes + size > this.maxPending) {
        rec.skipping = true;
        rec.dropped++;
        this.stats.droppedUnits++;
        return;
      }
      rec.skipping = false;
    }
    rec.units++;
    rec.bytes += size;
    this.enqueue({ kind: 'append', unit }, size);
  }

  private finishRecording(triggerOff: TriggerOffReason, at: number, stopAt: number | undefined): void {
    const rec = this.current;
    if (!rec) return;
    this.current = undefined;
    const end: RecordingEnd = {
      trigger: rec.begin.trigger,
      triggerOff,
      triggerOnTime: rec.begin.triggerOnTime,
      triggerOffTime: this.wall(at),
      startTime: rec.begin.startTime,
      stopTime: this.wall(stopAt ?? at),
      units: rec.units,
      bytes: rec.bytes,
      droppedUnits: rec.dropped,
    };
    this.enqueue({ kind: 'end', meta: end }, 0);
  }

  /** RAM is gone: the ring, the queue and the recording in progress (the sink is not told). */
  private powerDown(): void {
    this.postbufferTimer?.cancel();
    this.postbufferTimer = undefined;
    this.ring?.reset('boot');
    if (this.current) {
      this.current = undefined;
      this.queue = this.queue.slice(0, this.queueHead); // keep the job in flight only
      this.stats.pendingBytes = 0;
    }
  }

  // --- the sink pump: one call at a time, awaited outside the video listener ---

  private enqueue(job: Job, bytes: number): void {
    this.queue.push(job);
    this.stats.pendingBytes += bytes;
    if (this.stats.pendingBytes > this.stats.peakPendingBytes) this.stats.peakPendingBytes = this.stats.pendingBytes;
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    const { sink } = this.options;
    while (this.queueHead < this.queue.length) {
      const job = this.queue[this.queueHead]!;
      this.queue[this.queueHead] = undefined as unknown as Job;
      this.queueHead++;
      if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      try {
        let result: void | Promise<void> = undefined;
        switch (job.kind) {
          case 'begin': result = sink.begin(job.meta); break;
          case 'append':
            result = sink.append(job.unit);
            this.stats.pendingBytes -= accessUnitBytes(job.unit);
            break;
          case 'end': result = sink.end(job.meta); break;
          case 'mark': job.run(); break;
        }
        if (result && typeof result.then === 'function') await result;
      } catch (error) {
        this.sinkFailed(error);
      }
    }
    this.queue = [];
    this.queueHead = 0;
    this.pumping = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private sinkFailed(error: unknown): void {
    this.options.onSinkError?.(error);
    // Drop the failed recording's queued units; keep begin/end/mark jobs so the sink is closed.
    const rest = this.queue.slice(this.queueHead).filter((j) => j.kind !== 'append');
    this.queue = rest;
    this.queueHead = 0;
    this.stats.pendingBytes = 0;
    if (this.current) {
      this.current.failed = true;
      if (this.machine.kind === 'recording' || this.machine.kind === 'postbuffer') {
        this.dispatch({ kind: 'stop', at: this.options.clock.monotonic(), reason: 'storage-full' });
      }
    }
  }
}

/** Create a recorder and start it (subscribe, boot). */
export function startRecorder(options: RecorderOptions): Recorder {
  return new Recorder(options).start();
}
