/**
 * GestureRecognizer on emulated buttons in virtual time: the camera's buttons and a mini cube
 * sensor's, decisions on the Clock's timers, and when a single/double decision is emitted.
 */
import t from 'tap';
import { Timeline } from '../../../../hal/clock/emulated.js';
import { EmulatedButtons } from '../../../../hal/buttons/emulated.js';
import { CUBE_BUTTONS, GestureRecognizer } from '../../../../firmware/camera/controls/recognizer.js';
import type { Gesture, GestureSettings } from '../../../../firmware/camera/controls/gestures.js';
import { DEBOUNCE_MS as D, DOUBLE_PRESS_WINDOW_MS as W, HOLD_MS as H, RESET_WINDOW_MS as R } from '../../../../firmware/camera/controls/timings.js';

function rig(settings: Partial<GestureSettings> = {}) {
  const tl = new Timeline();
  const clock = tl.clock();
  const buttons = new EmulatedButtons({ clock, name: 'cam1' });
  const cube = new EmulatedButtons({ clock, name: 'cube1', buttons: ['record'] });
  const recognizer = new GestureRecognizer({ clock, settings });
  recognizer.attach(buttons);
  recognizer.attach(cube, CUBE_BUTTONS);
  const gestures: Gesture[] = [];
  recognizer.onGesture((g) => gestures.push(g));
  /** Run a control-surface action while virtual time moves on by `ms`. */
  const during = async (action: Promise<void> | void, ms: number) => { await tl.advance(ms); await action; };
  return { tl, clock, buttons, cube, recognizer, gestures, during };
}
const kinds = (gs: Gesture[]) => gs.map((g) => ('source' in g ? `${g.kind}:${g.source}` : g.kind));

t.test('single activation: a tap is a press, decided one debounce after the release', async (t) => {
  const { tl, buttons, gestures, during } = rig();
  await during(buttons.tap('record', 100), 1000);
  t.same(gestures, [{ kind: 'press', source: 'record', pressAt: 0, at: 100 + D }]);
  t.ok(tl.time >= 1000);
});

t.test('double activation: decision times after the last release stay within window + 10 ms', async (t) => {
  const { buttons, gestures, during, tl } = rig({ activation: 'double' });
  await during(buttons.tap('record', 100), 1000);
  const lone = gestures.at(-1)!;
  t.same(kinds(gestures), ['press:record']);
  const loneLatency = lone.at - (lone.kind === 'press' ? lone.pressAt + 100 : NaN);
  t.equal(loneLatency, W, 'a lone press: exactly one window after its release');
  const start = tl.time;
  await during(buttons.doublePress('record', { holdMs: 80, gapMs: 150 }), 1000);
  const dbl = gestures.at(-1)!;
  t.same(kinds(gestures), ['press:record', 'double-press:record']);
  const lastRelease = start + 80 + 150 + 80;
  t.equal(dbl.at - lastRelease, D, 'a double press: one debounce after the second release');
  t.ok(Math.max(loneLatency, dbl.at - lastRelease) <= W + 10, 'target: decided within window + 10 ms');
  t.comment(`decision after last release: single ${loneLatency} ms, double ${dbl.at - lastRelease} ms (window ${W} ms)`);
});

t.test('evaluation check with function+record together, then reset within 7 s', async (t) => {
  const { buttons, gestures, during, tl } = rig();
  await during(buttons.doublePress(['function', 'record']), 1000);
  t.same(kinds(gestures), ['evaluation-check']);
  const checkAt = gestures[0]!.at;
  await tl.advanceTo(checkAt + R - 1000);
  await during(buttons.doublePress('record'), 1000);
  t.same(kinds(gestures), ['evaluation-check', 'reset']);
  await tl.advance(R * 2);
  t.same(kinds(gestures), ['evaluation-check', 'reset'], 'no window-closed after a reset');
});

t.test('evaluation check then nothing: the window closes after 7 s', async (t) => {
  const { buttons, gestures, during, tl } = rig();
  await during(buttons.doublePress(['function', 'record']), 1000);
  await tl.advance(R);
  t.same(kinds(gestures), ['evaluation-check', 'reset-window-closed']);
  t.equal(gestures[1]!.at - gestures[0]!.at, R);
});

t.test('power hold is reported while held; the release reports nothing', async (t) => {
  const { buttons, gestures, tl } = rig();
  buttons.press('power');
  await tl.advance(H - 1);
  t.same(gestures, [], `nothing at ${H - 1} ms`);
  await tl.advance(2);
  t.same(gestures, [{ kind: 'hold', source: 'power', pressAt: 0, at: H }]);
  buttons.release('power');
  await tl.advance(1000);
  t.equal(gestures.length, 1);
});

t.test('a bounce from emulated buttons is ignored', async (t) => {
  const { buttons, gestures, tl } = rig();
  buttons.press('record');
  await tl.advance(D - 1);
  buttons.release('record');
  await tl.advance(1000);
  t.same(gestures, []);
});

t.test('mini cube sensor with the main record button disabled', async (t) => {
  const { buttons, cube, gestures, during, recognizer } = rig();
  recognizer.configure({ cubeConnected: true, disableMainRecordButton: true });
  await during(buttons.tap('record'), 1000);
  await during(cube.tap('record'), 1000);
  t.same(kinds(gestures), ['press:cube-record']);
  recognizer.configure({ cubeConnected: false });
  await during(buttons.tap('record'), 1000);
  t.same(kinds(gestures), ['press:cube-record', 'press:record'], 'cube unplugged: the main button works again');
  recognizer.configure({ cubeConnected: true, activation: 'double' });
  await during(cube.doublePress('record'), 1000);
  t.same(kinds(gestures).at(-1), 'double-press:cube-record');
});

t.test('close() stops timers and events', async (t) => {
  const { buttons, gestures, recognizer, clock, tl, during } = rig({ activation: 'double' });
  buttons.press('record');
  await tl.advance(100);
  buttons.release('record');
  await tl.advance(50);
  recognizer.close();
  recognizer.close();
  t.equal(clock.pendingTimers, 0);
  await tl.advance(1000);
  await during(buttons.tap('power'), 1000);
  t.same(gestures, []);
  t.equal(clock.pendingTimers, 0);
});
