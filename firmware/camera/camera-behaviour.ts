/**
 * Runs the camera's behaviour: feeds the pure camera machine (behaviour/camera-machine.ts) with
 * power, dock, gesture, recorder and certificate facts, and carries out its effects on the
 * recorder, the sensor and the indicators; plays alerts per the profile and runs the timed ones
 * (low battery, periodic reminders). Keeps what the rig and the simulator read: the state, the
 * alerts played and the bookmarks made.
 */
import type { Clock, Timer } from '../../hal/clock/contract.js';
import type { Indicators } from '../../hal/indicators/contract.js';
import type { PowerLoad } from '../../hal/power/contract.js';
import type { Log } from '../common/log.js';
import { cameraStep, initialCameraState, isRecording, STANDBY_WAKE_MS } from './behaviour/camera-machine.js';
import type { BehaviourProfile, CameraEffect, CameraInput, CameraState, RecorderReport } from './behaviour/camera-state.js';
import {
  alertOutput, initialLowBattery, initialReminder, lowBatteryStep, reminderStep,
  type AlertKind, type AlertProfile, type LowBatteryState, type ReminderState,
} from './behaviour/alerts.js';
import type { CameraProfile } from './profile/profile.js';
import type { Recorder } from './recorder/recorder.js';
import type { RecorderConfig, RecorderState, TriggerOffReason } from './recorder/recorder-machine.js';

/** An alert as played: what, when (monotonic ms), how many pulses/beeps. */
export interface PlayedAlert { kind: AlertKind; at: number; count: number }

export function behaviourProfileOf(p: CameraProfile): BehaviourProfile {
  return {
    activation: p.activation.recordingButton, alwaysRecord: p.activation.alwaysRecord, standbyMode: p.standbyMode,
    postbuffer: p.postbuffer.enabled, frontIndicator: p.feedback.frontIndicator, allowSilentMode: p.featureAccess.allowSilentMode,
    allowMicrophoneMute: p.featureAccess.allowMicrophoneMute,
    disableMainRecordButton: p.miniCube.disableMainRecordingButton,
  };
}

export function alertProfileOf(p: CameraProfile): AlertProfile {
  const f = p.feedback;
  return {
    alert: f.alert, lowBatteryWarning: f.lowBatteryWarning,
    reminderOnMs: f.reminderWhileRecording.enabled ? f.reminderWhileRecording.intervalMin * 60_000 : null,
    reminderOffMs: f.reminderWhileNotRecording.enabled ? f.reminderWhileNotRecording.intervalMin * 60_000 : null,
    escalating: f.reminderWhileNotRecording.escalating,
  };
}

export interface CameraBehaviourOptions {
  clock: Clock;
  indicators: Indicators;
  log: Log;
  profile: CameraProfile;
  /** A user is assigned to the camera (an unassigned camera refuses to record). */
  assigned: boolean;
  /** Turn the image sensor on or off (the runtime's video stream). */
  sensor: (on: boolean) => void;
  /** The recorder settings in force (the profile's, or a rig's or test's overrides of them). */
  recorder?: RecorderConfig;
  /** Keep a bookmark (wall-clock ms) with the recording under way. */
  bookmark?: (wallMs: number) => void;
  /** Tell the power source what is on (Power.load), so a battery model or power manager can budget. */
  load?: (load: PowerLoad) => void;
  /** The microphone was turned off or on (the user's toggle, or back on at the dock). */
  microphone?: (off: boolean) => void;
  /** Carry out the evaluation-mode reset (delete recordings, forget the system). */
  reset?: () => void;
}

/** The power load of a camera state: recording costs most, standby least. */
export function loadOf(state: CameraState): PowerLoad {
  switch (state.kind) {
    case 'off': return { mode: 'off' };
    case 'standby': return { mode: state.waking ? 'idle' : 'standby' };
    case 'recording': case 'postbuffer': return { mode: 'recording' };
    default: return { mode: 'idle' };
  }
}

