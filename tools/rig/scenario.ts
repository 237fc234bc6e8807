/**
 * The HIL rig's scenario as data: the devices it declares and its timed steps (actions and
 * expectations), and the error that names the line and field of a malformed scenario.
 */

/** Recorder settings a device line or profile file may give (a narrow view of the camera profile). */
export interface RigRecorderSettings {
  prebufferMs?: number;
  postbufferMs?: number;
  alwaysRecord?: boolean;
  activation?: 'single-press' | 'double-press';
}

export interface DeviceDecl {
  line: number;
  name: string;
  kind: 'camera';
  model: string;
  serial: string;
  user?: string;
  /** The user's name (for the overlay), `user-name="Ada Lovelace"`. */
  userName?: string;
  /** Profile file as written (relative to the scenario file): a camera profile (firmware/camera/profile) in JSON. */
  profile?: string;
  /** The profile file's content, checked against the model by loadScenario; handed to the camera as its profile. */
  profileDoc?: unknown;
  /** Profile settings, then inline settings over them. */
  recorder: RigRecorderSettings;
  /** `linux-camera`: a real camera board driven in real time (tools/rig/linux-target.ts); default emulated. */
  board?: string;
  /** The real board's config file, as written (relative to the scenario). */
  config?: string;
  /** Where the camera is in the world, metres east and north (default 0,0). */
  position?: { x: number; y: number };
  /** The rig's system is in evaluation mode (the evaluation check and reset gestures work). */
  evaluation?: boolean;
  batteryPercent: number;
  /** Docked at the start (bay = declaration order). */
  docked: boolean;
  /** Adopted into the rig's system at the start (has credentials, so it can record). */
  adopted: boolean;
}

/** A button or a chord of buttons pressed together (`function+record`). */
export type Buttons = string[];

export type Action =
  | { kind: 'press'; device: string; buttons: Buttons }
  | { kind: 'double-press'; device: string; buttons: Buttons }
  | { kind: 'hold'; device: string; buttons: Buttons; forMs?: number }
  | { kind: 'release'; device: string; buttons: Buttons }
  | { kind: 'dock'; device: string; bay?: number }
  | { kind: 'undock'; device: string }
  | { kind: 'battery'; device: string; percent: number }
  /** The camera's storage is this full (recordings and other files together). */
  | { kind: 'storage'; device: string; usedPercent: number }
  /** The device's wall clock jumps forward (weeks in a drawer) without running its timers. */
  | { kind: 'clock'; device: string; forwardMs: number }
  | { kind: 'power-cut'; device: string }
  | { kind: 'power-off'; device: string }
  | { kind: 'power-on'; device: string }
  | { kind: 'wait'; ms: number }
  /** The camera walks to (x, y) metres in the world (radio range, holster range). */
  | { kind: 'move'; device: string; x: number; y: number }
  /** An activation kit (privacy zone, W401) switched on at (x, y) with its Range setting, or off. */
  | { kind: 'kit'; name: string; on: true; x: number; y: number; range: number }
  | { kind: 'kit'; name: string; on: false }
  /** Share of radio frames lost on the medium. */
  | { kind: 'radio-loss'; percent: number }
  /** A holster sensor in the world: added (powered) at (x, y), moved, powered, drawn or put back. */
  | { kind: 'holster'; op: 'add' | 'move'; serial: string; x: number; y: number }
  | { kind: 'holster'; op: 'unholster' | 'holster' | 'power-on' | 'power-off'; serial: string }
  /** The wearer moves as a shipped IMU trace (fall-forward, jump, running, drop, ...). */
  | { kind: 'motion'; device: string; trace: string }
  /** "Pair (Holster sensor)": the system gives the camera's user this sensor to pair (as at a dock). */
  | { kind: 'pair'; device: string; serial: string }
  /** A mini cube sensor (AXIS TW1201) plugged into / pulled out of the camera; its button is `cube-record`. */
  | { kind: 'cube'; device: string; connected: boolean }
  /** The camera's emulated GNSS receiver: open or blocked sky, or no fix for a while from now. */
  | { kind: 'gnss'; device: string; op: 'sky'; sky: 'open' | 'blocked' }
  | { kind: 'gnss'; device: string; op: 'outage'; forMs: number }
  /** The camera walks in a straight line to (x, y) metres, arriving `inMs` later (its position moves each second). */
  | { kind: 'walk'; device: string; x: number; y: number; inMs: number }
  /**
   * The rig as the system assigns the camera this profile (as a controller does at a dock). The
   * file is not checked against the model: the camera's own answer is what a scenario checks.
   */
  | { kind: 'assign'; device: string; profile: string; profileDoc?: unknown }
  /** The rig's system self-assigns the docked camera to its user, as a controller does after a tag tap. */
  | { kind: 'self-assign'; device: string };

