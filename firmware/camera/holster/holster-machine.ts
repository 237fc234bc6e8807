/**
 * The camera's holster sensor logic as a pure state machine: the pairings its user has, a
 * 10-minute window after undock to connect to them (then no more scanning until the next undock),
 * the pairing flow for pending ones (20 s limit), unholster -> record, and the report at dock.
 */
import type { HolsterEvent } from '../../../hal/holster/contract.js';
import type { HolsterPairingReport, HolsterPairings, HolsterPairingStatus } from '../../../protocols/pairing.js';
import type { ModelName } from '../profile/models.js';
import { pairingIndication, type PairingIndication } from './pairing-indication.js';

/** Manual: "make sure that it's in the holster sensor's range within 10 minutes after undocking". */
export const CONNECT_WINDOW_MS = 10 * 60_000;
/** Manual: a pairing "can take up to 20 seconds"; longer counts as failed. */
export const PAIRING_TIMEOUT_MS = 20_000;

export type SensorStatus = 'pending' | 'pairing' | 'paired' | 'failed';

export interface HolsterSensor {
  serial: string;
  status: SensorStatus;
  connected: boolean;
  /** Camera wall clock of the last connection this camera saw (0 = never). */
  lastConnectedMs: number;
  /** Why the last pairing failed. */
  failure?: string;
}

export interface HolsterState {
  model: ModelName;
  /** The user the pairings belong to (undefined: none received). */
  userId: string | undefined;
  sensors: readonly HolsterSensor[];
  place: 'docked' | 'undocked';
  /** Undocked with this user: unholstering records. */
  armed: boolean;
  /** The connect window is open (scanning). */
  scanning: boolean;
}

export type HolsterInput =
  | { kind: 'pairings'; pairings: HolsterPairings }
  | { kind: 'undocked'; userId: string | undefined }
  | { kind: 'docked' }
  | { kind: 'window-ended' }
  | { kind: 'pairing-timeout'; serial: string }
  | { kind: 'link'; event: HolsterEvent; wallMs: number };

export type HolsterEffect =
  | { kind: 'listen'; connect: string[]; pair: string[] }
  | { kind: 'stop-scanning' }
  | { kind: 'stop-link' }
  | { kind: 'start-window-timer'; ms: number }
  | { kind: 'cancel-window-timer' }
  | { kind: 'start-pairing-timer'; serial: string; ms: number }
  | { kind: 'cancel-pairing-timer'; serial: string }
  | { kind: 'start-recording'; trigger: 'unholster'; serial: string }
  | { kind: 'indicate'; indication: PairingIndication };

export interface HolsterStep {
  state: HolsterState;
  effects: HolsterEffect[];
}

export function initialHolsterState(model: ModelName): HolsterState {
  return { model, userId: undefined, sensors: [], place: 'docked', armed: false, scanning: false };
}

const listenEffect = (sensors: readonly HolsterSensor[]): HolsterEffect => ({
  kind: 'listen',
  connect: sensors.filter((s) => s.status === 'paired').map((s) => s.serial),
  pair: sensors.filter((s) => s.status !== 'paired').map((s) => s.serial),
});

function update(state: HolsterState, serial: string, change: Partial<HolsterSensor>): HolsterState {
  return { ...state, sensors: state.sensors.map((s) => (s.serial === serial ? { ...s, ...change } : s)) };
}

