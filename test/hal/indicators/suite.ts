/** Indicators contract suite: every Indicators implementation must pass it. */
import type { Test } from 'tap';
import { LED_COLORS, type Indicators, type LedColor } from '../../../hal/indicators/contract.js';
import { beeps, flash, off, pulses, sequence, steady, voice } from '../../../hal/indicators/patterns.js';

/** What an LED shows on the hardware at this instant. */
export type Shown =
  | { kind: 'off' }
  | { kind: 'steady'; color: LedColor }
  | { kind: 'flash'; color: LedColor; onMs: number; offMs: number };

/**
 * The hardware must have LED `status` showing red, green and amber, and LED `front` showing red
 * but not green. Vibration, beeps and voice are tested when capabilities() says they exist, and
 * must be refused with NotSupportedError when it says they don't.
 */
export interface IndicatorsHarness {
  indicators: Indicators;
  /** Let `ms` of the driver's clock pass, with every hardware write it started finished. */
  pass(ms: number): Promise<void>;
  /** What LED `name` shows now, as seen on the hardware. */
  shows(name: string): Promise<Shown>;
  cleanup(): Promise<void>;
}

const settles = (p: Promise<unknown>) => {
  const s = { done: false };
  void p.then(() => { s.done = true; }, () => { s.done = true; });
  return s;
};

