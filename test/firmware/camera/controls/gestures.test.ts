/**
 * The pure gesture recognizer at the edges of every window: debounce, double press, hold, both
 * buttons together, the 7 s reset window, and a mini cube sensor taking over the record button.
 */
import t from 'tap';
import {
  initialGestureState, recognize,
  type Gesture, type GestureInput, type GestureSettings, type GestureSource, type GestureState,
} from '../../../../firmware/camera/controls/gestures.js';
import {
  CHORD_WINDOW_MS as CW, DEBOUNCE_MS as D, DEFAULT_TIMINGS, DOUBLE_PRESS_WINDOW_MS as W,
  HOLD_MS as H, RESET_WINDOW_MS as R, checkTimings,
} from '../../../../firmware/camera/controls/timings.js';

type Edge = { at: number; source: GestureSource; action: 'press' | 'release' };
const tap = (source: GestureSource, at: number, holdMs = 100): Edge[] =>
  [{ at, source, action: 'press' }, { at: at + holdMs, source, action: 'release' }];
const double = (source: GestureSource, at: number, gapMs = 150, holdMs = 80): Edge[] =>
  [...tap(source, at, holdMs), ...tap(source, at + holdMs + gapMs, holdMs)];
const chordTap = (at: number, offsetMs = 0, holdMs = 100): Edge[] =>
  [...tap('function', at, holdMs + offsetMs), ...tap('record', at + offsetMs, holdMs)];

/** Feed edges in time order, waking the machine at every time it asks for (as the driver does). */
function play(edges: Edge[], settings: Partial<GestureSettings> = {}, until?: number): { gestures: Gesture[]; state: GestureState } {
  let state = initialGestureState(settings);
  let timers: { due: number }[] = [];
  const gestures: Gesture[] = [];
  const step = (input: GestureInput) => { const r = recognize(state, input); state = r.state; timers = r.timers; gestures.push(...r.gestures); };
  const wakeUntil = (at: number) => {
    for (;;) {
      const due = Math.min(...timers.map((x) => x.due));
      if (!(due <= at)) return;
      step({ kind: 'tick', at: due });
    }
  };
  const sorted = [...edges].sort((a, b) => a.at - b.at);
  for (const e of sorted) { wakeUntil(e.at); step({ kind: 'button', ...e }); }
  wakeUntil(until ?? (sorted.at(-1)?.at ?? 0) + 60_000);
  return { gestures, state };
}
const kinds = (gs: Gesture[]) => gs.map((g) => ('source' in g ? `${g.kind}:${g.source}` : g.kind));

t.test('the constants', async (t) => {
  t.same(DEFAULT_TIMINGS, { debounceMs: 25, doublePressWindowMs: 400, holdMs: 2000, chordWindowMs: 100, resetWindowMs: 7000 });
  t.throws(() => checkTimings({ ...DEFAULT_TIMINGS, debounceMs: -1 }), /debounceMs must be a finite number of ms >= 0, got -1/);
  t.throws(() => checkTimings({ ...DEFAULT_TIMINGS, debounceMs: 500 }), /debounceMs \(500\) must be shorter than doublePressWindowMs \(400\)/);
  t.throws(() => initialGestureState({}, { ...DEFAULT_TIMINGS, holdMs: Number.NaN }), /holdMs/);
});

t.test('single-press activation reports each press at its debounced release', async (t) => {
  const { gestures } = play(tap('record', 1000, 100));
  t.same(gestures, [{ kind: 'press', source: 'record', pressAt: 1000, at: 1100 + D }]);
  t.same(kinds(play([...tap('record', 0), ...tap('record', 250)]).gestures), ['press:record', 'press:record'], 'two quick presses are two presses');
  t.same(kinds(play(tap('function', 0)).gestures), ['press:function']);
  t.same(kinds(play(tap('power', 0)).gestures), ['press:power']);
});

