/**
 * Timed alerts as pure schedulers: the low battery warning (below 0.5 h left) and the periodic
 * reminders while recording is on or off (optionally escalating), plus how an alert is played
 * (beeps / vibration / voice per the profile's Alert setting; nothing in silent mode).
 */
import type { SoundPattern, VibrationPattern } from '../../../hal/indicators/contract.js';
import type { EventAlert } from './camera-state.js';

/** The profile's feedback settings the alerts need (the lead maps the full CameraProfile onto this). */
export interface AlertProfile {
  /** "Alert": how the camera gives feedback. */
  alert: 'vibration' | 'sound' | 'sound-and-vibration' | 'voice' | 'voice-and-vibration';
  lowBatteryWarning: 'off' | 'once' | 'periodic' | 'periodic-reinforced';
  /** "Periodic reminder when recording is on": interval in ms, or null when off. */
  reminderOnMs: number | null;
  /** "Periodic reminder when recording is off": interval in ms, or null when off. */
  reminderOffMs: number | null;
  /** "Escalating" for the off reminder. */
  escalating: boolean;
}

export type TimedAlertKind = 'low-battery' | 'reminder-recording' | 'reminder-not-recording';
export type AlertKind = EventAlert | TimedAlertKind;

/** One alert to play at `at` (monotonic ms), repeated `count` times (beeps/pulses). */
export interface TimedAlert {
  kind: TimedAlertKind;
  at: number;
  count: number;
}

/** A scheduler's answer: alerts due now, and when to ask again (undefined: only on the next observation). */
export interface ScheduleStep<S> {
  state: S;
  alerts: TimedAlert[];
  nextAt: number | undefined;
}

// --- low battery warning ---

/** The manual: "less than 0.5 hours battery time left". */
export const LOW_BATTERY_MINUTES = 30;
/** Periodic: "once every second minute". */
export const LOW_BATTERY_PERIODIC_MS = 120_000;
/** Periodic reinforced: "three times every minute": a burst of three each minute. */
export const LOW_BATTERY_REINFORCED_MS = 60_000;
export const LOW_BATTERY_REINFORCED_COUNT = 3;

export interface LowBatteryState {
  /** When the next warning is due while low; undefined when not low (or warned once). */
  dueAt: number | undefined;
  low: boolean;
}

export const initialLowBattery = (): LowBatteryState => ({ dueAt: undefined, low: false });

/**
 * Feed the time and the estimated minutes left (undefined when not draining: docked, charging).
 * Going below 0.5 h warns at once; `once` stops there, `periodic` repeats every 2 min,
 * `periodic-reinforced` plays three every minute. Back at or above 0.5 h (or charging) it rearms.
 * Missed ticks do not pile up: one warning, then the period restarts from `at`.
 */
export function lowBatteryStep(
  mode: AlertProfile['lowBatteryWarning'], state: LowBatteryState, at: number, minutesLeft: number | undefined,
): ScheduleStep<LowBatteryState> {
  const low = minutesLeft !== undefined && minutesLeft < LOW_BATTERY_MINUTES;
  if (!low || mode === 'off') return { state: initialLowBattery(), alerts: [], nextAt: undefined };
  const period = mode === 'periodic' ? LOW_BATTERY_PERIODIC_MS : mode === 'periodic-reinforced' ? LOW_BATTERY_REINFORCED_MS : undefined;
  const count = mode === 'periodic-reinforced' ? LOW_BATTERY_REINFORCED_COUNT : 1;
  const due = !state.low || (state.dueAt !== undefined && at >= state.dueAt);
  if (!due) return { state, alerts: [], nextAt: state.dueAt };
  const dueAt = period === undefined ? undefined : at + period;
  return { state: { low: true, dueAt }, alerts: [{ kind: 'low-battery', at, count }], nextAt: dueAt };
}

// --- periodic reminders ---

/**
 * Escalating (our rule, the manual only says "gradually increase the frequency"): each reminder
 * while recording stays off comes after 3/4 of the previous interval, never sooner than a quarter
 * of the configured interval nor sooner than one minute (when the interval is longer than that).
 */