export function indicatorsContract(t: Test, name: string, make: () => Promise<IndicatorsHarness>): void {
  t.test(`${name}: indicators contract`, async (t) => {
    t.test('capabilities are data: LEDs with colors, vibration, sound, voice prompts', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const caps = h.indicators.capabilities();
      t.ok(caps.leds.status?.includes('amber') && caps.leds.status.includes('red') && caps.leds.status.includes('green'), 'status is red/green/amber');
      t.ok(caps.leds.front?.includes('red') && !caps.leds.front.includes('green'), 'front is red, not green');
      for (const colors of Object.values(caps.leds)) t.ok(colors.every((c) => LED_COLORS.includes(c)), 'only known colors');
      t.equal(typeof caps.vibration, 'boolean');
      t.equal(typeof caps.sound, 'boolean');
      t.ok(Array.isArray(caps.voicePrompts));
      caps.leds.status!.length = 0;
      t.ok(h.indicators.capabilities().leds.status!.length > 0, 'a copy: callers cannot change it');
    });

    t.test('LEDs start off; steady lights one color; state() tells what was asked', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const st = h.indicators.state();
      t.same(Object.keys(st.leds).sort(), Object.keys(h.indicators.capabilities().leds).sort());
      t.ok(Object.values(st.leds).every((p) => p.kind === 'off'), 'all off');
      t.same(await h.shows('status'), { kind: 'off' });
      await h.indicators.setLed('status', steady('green'));
      t.same(await h.shows('status'), { kind: 'steady', color: 'green' });
      t.same(h.indicators.state().leds.status, steady('green'));
      t.same(await h.shows('front'), { kind: 'off' }, 'other LEDs untouched');
    });

    t.test('setLed replaces the pattern: only the new colors are lit', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ind = h.indicators;
      await ind.setLed('status', steady('amber'));
      t.same(await h.shows('status'), { kind: 'steady', color: 'amber' });
      await ind.setLed('status', steady('red'));
      t.same(await h.shows('status'), { kind: 'steady', color: 'red' });
      await ind.setLed('status', flash('green', 200, 100));
      t.same(await h.shows('status'), { kind: 'flash', color: 'green', onMs: 200, offMs: 100 });
      await ind.setLed('status', off());
      t.same(await h.shows('status'), { kind: 'off' });
      t.same(ind.state().leds.status, off());
    });

    t.test('a flash keeps running without further calls; setting it again is a no-op', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.indicators.setLed('status', flash('amber', 250, 750));
      await h.pass(5000);
      t.same(await h.shows('status'), { kind: 'flash', color: 'amber', onMs: 250, offMs: 750 });
      await h.indicators.setLed('status', flash('amber', 250, 750));
      t.same(await h.shows('status'), { kind: 'flash', color: 'amber', onMs: 250, offMs: 750 });
      t.same(h.indicators.state().leds.status, flash('amber', 250, 750));
    });

    t.test('a sequence steps through its colors on time, repeating or holding the last step', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.indicators.setLed('status', sequence([{ color: 'green', ms: 100 }, { color: 'amber', ms: 100 }, { color: null, ms: 100 }]));
      const seen: Shown[] = [await h.shows('status')];
      for (let i = 0; i < 4; i++) {
        await h.pass(i === 0 ? 150 : 100);
        seen.push(await h.shows('status'));
      }
      t.same(seen, [
        { kind: 'steady', color: 'green' }, { kind: 'steady', color: 'amber' }, { kind: 'off' },
        { kind: 'steady', color: 'green' }, { kind: 'steady', color: 'amber' },
      ], 'at 0, 150, 250, 350, 450 ms');
      await h.indicators.setLed('front', sequence([{ color: null, ms: 100 }, { color: 'red', ms: 100 }], false));
      t.same(await h.shows('front'), { kind: 'off' });
      await h.pass(1000);
      t.same(await h.shows('front'), { kind: 'steady', color: 'red' }, 'holds the last step');
      await h.indicators.setLed('status', steady('red'));
      await h.pass(500);
      t.same(await h.shows('status'), { kind: 'steady', color: 'red' }, 'a replaced sequence stops stepping');
    });

    t.test('an LED or color the hardware lacks is NotSupportedError; a malformed pattern changes nothing', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ind = h.indicators;
      await ind.setLed('front', steady('red'));
      await t.rejects(ind.setLed('rear', steady('red')), { name: 'NotSupportedError', code: 'ENOTSUP', message: /LED "rear" \(LEDs: .*status.*\) is not supported by/ });
      await t.rejects(ind.setLed('front', flash('green')), { name: 'NotSupportedError', message: /color green on LED front \(colors: red.*\) is not supported by/ });
      await t.rejects(ind.setLed('front', flash('red', 0, 100)), { name: 'RangeError', message: /setLed front flash onMs: expected a whole number of milliseconds 1-3600000, got 0/ });
      await t.rejects(ind.setLed('front', { kind: 'blink' } as never), { name: 'TypeError', message: /expected pattern kind off, steady, flash or sequence, got "blink"/ });
      await t.rejects(ind.setLed('front', steady('purple' as never)), TypeError);
      await t.rejects(ind.setLed('front', sequence([])), /a sequence needs 1-64 steps, got 0/);
      t.same(await h.shows('front'), { kind: 'steady', color: 'red' });
      t.same(ind.state().leds.front, steady('red'));
    });

    t.test('vibrate plays pulses and resolves at the end; replaced or stopped, it resolves early', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ind = h.indicators;
      if (!ind.capabilities().vibration) {
        await t.rejects(ind.vibrate(pulses(3)), { name: 'NotSupportedError', message: /^vibrate is not supported by / });
        await t.rejects(ind.vibrate(null), { name: 'NotSupportedError' });
        t.equal(ind.state().vibration, null);
        return;
      }
      const p = ind.vibrate(pulses(3, 100, 50));
      const s = settles(p);
      t.same(ind.state().vibration, pulses(3, 100, 50));
      await h.pass(399);
      t.notOk(s.done, 'still playing at 399 ms of 400');
      await h.pass(1);
      await p;
      t.equal(ind.state().vibration, null, 'nothing plays after the end');
      const long = ind.vibrate(pulses(10, 500, 500));
      const short = ind.vibrate(pulses(1, 100, 100));
      await long;
      t.same(ind.state().vibration, pulses(1, 100, 100), 'the replacement plays');
      await h.pass(100);
      await short;
      const stopped = ind.vibrate(pulses(10, 500, 500));
      await ind.vibrate(null);
      await stopped;
      t.equal(ind.state().vibration, null);
      await t.rejects(ind.vibrate(pulses(0)), /vibrate count: expected a whole count 1-100, got 0/);
    });

    t.test('sound plays beeps and voice prompts it has; refuses the rest with NotSupportedError', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ind = h.indicators;
      const caps = ind.capabilities();
      if (!caps.sound) {
        await t.rejects(ind.sound(beeps(3)), { name: 'NotSupportedError', message: /^sound is not supported by / });
      } else {
        const p = ind.sound(beeps(2, { durationMs: 50, gapMs: 50 }));
        t.same(ind.state().sound, beeps(2, { durationMs: 50, gapMs: 50 }));
        await h.pass(150);
        await p;
        t.equal(ind.state().sound, null);
        const long = ind.sound(beeps(20, { durationMs: 1000, gapMs: 1000 }));
        await ind.sound(null);
        await long;
        t.equal(ind.state().sound, null, 'stopped');
        await t.rejects(ind.sound(beeps(1, { toneHz: 5 })), /toneHz: expected a frequency 20-20000 Hz, got 5/);
      }
      const prompt = caps.voicePrompts[0];
      if (prompt !== undefined) {
        const p = ind.sound(voice(prompt));
        t.same(ind.state().sound, voice(prompt));
        await h.pass(60_000);
        await p;
      }
      await t.rejects(ind.sound(voice('no-such-prompt')), { name: 'NotSupportedError' });
    });

    t.test('close is idempotent and every call afterwards rejects ECLOSED', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      const ind = h.indicators;
      await ind.setLed('status', steady('green'));
      await ind.close();
      await ind.close();
      await t.rejects(ind.setLed('status', off()), { code: 'ECLOSED', message: /is closed/ });
      await t.rejects(ind.vibrate(pulses(1)), { code: 'ECLOSED' });
      await t.rejects(ind.sound(beeps(1)), { code: 'ECLOSED' });
      t.same(await h.shows('status'), { kind: 'steady', color: 'green' }, 'LEDs keep what they showed');
    });
  });
}
