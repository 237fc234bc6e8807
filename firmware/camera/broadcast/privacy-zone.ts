/**
 * Privacy zones as a pure state machine: an activation kit's type-3 pulses (every 3 s) mean the
 * camera is in a zone. With response 'alert' the camera alerts on entering, and again each time
 * it has been recording in the zone for PRIVACY_ZONE_REMINDER_MS without stopping.
 */
import { BROADCAST_PRIVACY_ZONE } from '../../../protocols/broadcast.js';

/** The manual: "If the user stays in the privacy zone for two minutes without stopping the recording". */
export const PRIVACY_ZONE_REMINDER_MS = 120_000;
/**
 * The camera has left the zone when no pulse came for this long: three pulse periods (3 s) plus
 * one, so up to two lost pulses in a row do not make it leave and enter again (and alert twice).
 */
export const PRIVACY_ZONE_LEAVE_MS = 10_000;

export type PrivacyZoneAlert = 'privacy-zone-entered' | 'privacy-zone-still-recording';

export interface PrivacyZoneState {
  inZone: boolean;
  lastPulseAt: number | undefined;
  recording: boolean;
  /** When the next reminder is due (in the zone and recording), else undefined. */
  reminderAt: number | undefined;
}

export const initialPrivacyZone = (): PrivacyZoneState => ({ inZone: false, lastPulseAt: undefined, recording: false, reminderAt: undefined });

export type PrivacyZoneInput =
  | { kind: 'frame'; at: number; messageType: number }
  | { kind: 'recording-started'; at: number }
  | { kind: 'recording-stopped'; at: number }
  | { kind: 'tick'; at: number };

export interface PrivacyZoneStep {
  state: PrivacyZoneState;
  alerts: PrivacyZoneAlert[];
  /** When to deliver the next tick; undefined: none needed. */
  nextAt: number | undefined;
}

const nextOf = (s: PrivacyZoneState): number | undefined => {
  if (!s.inZone || s.lastPulseAt === undefined) return undefined;
  const leave = s.lastPulseAt + PRIVACY_ZONE_LEAVE_MS;
  return s.reminderAt === undefined ? leave : Math.min(leave, s.reminderAt);
};

/** `response` is the profile's activation.privacyZoneResponse; with 'none' nothing ever alerts. */
export function privacyZoneStep(response: 'none' | 'alert', state: PrivacyZoneState, input: PrivacyZoneInput): PrivacyZoneStep {
  let s = { ...state };
  const alerts: PrivacyZoneAlert[] = [];
  switch (input.kind) {
    case 'frame':
      if (input.messageType !== BROADCAST_PRIVACY_ZONE || response !== 'alert') return { state, alerts, nextAt: nextOf(state) };
      if (!s.inZone) {
        s.inZone = true;
        alerts.push('privacy-zone-entered');
        s.reminderAt = s.recording ? input.at + PRIVACY_ZONE_REMINDER_MS : undefined;
      }
      s.lastPulseAt = input.at;
      break;
    case 'recording-started':
      s.recording = true;
      if (s.inZone) s.reminderAt = input.at + PRIVACY_ZONE_REMINDER_MS;
      break;
    case 'recording-stopped':
      s.recording = false;
      s.reminderAt = undefined;
      break;
    case 'tick':
      if (s.inZone && s.lastPulseAt !== undefined && input.at >= s.lastPulseAt + PRIVACY_ZONE_LEAVE_MS) {
        s = { ...s, inZone: false, reminderAt: undefined };
      } else if (s.inZone && s.recording && s.reminderAt !== undefined && input.at >= s.reminderAt) {
        alerts.push('privacy-zone-still-recording');
        s.reminderAt = input.at + PRIVACY_ZONE_REMINDER_MS;
      }
      break;
  }
  return { state: s, alerts, nextAt: nextOf(s) };
}
