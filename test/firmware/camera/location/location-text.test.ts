/** The `<lat><long><accuracy><epoch>` text form: formatting, round trip, and malformed text named by part. */
import t from 'tap';
import { formatLocation, parseLocation, LocationTextError } from '../../../../firmware/camera/location/location-text.js';

t.test('formats the documented example and parses it back', async (t) => {
  const text = formatLocation({ latitude: 59.3293, longitude: 18.0686, accuracyM: 5, epochS: 1763934000 });
  t.equal(text, '+59.329300+018.068600+5.0+1763934000');
  t.same(parseLocation(text), { latitude: 59.3293, longitude: 18.0686, accuracyM: 5, epochS: 1763934000 });
});

t.test('round trip: signs, extremes, rounding to 6 decimals and 0.1 m', async (t) => {
  const cases = [
    { latitude: -33.8688, longitude: 151.2093, accuracyM: 12.34, epochS: 0 },
    { latitude: 90, longitude: -180, accuracyM: 0, epochS: 99_999_999_999 },
    { latitude: -0.0000001, longitude: 0.0000004, accuracyM: 3.25, epochS: 1 },
    { latitude: 40.7127281, longitude: -74.0060152, accuracyM: 150000, epochS: 1763934123 },
  ];
  for (const c of cases) {
    const text = formatLocation(c);
    const back = parseLocation(text);
    t.ok(Math.abs(back.latitude - c.latitude) <= 5e-7 && Math.abs(back.longitude - c.longitude) <= 5e-7, `${text}: position to 6 decimals`);
    t.ok(Math.abs(back.accuracyM - Math.min(c.accuracyM, 99999.9)) <= 0.05, `${text}: accuracy to 0.1 m (capped at 99999.9)`);
    t.equal(back.epochS, c.epochS);
    t.equal(formatLocation(back), text, 'formatting again gives the same text');
  }
  t.equal(formatLocation({ latitude: -0.0000001, longitude: 0, accuracyM: 1, epochS: 5 }), '+00.000000+000.000000+1.0+5', 'a value rounding to zero is +');
});

t.test('formatLocation refuses values out of range', async (t) => {
  t.throws(() => formatLocation({ latitude: 91, longitude: 0, accuracyM: 1, epochS: 1 }), /latitude must be -90..90/);
  t.throws(() => formatLocation({ latitude: 0, longitude: 181, accuracyM: 1, epochS: 1 }), /longitude/);
  t.throws(() => formatLocation({ latitude: 0, longitude: 0, accuracyM: -1, epochS: 1 }), /accuracy/);
  t.throws(() => formatLocation({ latitude: 0, longitude: 0, accuracyM: 1, epochS: 1.5 }), /epoch/);
  t.throws(() => formatLocation({ latitude: NaN, longitude: 0, accuracyM: 1, epochS: 1 }), /latitude/);
});

t.test('malformed text: the error names the part that is wrong', async (t) => {
  const bad: [string, string][] = [
    ['', 'latitude'],
    ['59.329300+018.068600+5.0+1763934000', 'latitude'],
    ['+5.329300+018.068600+5.0+1763934000', 'latitude'],
    ['+59.3293+018.068600+5.0+1763934000', 'latitude'],
    ['+91.000000+018.068600+5.0+1763934000', 'latitude'],
    ['+59.329300+18.068600+5.0+1763934000', 'longitude'],
    ['+59.329300*018.068600+5.0+1763934000', 'longitude'],
    ['+59.329300+181.000000+5.0+1763934000', 'longitude'],
    ['+59.329300+018.068600+5+1763934000', 'accuracy'],
    ['+59.329300+018.068600-5.0+1763934000', 'accuracy'],
    ['+59.329300+018.068600+123456.0+1763934000', 'accuracy'],
    ['+59.329300+018.068600+5.0', 'epoch'],
    ['+59.329300+018.068600+5.0-1763934000', 'epoch'],
    ['+59.329300+018.068600+5.0+1763934000Z', 'end'],
    ['+59.329300+018.068600+5.0+123456789012', 'end'],
    ['+59.329300+018.068600+5.0+1763934000 ', 'end'],
  ];
  for (const [text, part] of bad) {
    const e = t.throws(() => parseLocation(text)) as unknown as LocationTextError;
    t.ok(e instanceof LocationTextError, `${JSON.stringify(text)} rejected`);
    t.equal(e.part, part, `${JSON.stringify(text)}: ${e.message}`);
    t.match(e.message, /expected/);
  }
  t.throws(() => parseLocation(42 as unknown as string), LocationTextError);
});
