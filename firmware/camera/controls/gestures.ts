/**
 * The camera's gesture recognizer as a pure state machine: raw button edges (with debounce) and
 * timer ticks in, gestures (press, double press, hold, evaluation check, reset) and wake-up times out.
 */
import { checkTimings, DEFAULT_TIMINGS, type GestureTimings } from './timings.js';

/** Where a press comes from: the camera's own buttons, or a mini cube sensor's record button. */
export type GestureSource = 'record' | 'cube-record' | 'power' | 'function';
export const GESTURE_SOURCES: readonly GestureSource[] = ['record', 'cube-record', 'power', 'function'];

/** Profile "Recording button" → Activation (applies to the mini cube sensor too). */
export type RecordActivation = 'single' | 'double';
/** How the model checks evaluation mode: W100/W101 function+record together, W102/W110/W120 power. */
export type EvaluationGesture = 'function+record' | 'power';

export interface GestureSettings {
  /** Single: each press of a record button is reported at its release. Double: a lone press only after the window. */
  activation: RecordActivation;
  /** Profile "Disable main camera recording button" (mini cube sensor section). */
  disableMainRecordButton: boolean;
  /** Whether a mini cube sensor is connected now; with the setting above, main record presses are ignored. */
  cubeConnected: boolean;
  evaluationGesture: EvaluationGesture;
}

export const DEFAULT_SETTINGS: GestureSettings = Object.freeze({
  activation: 'single',
  disableMainRecordButton: false,
  cubeConnected: false,
  evaluationGesture: 'function+record',
});

export type GestureInput =
  /** A raw edge from a buttons driver (`at` on the Clock's monotonic scale, as in ButtonEvent). */
  | { kind: 'button'; source: GestureSource; action: 'press' | 'release'; at: number }
  /** Time has reached `at` (a wake-up the recognizer asked for, or any later time). */
  | { kind: 'tick'; at: number }
  /** Profile or accessory change (activation, cube connected, ...), effective from `at`. */
  | { kind: 'configure'; settings: Partial<GestureSettings>; at: number };

/** Sources that have a double press: all but the function button (which has press and hold). */
export type ClickSource = Exclude<GestureSource, 'function'>;

/**
 * What the recognizer reports. `at` is when it was decided (monotonic ms); `pressAt` when the
 * gesture's first press began, as the driver timed it.
 */
export type Gesture =
  /** A press and release shorter than the hold; with double activation, one not followed by a second. */
  | { kind: 'press'; source: GestureSource; pressAt: number; at: number }
  /** Two presses, the second starting within the double-press window after the first release. */
  | { kind: 'double-press'; source: ClickSource; pressAt: number; at: number }
  /** Held for the hold time; reported while still held, its release reports nothing. */
  | { kind: 'hold'; source: GestureSource; pressAt: number; at: number }
  /** Function+record double-pressed together (W102/W110/W120: power double press): the reset window opens. */
  | { kind: 'evaluation-check'; pressAt: number; at: number }
  /** The reset double press came within the reset window after the evaluation check. */
  | { kind: 'reset'; pressAt: number; at: number }
  /** The reset window ended without a reset. */
  | { kind: 'reset-window-closed'; at: number };

/** A time the recognizer must be woken (with a tick input) at or after. */
export interface GestureTimer {
  /** What it is for, e.g. `debounce:record`, `hold:power`, `double:record`, `double:chord`, `reset-window`. */
  name: string;
  due: number;
}

interface Click { pressAt: number; releaseAt: number }
interface Debounce { down: boolean; pending?: { action: 'press' | 'release'; at: number } }
interface Down { at: number; holdFired: boolean; /** The first click when this is a double press's second press. */ second?: Click }
interface Tracker { down?: Down; /** A click waiting for a second press until releaseAt + window. */ pending?: Click }
type ChordMember = 'record' | 'function';
interface Chord { down?: { at: number; held: ChordMember[]; second?: Click }; pending?: Click }

/** The recognizer's whole state: plain data, never mutated by recognize(). */
export interface GestureState {
  readonly now: number;
  readonly settings: GestureSettings;
  readonly timings: GestureTimings;
  readonly buttons: Readonly<Record<GestureSource, Debounce>>;
  readonly trackers: Readonly<Record<GestureSource, Tracker>>;
  readonly chord: Chord;
  readonly reset?: { opened: number; until: number; source: 'record' | 'power' };
}

export interface GestureStep {
  state: GestureState;
  /** Gestures decided by this input, in order. */
  gestures: Gesture[];
  /** Every wake-up pending now (the full set, not a change): tick at or after each due. */
  timers: GestureTimer[];
}

export function initialGestureState(settings: Partial<GestureSettings> = {}, timings: GestureTimings = DEFAULT_TIMINGS, now = 0): GestureState {
  const per = <T>(f: () => T) => ({ record: f(), 'cube-record': f(), power: f(), function: f() });
  return {
    now,
    settings: checkSettings({ ...DEFAULT_SETTINGS, ...settings }),
    timings: { ...checkTimings(timings) },
    buttons: per<Debounce>(() => ({ down: false })),
    trackers: per<Tracker>(() => ({})),
    chord: {},
  };
}