t.test('debounce: a press shorter than the debounce is a bounce', async (t) => {
  t.same(play(tap('record', 0, D - 1)).gestures, [], `held ${D - 1} ms: ignored`);
  t.same(kinds(play(tap('record', 0, D + 1)).gestures), ['press:record'], `held ${D + 1} ms: a press`);
  t.same(kinds(play(tap('record', 0, D)).gestures), ['press:record'], `held exactly ${D} ms: a press`);
});

t.test('debounce: a release followed by a press within the debounce is one press', async (t) => {
  const bounce = (gap: number) => play([
    { at: 0, source: 'record', action: 'press' }, { at: 100, source: 'record', action: 'release' },
    { at: 100 + gap, source: 'record', action: 'press' }, { at: 300, source: 'record', action: 'release' },
  ]).gestures;
  t.same(bounce(D - 1), [{ kind: 'press', source: 'record', pressAt: 0, at: 300 + D }], `gap ${D - 1} ms: one press held through`);
  t.same(kinds(bounce(D + 1)), ['press:record', 'press:record'], `gap ${D + 1} ms: two presses`);
  t.same(play([
    { at: 0, source: 'power', action: 'press' }, { at: 3, source: 'power', action: 'release' },
    { at: 6, source: 'power', action: 'press' }, { at: 9, source: 'power', action: 'release' },
    { at: 12, source: 'power', action: 'press' }, { at: 150, source: 'power', action: 'release' },
  ]).gestures, [{ kind: 'press', source: 'power', pressAt: 12, at: 150 + D }], 'a chattering press counts once, from when it settled');
});

t.test('double-press activation: window edges and when a lone press is decided', async (t) => {
  const dbl = { activation: 'double' } as const;
  const pair = (gap: number) => play(double('record', 0, gap, 80), dbl).gestures;
  t.same(pair(W - 1), [{ kind: 'double-press', source: 'record', pressAt: 0, at: 80 + W - 1 + 80 + D }], `second press ${W - 1} ms after release: double`);
  t.same(pair(W + 1), [
    { kind: 'press', source: 'record', pressAt: 0, at: 80 + W },
    { kind: 'press', source: 'record', pressAt: 80 + W + 1, at: 80 + W + 1 + 80 + W },
  ], `second press ${W + 1} ms after release: two single presses, each decided when its window ends`);
  t.same(kinds(pair(W)), ['press:record', 'press:record'], `exactly ${W} ms: no longer within the window`);
  const lone = play(tap('record', 500, 100), dbl).gestures;
  t.same(lone, [{ kind: 'press', source: 'record', pressAt: 500, at: 600 + W }], 'a lone press is decided exactly one window after its release');
  t.ok(lone[0]!.at - 600 <= W + 10, 'decided within window + 10 ms');
  t.same(kinds(play(double('cube-record', 0), dbl).gestures), ['double-press:cube-record'], 'activation applies to the cube too');
  t.same(kinds(play(double('record', 0)).gestures), ['press:record', 'press:record'], 'single activation: a double press is two presses');
});

t.test('a bounce just inside the window delays the decision only until it is known', async (t) => {
  const { gestures } = play([...tap('record', 0, 100), { at: 100 + W - 1, source: 'record', action: 'press' }, { at: 100 + W + 5, source: 'record', action: 'release' }], { activation: 'double' });
  t.same(gestures, [{ kind: 'press', source: 'record', pressAt: 0, at: 100 + W + 5 }]);
});

t.test('hold edges', async (t) => {
  t.same(play(tap('power', 0, H - 1)).gestures, [{ kind: 'press', source: 'power', pressAt: 0, at: H - 1 + D }], `held ${H - 1} ms: a press`);
  t.same(play(tap('power', 0, H + 1)).gestures, [{ kind: 'hold', source: 'power', pressAt: 0, at: H }], `held ${H + 1} ms: a hold, reported at ${H} ms while held`);
  t.same(play(tap('record', 0, H)).gestures, [{ kind: 'hold', source: 'record', pressAt: 0, at: H }], `held exactly ${H} ms: a hold`);
  t.same(kinds(play([...tap('record', 0, 100), ...tap('record', 300, H + 500)], { activation: 'double' }).gestures),
    ['press:record', 'hold:record'], 'a press then a hold within the window: the press, then the hold');
  t.same(play(tap('function', 0, H + 500)).gestures, [{ kind: 'hold', source: 'function', pressAt: 0, at: H }], 'the function button held: a hold (microphone mute), its release reports nothing');
  t.same(play(tap('function', 0, H - 1)).gestures, [{ kind: 'press', source: 'function', pressAt: 0, at: H - 1 + D }], `function held ${H - 1} ms: a press (silent mode)`);
});

