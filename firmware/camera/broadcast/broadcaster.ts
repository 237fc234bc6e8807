/**
 * When a camera broadcasts "recording started" (message type 1), as a pure state machine: for
 * BROADCAST_DURATION_MS after it starts recording, one frame every BROADCAST_PERIOD_MS.
 */

/** The manual: "The broadcast lasts for 5 seconds." */
export const BROADCAST_DURATION_MS = 5_000;
/**
 * One frame every 500 ms: 10 frames per burst, so a receiver that misses a few (radio loss) still
 * hears one, and the first one goes out at once (latency is the first frame's).
 */
export const BROADCAST_PERIOD_MS = 500;

export interface BroadcasterSettings {
  /** Profile activation.broadcast.enabled. */
  enabled: boolean;
  /** Profile activation.broadcast.delayAtUndockMin: recordings started this soon after undock do not broadcast. */
  delayAtUndockMin: number;
}

export interface BroadcasterState {
  docked: boolean;
  /** Monotonic ms of the last undock, undefined when the camera has not been undocked since boot. */
  undockedAt: number | undefined;
  /** Monotonic ms the current burst ends, undefined when not broadcasting. */
  until: number | undefined;
}

export type BroadcasterInput =
  | { kind: 'docked'; at: number }
  | { kind: 'undocked'; at: number }
  | { kind: 'recording-started'; at: number }
  /** The timer asked for by `nextAt` fired. */
  | { kind: 'tick'; at: number };

export interface BroadcasterStep {
  state: BroadcasterState;
  /** Send one type-1 frame now. */
  send: boolean;
  /** When to deliver the next tick; undefined: no timer needed. */
  nextAt: number | undefined;
  /** Why a recording start did not broadcast (for logs and tests). */
  withheld?: 'disabled' | 'docked' | 'delay-at-undock';
}

/** A camera that boots out of its dock has no undock to delay from. */
export const initialBroadcaster = (docked = false): BroadcasterState => ({ docked, undockedAt: undefined, until: undefined });

export function broadcasterStep(settings: BroadcasterSettings, state: BroadcasterState, input: BroadcasterInput): BroadcasterStep {
  const idle = (s: BroadcasterState, withheld?: BroadcasterStep['withheld']): BroadcasterStep =>
    ({ state: s, send: false, nextAt: undefined, ...(withheld ? { withheld } : {}) });
  switch (input.kind) {
    case 'docked':
      return idle({ docked: true, undockedAt: state.undockedAt, until: undefined });
    case 'undocked':
      return idle({ docked: false, undockedAt: input.at, until: undefined });
    case 'recording-started': {
      if (!settings.enabled) return idle(state, 'disabled');
      if (state.docked) return idle(state, 'docked');
      const delayMs = settings.delayAtUndockMin * 60_000;
      if (state.undockedAt !== undefined && input.at < state.undockedAt + delayMs) return idle(state, 'delay-at-undock');
      const until = input.at + BROADCAST_DURATION_MS;
      return { state: { ...state, until }, send: true, nextAt: input.at + BROADCAST_PERIOD_MS };
    }
    case 'tick': {
      if (state.until === undefined) return idle(state);
      if (input.at >= state.until) return idle({ ...state, until: undefined });
      const next = input.at + BROADCAST_PERIOD_MS;
      return { state, send: true, nextAt: next < state.until ? next : state.until };
    }
  }
}
