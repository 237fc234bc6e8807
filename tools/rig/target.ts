/**
 * What the rig drives: a RigTarget applies a scenario's actions to devices and answers its
 * questions. The emulated target runs in virtual time; a real one (see README) waits in real time.
 */
import type { LedPattern } from '../../hal/indicators/contract.js';
import type { Action, DeviceDecl } from './scenario.js';
import type { RigRecordingLocation } from './recording-location.js';

/** An answer, or the admission that this target cannot tell yet (the expectation then fails). */
export type Answer<T> = { supported: true; value: T } | { supported: false; what: string };

/** One recording on a device, oldest first. Times are the device's wall clock, ms. */
export interface RigRecording {
  status: 'open' | 'closed' | 'interrupted';
  userId: string;
  /** Unknown (undefined) while the recording is open. */
  startTimeMs?: number;
  triggerOnTimeMs?: number;
  triggerOffTimeMs?: number;
  stopTimeMs?: number;
  /** e.g. 'dock', 'button', 'power-off' (TRIGGER_REASON_ lowercased, _ as -). */
  triggerOffReason?: string;
  /** e.g. 'button', 'wireless-broadcast', 'unholster', 'fall'. */
  triggerOnReason?: string;
}

export interface RigState {
  /** The state now, in the scenario's words (idle, recording, ...). */
  state: string;
  /** Every state this target can report: expecting another is "not supported by this runtime yet". */
  reportable: readonly string[];
}

export interface RigTarget {
  /** Shown in the run's first line. */
  readonly description: string;
  /** Set up the declared devices (boot, adopt, initial dock); scenario time 0 starts when it resolves. */
  start(devices: readonly DeviceDecl[]): Promise<void>;
  /** Let scenario time pass up to `ms` from the start (virtual: advance the timeline; real: sleep). */
  advanceTo(ms: number): Promise<void>;
  /** Do one action now. Throws (Error with a message naming the device) when it cannot be done. */
  apply(action: Action): Promise<void>;
  /** Let devices finish what the last steps started, without passing scenario time (virtual) or briefly (real). */
  settle(): Promise<void>;
  /** The device's state; `asked` (the state an expectation names) lets a docked camera answer with its phase. */
  state(device: string, asked?: string): Promise<RigState>;
  /** The pattern LED `led` shows now, and whether it is lit at this instant. */
  led(device: string, led: string): Promise<Answer<{ pattern: LedPattern; litColor: string | null }>>;
  recordings(device: string): Promise<Answer<RigRecording[]>>;
  bookmarks(device: string): Promise<Answer<number>>;
  /** Alerts the device is showing or has shown, by name. */
  alerts(device: string): Promise<Answer<string[]>>;
  battery(device: string): Promise<Answer<number>>;
  /** Whether the camera is in silent mode (a target without it: the expectation is not supported). */
  silent?(device: string): Promise<Answer<boolean>>;
  /** Battery and free storage as the camera reports them at a dock (a target without it: not supported). */
  readiness?(device: string): Promise<Answer<{ batteryPercent: number; storageFreePercent: number }>>;
  /** Vibration and sound patterns played since the rig started the device. */
  feedback?(device: string): Promise<Answer<number>>;
  /** Each recording's sealed location opened, in world metres (oldest first); a target without it cannot check location. */
  recordingLocations?(device: string): Promise<Answer<RigRecordingLocation[]>>;
  /** The camera's answer to the system's last assignment (a target that cannot assign: not supported). */
  assignment?(device: string): Promise<Answer<{ accepted: boolean; reason?: string }>>;
  /** Whether the camera's microphone is off (microphone mute). */
  microphoneOff?(device: string): Promise<Answer<boolean>>;
  /** The overlay text of every picture of each recording (oldest recording first; open ones: undefined). */
  recordingOverlays?(device: string): Promise<Answer<(string[][] | undefined)[]>>;
  /** The sound level of every 100 ms of each recording (oldest first; open ones, undefined; no sound track, null). */
  recordingAudio?(device: string): Promise<Answer<(number[] | null | undefined)[]>>;
  /** Release every device (orderly stop). */
  close(): Promise<void>;
}
