/**
 * The camera's behaviour as types: the states, inputs and effects of the camera-level state
 * machine (camera-machine.ts), and the narrow slice of the camera profile it needs.
 */
import type { ChargingState } from '../../../hal/power/contract.js';
import type { AutomaticTrigger, TriggerOffReason, TriggerOnReason } from '../recorder/recorder-machine.js';
import type { IndicatorView } from './indicators.js';

export type { AutomaticTrigger, TriggerOffReason, TriggerOnReason };

/** The profile settings the behaviour needs (the lead maps the full CameraProfile onto this). */
export interface BehaviourProfile {
  /** "Recording button" activation: the gesture that starts, and pressed again stops, a recording. */
  activation: 'single-press' | 'double-press';
  /** Always record: records from undock (and power on while undocked) until dock or power off. */
  alwaysRecord: boolean;
  /** Standby mode: the sensor is off while not recording; about 1 s to start recording. */
  standbyMode: boolean;
  /** A postbuffer is configured (length > 0): a stop keeps recording while showing stopped. */
  postbuffer: boolean;
  /** Front recording indicator while recording. */
  frontIndicator: 'none' | 'steady' | 'flash';
  /** The user may turn silent mode on (display, front indicator and alerts off). */
  allowSilentMode: boolean;
  /** The user may turn the microphone off (profile "Allow microphone mute"). */
  allowMicrophoneMute: boolean;
  /** "Disable main camera recording button" while a mini cube sensor is connected. */
  disableMainRecordButton: boolean;
}

export const DEFAULT_BEHAVIOUR_PROFILE: BehaviourProfile = {
  activation: 'single-press', alwaysRecord: false, standbyMode: false, postbuffer: false,
  frontIndicator: 'none', allowSilentMode: false, allowMicrophoneMute: false, disableMainRecordButton: false,
};

/** What the charger says while docked. */
export type DockCharge = 'charging' | 'charged' | 'not-charging';

/** Facts the camera keeps across its states. */
export interface CameraContext {
  profile: BehaviourProfile;
  /** A user is assigned: without one the camera refuses to record and flashes red undocked. */
  assigned: boolean;
  /** The user self-assigned at an RFID reader: LEDs flash green until undock. */
  selfAssigned: boolean;
  /** The camera certificate is valid; expired, the camera enters safe mode when (next) docked. */
  certificateValid: boolean;
  /** The system is in evaluation mode (the evaluation check and reset gestures work). */
  evaluationMode: boolean;
  /** The evaluation check was made: all LEDs flash amber until the reset window closes. */
  evaluationCheck: boolean;
  /** Silent mode: front indicator and alerts off. */
  silent: boolean;
  /** The user turned the microphone off: no audio is recorded, and the overlay says so. Back on at the dock. */
  microphoneOff: boolean;
  /** A mini cube sensor is connected. */
  miniSensorConnected: boolean;
  charge: DockCharge;
  offloading: boolean;
}

export type CameraState =
  /** Powered off. */
  | { kind: 'off'; ctx: CameraContext }
  /** Powered on, the firmware is starting. */
  | { kind: 'booting'; ctx: CameraContext }
  /** In a docking bay: charging / charged / offloading (see dockedPhase). Does not record. */
  | { kind: 'docked'; ctx: CameraContext }
  /** Undocked, assigned, sensor on (prebuffering when the profile has one), not recording. */
  | { kind: 'idle'; ctx: CameraContext }
  /**
   * Undocked, not recording, sensor off (profile standby mode). `waking`: a start was asked for
   * and the sensor is powering up (about STANDBY_WAKE_MS); recording starts at `sensor-ready`.
   */
  | { kind: 'standby'; ctx: CameraContext; waking: TriggerOnReason | null }
  | { kind: 'recording'; ctx: CameraContext; trigger: TriggerOnReason }
  /** Stopped by the user but still recording the postbuffer; indicators show stopped. */
  | { kind: 'postbuffer'; ctx: CameraContext; trigger: TriggerOnReason }
  /** Certificate expired and docked since: no offload, no recording, until allowed back in. */
  | { kind: 'safe-mode'; ctx: CameraContext; docked: boolean }
  /** Undocked with no user assigned: refuses to record, all LEDs flash red. */
  | { kind: 'unassigned'; ctx: CameraContext };

