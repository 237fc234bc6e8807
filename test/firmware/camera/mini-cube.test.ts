/**
 * The mini cube service: a connected cube's button feeds the recognizer as cube-record (and the main
 * record button is dropped when the profile says so), the behaviour hears the connection, and the
 * camera's front recording indicator is shown on the cube's while it is connected.
 */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedMiniCube } from '../../../hal/cube/emulated.js';
import { EmulatedButtons } from '../../../hal/buttons/emulated.js';
import { EmulatedIndicators } from '../../../hal/indicators/emulated.js';
import type { LedPattern } from '../../../hal/indicators/contract.js';
import { silentLog } from '../../../firmware/common/log.js';
import { GestureRecognizer } from '../../../firmware/camera/controls/recognizer.js';
import type { Gesture } from '../../../firmware/camera/controls/gestures.js';
import type { CameraInput } from '../../../firmware/camera/behaviour/camera-state.js';
import { MiniCubeService, miniCubeServiceFor } from '../../../firmware/camera/mini-cube.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const RED: LedPattern = { kind: 'steady', color: 'red' };
const FLASH: LedPattern = { kind: 'flash', color: 'red', onMs: 500, offMs: 500 };

function setup(settings: { disableMainRecordButton?: boolean; cameraLeds?: Record<string, ('red' | 'green' | 'amber')[]> } = {}) {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const cube = new EmulatedMiniCube({ clock, name: 'cam1' });
  const buttons = new EmulatedButtons({ clock, name: 'cam1' });
  const camera = new EmulatedIndicators({ clock, device: 'cam1', ...(settings.cameraLeds ? { leds: settings.cameraLeds } : {}) });
  const gestures = new GestureRecognizer({ clock, settings: { disableMainRecordButton: settings.disableMainRecordButton ?? false } });
  gestures.attach(buttons);
  const seen: Gesture[] = [];
  gestures.onGesture((g) => seen.push(g));
  const inputs: CameraInput[] = [];
  const service = new MiniCubeService(cube, silentLog);
  const indicators = service.indicators(camera);
  service.start({ gestures, behaviour: { input: (i) => inputs.push(i) } });
  const presses = () => seen.flatMap((g) => (g.kind === 'press' ? [g.source] : []));
  /** A press and release, then time for the recognizer's debounce and windows. */
  const tap = async (press: () => Promise<void>) => { const p = press(); await timeline.advance(1000); await p; await turn(); };
  return { timeline, cube, buttons, camera, gestures, inputs, service, indicators, presses, tap };
}

t.test('a connected cube\'s button is cube-record; the behaviour hears the connection', async (t) => {
  const s = setup();
  t.equal(s.service.connected, false);
  s.cube.connect();
  await turn();
  t.equal(s.service.connected, true);
  t.same(s.inputs, [{ kind: 'mini-sensor', connected: true }]);
  t.equal(s.gestures.state.settings.cubeConnected, true);
  await s.tap(() => s.cube.tap());
  await s.tap(() => s.buttons.tap('record'));
  t.same(s.presses(), ['cube-record', 'record'], 'both record buttons work without the profile setting');
  s.cube.disconnect();
  await turn();
  await turn();
  t.equal(s.service.connected, false);
  t.same(s.inputs.at(-1), { kind: 'mini-sensor', connected: false });
  t.equal(s.gestures.state.settings.cubeConnected, false);
});

t.test('"Disable main camera recording button": only while the cube is connected', async (t) => {
  const s = setup({ disableMainRecordButton: true });
  await s.tap(() => s.buttons.tap('record'));
  t.same(s.presses(), ['record'], 'no cube: the main button works');
  s.cube.connect();
  await turn();
  await s.tap(() => s.buttons.tap('record'));
  await s.tap(() => s.cube.tap());
  t.same(s.presses(), ['record', 'cube-record'], 'cube connected: the main button is dropped');
  s.cube.disconnect();
  await turn();
  await turn();
  await s.tap(() => s.buttons.tap('record'));
  t.same(s.presses(), ['record', 'cube-record', 'record'], 'after disconnect it works again');
});

t.test('the front recording indicator is mirrored to a connected cube', async (t) => {
  const s = setup();
  await s.indicators.setLed('front', RED);
  t.equal(s.camera.colorAt('front'), 'red', 'the camera shows it');
  const c = s.cube.connect();
  await turn();
  await turn();
  t.same(c.indicators.current().leds.front?.pattern, RED, 'a cube connected later shows the pattern in force');
  await s.indicators.setLed('front', FLASH);
  t.same(c.indicators.current().leds.front?.pattern, FLASH);
  await s.indicators.setLed('status', { kind: 'steady', color: 'green' });
  t.same(Object.keys(c.indicators.current().leds), ['front'], 'other LEDs stay on the camera');
  t.equal(s.camera.colorAt('status'), 'green');
  await s.indicators.setLed('front', { kind: 'off' });
  t.same(c.indicators.current().leds.front?.pattern, { kind: 'off' });
  t.same(s.service.frontPattern, { kind: 'off' });
  s.cube.disconnect();
  await turn();
  await turn();
  await s.indicators.setLed('front', RED);
  t.pass('setting the front LED with the cube gone does not fail');
});

t.test('a camera without a front LED still drives the cube\'s', async (t) => {
  const s = setup({ cameraLeds: { status: ['red', 'green', 'amber'] } });
  t.same(s.indicators.capabilities().leds.front, ['red'], 'the behaviour sees a front LED to drive');
  t.notOk(s.camera.capabilities().leds.front);
  const c = s.cube.connect();
  await turn();
  await s.indicators.setLed('front', RED);
  t.same(c.indicators.current().leds.front?.pattern, RED);
});

t.test('stop: the cube no longer counts', async (t) => {
  const s = setup();
  s.cube.connect();
  await turn();
  s.service.stop();
  await s.tap(() => s.cube.tap());
  t.same(s.presses(), []);
  s.cube.disconnect();
  await turn();
  await turn();
  t.same(s.inputs, [{ kind: 'mini-sensor', connected: true }], 'no disconnect reported after stop');
});

t.test('only models that take a mini cube sensor get the service', async (t) => {
  const cube = new EmulatedMiniCube({ clock: new Timeline().clock(), name: 'cam1' });
  for (const m of ['W100', 'W101', 'W102']) t.ok(miniCubeServiceFor(cube, m, silentLog) instanceof MiniCubeService, m);
  for (const m of ['W110', 'W120', 'W999']) t.equal(miniCubeServiceFor(cube, m, silentLog), undefined, m);
  t.equal(miniCubeServiceFor(undefined, 'W100', silentLog), undefined, 'no connector');
});
