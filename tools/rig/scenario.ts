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
  /** The device's wall clock jumps forward (weeks in a drawer) without running its timers. */
  | { kind: 'clock'; device: string; forwardMs: number }
  | { kind: 'power-cut'; device: string }
  | { kind: 'power-off'; device: string }
  | { kind: 'power-on'; device: string }
  | { kind: 'wait'; ms: number };

export type RecordingPick = number | 'last';

export type Expectation =
  | { kind: 'state'; device: string; state: string }
  | { kind: 'led'; device: string; led: string; color: string | 'off'; mode: 'steady' | 'flash' | 'lit' }
  | { kind: 'recordings'; device: string; count: number; status?: 'open' | 'closed' | 'interrupted' }
  | { kind: 'recording-time'; device: string; pick: RecordingPick; property: 'prebuffer' | 'postbuffer'; ms: number; toleranceMs: number }
  | { kind: 'recording-fact'; device: string; pick: RecordingPick; property: 'status' | 'trigger-off' | 'user'; value: string }
  | { kind: 'bookmarks'; device: string; count: number }
  | { kind: 'alert'; device: string; alert: string }
  | { kind: 'battery'; device: string; percent: number; tolerance: number };

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
