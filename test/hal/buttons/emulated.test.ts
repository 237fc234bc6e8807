import t from 'tap';
import { EmulatedButtons } from '../../../hal/buttons/emulated.js';
import type { ButtonEvent } from '../../../hal/buttons/contract.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { DeviceGoneError } from '../../../hal/errors.js';

function rig(buttons?: string[]) {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const b = new EmulatedButtons({ clock, name: 'cam1', ...(buttons ? { buttons } : {}) });
  const events: ButtonEvent[] = [];
  b.onButton((e) => events.push(e));
  const log = () => events.map((e) => `${e.at} ${e.action} ${e.button}`);
  return { timeline, clock, b, events, log };
}

t.test('events arrive on the next tick, never inside the control call', async (t) => {
  const { b, events, timeline } = rig();
  b.press('record');
  t.equal(events.length, 0, 'not synchronous');
  t.same(b.held, ['record'], 'physically down at once');
  t.notOk(b.isPressed('record'), 'not yet delivered');
  await timeline.advance(0);
  t.equal(events.length, 1);
  t.ok(b.isPressed('record'));
});

t.test('tap and long press happen in virtual time', async (t) => {
  const { b, timeline, log } = rig();
  await timeline.advance(1000);
  const tap = b.tap('record');
  await timeline.advance(99);
  t.same(log(), ['1000 press record'], 'still held at 99 ms');
  await timeline.advance(1);
  await tap;
  const hold = b.tap('power', 3000);
  await timeline.advance(3000);
  await hold;
  t.same(log(), ['1000 press record', '1100 release record', '1100 press power', '4100 release power']);
});

t.test('double press, also as a chord (the manual\'s evaluation-mode check)', async (t) => {
  const { b, timeline, log } = rig();
  const dp = b.doublePress('power', { holdMs: 50, gapMs: 200 });
  await timeline.advance(1000);
  await dp;
  t.same(log(), ['0 press power', '50 release power', '250 press power', '300 release power']);
  const chord = b.doublePress(['function', 'record']);
  await timeline.advance(1000);
  await chord;
  t.same(log().slice(4), [
    '1000 press function', '1000 press record', '1080 release function', '1080 release record',
    '1230 press function', '1230 press record', '1310 release function', '1310 release record',
  ]);
});

t.test('the control surface refuses what hardware cannot do, naming the button', async (t) => {
  const { b } = rig();
  t.same(b.buttons, ['function', 'power', 'record']);
  t.throws(() => b.press('volume'), { name: 'RangeError', message: 'press: emulated:cam1 buttons has no button "volume"; expected one of function, power, record' });
  b.press('record');
  t.throws(() => b.press('record'), /press: record is already down on emulated:cam1 buttons; release it first/);
  t.throws(() => b.release('power'), /release: power is not down/);
  t.throws(() => b.press([]), TypeError);
  t.throws(() => b.press(['power', 'power']), /named twice/);
  await t.rejects(b.tap('power', -1), /tap: holdMs must be a finite number of milliseconds >= 0, got -1/);
  t.throws(() => new EmulatedButtons({ clock: undefined as never }), TypeError);
  t.throws(() => new EmulatedButtons({ clock: new Timeline().clock(), buttons: [] }), /non-empty array/);
});

t.test('a board with other buttons (a mini cube sensor)', async (t) => {
  const { b, timeline, log } = rig(['record']);
  t.same(b.buttons, ['record']);
  b.press('record');
  await timeline.advance(5);
  t.same(log(), ['0 press record']);
});

t.test('disconnect while held: release at that instant, then DeviceGoneError', async (t) => {
  const { b, timeline, log } = rig();
  let end: unknown;
  b.onClose((e) => { end = e; });
  b.press('function');
  await timeline.advance(40);
  b.disconnect();
  await timeline.advance(0);
  t.same(log(), ['0 press function', '40 release function']);
  t.type(end, DeviceGoneError);
  t.equal((end as Error).message, 'button input device at emulated:cam1 buttons went away');
  b.press('record');
  await timeline.advance(5);
  t.equal(log().length, 2, 'a gone device reports nothing more');
});
