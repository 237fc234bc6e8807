/** Pattern timing rules and the beep WAV, table-driven. */
import t from 'tap';
import { flash, ledColorAt, nextLedStep, off, pulseTrainMs, sequence, steady, checkLedPattern, checkVibration } from '../../../hal/indicators/patterns.js';
import { beepsWav } from '../../../hal/indicators/tones.js';
import type { LedPattern } from '../../../hal/indicators/contract.js';

const seq = sequence([{ color: 'green', ms: 100 }, { color: 'amber', ms: 50 }, { color: null, ms: 50 }]);
const once = sequence([{ color: 'red', ms: 100 }, { color: 'green', ms: 100 }], false);

const table: [string, LedPattern, number, string | null, number | undefined][] = [
  ['off', off(), 0, null, undefined],
  ['steady', steady('red'), 12345, 'red', undefined],
  ['flash lit at start', flash('red', 100, 300), 0, 'red', 100],
  ['flash dark', flash('red', 100, 300), 100, null, 400],
  ['flash next period', flash('red', 100, 300), 450, 'red', 500],
  ['sequence step 1', seq, 99, 'green', 100],
  ['sequence step 2', seq, 100, 'amber', 150],
  ['sequence step 3', seq, 170, null, 200],
  ['sequence repeats', seq, 210, 'green', 300],
  ['once, first', once, 10, 'red', 100],
  ['once, holds last', once, 5000, 'green', undefined],
];

t.test('ledColorAt and nextLedStep', async (t) => {
  for (const [name, p, at, color, next] of table) {
    t.equal(ledColorAt(p, at), color, `${name}: color at ${at}`);
    t.equal(nextLedStep(p, at), next, `${name}: next step after ${at}`);
  }
});

t.test('checks return clean copies and name what is wrong', async (t) => {
  t.same(checkLedPattern({ ...flash('red', 1, 2), extra: 1 }, 'x'), flash('red', 1, 2));
  t.throws(() => checkLedPattern(null, 'setLed a'), /setLed a: expected an LED pattern object, got null/);
  t.throws(() => checkLedPattern(flash('red', 1.5, 2), 'x'), /whole number of milliseconds/);
  t.throws(() => checkLedPattern({ kind: 'sequence', steps: [{ color: 'red', ms: 5 }] }, 'x'), /repeat must be true or false/);
  t.throws(() => checkVibration({ count: 101, durationMs: 1, gapMs: 1 }, 'vibrate'), /count 1-100, got 101/);
  t.equal(pulseTrainMs({ count: 3, durationMs: 100, gapMs: 50 }), 400);
});

t.test('beeps WAV: tone in the beeps, silence in the gaps', async (t) => {
  const wav = beepsWav({ kind: 'beeps', count: 2, toneHz: 1000, durationMs: 100, gapMs: 100 }, 8000);
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  t.equal(view.getUint32(24, true), 8000, 'sample rate');
  t.equal(view.getUint32(40, true), 2 * 8000 * 0.3, 'data bytes');
  const sample = (ms: number) => view.getInt16(44 + 2 * Math.round(ms * 8), true);
  const peak = (from: number, to: number) => {
    let m = 0;
    for (let ms = from; ms < to; ms += 0.125) m = Math.max(m, Math.abs(sample(ms)));
    return m;
  };
  t.ok(peak(20, 80) > 10_000, 'loud inside a beep');
  t.equal(peak(110, 190), 0, 'silent in the gap');
  t.ok(peak(220, 280) > 10_000, 'second beep');
});