/** Mutable working copy used inside one step. */
type Work = { -readonly [K in keyof GestureState]: GestureState[K] } & {
  buttons: Record<GestureSource, Debounce>;
  trackers: Record<GestureSource, Tracker>;
};

/** One step: catch up every wake-up due by the input's time, then apply the input. Pure. */
export function recognize(state: GestureState, input: GestureInput): GestureStep {
  const s = structuredClone(state) as Work;
  const out: Gesture[] = [];
  if (!input || typeof input.at !== 'number' || !Number.isFinite(input.at)) {
    throw new TypeError(`recognize: input must have a finite monotonic time 'at', got ${JSON.stringify(input)}`);
  }
  const now = Math.max(s.now, input.at);
  runDue(s, now, out);
  s.now = now;
  switch (input.kind) {
    case 'tick': break;
    case 'configure': s.settings = checkSettings({ ...s.settings, ...input.settings }); break;
    case 'button': rawEdge(s, input.source, input.action, input.at); break;
    default: throw new TypeError(`recognize: unknown input kind ${JSON.stringify((input as { kind: unknown }).kind)}; expected button, tick or configure`);
  }
  runDue(s, now, out);
  return { state: s, gestures: out, timers: candidates(s).filter((c) => !c.blocked).map(({ name, due }) => ({ name, due })) };
}

function checkSettings(x: GestureSettings): GestureSettings {
  if (x.activation !== 'single' && x.activation !== 'double') throw new RangeError(`gesture settings: activation must be 'single' or 'double', got ${JSON.stringify(x.activation)}`);
  if (x.evaluationGesture !== 'function+record' && x.evaluationGesture !== 'power') throw new RangeError(`gesture settings: evaluationGesture must be 'function+record' or 'power', got ${JSON.stringify(x.evaluationGesture)}`);
  for (const f of ['disableMainRecordButton', 'cubeConnected'] as const) {
    if (typeof x[f] !== 'boolean') throw new TypeError(`gesture settings: ${f} must be a boolean, got ${JSON.stringify(x[f])}`);
  }
  return x;
}

// --- debounce: raw edges become clean edges once stable for debounceMs ---

function rawEdge(s: Work, source: GestureSource, action: 'press' | 'release', at: number): void {
  const db = s.buttons[source];
  if (!db) throw new RangeError(`recognize: unknown button source ${JSON.stringify(source)}; expected one of ${GESTURE_SOURCES.join(', ')}`);
  if (action !== 'press' && action !== 'release') throw new RangeError(`recognize: button action must be press or release, got ${JSON.stringify(action)}`);
  if (db.pending) {
    if (db.pending.action !== action) delete db.pending; // it went back within debounceMs: a bounce
    return;
  }
  if ((action === 'press') !== db.down) db.pending = { action, at };
}

// --- deadlines ---

interface Candidate { name: string; due: number; prio: number; blocked: boolean; fire: () => void }

const rawPendingBefore = (s: Work, src: GestureSource, action: 'press' | 'release', t: number) => {
  const p = s.buttons[src].pending;
  return !!p && p.action === action && p.at < t;
};

function candidates(s: Work, out: Gesture[] = []): Candidate[] {
  const list: Candidate[] = [];
  const { debounceMs, doublePressWindowMs, holdMs } = s.timings;
  for (const src of GESTURE_SOURCES) {
    const db = s.buttons[src];
    const p = db.pending;
    if (p) {
      list.push({ name: `debounce:${src}`, due: p.at + debounceMs, prio: 0, blocked: false, fire: () => {
        delete db.pending;
        db.down = p.action === 'press';
        if (p.action === 'press') cleanPress(s, src, p.at, out); else cleanRelease(s, src, p.at, out);
      } });
    }
    const t = s.trackers[src];
    const d = t.down;
    if (d && !d.holdFired) {
      const due = d.at + holdMs;
      list.push({ name: `hold:${src}`, due, prio: 1, blocked: rawPendingBefore(s, src, 'release', due), fire: () => {
        d.holdFired = true;
        if (d.second) { emitPress(s, src, d.second.pressAt, out); delete d.second; }
        emit(s, out, { kind: 'hold', source: src, pressAt: d.at, at: s.now });
      } });
    }
    const pend = t.pending;
    if (pend) {
      const due = pend.releaseAt + doublePressWindowMs;
      list.push({ name: `double:${src}`, due, prio: 1, blocked: rawPendingBefore(s, src, 'press', due), fire: () => {
        delete t.pending;
        emitPress(s, src, pend.pressAt, out);
      } });
    }
  }
  const cp = s.chord.pending;
  if (cp) {
    const due = cp.releaseAt + doublePressWindowMs;
    const members: ChordMember[] = ['record', 'function'];
    // A member press that began in the window may still become the second chord press.
    const blocked = members.some((m) => rawPendingBefore(s, m, 'press', due) || (s.trackers[m].down?.at ?? Infinity) < due);
    list.push({ name: 'double:chord', due, prio: 1, blocked, fire: () => { delete s.chord.pending; } });
  }
  const r = s.reset;
  if (r) {
    const t = s.trackers[r.source];
    // A reset double press whose second press began in time is still being decided.
    const blocked = (!!t.down?.second && t.down.at < r.until) || (!!t.pending && rawPendingBefore(s, r.source, 'press', r.until));
    list.push({ name: 'reset-window', due: r.until, prio: 1, blocked, fire: () => {
      delete s.reset;
      emit(s, out, { kind: 'reset-window-closed', at: s.now });
    } });
  }
  return list;
}

