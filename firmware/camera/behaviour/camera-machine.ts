/**
 * The camera as one pure state machine (state, input) -> { state, effects }: power, boot, dock,
 * recording, postbuffer, standby, safe mode and unassigned, per the manual. The recorder keeps the
 * prebuffer/postbuffer details; this decides what the camera is doing and what it shows.
 */
import { indicatorsFor, sameView } from './indicators.js';
import {
  DEFAULT_BEHAVIOUR_PROFILE, type BehaviourProfile, type CameraContext, type CameraEffect, type CameraGesture,
  type CameraInput, type CameraState, type CameraStep, type DockCharge, type RecorderReport, type TriggerOnReason,
} from './camera-state.js';

/** About how long the sensor takes to start after standby (manual: "about one second"). */
export const STANDBY_WAKE_MS = 1000;

/** The camera before it is first powered on. */
export function initialCameraState(profile: BehaviourProfile = DEFAULT_BEHAVIOUR_PROFILE, facts: Partial<CameraContext> = {}): CameraState {
  return {
    kind: 'off',
    ctx: {
      profile, assigned: false, selfAssigned: false, certificateValid: true, evaluationMode: false, evaluationCheck: false,
      silent: false, microphoneOff: false, miniSensorConnected: false, charge: 'charging', offloading: false, ...facts,
    },
  };
}

/** What a docked camera shows it is doing: offloading wins over the charge state. */
export function dockedPhase(state: CameraState): 'offloading' | DockCharge | undefined {
  if (state.kind !== 'docked') return undefined;
  return state.ctx.offloading ? 'offloading' : state.ctx.charge;
}

/** True in the states that are recording (postbuffer included: it still records). */
export function isRecording(state: CameraState): boolean {
  return state.kind === 'recording' || state.kind === 'postbuffer';
}

/** The machine: total, pure. Emits an `indicators` effect whenever what the LEDs show changes. */
export function cameraStep(state: CameraState, input: CameraInput): CameraStep {
  const step = transition(state, input);
  const before = indicatorsFor(state);
  const after = indicatorsFor(step.state);
  if (!sameView(before, after)) step.effects.push({ kind: 'indicators', view: after });
  return step;
}

const stay = (state: CameraState): CameraStep => ({ state, effects: [] });
const go = (state: CameraState, ...effects: CameraEffect[]): CameraStep => ({ state, effects });

function chargeOf(charging: string, prev: DockCharge): DockCharge {
  if (charging === 'charging') return 'charging';
  if (charging === 'full') return 'charged';
  if (charging === 'not-charging') return 'not-charging';
  return prev;
}

/** Undocked and not recording: standby, idle or unassigned, with the sensor/standby effects to get there. */
function rest(ctx: CameraContext, from: CameraState['kind'], sensorOn: boolean): CameraStep {
  if (!ctx.assigned) return go({ kind: 'unassigned', ctx }, ...(sensorOn ? [{ kind: 'sensor', on: false } as const] : []));
  if (ctx.profile.standbyMode) {
    const effects: CameraEffect[] = [];
    if (sensorOn) effects.push({ kind: 'sensor', on: false });
    if (from !== 'standby') effects.push({ kind: 'standby', on: true });
    return go({ kind: 'standby', ctx, waking: null }, ...effects);
  }
  return go({ kind: 'idle', ctx }, ...(sensorOn ? [] : [{ kind: 'sensor', on: true } as const]));
}

/** Undocked and ready to work (after boot or undock): always record starts, else rest. */
function leaveDock(ctx: CameraContext, trigger: 'undock' | 'power-on'): CameraStep {
  if (ctx.assigned && ctx.profile.alwaysRecord) {
    return go({ kind: 'recording', ctx, trigger }, { kind: 'sensor', on: true }, { kind: 'start-recording', trigger }, { kind: 'alert', alert: 'recording-started' });
  }
  return rest(ctx, 'docked', false);
}