export const ESCALATION_FACTOR = 0.75;
export const ESCALATION_FLOOR_FRACTION = 0.25;
export const ESCALATION_FLOOR_MIN_MS = 60_000;

export type RecordingStatus = 'recording' | 'not-recording' | 'inactive';

export interface ReminderState {
  status: RecordingStatus;
  dueAt: number | undefined;
  /** Interval that led to dueAt (escalation shortens it). */
  intervalMs: number | undefined;
}

export const initialReminder = (): ReminderState => ({ status: 'inactive', dueAt: undefined, intervalMs: undefined });

export function escalatedInterval(configuredMs: number, previousMs: number): number {
  const floor = Math.min(configuredMs, Math.max(configuredMs * ESCALATION_FLOOR_FRACTION, ESCALATION_FLOOR_MIN_MS));
  return Math.max(floor, Math.round(previousMs * ESCALATION_FACTOR));
}

/**
 * Feed the time and whether the camera records ('inactive': docked, off, booting: no reminders).
 * A change of status restarts the interval from `at`; a due reminder fires and the next is
 * scheduled (escalating for the off reminder when set). Missed ticks give one reminder.
 */
export function reminderStep(profile: AlertProfile, state: ReminderState, at: number, status: RecordingStatus): ScheduleStep<ReminderState> {
  const interval = status === 'recording' ? profile.reminderOnMs : status === 'not-recording' ? profile.reminderOffMs : null;
  if (interval === null || interval <= 0) return { state: { status, dueAt: undefined, intervalMs: undefined }, alerts: [], nextAt: undefined };
  if (status !== state.status || state.dueAt === undefined) {
    return { state: { status, dueAt: at + interval, intervalMs: interval }, alerts: [], nextAt: at + interval };
  }
  if (at < state.dueAt) return { state, alerts: [], nextAt: state.dueAt };
  const kind: TimedAlertKind = status === 'recording' ? 'reminder-recording' : 'reminder-not-recording';
  const next = status === 'not-recording' && profile.escalating ? escalatedInterval(interval, state.intervalMs ?? interval) : interval;
  return { state: { status, dueAt: at + next, intervalMs: next }, alerts: [{ kind, at, count: 1 }], nextAt: at + next };
}

// --- how an alert is played ---

export interface AlertOutput {
  vibration: VibrationPattern | null;
  sound: SoundPattern | null;
}

/** Voice prompt names per alert (the board's capabilities().voicePrompts should offer them). */
export const VOICE_PROMPTS: Record<AlertKind, string> = {
  'recording-started': 'recording-started',
  'recording-stopped': 'recording-stopped',
  bookmark: 'bookmark',
  refused: 'no-user-assigned',
  'storage-full': 'storage-full',
  'privacy-zone': 'privacy-zone',
  'low-battery': 'low-battery',
  'reminder-recording': 'recording',
  'reminder-not-recording': 'not-recording',
};

/**
 * The patterns to play for an alert per the profile's Alert setting, or null in silent mode
 * (the manual: silent mode turns the alerts off). `count` repeats beeps and pulses; a voice
 * prompt plays once.
 */
export function alertOutput(kind: AlertKind, setting: AlertProfile['alert'], silent: boolean, count = 1): AlertOutput | null {
  if (silent) return null;
  const vibrate = setting === 'vibration' || setting === 'sound-and-vibration' || setting === 'voice-and-vibration';
  const sound: SoundPattern | null =
    setting === 'sound' || setting === 'sound-and-vibration' ? { kind: 'beeps', count, toneHz: 2000, durationMs: 150, gapMs: 150 }
      : setting === 'voice' || setting === 'voice-and-vibration' ? { kind: 'voice', prompt: VOICE_PROMPTS[kind] }
        : null;
  return { vibration: vibrate ? { count, durationMs: 200, gapMs: 200 } : null, sound };
}