function runDue(s: Work, now: number, out: Gesture[]): void {
  for (let guard = 0; guard < 10_000; guard++) {
    let next: Candidate | undefined;
    for (const c of candidates(s, out)) {
      if (c.blocked || c.due > now) continue;
      if (!next || c.due < next.due || (c.due === next.due && c.prio < next.prio)) next = c;
    }
    if (!next) return;
    s.now = Math.max(s.now, next.due);
    next.fire();
  }
  throw new Error('recognize: deadlines did not settle (a recognizer bug)');
}

// --- gestures on clean edges ---

function tracksDouble(s: Work, src: GestureSource): boolean {
  switch (src) {
    case 'record': return s.settings.activation === 'double' || s.reset?.source === 'record';
    case 'cube-record': return s.settings.activation === 'double';
    case 'power': return s.settings.evaluationGesture === 'power';
    case 'function': return false;
  }
}

function cleanPress(s: Work, src: GestureSource, at: number, out: Gesture[]): void {
  const { doublePressWindowMs: W, chordWindowMs } = s.timings;
  if (s.settings.evaluationGesture === 'function+record' && (src === 'record' || src === 'function')) {
    const other: ChordMember = src === 'record' ? 'function' : 'record';
    const od = s.trackers[other].down;
    if (od && !od.holdFired && at - od.at <= chordWindowMs) {
      // Pressed together: both presses belong to the chord, not to their own buttons.
      if (od.second) s.trackers[other].pending = od.second;
      delete s.trackers[other].down;
      const cp = s.chord.pending;
      const second = cp && od.at - cp.releaseAt < W ? cp : undefined;
      if (second) delete s.chord.pending;
      s.chord.down = { at: od.at, held: [other, src], ...(second ? { second } : {}) };
      return;
    }
  }
  const t = s.trackers[src];
  if (t.pending && tracksDouble(s, src) && at - t.pending.releaseAt < W) {
    t.down = { at, holdFired: false, second: t.pending };
    delete t.pending;
    return;
  }
  if (t.pending) { emitPress(s, src, t.pending.pressAt, out); delete t.pending; }
  t.down = { at, holdFired: false };
}

function cleanRelease(s: Work, src: GestureSource, at: number, out: Gesture[]): void {
  const cd = s.chord.down;
  if (cd && (src === 'record' || src === 'function') && cd.held.includes(src)) {
    cd.held = cd.held.filter((m) => m !== src);
    if (cd.held.length > 0) return;
    delete s.chord.down;
    if (cd.second) {
      emit(s, out, { kind: 'evaluation-check', pressAt: cd.second.pressAt, at: s.now });
      s.reset = { opened: s.now, until: s.now + s.timings.resetWindowMs, source: 'record' };
    } else {
      s.chord.pending = { pressAt: cd.at, releaseAt: at };
    }
    return;
  }
  const t = s.trackers[src];
  const d = t.down;
  if (!d) return;
  delete t.down;
  if (d.holdFired) return;
  if (d.second) return emitDouble(s, src as ClickSource, d.second.pressAt, d.at, out);
  if (tracksDouble(s, src)) t.pending = { pressAt: d.at, releaseAt: at };
  else emitPress(s, src, d.at, out);
}

function emitDouble(s: Work, src: ClickSource, pressAt: number, secondAt: number, out: Gesture[]): void {
  const r = s.reset;
  if (r && r.source === src && secondAt < r.until) {
    delete s.reset;
    return emit(s, out, { kind: 'reset', pressAt, at: s.now });
  }
  if (src === 'power' && s.settings.evaluationGesture === 'power') {
    emit(s, out, { kind: 'evaluation-check', pressAt, at: s.now });
    s.reset = { opened: s.now, until: s.now + s.timings.resetWindowMs, source: 'power' };
    return;
  }
  emit(s, out, { kind: 'double-press', source: src, pressAt, at: s.now });
}

function emitPress(s: Work, src: GestureSource, pressAt: number, out: Gesture[]): void {
  emit(s, out, { kind: 'press', source: src, pressAt, at: s.now });
}

/** The main record button's own gestures are dropped while a cube takes over (profile setting). */
function emit(s: Work, out: Gesture[], g: Gesture): void {
  const mainDisabled = s.settings.cubeConnected && s.settings.disableMainRecordButton;
  if (mainDisabled && 'source' in g && g.source === 'record') return;
  out.push(g);
}