/** Into the bay: a recording stops (dock), the sensor goes off, safe mode when the certificate expired. */
function enterDock(state: CameraState): CameraStep {
  const ctx = { ...state.ctx, selfAssigned: false, offloading: false, microphoneOff: false };
  const effects: CameraEffect[] = [];
  if (isRecording(state)) effects.push({ kind: 'stop-recording', reason: 'dock' });
  if (state.kind === 'idle' || isRecording(state) || (state.kind === 'standby' && state.waking)) effects.push({ kind: 'sensor', on: false });
  if (state.kind === 'standby') effects.push({ kind: 'standby', on: false });
  if (!ctx.certificateValid) return go({ kind: 'safe-mode', ctx, docked: true }, ...effects, { kind: 'system-link', allowed: false });
  return go({ kind: 'docked', ctx }, ...effects);
}

/** Power goes (off, empty battery, evaluation reset): a recording stops at once. */
function powerDown(state: CameraState, reason: 'power-off' | 'battery-empty', extra: CameraEffect[] = []): CameraStep {
  const ctx = { ...state.ctx, evaluationCheck: false, offloading: false, selfAssigned: false };
  const effects: CameraEffect[] = [];
  if (isRecording(state)) effects.push({ kind: 'stop-recording', reason });
  if (state.kind === 'idle' || isRecording(state) || (state.kind === 'standby' && state.waking)) effects.push({ kind: 'sensor', on: false });
  return go({ kind: 'off', ctx }, ...effects, ...extra);
}

function start(ctx: CameraContext, trigger: TriggerOnReason): CameraStep {
  return go({ kind: 'recording', ctx, trigger }, { kind: 'start-recording', trigger }, { kind: 'alert', alert: 'recording-started' });
}

