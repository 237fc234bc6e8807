/** Emulated indicators: the timeline of pattern changes and what showed at any instant. */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { CAMERA_LEDS, CONTROLLER_LEDS, EmulatedIndicators } from '../../../hal/indicators/emulated.js';
import { beeps, flash, off, pulses, sequence, steady, voice } from '../../../hal/indicators/patterns.js';

function make(options: Partial<ConstructorParameters<typeof EmulatedIndicators>[0]> = {}) {
  const timeline = new Timeline();
  const ind = new EmulatedIndicators({ clock: timeline.clock(), device: 'cam1', ...options });
  return { timeline, ind };
}

t.test('a camera by default: status, recording, wireless bicolor, front red; vibration and beeps', async (t) => {
  const { ind } = make();
  t.same(ind.capabilities(), { leds: CAMERA_LEDS, vibration: true, sound: true, voicePrompts: [] });
  const ctl = make({ leds: CONTROLLER_LEDS, vibration: false, sound: false }).ind;
  t.same(Object.keys(ctl.capabilities().leds), ['status', 'storage']);
  t.throws(() => make({ voicePrompts: { hi: 0 } }), /voice prompt hi needs a length/);
});

t.test('history records each change with its clock time; repeating a pattern records nothing', async (t) => {
  const { timeline, ind } = make();
  await ind.setLed('status', steady('green'));
  await timeline.advance(1000);
  await ind.setLed('status', flash('red', 200, 800));
  await ind.setLed('status', flash('red', 200, 800));
  await timeline.advance(500);
  await ind.setLed('front', steady('red'));
  t.same(ind.history(), [
    { at: 0, output: 'led', name: 'status', pattern: steady('green') },
    { at: 1000, output: 'led', name: 'status', pattern: flash('red', 200, 800) },
    { at: 1500, output: 'led', name: 'front', pattern: steady('red') },
  ]);
  t.same(ind.current().leds.status, { pattern: flash('red', 200, 800), since: 1000 }, 'the flash kept its phase');
});

t.test('isLit and colorAt answer for any instant, from the flash or sequence in force then', async (t) => {
  const { timeline, ind } = make();
  await ind.setLed('status', steady('green'));
  await timeline.advance(1000);
  await ind.setLed('status', flash('red', 200, 800));
  await timeline.advance(3000);
  await ind.setLed('status', sequence([{ color: 'amber', ms: 100 }, { color: null, ms: 100 }], false));
  await timeline.advance(10_000);
  await ind.setLed('status', off());
  const at = (ms: number) => ind.colorAt('status', ms);
  t.same([at(0), at(999)], ['green', 'green'], 'steady before the flash');
  t.same([at(1000), at(1199), at(1200), at(1999), at(2000), at(3100)], ['red', 'red', null, null, 'red', 'red'], 'flash phase from when it was set');
  t.same([at(4000), at(4099), at(4100), at(9000)], ['amber', 'amber', null, null], 'a sequence that holds its last step');
  t.equal(ind.isLit('status', 2100), true);
  t.equal(ind.isLit('status'), false, 'now: off');
  t.equal(ind.isLit('front', 500), false, 'never set: off');
  t.throws(() => ind.colorAt('rear'), /no LED "rear"; LEDs: status, recording, wireless, front/);
});

t.test('vibration and sound on the timeline: pulses, gaps, prompt lengths, replacement', async (t) => {
  const { timeline, ind } = make({ voicePrompts: { 'privacy-zone': 1800 } });
  const v = ind.vibrate(pulses(3, 100, 50));
  const b = ind.sound(beeps(3));
  await timeline.advance(1000);
  await v;
  await b;
  t.same([ind.isVibrating(0), ind.isVibrating(99), ind.isVibrating(100), ind.isVibrating(150), ind.isVibrating(399), ind.isVibrating(400)],
    [true, true, false, true, true, false], 'pulses and gaps');
  t.same(ind.vibrationAt(200), pulses(3, 100, 50));
  t.equal(ind.vibrationAt(400), null);
  t.same(ind.soundAt(700), beeps(3));
  t.equal(ind.soundAt(750), null, 'three 150 ms beeps 150 ms apart end at 750');
  const p = ind.sound(voice('privacy-zone'));
  t.same(ind.current().sound, { pattern: voice('privacy-zone'), since: 1000, endsAt: 2800 });
  await timeline.advance(1799);
  t.same(ind.state().sound, voice('privacy-zone'));
  await timeline.advance(1);
  await p;
  t.equal(ind.state().sound, null);
  const long = ind.vibrate(pulses(10));
  await timeline.advance(100);
  const short = ind.vibrate(pulses(1, 50, 50));
  await long;
  await timeline.advance(50);
  await short;
  t.equal(ind.vibrationAt(2799), null);
  t.same(ind.vibrationAt(2899), pulses(10), 'the first played until replaced');
  t.same(ind.vibrationAt(2900), pulses(1, 50, 50), 'then the replacement');
  t.equal(ind.vibrationAt(2950), null, 'which ended after 50 ms');
});

t.test('operations complete asynchronously', async (t) => {
  const { ind } = make();
  let done = false;
  void ind.setLed('status', steady('red')).then(() => { done = true; });
  t.notOk(done);
  await new Promise((r) => setImmediate(r));
  t.ok(done, 'before any timer or I/O');
});
