/**
 * What a camera does with an authenticated broadcast of its own system: a "recording started"
 * frame starts recording (trigger wireless-broadcast) when the profile says so. Pure.
 */
import { BROADCAST_RECORDING_STARTED } from '../../../protocols/broadcast.js';
import { BROADCAST_DURATION_MS } from './broadcaster.js';

/**
 * After this camera starts recording (for any reason) it ignores "recording started" frames for
 * this long: the bursts of the neighbours it set off (and of the burst that set it off) must not
 * start it again if its user stops the recording at once. One burst plus a second of slack.
 */
export const RECEIVE_HOLDOFF_MS = BROADCAST_DURATION_MS + 1_000;

export interface ReceiverSettings {
  /** Profile activation.recordOnReceivedBroadcast. */
  recordOnReceivedBroadcast: boolean;
}

export interface ReceiverState {
  docked: boolean;
  recording: boolean;
  /** Monotonic ms this camera last started recording, or undefined. */
  startedAt: number | undefined;
}

export const initialReceiver = (docked = false): ReceiverState => ({ docked, recording: false, startedAt: undefined });

export type ReceiverInput =
  | { kind: 'docked' } | { kind: 'undocked' }
  | { kind: 'recording-started'; at: number } | { kind: 'recording-stopped' }
  /** An accepted frame of this system from another device. */
  | { kind: 'frame'; at: number; messageType: number; sender: string };

export type ReceiverDecision = 'start-recording' | 'disabled' | 'docked' | 'recording' | 'holdoff' | 'not-for-us';

export function receiverStep(settings: ReceiverSettings, state: ReceiverState, input: ReceiverInput): { state: ReceiverState; decision?: ReceiverDecision } {
  switch (input.kind) {
    case 'docked': return { state: { ...state, docked: true } };
    case 'undocked': return { state: { ...state, docked: false } };
    case 'recording-started': return { state: { ...state, recording: true, startedAt: input.at } };
    case 'recording-stopped': return { state: { ...state, recording: false } };
    case 'frame': {
      const decision: ReceiverDecision =
        input.messageType !== BROADCAST_RECORDING_STARTED ? 'not-for-us'
        : !settings.recordOnReceivedBroadcast ? 'disabled'
        : state.docked ? 'docked'
        : state.recording ? 'recording'
        : state.startedAt !== undefined && input.at < state.startedAt + RECEIVE_HOLDOFF_MS ? 'holdoff'
        : 'start-recording';
      // Acting on a frame counts as a start, so the rest of that burst is held off even before
      // the recorder reports back.
      return decision === 'start-recording'
        ? { state: { ...state, startedAt: input.at }, decision }
        : { state, decision };
    }
  }
}