export type RecordingPick = number | 'last';

export type Expectation =
  | { kind: 'state'; device: string; state: string }
  | { kind: 'led'; device: string; led: string; color: string | 'off'; mode: 'steady' | 'flash' | 'lit' }
  | { kind: 'recordings'; device: string; count: number; status?: 'open' | 'closed' | 'interrupted' }
  | { kind: 'recording-time'; device: string; pick: RecordingPick; property: 'prebuffer' | 'postbuffer'; ms: number; toleranceMs: number }
  | { kind: 'recording-fact'; device: string; pick: RecordingPick; property: 'status' | 'trigger-on' | 'trigger-off' | 'user'; value: string }
  | { kind: 'bookmarks'; device: string; count: number }
  | { kind: 'alert'; device: string; alert: string; times?: number }
  | { kind: 'battery'; device: string; percent: number; tolerance: number }
  /** Self-assign readiness as the controller judges the camera's report: >= 60 % battery and storage free. */
  | { kind: 'self-assign'; device: string; ready: boolean }
  /** Silent mode (profile "Allow silent mode"): front recording indicator and alerts off. */
  | { kind: 'silent'; device: string; on: boolean }
  /** Vibration and sound patterns the camera played since the rig started it (a beep-and-vibrate alert is 2). */
  | { kind: 'feedback'; device: string; count: number }
  /** A recording's sealed location: a trigger's location near (x, y) within `withinM` metres, or none (`near` absent); `which: 'any'` with no `near`: no location at all. */
  | { kind: 'recording-location'; device: string; pick: RecordingPick; which: 'trigger-on' | 'trigger-off' | 'any'; near?: { x: number; y: number }; withinM: number }
  /** A recording's GNSS trail: `count` points (at least, with `atLeast`), or its last point near (x, y). */
  | { kind: 'recording-trail'; device: string; pick: RecordingPick; count: number; atLeast: boolean }
  | { kind: 'recording-trail-end'; device: string; pick: RecordingPick; near: { x: number; y: number }; withinM: number }
  /** The camera's answer to the last assignment: accepted, or refused (with a reason containing `reason`). */
  | { kind: 'assignment'; device: string; accepted: boolean; reason?: string }
  /** Microphone mute (profile "Allow microphone mute"): off means no audio is recorded. */
  | { kind: 'microphone'; device: string; off: boolean }
  /** The text burned into a recording's video: some picture, every picture, or no picture has a line containing `text`. */
  | { kind: 'recording-overlay'; device: string; pick: RecordingPick; mode: 'shows' | 'always' | 'never'; text: string }
  /** A recording's sound: no sound track at all, or sound / silence at `atMs` into its media (its start, prebuffer included). */
  | { kind: 'recording-audio'; device: string; pick: RecordingPick; heard: 'none' }
  | { kind: 'recording-audio'; device: string; pick: RecordingPick; heard: 'sound' | 'silence'; atMs: number };

export interface TimedStep {
  line: number;
  /** Scenario time of the step, ms from the start. */
  atMs: number;
  /** The step as written, without its time (printed by the runner). */
  text: string;
  step: { type: 'action'; action: Action } | { type: 'expect'; expect: Expectation };
}

export interface Scenario {
  /** File name used in messages. */
  file: string;
  devices: DeviceDecl[];
  steps: TimedStep[];
}

/** A malformed scenario: `file:line: field: message`. */
export class ScenarioError extends Error {
  constructor(readonly file: string, readonly line: number, readonly field: string, readonly detail: string) {
    super(`${file}:${line}: ${field}: ${detail}`);
    this.name = 'ScenarioError';
  }
}
