/** The reconnecting RFID reader: absent at start, unplugged and plugged in again, tags across readers, close ends it. */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { DeviceMissingError } from '../../../hal/errors.js';
import { EmulatedRfidReader } from '../../../hal/rfid/emulated.js';
import { RECONNECT_MS, ReconnectingRfidReader } from '../../../hal/rfid/reconnecting.js';

t.test('opens when plugged in, reopens after an unplug, delivers tags from each', async (t) => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  let plugged = false;
  const readers: EmulatedRfidReader[] = [];
  const lines: string[] = [];
  const r = new ReconnectingRfidReader({
    name: 'RFID reader test', clock, log: (_ns, m) => lines.push(m),
    open: async () => {
      if (!plugged) throw new DeviceMissingError('RFID reader', '/dev/input/test', 'the reader');
      const reader = new EmulatedRfidReader({ clock, device: `r${readers.length}` });
      readers.push(reader);
      return reader;
    },
  });
  await r.ready();
  t.equal(r.connected, false, 'not plugged in at start: no failure, retries');
  t.match(lines[0], /RFID reader not found at \/dev\/input\/test.*trying again every 2000 ms/);
  const tags: string[] = [];
  r.onTag((x) => tags.push(x.tag));
  plugged = true;
  await timeline.advance(RECONNECT_MS);
  await r.ready();
  t.equal(r.connected, true, 'plugged in: opened on the next try');
  readers[0]!.tap('12');
  await new Promise((res) => setImmediate(res));
  t.same(tags, ['12']);
  readers[0]!.disconnect();
  await new Promise((res) => setImmediate(res));
  t.equal(r.connected, false, 'unplugged');
  await timeline.advance(RECONNECT_MS);
  await r.ready();
  t.equal(r.connected, true, 'plugged in again');
  t.equal(r.reconnects, 2);
  readers[1]!.tap('AB');
  await new Promise((res) => setImmediate(res));
  t.same(tags, ['12', 'AB']);
  t.equal(r.stats.tags, 2, 'stats add up across readers');
  const ended = new Promise((res) => r.onClose(res));
  await r.close();
  t.equal(await ended, undefined, 'close() ends it');
  t.equal(readers[1]!.connected, false, 'and closes the reader under it');
});