function transition(state: CameraState, input: CameraInput): CameraStep {
  const ctx = state.ctx;
  // Inputs that mean the same in every powered state.
  if (state.kind !== 'off') {
    switch (input.kind) {
      case 'power-off': return powerDown(state, 'power-off');
      case 'battery-empty': return powerDown(state, 'battery-empty');
      case 'profile': return reprofile(state, input.profile);
      case 'user-assigned': return assign(state, input.self);
      case 'user-unassigned': return unassign(state);
      case 'mini-sensor': return stay({ ...state, ctx: { ...ctx, miniSensorConnected: input.connected } });
      case 'evaluation-window-closed': return stay({ ...state, ctx: { ...ctx, evaluationCheck: false } });
      case 'evaluation-mode': return stay({ ...state, ctx: { ...ctx, evaluationMode: input.on, evaluationCheck: input.on && ctx.evaluationCheck } });
      case 'charge': return stay({ ...state, ctx: { ...ctx, charge: chargeOf(input.charging, ctx.charge) } });
      case 'certificate-expired': return expire(state);
      case 'certificate-renewed': return renew(state);
      case 'gesture': {
        const g = input.gesture;
        if (g.kind === 'evaluation-check') return ctx.evaluationMode ? stay({ ...state, ctx: { ...ctx, evaluationCheck: true } }) : stay(state);
        if (g.kind === 'evaluation-reset') {
          if (!ctx.evaluationCheck) return stay(state);
          return powerDown(state, 'power-off', [{ kind: 'reset-camera' }]);
        }
        if (g.kind === 'silent-toggle') return ctx.profile.allowSilentMode ? stay({ ...state, ctx: { ...ctx, silent: !ctx.silent } }) : stay(state);
        // Undocked only: a docked camera records nothing, and docking turns the microphone back on.
        if (g.kind === 'microphone-toggle') return ctx.profile.allowMicrophoneMute && state.kind !== 'docked' ? stay({ ...state, ctx: { ...ctx, microphoneOff: !ctx.microphoneOff } }) : stay(state);
        break;
      }
      default: break;
    }
  }
  switch (state.kind) {
    case 'off':
      if (input.kind === 'power-on') return go({ kind: 'booting', ctx });
      if (input.kind === 'profile') return stay({ ...state, ctx: { ...ctx, profile: input.profile } });
      return stay(state);

    case 'booting':
      if (input.kind !== 'boot-done') return stay(state);
      {
        const next: CameraContext = {
          ...ctx, assigned: input.assigned, certificateValid: input.certificateValid,
          evaluationMode: input.evaluationMode ?? ctx.evaluationMode,
        };
        if (input.docked) return enterDock({ kind: 'booting', ctx: next });
        return leaveDock(next, 'power-on');
      }

    case 'docked':
      switch (input.kind) {
        case 'undock': return leaveDock({ ...ctx, selfAssigned: false, offloading: false }, 'undock');
        case 'offload-started': return stay({ ...state, ctx: { ...ctx, offloading: true } });
        case 'offload-finished': return stay({ ...state, ctx: { ...ctx, offloading: false } });
        default: return stay(state);
      }

    case 'safe-mode':
      switch (input.kind) {
        case 'undock': return stay({ ...state, ctx: { ...ctx, offloading: false }, docked: false });
        case 'dock': return stay({ ...state, docked: true });
        case 'gesture': return refuseIfRecordGesture(state, input.gesture);
        default: return stay(state);
      }

    case 'unassigned':
      switch (input.kind) {
        case 'dock': return enterDock(state);
        case 'gesture': return refuseIfRecordGesture(state, input.gesture);
        default: return stay(state);
      }

    case 'idle':
      switch (input.kind) {
        case 'dock': return enterDock(state);
        case 'trigger': return start(ctx, input.reason);
        case 'gesture': return activates(ctx, input.gesture) ? start(ctx, 'button') : stay(state);
        case 'recorder': return input.report.kind === 'recording-started' ? go({ kind: 'recording', ctx, trigger: input.report.trigger }) : stay(state);
        default: return stay(state);
      }

    case 'standby':
      switch (input.kind) {
        case 'dock': return enterDock(state);
        case 'trigger':
          return state.waking ? stay(state) : go({ ...state, waking: input.reason }, { kind: 'standby', on: false }, { kind: 'sensor', on: true });
        case 'gesture':
          if (state.waking || !activates(ctx, input.gesture)) return stay(state);
          return go({ ...state, waking: 'button' }, { kind: 'standby', on: false }, { kind: 'sensor', on: true });
        case 'sensor-ready':
          return state.waking ? start(ctx, state.waking) : stay(state);
        case 'recorder':
          if (input.report.kind !== 'recording-started') return stay(state);
          return go({ kind: 'recording', ctx, trigger: input.report.trigger }, ...(state.waking ? [] : [{ kind: 'standby', on: false } as const, { kind: 'sensor', on: true } as const]));
        default: return stay(state);
      }

    case 'recording':
      switch (input.kind) {
        case 'dock': return enterDock(state);
        case 'storage-full': return stopped(state, [{ kind: 'stop-recording', reason: 'storage-full' }, { kind: 'alert', alert: 'storage-full' }]);
        case 'gesture': {
          const g = input.gesture;
          if (g.kind !== 'record' || mainButtonDisabled(ctx, g)) return stay(state);
          if (ctx.profile.alwaysRecord || !activates(ctx, g)) {
            // A single press while recording is a bookmark (manual "Bookmarks"); always record's button only bookmarks.
            return g.presses === 1 || ctx.profile.alwaysRecord ? go(state, { kind: 'bookmark' }, { kind: 'alert', alert: 'bookmark' }) : stay(state);
          }
          const effects: CameraEffect[] = [{ kind: 'stop-recording', reason: 'button' }, { kind: 'alert', alert: 'recording-stopped' }];
          if (ctx.profile.postbuffer) return go({ kind: 'postbuffer', ctx, trigger: state.trigger }, ...effects);
          return stopped(state, effects);
        }
        case 'recorder': return recorderReport(state, input.report);
        default: return stay(state);
      }

    case 'postbuffer':
      switch (input.kind) {
        case 'dock': return enterDock(state);
        case 'storage-full': return stopped(state, [{ kind: 'stop-recording', reason: 'storage-full' }, { kind: 'alert', alert: 'storage-full' }]);
        case 'trigger': return start(ctx, input.reason);
        case 'gesture': return activates(ctx, input.gesture) ? start(ctx, 'button') : stay(state);
        case 'recorder': return recorderReport(state, input.report);
        default: return stay(state);
      }
  }
}

