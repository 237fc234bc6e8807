/**
 * When the camera records: a pure state machine (state, input) -> { state, effects } over the
 * recording button, automatic triggers, postbuffer, always record, dock and power, per the manual.
 */

/** What started a recording (bwc.v1 TriggerReason; 'power-on' is always record resuming at boot). */
export type TriggerOnReason = 'button' | 'fall' | 'unholster' | 'wireless-broadcast' | 'undock' | 'power-on';
/** What stopped a recording (bwc.v1 TriggerReason). */
export type TriggerOffReason = 'button' | 'dock' | 'power-off' | 'battery-empty' | 'storage-full';
/** Automatic starts other than the button and always record. */
export type AutomaticTrigger = 'fall' | 'unholster' | 'wireless-broadcast';
/** Stops that end a recording at once, without postbuffer. */
export type ImmediateStop = 'power-off' | 'battery-empty' | 'storage-full';

/** Postbuffer lengths a camera profile offers (manual: 10, 30 or 60 seconds; 0 = off). */
export const POSTBUFFER_LENGTHS_MS = [0, 10_000, 30_000, 60_000] as const;

/** The camera profile's recording settings. */
export interface RecorderConfig {
  /** Prebuffer length in ms; 0 turns the prebuffer off (standby mode). */
  prebufferMs: number;
  /** Postbuffer length in ms; 0 turns it off. */
  postbufferMs: number;
  /**
   * Always record: recording starts at undock (and again at power on while undocked) and runs
   * until dock or power off; the recording button cannot stop it (a press makes a bookmark).
   */
  alwaysRecord: boolean;
  /** The recording button gesture that starts a recording and, pressed again, stops it. */
  activation: 'single-press' | 'double-press';
}

/** What is known of the recording under way. Times are monotonic ms (the video pts scale). */
export interface RecordingFacts {
  triggerOn: TriggerOnReason;
  triggerOnAt: number;
  /** Pts of the first unit (the prebuffer head's first keyframe); undefined before any unit. */
  startAt: number | undefined;
  /** End (pts + duration) of the last unit recorded; undefined before any unit. */
  stopAt: number | undefined;
  /** Units recorded after the prebuffer head. */
  units: number;
}

export type RecorderState =
  /** Powered off (or power was cut): nothing runs, RAM is gone. */
  | { kind: 'off'; config: RecorderConfig }
  /** Not recording. Prebuffering when undocked and the profile has a prebuffer. */
  | { kind: 'idle'; config: RecorderConfig; docked: boolean; prebuffering: boolean }
  | { kind: 'recording'; config: RecorderConfig; recording: RecordingFacts }
  /** The user stopped: still recording until `until`, but the indicator shows stopped. */
  | { kind: 'postbuffer'; config: RecorderConfig; recording: RecordingFacts; stoppedAt: number; until: number };

export type RecorderInput =
  | { kind: 'boot'; at: number; docked: boolean }
  /** The recording button's gesture was made. `prebufferFrom`: the ring's oldest pts, if any. */
  | { kind: 'record-press'; at: number; gesture: 'single' | 'double'; prebufferFrom: number | undefined }
  | { kind: 'trigger'; at: number; reason: AutomaticTrigger; prebufferFrom: number | undefined }
  | { kind: 'stop'; at: number; reason: ImmediateStop }
  /** An access unit arrived: just its time. */
  | { kind: 'unit'; pts: number; end: number }
  | { kind: 'postbuffer-expired'; at: number }
  | { kind: 'dock'; at: number }
  | { kind: 'undock'; at: number }
  /** Power vanished: no effect can run; the storage layer closes the recording at next boot. */
  | { kind: 'power-cut'; at: number }
  /** A new camera profile (given while docked, in practice). */
  | { kind: 'configure'; config: RecorderConfig };

