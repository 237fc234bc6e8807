/**
 * The camera profile: every camera-side setting of the manual's "Camera profile settings" as one
 * typed schema with defaults. `checkProfile` (check-profile.ts) turns untrusted input into one.
 */
import {
  IMAGE_QUALITIES, PREBUFFER_LENGTHS_S, type ImageQuality, type PrebufferLengthS,
} from './models.js';

export { IMAGE_QUALITIES, PREBUFFER_LENGTHS_S, type ImageQuality, type PrebufferLengthS };

export const LIVE_STREAM_QUALITIES = ['320p', '720p'] as const;
export const AUDIO_OPTIMIZATIONS = ['default', 'post-processing', 'voice'] as const;
export const POSTBUFFER_LENGTHS_S = [10, 30, 60] as const;
export const LOCATION_MODES = ['off', 'while-recording-and-streaming', 'always'] as const;
export const RECORDING_BUTTON_PRESSES = ['single-press', 'double-press'] as const;
export const SIGNAL_STRENGTHS = ['high', 'medium', 'low'] as const;
/** Reach of each signal strength in open outdoor space, metres (manual). */
export const SIGNAL_REACH_M: Readonly<Record<SignalStrength, number>> = { high: 100, medium: 75, low: 35 };
/** Minutes broadcasting is withheld after undock; 0 = no delay (the manual offers 2, 5, 10, 30). */
export const BROADCAST_DELAYS_MIN = [0, 2, 5, 10, 30] as const;
export const PRIVACY_ZONE_RESPONSES = ['none', 'alert'] as const;
export const FRONT_INDICATOR_MODES = ['none', 'steady', 'flash'] as const;
export const ALERT_MODES = ['vibration', 'sound', 'sound-and-vibration', 'voice', 'voice-and-vibration'] as const;
/** Once; periodic = beep and vibrate once every 2 min; reinforced = three times every minute. */
export const LOW_BATTERY_WARNINGS = ['once', 'periodic', 'periodic-reinforced'] as const;
/**
 * Periodic reminder intervals, minutes. The manual says only "select a preferred interval"; this
 * list is our choice (short enough for incident work, long enough not to nag on a shift).
 */
export const REMINDER_INTERVALS_MIN = [1, 2, 5, 10, 15, 30] as const;
export const REMOTE_STREAM_ACTIVATIONS = ['off', 'while-recording', 'always'] as const;
/** The longest Wi-Fi network name (an SSID is at most 32 bytes). */
export const WIFI_NETWORK_MAX_CHARS = 32;

export type LiveStreamQuality = (typeof LIVE_STREAM_QUALITIES)[number];
export type AudioOptimization = (typeof AUDIO_OPTIMIZATIONS)[number];
export type PostbufferLengthS = (typeof POSTBUFFER_LENGTHS_S)[number];
export type LocationMode = (typeof LOCATION_MODES)[number];
export type RecordingButtonPress = (typeof RECORDING_BUTTON_PRESSES)[number];
export type SignalStrength = (typeof SIGNAL_STRENGTHS)[number];
export type BroadcastDelayMin = (typeof BROADCAST_DELAYS_MIN)[number];
export type PrivacyZoneResponse = (typeof PRIVACY_ZONE_RESPONSES)[number];
export type FrontIndicatorMode = (typeof FRONT_INDICATOR_MODES)[number];
export type AlertMode = (typeof ALERT_MODES)[number];
export type LowBatteryWarning = (typeof LOW_BATTERY_WARNINGS)[number];
export type ReminderIntervalMin = (typeof REMINDER_INTERVALS_MIN)[number];
export type RemoteStreamActivation = (typeof REMOTE_STREAM_ACTIVATIONS)[number];

