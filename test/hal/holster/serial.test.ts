/** Holster serials: 6 characters A-Z/0-9, lower case normalised to upper, clear errors otherwise. */
import t from 'tap';
import { HolsterSerialError, isHolsterSerial, normaliseHolsterSerial } from '../../../hal/holster/serial.js';

t.test('valid serials are normalised to upper case', async (t) => {
  const table: [string, string][] = [['A1B2C3', 'A1B2C3'], ['a1b2c3', 'A1B2C3'], ['  zz9900 ', 'ZZ9900'], ['000000', '000000']];
  for (const [given, want] of table) t.equal(normaliseHolsterSerial(given), want, JSON.stringify(given));
  t.ok(isHolsterSerial('ABC123'));
  t.notOk(isHolsterSerial('abc123'), 'isHolsterSerial wants the normalised form');
});

t.test('a serial of the wrong form is refused naming what was given and expected', async (t) => {
  const bad: unknown[] = ['', 'A1B2C', 'A1B2C3D', 'A1-B2C', 'A1B2C ', 'ÄBC123', 'AB C12', '\u0000\u0000\u0000\u0000\u0000\u0000', 123456, null, undefined, 'x'.repeat(1000)];
  for (const given of bad) {
    try {
      normaliseHolsterSerial(given);
      t.fail(`accepted ${String(given)}`);
    } catch (e) {
      t.ok(e instanceof HolsterSerialError, `${JSON.stringify(given)?.slice(0, 20)} -> HolsterSerialError`);
      const err = e as HolsterSerialError;
      t.equal(err.code, 'EINVAL');
      t.match(err.message, /expected the 6-character serial number/);
      t.ok(err.message.length < 300, 'message stays short for long input');
    }
  }
  t.throws(() => normaliseHolsterSerial('abc12'), /"abc12" is not valid/);
});