export type CameraStateKind = CameraState['kind'];

/** Gestures as the behaviour needs them (piece B's recognizer output is mapped onto these). */
export type CameraGesture =
  /** The recording button pressed once or twice (within the double-press window). */
  | { kind: 'record'; presses: 1 | 2; source: 'camera' | 'mini-sensor' }
  /** Both function and recording buttons double-pressed (W110/W102/W120: power double press). */
  | { kind: 'evaluation-check' }
  /** The reset gesture made within the window after the evaluation check. */
  | { kind: 'evaluation-reset' }
  /** The user's silent-mode toggle. */
  | { kind: 'silent-toggle' }
  /** The user's microphone on/off toggle. */
  | { kind: 'microphone-toggle' };

/** What the recorder (firmware/camera/recorder) reports back. */
export type RecorderReport =
  | { kind: 'recording-started'; trigger: TriggerOnReason }
  | { kind: 'recording-stopped'; reason: TriggerOffReason }
  | { kind: 'postbuffer-started' }
  | { kind: 'postbuffer-ended' };

export type CameraInput =
  | { kind: 'power-on' }
  | { kind: 'power-off' }
  | { kind: 'battery-empty' }
  | { kind: 'boot-done'; docked: boolean; certificateValid: boolean; assigned: boolean; evaluationMode?: boolean }
  | { kind: 'dock' }
  | { kind: 'undock' }
  | { kind: 'charge'; charging: ChargingState }
  | { kind: 'offload-started' }
  | { kind: 'offload-finished' }
  | { kind: 'gesture'; gesture: CameraGesture }
  | { kind: 'trigger'; reason: AutomaticTrigger }
  /** The sensor finished powering up after leaving standby. */
  | { kind: 'sensor-ready' }
  | { kind: 'storage-full' }
  | { kind: 'certificate-expired' }
  /** Allowed back into the system (new certificate). */
  | { kind: 'certificate-renewed' }
  | { kind: 'user-assigned'; self: boolean }
  | { kind: 'user-unassigned' }
  | { kind: 'mini-sensor'; connected: boolean }
  | { kind: 'profile'; profile: BehaviourProfile }
  /** The evaluation reset window (7 s after the check) closed. */
  | { kind: 'evaluation-window-closed' }
  /** The system says whether it is in evaluation mode (assignment at dock). */
  | { kind: 'evaluation-mode'; on: boolean }
  | { kind: 'recorder'; report: RecorderReport };

/** Alerts the machine raises on events (the schedulers in alerts.ts raise the timed ones). */
export type EventAlert = 'recording-started' | 'recording-stopped' | 'bookmark' | 'refused' | 'storage-full'
  /** Entering a privacy zone, and again after 2 minutes in it while still recording (three beeps and vibrations, or voice). */
  | 'privacy-zone';

export type CameraEffect =
  /** Start (or, in postbuffer, continue) a recording: the recorder's press/trigger. */
  | { kind: 'start-recording'; trigger: TriggerOnReason }
  /** Stop the recording: 'button' begins the postbuffer when configured, others stop at once. */
  | { kind: 'stop-recording'; reason: TriggerOffReason }
  | { kind: 'bookmark' }
  /** Power the image sensor on or off. */
  | { kind: 'sensor'; on: boolean }
  /** Enter or leave the standby power-saving mode. */
  | { kind: 'standby'; on: boolean }
  /** Show these LED patterns (emitted only when what shows changes). */
  | { kind: 'indicators'; view: IndicatorView }
  | { kind: 'alert'; alert: EventAlert }
  /** Serve the system over the dock (offload, custody) or stop serving it (safe mode). */
  | { kind: 'system-link'; allowed: boolean }
  /** Evaluation-mode reset: delete recordings not offloaded, forget the system, restart. */
  | { kind: 'reset-camera' };

export interface CameraStep {
  state: CameraState;
  effects: CameraEffect[];
}