export type RecorderEffect =
  /** Drain the prebuffer into a new recording (its head) and record what follows. */
  | { kind: 'start-recording'; trigger: TriggerOnReason; at: number }
  /** The unit just given goes to the recording. */
  | { kind: 'append-unit' }
  /** The unit just given goes into the prebuffer ring. */
  | { kind: 'prebuffer-unit' }
  | { kind: 'begin-postbuffer'; ms: number; until: number }
  | { kind: 'cancel-postbuffer' }
  /** Close the recording. Times include prebuffer and postbuffer. */
  | { kind: 'finish-recording'; triggerOff: TriggerOffReason; at: number; recording: RecordingFacts }
  /** Empty the ring (it restarts empty); built anew with the config's length. */
  | { kind: 'reset-prebuffer'; cause: 'boot' | 'recording-ended' | 'docked' | 'configured' }
  /** The recording indicator: lit while recording, dark in postbuffer and idle. */
  | { kind: 'indicator'; recording: boolean }
  | { kind: 'bookmark'; at: number };

export interface RecorderStep {
  state: RecorderState;
  effects: RecorderEffect[];
}

const stay = (state: RecorderState): RecorderStep => ({ state, effects: [] });

/** Check a profile's recording settings; throws a RangeError naming the first bad one. */
export function checkRecorderConfig(config: RecorderConfig): RecorderConfig {
  const bad = (field: string, expected: string, got: unknown) =>
    new RangeError(`recorder config: ${field} must be ${expected}, got ${JSON.stringify(got)}`);
  if (!config || typeof config !== 'object') throw new TypeError('recorder config must be an object');
  if (!Number.isFinite(config.prebufferMs) || config.prebufferMs < 0) throw bad('prebufferMs', 'a number of ms >= 0', config.prebufferMs);
  if (!Number.isFinite(config.postbufferMs) || config.postbufferMs < 0) throw bad('postbufferMs', 'a number of ms >= 0', config.postbufferMs);
  if (typeof config.alwaysRecord !== 'boolean') throw bad('alwaysRecord', 'true or false', config.alwaysRecord);
  if (config.activation !== 'single-press' && config.activation !== 'double-press') {
    throw bad('activation', "'single-press' or 'double-press'", config.activation);
  }
  return config;
}

/** The state a camera is in before it boots. */
export function initialRecorderState(config: RecorderConfig): RecorderState {
  return { kind: 'off', config: checkRecorderConfig(config) };
}

const idle = (config: RecorderConfig, docked: boolean): RecorderState =>
  ({ kind: 'idle', config, docked, prebuffering: !docked && config.prebufferMs > 0 });

function start(config: RecorderConfig, trigger: TriggerOnReason, at: number, prebufferFrom: number | undefined): RecorderStep {
  return {
    state: { kind: 'recording', config, recording: { triggerOn: trigger, triggerOnAt: at, startAt: prebufferFrom, stopAt: undefined, units: 0 } },
    effects: [{ kind: 'start-recording', trigger, at }, { kind: 'indicator', recording: true }],
  };
}

/** Close the recording; afterwards idle (prebuffer restarting empty) or off. */
function finish(
  state: Extract<RecorderState, { kind: 'recording' | 'postbuffer' }>, triggerOff: TriggerOffReason, at: number,
  next: 'idle-undocked' | 'idle-docked' | 'off',
): RecorderStep {
  const effects: RecorderEffect[] = [];
  if (state.kind === 'postbuffer') effects.push({ kind: 'cancel-postbuffer' });
  else effects.push({ kind: 'indicator', recording: false });
  effects.push({ kind: 'finish-recording', triggerOff, at, recording: state.recording });
  if (next === 'off') return { state: { kind: 'off', config: state.config }, effects };
  effects.push({ kind: 'reset-prebuffer', cause: next === 'idle-docked' ? 'docked' : 'recording-ended' });
  return { state: idle(state.config, next === 'idle-docked'), effects };
}

