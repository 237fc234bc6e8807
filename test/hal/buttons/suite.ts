/** Buttons contract suite: every Buttons implementation must pass it. */
import type { Test } from 'tap';
import type { Clock } from '../../../hal/clock/contract.js';
import type { ButtonEvent, Buttons } from '../../../hal/buttons/contract.js';
import { DeviceGoneError } from '../../../hal/errors.js';

export interface ButtonsHarness {
  buttons: Buttons;
  /** The clock the driver maps event times onto. */
  clock: Clock;
  /** The hardware pushes `button` down now. */
  press(button: string): Promise<void>;
  /** The hardware lets `button` go now. */
  release(button: string): Promise<void>;
  /** Press, hold about `holdMs`, release. Resolves with the hold the hardware saw, in ms. */
  tap(button: string, holdMs: number): Promise<number>;
  /** The input device goes away. */
  vanish(): Promise<void>;
  /** Wait until `cond()` holds; fails naming `what` after a few seconds. */
  until(cond: () => boolean, what: string): Promise<void>;
  cleanup(): Promise<void>;
}

const brief = (events: ButtonEvent[]) => events.map((e) => `${e.action} ${e.button}`);

export function buttonsContract(t: Test, name: string, make: () => Promise<ButtonsHarness>): void {
  t.test(`${name}: buttons contract`, async (t) => {
    const harness = async (t: Test) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const events: ButtonEvent[] = [];
      h.buttons.onButton((e) => events.push(e));
      return { h, events };
    };

    t.test('the device lists its buttons', async (t) => {
      const { h } = await harness(t);
      t.same(h.buttons.buttons, ['function', 'power', 'record']);
    });

    t.test('press then release, delivered later, in order, with monotonic times', async (t) => {
      const { h, events } = await harness(t);
      t.notOk(h.buttons.isPressed('record'));
      const before = h.clock.monotonic();
      await h.press('record');
      await h.until(() => events.length === 1, 'the press');
      t.ok(h.buttons.isPressed('record'), 'held after the press');
      await h.release('record');
      await h.until(() => events.length === 2, 'the release');
      t.notOk(h.buttons.isPressed('record'), 'not held after the release');
      t.same(brief(events), ['press record', 'release record']);
      const [p, r] = events as [ButtonEvent, ButtonEvent];
      t.ok(p.at >= before - 5 && p.at <= r.at && r.at <= h.clock.monotonic(), `times ${before.toFixed(1)} <= ${p.at.toFixed(1)} <= ${r.at.toFixed(1)} <= now`);
    });

    t.test('the time between press and release is the hardware hold time', async (t) => {
      const { h, events } = await harness(t);
      const held = await h.tap('power', 250);
      await h.until(() => events.length === 2, 'press and release');
      const [p, r] = events as [ButtonEvent, ButtonEvent];
      t.same(brief(events), ['press power', 'release power']);
      t.ok(Math.abs(r.at - p.at - held) <= 2, `release.at - press.at = ${(r.at - p.at).toFixed(2)} ms, hardware held ${held.toFixed(2)} ms`);
    });

    t.test('chords and interleaved buttons keep the hardware order', async (t) => {
      const { h, events } = await harness(t);
      await h.press('function');
      await h.press('record');
      await h.release('function');
      await h.press('power');
      await h.release('record');
      await h.release('power');
      await h.until(() => events.length === 6, 'six edges');
      t.same(brief(events), ['press function', 'press record', 'release function', 'press power', 'release record', 'release power']);
      for (let i = 1; i < events.length; i++) t.ok(events[i]!.at >= events[i - 1]!.at, `event ${i} not earlier than the one before`);
    });

    t.test('listeners are called in order and can be removed', async (t) => {
      const { h, events } = await harness(t);
      const order: string[] = [];
      const offA = h.buttons.onButton((e) => order.push(`a:${e.action}`));
      h.buttons.onButton((e) => order.push(`b:${e.action}`));
      await h.press('record');
      await h.until(() => events.length === 1, 'the press');
      offA();
      offA();
      await h.release('record');
      await h.until(() => events.length === 2, 'the release');
      t.same(order, ['a:press', 'b:press', 'b:release']);
      t.throws(() => h.buttons.onButton(undefined as unknown as () => void), TypeError);
    });

    t.test('close ends delivery: no event after it, onClose once, idempotent', async (t) => {
      const { h, events } = await harness(t);
      const ends: unknown[] = [];
      h.buttons.onClose((e) => ends.push(e));
      await h.press('record');
      await h.until(() => events.length === 1, 'the press');
      await h.buttons.close();
      await h.buttons.close();
      t.same(ends, [undefined], 'onClose once, without error');
      await h.release('record');
      await h.press('power');
      await new Promise((r) => setTimeout(r, 50));
      t.same(brief(events), ['press record'], 'nothing after close, and no made-up release');
      let late: unknown = 'not called';
      h.buttons.onClose((e) => { late = e; });
      await new Promise((r) => setImmediate(r));
      t.equal(late, undefined, 'a listener added after the end is told');
    });

    t.test('a device that goes away releases held buttons, then ends with DeviceGoneError', async (t) => {
      const { h, events } = await harness(t);
      const ends: unknown[] = [];
      const order: string[] = [];
      h.buttons.onButton((e) => order.push(`${e.action} ${e.button}`));
      h.buttons.onClose((e) => { ends.push(e); order.push('end'); });
      await h.press('power');
      await h.until(() => events.length === 1, 'the press');
      await h.vanish();
      await h.until(() => ends.length === 1, 'the end');
      t.same(order, ['press power', 'release power', 'end'], 'release before the end');
      t.type(ends[0], DeviceGoneError);
      t.match((ends[0] as Error).message, new RegExp(`button input device at .*${h.buttons.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} went away`));
      t.notOk(h.buttons.isPressed('power'));
      t.ok(events[1]!.at >= events[0]!.at);
      await h.buttons.close();
      t.equal(ends.length, 1, 'close after the end ends nothing twice');
    });
  });
}