t.test('both buttons together: simultaneity edges', async (t) => {
  const check = (offset: number) => play([...chordTap(0, offset), ...chordTap(400, offset)]).gestures;
  t.same(kinds(check(CW - 1)), ['evaluation-check', 'reset-window-closed'], `record ${CW - 1} ms after function: together`);
  t.same(kinds(check(CW)), ['evaluation-check', 'reset-window-closed'], `record ${CW} ms after function: together`);
  t.same(kinds(check(CW + 1)), ['press:record', 'press:function', 'press:record', 'press:function'], `${CW + 1} ms apart: two separate buttons`);
  const reversed = play([...tap('record', 0, 150), ...tap('function', 40, 100), ...tap('record', 400, 150), ...tap('function', 440, 100)]).gestures;
  t.same(reversed, [{ kind: 'evaluation-check', pressAt: 0, at: 550 + D }, { kind: 'reset-window-closed', at: 550 + D + R }],
    'record first works too; decided when both are released');
  t.same(play(chordTap(0)).gestures, [], 'one press of both is nothing, and no record or function press');
  t.same(kinds(play([...chordTap(0), ...chordTap(100 + W + 50)]).gestures), [], 'two chord presses further apart than the window: nothing');
  t.same(kinds(play([...tap('function', 0, 60), ...tap('record', 80, 100)]).gestures), ['press:function', 'press:record'], 'not overlapping: not together');
});

t.test('reset window: 7 s after the evaluation check', async (t) => {
  const evalCheck = [...chordTap(0), ...chordTap(400)];
  const T = play(evalCheck).gestures[0]!.at;
  t.equal(T, 500 + D, 'check recognised when the second chord is released');
  const resetAt = (secondPressAt: number, settings: Partial<GestureSettings> = {}) =>
    play([...evalCheck, ...tap('record', secondPressAt - 230, 80), ...tap('record', secondPressAt, 80)], settings).gestures.slice(1);
  t.same(resetAt(T + R - 1), [{ kind: 'reset', pressAt: T + R - 231, at: T + R - 1 + 80 + D }], `second press at +${R - 1} ms: reset`);
  t.same(kinds(resetAt(T + R)), ['reset-window-closed', 'press:record', 'press:record'], `second press at exactly +${R} ms: too late`);
  t.same(resetAt(T + R + 1, { activation: 'double' }), [
    { kind: 'reset-window-closed', at: T + R },
    { kind: 'double-press', source: 'record', pressAt: T + R - 229, at: T + R + 1 + 80 + D },
  ], `second press at +${R + 1} ms: the window closed, an ordinary double press`);
  t.same(kinds(resetAt(T + R + 1)), ['reset-window-closed', 'press:record', 'press:record'], 'with single activation, after the window: two presses');
  t.same(kinds(play([...evalCheck, ...tap('record', 1000)]).gestures), ['evaluation-check', 'press:record', 'reset-window-closed'],
    'a lone press in the window is a press (decided after the double window)');
  t.same(kinds(play(evalCheck).gestures), ['evaluation-check', 'reset-window-closed']);
  t.equal(play(evalCheck).gestures[1]!.at, T + R);
  t.same(kinds(play([...tap('record', 0), ...tap('record', 300)]).gestures), ['press:record', 'press:record'], 'no reset without the check');
});

