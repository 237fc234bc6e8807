/**
 * The emulated mini cube connector keeps the MiniCube contract: changes delivered asynchronously and
 * in order, a fresh Buttons and Indicators per connection, a held button released before the
 * disconnect, nothing reported after close().
 */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedMiniCube } from '../../../hal/cube/emulated.js';
import { CUBE_FRONT_LED, CUBE_RECORD_BUTTON, type CubeConnection } from '../../../hal/cube/contract.js';
import type { ButtonEvent } from '../../../hal/buttons/contract.js';
import { DeviceGoneError, HalError } from '../../../hal/errors.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const cube = new EmulatedMiniCube({ clock, name: 'cam1' });
  const changes: (CubeConnection | undefined)[] = [];
  cube.onChange((c) => changes.push(c));
  return { timeline, clock, cube, changes };
}

t.test('connect is reported asynchronously with its own button and front indicator', async (t) => {
  const { cube, changes } = setup();
  t.equal(cube.name, 'emulated:cam1 mini cube');
  const c = cube.connect();
  t.same(changes, [], 'not inside the call');
  t.equal(cube.current, undefined);
  await turn();
  t.equal(changes.length, 1);
  t.equal(changes[0], c);
  t.equal(cube.current, c);
  t.same(c.buttons.buttons, [CUBE_RECORD_BUTTON]);
  t.same(c.indicators.capabilities().leds, { [CUBE_FRONT_LED]: ['red'] });
  t.equal(c.indicators.capabilities().vibration, false);
  t.throws(() => cube.connect(), /already connected/);
  await c.indicators.setLed(CUBE_FRONT_LED, { kind: 'steady', color: 'red' });
  t.equal(c.indicators.colorAt(CUBE_FRONT_LED), 'red');
  await t.rejects(c.indicators.setLed(CUBE_FRONT_LED, { kind: 'steady', color: 'green' }), 'a color the cube lacks');
});

t.test('its button reports edges in the Buttons contract, timed on the device clock', async (t) => {
  const { timeline, cube } = setup();
  const c = cube.connect();
  await turn();
  const events: ButtonEvent[] = [];
  c.buttons.onButton((e) => events.push(e));
  const tapped = cube.tap(250);
  await timeline.advance(300);
  await tapped;
  t.same(events.map((e) => [e.button, e.action]), [['record', 'press'], ['record', 'release']]);
  t.equal(events[1]!.at - events[0]!.at, 250, 'held 250 ms of device time');
});

t.test('disconnect: a held button is released, the buttons end gone, then undefined is reported', async (t) => {
  const { cube, changes } = setup();
  const c = cube.connect();
  await turn();
  const order: string[] = [];
  c.buttons.onButton((e) => order.push(`${e.button} ${e.action}`));
  c.buttons.onClose((e) => order.push(e instanceof DeviceGoneError ? 'gone' : `closed ${String(e)}`));
  cube.onChange((x) => order.push(x ? 'connected' : 'disconnected'));
  c.buttons.press(CUBE_RECORD_BUTTON);
  await turn();
  cube.disconnect();
  t.equal(cube.current, c, 'still current until delivered');
  await turn();
  await turn();
  t.same(order, ['record press', 'record release', 'gone', 'disconnected']);
  t.equal(changes.at(-1), undefined);
  t.equal(cube.current, undefined);
  await t.rejects(c.indicators.setLed(CUBE_FRONT_LED, { kind: 'off' }), HalError, 'the old indicator is gone');
  t.throws(() => cube.disconnect(), /no mini cube is connected/);
  await t.rejects(cube.tap(), /connect one first/);
  const again = cube.connect();
  await turn();
  t.not(again, c, 'a new connection has new drivers');
  t.equal(cube.current, again);
});

t.test('close: nothing reported afterwards; a connected cube counts as gone', async (t) => {
  const { cube, changes } = setup();
  const c = cube.connect();
  let gone = false;
  c.buttons.onClose(() => { gone = true; });
  await cube.close();
  await turn();
  t.same(changes, [], 'the pending connect is not delivered after close');
  t.equal(cube.current, undefined);
  t.ok(gone, 'its buttons ended');
  t.throws(() => cube.connect(), /closed/);
  await cube.close();
  t.pass('close is idempotent');
});