/** The recorder says what it did: follow it (it may end a postbuffer or stop on its own). */
function recorderReport(state: Extract<CameraState, { kind: 'recording' | 'postbuffer' }>, report: RecorderReport): CameraStep {
  switch (report.kind) {
    case 'postbuffer-started': return state.kind === 'recording' ? stay({ kind: 'postbuffer', ctx: state.ctx, trigger: state.trigger }) : stay(state);
    case 'postbuffer-ended':
    case 'recording-stopped':
      return stopped(state, report.kind === 'recording-stopped' && report.reason === 'storage-full' ? [{ kind: 'alert', alert: 'storage-full' }] : []);
    case 'recording-started': return stay(state);
  }
}

/** A recording ended while undocked: back to rest (sensor off again in standby mode). */
function stopped(state: CameraState, effects: CameraEffect[]): CameraStep {
  const next = rest(state.ctx, state.kind, true);
  return go(next.state, ...effects, ...next.effects);
}

function mainButtonDisabled(ctx: CameraContext, g: Extract<CameraGesture, { kind: 'record' }>): boolean {
  return g.source === 'camera' && ctx.miniSensorConnected && ctx.profile.disableMainRecordButton;
}

/** The gesture is the profile's recording activation (single or double press) from a button that counts. */
function activates(ctx: CameraContext, g: CameraGesture): boolean {
  if (g.kind !== 'record' || mainButtonDisabled(ctx, g)) return false;
  return g.presses === (ctx.profile.activation === 'single-press' ? 1 : 2);
}

function refuseIfRecordGesture(state: CameraState, g: CameraGesture): CameraStep {
  return activates(state.ctx, g) ? go(state, { kind: 'alert', alert: 'refused' }) : stay(state);
}

function reprofile(state: CameraState, profile: BehaviourProfile): CameraStep {
  const ctx = { ...state.ctx, profile };
  // Standby mode switched while at rest undocked: move between idle and standby.
  if (state.kind === 'idle' && profile.standbyMode) return rest(ctx, 'idle', true);
  if (state.kind === 'standby' && !state.waking && !profile.standbyMode) return go({ kind: 'idle', ctx }, { kind: 'standby', on: false }, { kind: 'sensor', on: true });
  return stay({ ...state, ctx } as CameraState);
}

function assign(state: CameraState, self: boolean): CameraStep {
  const ctx = { ...state.ctx, assigned: true, selfAssigned: self && state.kind === 'docked' };
  if (state.kind === 'unassigned') return rest(ctx, 'unassigned', false);
  return stay({ ...state, ctx } as CameraState);
}

function unassign(state: CameraState): CameraStep {
  const ctx = { ...state.ctx, assigned: false, selfAssigned: false };
  // A recording under way finishes; the camera refuses the next one.
  if (state.kind === 'idle' || state.kind === 'standby') {
    const sensorOn = state.kind === 'idle' || state.waking !== null;
    return go({ kind: 'unassigned', ctx }, ...(state.kind === 'standby' ? [{ kind: 'standby', on: false } as const] : []), ...(sensorOn ? [{ kind: 'sensor', on: false } as const] : []));
  }
  return stay({ ...state, ctx } as CameraState);
}

/** The certificate expired: safe mode now if docked, else at the next dock (manual). */
function expire(state: CameraState): CameraStep {
  const ctx = { ...state.ctx, certificateValid: false };
  if (state.kind === 'docked') return go({ kind: 'safe-mode', ctx: { ...ctx, offloading: false }, docked: true }, { kind: 'system-link', allowed: false });
  return stay({ ...state, ctx } as CameraState);
}

/** Allowed back into the system: out of safe mode. */
function renew(state: CameraState): CameraStep {
  const ctx = { ...state.ctx, certificateValid: true };
  if (state.kind !== 'safe-mode') return stay({ ...state, ctx } as CameraState);
  if (state.docked) return go({ kind: 'docked', ctx }, { kind: 'system-link', allowed: true });
  const next = rest(ctx, 'safe-mode', false);
  return go(next.state, { kind: 'system-link', allowed: true }, ...next.effects);
}