export function holsterStep(state: HolsterState, input: HolsterInput): HolsterStep {
  const stay = (s: HolsterState = state, ...effects: HolsterEffect[]): HolsterStep => ({ state: s, effects });
  switch (input.kind) {
    case 'pairings': {
      const old = new Map(state.sensors.map((s) => [s.serial, s]));
      const sameUser = input.pairings.userId === state.userId;
      const sensors = input.pairings.sensors.map((p): HolsterSensor => {
        const before = sameUser ? old.get(p.serial) : undefined;
        const status: SensorStatus = p.pending ? (before?.status === 'paired' || before?.status === 'failed' ? before.status : 'pending') : 'paired';
        return { serial: p.serial, status, connected: before?.connected ?? false, lastConnectedMs: before?.lastConnectedMs ?? 0, ...(before?.failure !== undefined && status === 'failed' ? { failure: before.failure } : {}) };
      });
      const next: HolsterState = { ...state, userId: input.pairings.userId, sensors };
      return next.scanning ? stay(next, listenEffect(sensors)) : stay(next);
    }
    case 'undocked': {
      if (state.place === 'undocked') return stay();
      const armed = input.userId !== undefined && input.userId === state.userId;
      const next: HolsterState = { ...state, place: 'undocked', armed, scanning: armed && state.sensors.length > 0 };
      if (!next.scanning) return stay(next);
      return stay(next, listenEffect(next.sensors), { kind: 'start-window-timer', ms: CONNECT_WINDOW_MS });
    }
    case 'docked': {
      if (state.place === 'docked') return stay();
      const effects: HolsterEffect[] = [{ kind: 'cancel-window-timer' }, { kind: 'stop-link' }];
      for (const s of state.sensors) if (s.status === 'pairing') effects.push({ kind: 'cancel-pairing-timer', serial: s.serial });
      const sensors = state.sensors.map((s) => ({ ...s, connected: false, status: s.status === 'pairing' ? 'pending' as const : s.status }));
      return stay({ ...state, place: 'docked', armed: false, scanning: false, sensors }, ...effects);
    }
    case 'window-ended':
      return state.scanning ? stay({ ...state, scanning: false }, { kind: 'stop-scanning' }) : stay();
    case 'pairing-timeout': {
      const s = state.sensors.find((x) => x.serial === input.serial);
      if (!s || s.status !== 'pairing') return stay();
      return stay(update(state, s.serial, { status: 'failed', failure: `no pairing within ${PAIRING_TIMEOUT_MS / 1000} s` }),
        { kind: 'indicate', indication: pairingIndication(state.model, 'pairing-failed', s.serial) });
    }
    case 'link': return onLink(state, input.event, input.wallMs);
  }
}

function onLink(state: HolsterState, event: HolsterEvent, wallMs: number): HolsterStep {
  const stay = (s: HolsterState = state, ...effects: HolsterEffect[]): HolsterStep => ({ state: s, effects });
  const s = state.sensors.find((x) => x.serial === event.serial);
  // A sensor not (or no longer) paired with this user, or a report after docking: not ours.
  if (!s || state.place === 'docked') return stay();
  const indicate = (step: 'pairing-started' | 'pairing-succeeded' | 'pairing-failed'): HolsterEffect =>
    ({ kind: 'indicate', indication: pairingIndication(state.model, step, s.serial) });
  switch (event.kind) {
    case 'connected':
      return stay(update(state, s.serial, { connected: true, lastConnectedMs: wallMs }));
    case 'disconnected':
      return stay(update(state, s.serial, { connected: false }));
    case 'unholstered':
      if (!state.armed || s.status !== 'paired') return stay();
      return stay(state, { kind: 'start-recording', trigger: 'unholster', serial: s.serial });
    case 'holstered':
      return stay();
    case 'pairing-started':
      if (s.status === 'paired') return stay();
      return stay(update(state, s.serial, { status: 'pairing' }), indicate('pairing-started'), { kind: 'start-pairing-timer', serial: s.serial, ms: PAIRING_TIMEOUT_MS });
    case 'paired': {
      if (s.status === 'paired') return stay();
      const next = update(state, s.serial, { status: 'paired' });
      return stay(next, { kind: 'cancel-pairing-timer', serial: s.serial }, indicate('pairing-succeeded'), ...(next.scanning ? [listenEffect(next.sensors)] : []));
    }
    case 'pairing-failed':
      if (s.status !== 'pairing') return stay();
      return stay(update(state, s.serial, { status: 'failed', failure: event.reason ?? 'pairing failed' }), { kind: 'cancel-pairing-timer', serial: s.serial }, indicate('pairing-failed'));
  }
}

const STATUS: Record<SensorStatus, HolsterPairingStatus> = {
  pending: 'HOLSTER_PAIRING_STATUS_PENDING',
  pairing: 'HOLSTER_PAIRING_STATUS_PENDING',
  paired: 'HOLSTER_PAIRING_STATUS_PAIRED',
  failed: 'HOLSTER_PAIRING_STATUS_FAILED',
};

/** The pairing report for the controller (undefined when no pairings were received). */
export function holsterReport(state: HolsterState): HolsterPairingReport | undefined {
  if (state.userId === undefined) return undefined;
  return { userId: state.userId, sensors: state.sensors.map((s) => ({ serial: s.serial, status: STATUS[s.status], lastConnectedMs: s.lastConnectedMs })) };
}