/** The machine: pure, total (every input is handled in every state, often by ignoring it). */
export function recorderStep(state: RecorderState, input: RecorderInput): RecorderStep {
  const config = state.config;
  if (input.kind === 'configure') {
    const next = checkRecorderConfig(input.config);
    if (state.kind === 'idle') {
      return { state: idle(next, state.docked), effects: [{ kind: 'reset-prebuffer', cause: 'configured' }] };
    }
    return stay({ ...state, config: next });
  }
  switch (state.kind) {
    case 'off':
      if (input.kind !== 'boot') return stay(state);
      if (config.alwaysRecord && !input.docked) return start(config, 'power-on', input.at, undefined);
      return { state: idle(config, input.docked), effects: [{ kind: 'reset-prebuffer', cause: 'boot' }] };

    case 'idle':
      switch (input.kind) {
        case 'unit':
          return state.prebuffering ? { state, effects: [{ kind: 'prebuffer-unit' }] } : stay(state);
        case 'record-press':
          // A docked camera does not record; a gesture other than the configured one does nothing.
          if (state.docked || !matches(config, input.gesture)) return stay(state);
          return start(config, 'button', input.at, input.prebufferFrom);
        case 'trigger':
          if (state.docked) return stay(state);
          return start(config, input.reason, input.at, input.prebufferFrom);
        case 'undock':
          if (!state.docked) return stay(state);
          if (config.alwaysRecord) return start(config, 'undock', input.at, undefined);
          return { state: idle(config, false), effects: [{ kind: 'reset-prebuffer', cause: 'boot' }] };
        case 'dock':
          if (state.docked) return stay(state);
          return { state: idle(config, true), effects: [{ kind: 'reset-prebuffer', cause: 'docked' }] };
        case 'stop':
          return input.reason === 'storage-full' ? stay(state) : stay({ kind: 'off', config });
        case 'power-cut':
          return stay({ kind: 'off', config });
        default:
          return stay(state);
      }

    case 'recording':
      switch (input.kind) {
        case 'unit':
          return { state: { ...state, recording: advance(state.recording, input) }, effects: [{ kind: 'append-unit' }] };
        case 'record-press':
          if (config.alwaysRecord) return { state, effects: [{ kind: 'bookmark', at: input.at }] };
          if (!matches(config, input.gesture)) return stay(state);
          if (config.postbufferMs <= 0) return finish(state, 'button', input.at, 'idle-undocked');
          {
            const until = input.at + config.postbufferMs;
            return {
              state: { kind: 'postbuffer', config, recording: state.recording, stoppedAt: input.at, until },
              effects: [{ kind: 'indicator', recording: false }, { kind: 'begin-postbuffer', ms: config.postbufferMs, until }],
            };
          }
        case 'stop':
          return finish(state, input.reason, input.at, input.reason === 'storage-full' ? 'idle-undocked' : 'off');
        case 'dock':
          return finish(state, 'dock', input.at, 'idle-docked');
        case 'power-cut':
          return stay({ kind: 'off', config });
        default:
          // Triggers while recording, a stale postbuffer timer, undock, boot: nothing to do.
          return stay(state);
      }

    case 'postbuffer':
      switch (input.kind) {
        case 'unit':
          return { state: { ...state, recording: advance(state.recording, input) }, effects: [{ kind: 'append-unit' }] };
        case 'postbuffer-expired':
          if (input.at < state.until) return stay(state);
          return finish(state, 'button', state.stoppedAt, 'idle-undocked');
        case 'record-press':
        case 'trigger':
          // Pressed again (or triggered) during postbuffer: the same recording goes on.
          if (input.kind === 'record-press' && !matches(config, input.gesture)) return stay(state);
          return {
            state: { kind: 'recording', config, recording: state.recording },
            effects: [{ kind: 'cancel-postbuffer' }, { kind: 'indicator', recording: true }],
          };
        case 'stop':
          return finish(state, input.reason, input.at, input.reason === 'storage-full' ? 'idle-undocked' : 'off');
        case 'dock':
          return finish(state, 'dock', input.at, 'idle-docked');
        case 'power-cut':
          return stay({ kind: 'off', config });
        default:
          return stay(state);
      }
  }
}

function matches(config: RecorderConfig, gesture: 'single' | 'double'): boolean {
  return config.activation === (gesture === 'single' ? 'single-press' : 'double-press');
}

function advance(r: RecordingFacts, unit: { pts: number; end: number }): RecordingFacts {
  return { ...r, startAt: r.startAt ?? unit.pts, stopAt: unit.end, units: r.units + 1 };
}