/** One camera profile, as assigned to a camera of one model. */
export interface CameraProfile {
  video: {
    quality: ImageQuality;
    /** Electronic image stabilization. */
    eis: boolean;
    barrelCorrection: boolean;
  };
  audio: {
    /** Includes audio in the recording (and in the postbuffer). */
    enabled: boolean;
    optimization: AudioOptimization;
  };
  /** Power saving while not recording; cannot be combined with prebuffer. */
  standbyMode: boolean;
  prebuffer: { enabled: boolean; lengthS: PrebufferLengthS; audio: boolean };
  /** Keeps recording after the user stops; the indicator shows stopped meanwhile. */
  postbuffer: { enabled: boolean; lengthS: PostbufferLengthS };
  location: { mode: LocationMode; assistedGnss: boolean };
  overlay: {
    userName: boolean;
    /** The user id overlay; the visual watermark shows only its first 12 characters (watermark.ts). */
    userId: boolean;
    /** Requires location. */
    position: boolean;
  };
  activation: {
    recordingButton: RecordingButtonPress;
    /** Records from undock to dock; the button cannot stop it; resumes after a power cycle. */
    alwaysRecord: boolean;
    recordOnFall: boolean;
    /** Requires recordOnFall and streaming.enabled. */
    liveStreamOnFall: boolean;
    broadcast: { enabled: boolean; strength: SignalStrength; delayAtUndockMin: BroadcastDelayMin };
    recordOnReceivedBroadcast: boolean;
    privacyZoneResponse: PrivacyZoneResponse;
  };
  feedback: {
    frontIndicator: FrontIndicatorMode;
    alert: AlertMode;
    lowBatteryWarning: LowBatteryWarning;
    reminderWhileRecording: { enabled: boolean; intervalMin: ReminderIntervalMin };
    /** `escalating`: reminders come gradually more often. */
    reminderWhileNotRecording: { enabled: boolean; intervalMin: ReminderIntervalMin; escalating: boolean };
  };
  featureAccess: { allowSilentMode: boolean; allowMicrophoneMute: boolean };
  miniCube: { disableMainRecordingButton: boolean; rotate180: boolean };
  /** AXIS Body Worn Live (only visible when the system is connected to it). */
  streaming: {
    enabled: boolean;
    quality: LiveStreamQuality;
    liveStreamOnRecord: boolean;
    remoteActivation: RemoteStreamActivation;
  };
  /** AXIS Body Worn Assistant permissions. */
  assistant: { allowAccessToRecordings: boolean; allowWirelessNetworkChange: boolean; allowCategories: boolean };
  /** The Wi-Fi network assigned for streaming, or null. */
  wifiNetwork: string | null;
}

/**
 * The defaults: valid on every model, so only features every model has are on. The manual gives
 * no factory values; these are ours (1080p, audio on, 30 s prebuffer with audio, single press,
 * steady indicator, sound and vibration alerts, one low-battery warning).
 */
export const DEFAULT_PROFILE: CameraProfile = deepFreeze({
  video: { quality: '1080p', eis: false, barrelCorrection: false },
  audio: { enabled: true, optimization: 'default' },
  standbyMode: false,
  prebuffer: { enabled: true, lengthS: 30, audio: true },
  postbuffer: { enabled: false, lengthS: 30 },
  location: { mode: 'off', assistedGnss: false },
  overlay: { userName: false, userId: false, position: false },
  activation: {
    recordingButton: 'single-press',
    alwaysRecord: false,
    recordOnFall: false,
    liveStreamOnFall: false,
    broadcast: { enabled: false, strength: 'high', delayAtUndockMin: 0 },
    recordOnReceivedBroadcast: false,
    privacyZoneResponse: 'none',
  },
  feedback: {
    frontIndicator: 'steady',
    alert: 'sound-and-vibration',
    lowBatteryWarning: 'once',
    reminderWhileRecording: { enabled: false, intervalMin: 5 },
    reminderWhileNotRecording: { enabled: false, intervalMin: 10, escalating: false },
  },
  featureAccess: { allowSilentMode: false, allowMicrophoneMute: false },
  miniCube: { disableMainRecordingButton: false, rotate180: false },
  streaming: { enabled: false, quality: '320p', liveStreamOnRecord: false, remoteActivation: 'off' },
  assistant: { allowAccessToRecordings: true, allowWirelessNetworkChange: false, allowCategories: false },
  wifiNetwork: null,
});

