/**
 * Detection rate and false alarms (the bench's evaluation, smaller): every shipped fall detected,
 * no shipped non-fall alarming, and the synthesized variants' rates inside stated bounds.
 */
import t from 'tap';
import { evaluateFallDetector } from '../../../../tools/bench/fall-detection.js';

t.test('shipped traces and seeded variants', async (t) => {
  const ev = evaluateFallDetector(20);
  for (const s of ev.shipped) t.equal(s.alarmed, s.fall, `${s.kind}: ${s.fall ? 'detected' : 'no alarm'}`);
  const r = ev.rates;
  t.ok(r.nominal.detection >= 0.95, `nominal falls detected >= 95 % (${r.nominal.detection})`);
  t.ok(r.nominal.falseAlarm <= 0.05, `nominal non-falls alarm <= 5 % (${r.nominal.falseAlarm})`);
  t.ok(r.wide.detection >= 0.3, `wide spread (falls past the nominal shapes): at least 30 % detected (${r.wide.detection})`);
  t.ok(r.wide.falseAlarm <= 0.1, `wide spread: <= 10 % false alarms (${r.wide.falseAlarm})`);
  t.ok(r.nominalNoGyro.detection >= 0.95, 'no gyroscope: falls still detected');
  const drops = ev.nominalNoGyro.find((c) => c.kind === 'drop')!;
  t.ok(drops.alarms > 0, `no gyroscope: some dropped cameras alarm (${drops.alarms}/${drops.traces}), the known limit`);
  t.equal(ev.nominal.find((c) => c.kind === 'drop')!.alarms, 0, 'with a gyroscope no nominal drop alarms');
});
