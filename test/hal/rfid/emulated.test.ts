/** The emulated RFID reader: taps delivered asynchronously, bad tags refused, unplugging ends it. */
import t from 'tap';
import { EmulatedRfidReader } from '../../../hal/rfid/emulated.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { DeviceGoneError } from '../../../hal/errors.js';

t.test('tap, disconnect, close', async (t) => {
  const reader = new EmulatedRfidReader({ clock: new Timeline().clock(), device: 'SC1' });
  const got: string[] = [];
  reader.onTag((r) => got.push(r.tag));
  reader.tap('fda3c650');
  t.same(got, [], 'never inside the call');
  await Promise.resolve();
  t.same(got, ['FDA3C650']);
  t.throws(() => reader.tap('xyz'), /digits or hex letters/);
  t.throws(() => reader.tap(''), /digits or hex letters/);
  const ended = new Promise((r) => reader.onClose(r));
  reader.disconnect();
  t.ok((await ended) instanceof DeviceGoneError);
  t.equal(reader.connected, false);
  reader.tap('12');
  await Promise.resolve();
  t.same(got, ['FDA3C650'], 'nothing after the end');
  t.equal(reader.stats.tags, 1);
  await reader.close();
});