t.test('power double press is the check and the reset on W102/W110/W120', async (t) => {
  const s = { evaluationGesture: 'power' } as const;
  const g = play([...double('power', 0), ...double('power', 2000)], s).gestures;
  t.same(kinds(g), ['evaluation-check', 'reset']);
  t.same(kinds(play(tap('power', 0), s).gestures), ['press:power'], 'a lone power press after the window');
  t.same(kinds(play(tap('power', 0, H + 10), s).gestures), ['hold:power']);
  t.same(kinds(play(double('record', 0), s).gestures), ['press:record', 'press:record']);
  t.same(kinds(play([...chordTap(0), ...chordTap(400)], s).gestures), ['press:record', 'press:function', 'press:record', 'press:function'],
    'function+record is no check on these models');
});

t.test('mini cube sensor and "Disable main camera recording button"', async (t) => {
  const both = [...tap('record', 0), ...tap('cube-record', 1000)];
  t.same(kinds(play(both, { cubeConnected: true, disableMainRecordButton: true }).gestures), ['press:cube-record'], 'main record ignored');
  t.same(kinds(play(both, { cubeConnected: true }).gestures), ['press:record', 'press:cube-record'], 'setting off: both work');
  t.same(kinds(play(both, { disableMainRecordButton: true }).gestures), ['press:record', 'press:cube-record'], 'no cube: main works');
  t.same(kinds(play([...tap('record', 0, H + 10), ...double('record', 5000)], { cubeConnected: true, disableMainRecordButton: true, activation: 'double' }).gestures), [],
    'no hold or double press from the main button either');
  t.same(kinds(play(tap('power', 0), { cubeConnected: true, disableMainRecordButton: true }).gestures), ['press:power'], 'other buttons unaffected');
  const evalThenReset = [...chordTap(0), ...chordTap(400), ...double('record', 1500)];
  t.same(kinds(play(evalThenReset, { cubeConnected: true, disableMainRecordButton: true }).gestures), ['evaluation-check', 'reset'],
    'the evaluation check and reset still work (service gestures, not recording)');
  // Cube plugged in mid-way through the configure input.
  let st = initialGestureState();
  st = recognize(st, { kind: 'configure', settings: { cubeConnected: true, disableMainRecordButton: true }, at: 0 }).state;
  st = recognize(st, { kind: 'button', source: 'record', action: 'press', at: 10 }).state;
  const r = recognize(st, { kind: 'button', source: 'record', action: 'release', at: 200 });
  t.same(recognize(r.state, { kind: 'tick', at: 1000 }).gestures, []);
});

t.test('pure: the state passed in is not changed; timers are the full set of wake-ups', async (t) => {
  const s0 = initialGestureState({ activation: 'double' });
  const copy = structuredClone(s0);
  const a = recognize(s0, { kind: 'button', source: 'record', action: 'press', at: 0 });
  t.same(s0, copy);
  t.same(a.timers, [{ name: 'debounce:record', due: D }]);
  const b = recognize(a.state, { kind: 'button', source: 'record', action: 'release', at: 100 });
  t.same(b.timers, [{ name: 'debounce:record', due: 100 + D }], 'the hold is settled by the pending release, not listed');
  const c = recognize(b.state, { kind: 'tick', at: 100 + D });
  t.same(c.timers, [{ name: 'double:record', due: 100 + W }]);
  t.same(c.gestures, []);
  const d = recognize(c.state, { kind: 'tick', at: 100 + W });
  t.same(kinds(d.gestures), ['press:record']);
  t.same(d.timers, []);
});

t.test('bad input is named', async (t) => {
  const s = initialGestureState();
  t.throws(() => recognize(s, { kind: 'button', source: 'volume' as GestureSource, action: 'press', at: 0 }), /unknown button source "volume"; expected one of record, cube-record, power, function/);
  t.throws(() => recognize(s, { kind: 'button', source: 'record', action: 'push' as 'press', at: 0 }), /action must be press or release, got "push"/);
  t.throws(() => recognize(s, { kind: 'tick', at: Number.NaN }), /finite monotonic time/);
  t.throws(() => recognize(s, { kind: 'configure', settings: { activation: 'triple' as 'single' }, at: 0 }), /activation must be 'single' or 'double', got "triple"/);
  t.throws(() => initialGestureState({ cubeConnected: 'yes' as unknown as boolean }), /cubeConnected must be a boolean/);
});