export class CameraBehaviour {
  private machine: CameraState;
  private recorder: Recorder | undefined;
  private alertProfile: AlertProfile;
  private lowBattery: LowBatteryState = initialLowBattery();
  private reminder: ReminderState = initialReminder();
  private lowBatteryTimer: Timer | undefined;
  private reminderTimer: Timer | undefined;
  private wakeTimer: Timer | undefined;
  private minutesLeft: number | undefined;
  /** Why the runtime last asked the recorder to stop, reported back when it has. */
  private stopReason: TriggerOffReason = 'button';
  readonly alerts: PlayedAlert[] = [];
  /** Monotonic ms of each bookmark made. */
  readonly bookmarks: number[] = [];
  /** Every state the camera went through: [monotonic ms, state kind]. */
  readonly history: [number, CameraState['kind']][] = [];

  constructor(private readonly o: CameraBehaviourOptions) {
    const profile = behaviourProfileOf(o.profile);
    if (o.recorder) {
      profile.activation = o.recorder.activation;
      profile.alwaysRecord = o.recorder.alwaysRecord;
      profile.postbuffer = o.recorder.postbufferMs > 0;
    }
    this.machine = initialCameraState(profile, { assigned: o.assigned });
    this.alertProfile = alertProfileOf(o.profile);
  }

  get state(): CameraState { return this.machine; }

  /** The recorder to drive (undefined when the video could not be opened). */
  attach(recorder: Recorder | undefined): void {
    this.recorder = recorder;
  }

  input(input: CameraInput): void {
    const before = this.machine.kind;
    const micBefore = this.machine.ctx.microphoneOff;
    const step = cameraStep(this.machine, input);
    this.machine = step.state;
    if (this.machine.ctx.microphoneOff !== micBefore) {
      this.o.log.info('camera', `microphone ${this.machine.ctx.microphoneOff ? 'off: audio is not recorded' : 'on'}`);
      this.o.microphone?.(this.machine.ctx.microphoneOff);
    }
    if (this.machine.kind !== before) {
      this.history.push([this.o.clock.monotonic(), this.machine.kind]);
      this.o.log.debug('camera', `${before} -> ${this.machine.kind} (${input.kind})`);
      this.o.load?.(loadOf(this.machine));
      this.reschedule();
    }
    for (const e of step.effects) this.run(e);
  }

  /** A recorder state change, as the camera machine hears it. */
  recorderChanged(state: RecorderState, previous: RecorderState): void {
    let report: RecorderReport | undefined;
    if (state.kind === 'recording' && previous.kind !== 'recording' && previous.kind !== 'postbuffer') report = { kind: 'recording-started', trigger: state.recording.triggerOn };
    else if (state.kind === 'postbuffer') report = { kind: 'postbuffer-started' };
    else if ((state.kind === 'idle' || state.kind === 'off') && previous.kind === 'postbuffer') report = { kind: 'postbuffer-ended' };
    else if ((state.kind === 'idle' || state.kind === 'off') && previous.kind === 'recording') report = { kind: 'recording-stopped', reason: this.stopReason };
    this.stopReason = 'button';
    if (report) this.input({ kind: 'recorder', report });
  }

  /** Battery time left (minutes; undefined when charging or unknown) for the low-battery warning. */
  battery(minutesLeft: number | undefined): void {
    this.minutesLeft = minutesLeft;
    this.runLowBattery();
  }

  close(): void {
    this.lowBatteryTimer?.cancel();
    this.reminderTimer?.cancel();
    this.wakeTimer?.cancel();
  }