/** How one setting is checked: a flag, one of a list, or a bounded text that may be null. */
export type SettingSpec =
  | { kind: 'flag' }
  | { kind: 'choice'; values: readonly (string | number)[]; unit?: string }
  | { kind: 'text-or-null'; maxChars: number };

/** A spec for every setting of T, by the shape of T (so the compiler keeps SCHEMA complete). */
export type SchemaOf<T> = [T] extends [boolean]
  ? { kind: 'flag' }
  : [T] extends [string | null]
    ? null extends T ? { kind: 'text-or-null'; maxChars: number } : { kind: 'choice'; values: readonly T[]; unit?: string }
    : [T] extends [number]
      ? { kind: 'choice'; values: readonly T[]; unit?: string }
      : { readonly [K in keyof T]-?: SchemaOf<T[K]> };

const flag = { kind: 'flag' } as const;
function choice<T extends string | number>(values: readonly T[], unit?: string): { kind: 'choice'; values: readonly T[]; unit?: string } {
  return unit === undefined ? { kind: 'choice', values } : { kind: 'choice', values, unit };
}

/** The profile's settings and what each accepts. */
export const PROFILE_SCHEMA: SchemaOf<CameraProfile> = deepFreeze({
  video: { quality: choice(IMAGE_QUALITIES), eis: flag, barrelCorrection: flag },
  audio: { enabled: flag, optimization: choice(AUDIO_OPTIMIZATIONS) },
  standbyMode: flag,
  prebuffer: { enabled: flag, lengthS: choice(PREBUFFER_LENGTHS_S, 's'), audio: flag },
  postbuffer: { enabled: flag, lengthS: choice(POSTBUFFER_LENGTHS_S, 's') },
  location: { mode: choice(LOCATION_MODES), assistedGnss: flag },
  overlay: { userName: flag, userId: flag, position: flag },
  activation: {
    recordingButton: choice(RECORDING_BUTTON_PRESSES),
    alwaysRecord: flag,
    recordOnFall: flag,
    liveStreamOnFall: flag,
    broadcast: { enabled: flag, strength: choice(SIGNAL_STRENGTHS), delayAtUndockMin: choice(BROADCAST_DELAYS_MIN, 'min') },
    recordOnReceivedBroadcast: flag,
    privacyZoneResponse: choice(PRIVACY_ZONE_RESPONSES),
  },
  feedback: {
    frontIndicator: choice(FRONT_INDICATOR_MODES),
    alert: choice(ALERT_MODES),
    lowBatteryWarning: choice(LOW_BATTERY_WARNINGS),
    reminderWhileRecording: { enabled: flag, intervalMin: choice(REMINDER_INTERVALS_MIN, 'min') },
    reminderWhileNotRecording: { enabled: flag, intervalMin: choice(REMINDER_INTERVALS_MIN, 'min'), escalating: flag },
  },
  featureAccess: { allowSilentMode: flag, allowMicrophoneMute: flag },
  miniCube: { disableMainRecordingButton: flag, rotate180: flag },
  streaming: {
    enabled: flag,
    quality: choice(LIVE_STREAM_QUALITIES),
    liveStreamOnRecord: flag,
    remoteActivation: choice(REMOTE_STREAM_ACTIVATIONS),
  },
  assistant: { allowAccessToRecordings: flag, allowWirelessNetworkChange: flag, allowCategories: flag },
  wifiNetwork: { kind: 'text-or-null', maxChars: WIFI_NETWORK_MAX_CHARS },
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export { checkProfile, profileProblems, ProfileError } from './check-profile.js';
export { recorderConfigOf } from './recorder-config.js';
export { WATERMARK_USER_ID_CHARS, watermarkUserId, watermarkNotice } from '../../common/watermark.js';