  private run(e: CameraEffect): void {
    const r = this.recorder;
    const press = this.machine.ctx.profile.activation === 'double-press' ? 'double' : 'single';
    switch (e.kind) {
      case 'start-recording':
        if (!r) return;
        if (e.trigger === 'button') {
          // The machine approved this start: hand the recorder the gesture its activation expects.
          if (r.state.kind === 'idle' || r.state.kind === 'postbuffer') r.recordPress(press);
        } else if (e.trigger === 'fall' || e.trigger === 'unholster' || e.trigger === 'wireless-broadcast') {
          r.trigger(e.trigger);
        }
        return;
      case 'stop-recording':
        if (!r) return;
        this.stopReason = e.reason;
        if (e.reason === 'button') {
          if (r.state.kind === 'recording') r.recordPress(press);
        } else if (e.reason === 'power-off' || e.reason === 'battery-empty' || e.reason === 'storage-full') {
          if (r.state.kind === 'recording' || r.state.kind === 'postbuffer') r.stop(e.reason);
        }
        // 'dock': the recorder hears the dock itself and ends the recording there.
        return;
      case 'bookmark':
        this.bookmarks.push(this.o.clock.monotonic());
        this.o.log.info('camera', `bookmark at ${new Date(this.o.clock.now()).toISOString()}`);
        this.o.bookmark?.(this.o.clock.now());
        return;
      case 'sensor':
        this.o.sensor(e.on);
        if (e.on && this.machine.kind === 'standby' && this.machine.waking) {
          this.wakeTimer?.cancel();
          this.wakeTimer = this.o.clock.setTimeout(() => { this.wakeTimer = undefined; this.input({ kind: 'sensor-ready' }); }, STANDBY_WAKE_MS);
        }
        return;
      case 'standby':
        this.o.log.info('camera', e.on ? 'standby: sensor off until the recording button is pressed' : 'leaving standby');
        return;
      case 'indicators': {
        const ind = this.o.indicators;
        const leds = ind.capabilities().leds;
        for (const [name, pattern] of Object.entries(e.view)) {
          // Boards without an LED (or a color) show what they can.
          const colors = leds[name];
          if (!colors || ('color' in pattern && !colors.includes(pattern.color))) continue;
          ind.setLed(name, pattern).catch((err: Error) => this.o.log.debug('indicators', `${name}: ${err.message}`));
        }
        return;
      }
      case 'alert':
        this.play(e.alert, 1);
        return;
      case 'system-link':
        this.o.log.warn('camera', e.allowed ? 'back in the system' : 'safe mode: the certificate is not valid; no offload until the camera is allowed back into the system');
        return;
      case 'reset-camera':
        if (this.o.reset) this.o.reset();
        else this.o.log.warn('camera', 'evaluation-mode reset asked for: this runtime cannot reset (recordings kept)');
    }
  }

  /** A new profile from the system: the machine, alerts and reminders follow it at once. */
  reprofile(profile: CameraProfile, recorder?: RecorderConfig): void {
    const p = behaviourProfileOf(profile);
    if (recorder) {
      p.activation = recorder.activation;
      p.alwaysRecord = recorder.alwaysRecord;
      p.postbuffer = recorder.postbufferMs > 0;
    }
    this.alertProfile = alertProfileOf(profile);
    this.input({ kind: 'profile', profile: p });
    this.reschedule();
  }

  /** An alert a sensor service asks for (privacy zone), played per the profile and silent mode. */
  alert(kind: AlertKind, count = 1): void {
    this.play(kind, count);
  }

  private play(kind: AlertKind, count: number): void {
    this.alerts.push({ kind, at: this.o.clock.monotonic(), count });
    const out = alertOutput(kind, this.alertProfile.alert, this.machine.ctx.silent, count);
    if (!out) return;
    const ind = this.o.indicators;
    const caps = ind.capabilities();
    if (out.vibration && caps.vibration) ind.vibrate(out.vibration).catch(() => undefined);
    if (out.sound && caps.sound) ind.sound(out.sound).catch(() => undefined);
  }

  private runLowBattery(): void {
    const now = this.o.clock.monotonic();
    const step = lowBatteryStep(this.alertProfile.lowBatteryWarning, this.lowBattery, now, this.machine.kind === 'docked' ? undefined : this.minutesLeft);
    this.lowBattery = step.state;
    for (const a of step.alerts) this.play(a.kind, a.count);
    this.lowBatteryTimer?.cancel();
    this.lowBatteryTimer = step.nextAt === undefined ? undefined : this.o.clock.setTimeout(() => this.runLowBattery(), Math.max(0, step.nextAt - now));
  }

  private reschedule(): void {
    const now = this.o.clock.monotonic();
    const k = this.machine.kind;
    const status = isRecording(this.machine) ? 'recording' : k === 'idle' || k === 'standby' ? 'not-recording' : 'inactive';
    const step = reminderStep(this.alertProfile, this.reminder, now, status);
    this.reminder = step.state;
    for (const a of step.alerts) this.play(a.kind, a.count);
    this.reminderTimer?.cancel();
    this.reminderTimer = step.nextAt === undefined ? undefined : this.o.clock.setTimeout(() => this.reschedule(), Math.max(0, step.nextAt - now));
  }
}
