import t from 'tap';
import {
  checkKeymap, decodeInputEvent, encodeInputEvents, InputEventDecoder, EV_KEY, EV_SYN, KEY, SYN_REPORT, type InputEvent,
} from '../../../hal/buttons/evdev.js';

const sample: InputEvent[] = [
  { timeMs: 1_790_000_000_123.456, type: EV_KEY, code: KEY.RECORD, value: 1 },
  { timeMs: 1_790_000_000_123.456, type: EV_SYN, code: SYN_REPORT, value: 0 },
  { timeMs: 1_790_000_000_400.001, type: EV_KEY, code: KEY.RECORD, value: 0 },
  { timeMs: 1_790_000_000_400.001, type: 4 /* EV_MSC */, code: 4, value: -7 },
];

t.test('the 64-bit record is 24 bytes: int64 sec, int64 usec, u16 type, u16 code, s32 value', async (t) => {
  const buf = encodeInputEvents([sample[0]!]);
  t.equal(buf.length, 24);
  t.equal(buf.readBigInt64LE(0), 1_790_000_000n);
  t.equal(buf.readBigInt64LE(8), 123_456n);
  t.equal(buf.readUInt16LE(16), EV_KEY);
  t.equal(buf.readUInt16LE(18), 167);
  t.equal(buf.readInt32LE(20), 1);
  const back = decodeInputEvent(buf, 0, 24);
  t.ok(Math.abs(back.timeMs - sample[0]!.timeMs) < 0.001);
});

t.test('the 32-bit record is 16 bytes and round-trips', async (t) => {
  const buf = encodeInputEvents(sample, 16);
  t.equal(buf.length, 64);
  const events = new InputEventDecoder(16).push(buf);
  t.same(events.map((e) => [e.type, e.code, e.value]), sample.map((e) => [e.type, e.code, e.value]));
  t.ok(events.every((e, i) => Math.abs(e.timeMs - sample[i]!.timeMs) < 0.001), 'times to the microsecond');
});

t.test('the decoder takes a stream cut at any byte', async (t) => {
  const bytes = encodeInputEvents(sample);
  for (const cut of [1, 5, 23, 24, 25, 47, 50]) {
    const d = new InputEventDecoder(24);
    const out: InputEvent[] = [];
    for (let at = 0; at < bytes.length; at += cut) out.push(...d.push(bytes.subarray(at, at + cut)));
    t.same(out.map((e) => e.code), sample.map((e) => e.code), `cut every ${cut} bytes`);
    t.equal(d.pendingBytes, 0);
  }
  const d = new InputEventDecoder(24);
  t.same(d.push(bytes.subarray(0, 30)).length, 1);
  t.equal(d.pendingBytes, 6, 'a cut record waits for its rest');
});

t.test('keymaps from config are checked naming the bad entry', async (t) => {
  t.same([...checkKeymap({ '167': 'record', 116: 'power' })], [[116, 'power'], [167, 'record']]);
  t.throws(() => checkKeymap({ KEY_RECORD: 'record' }), { name: 'RangeError', message: /keymap\["KEY_RECORD"\]: key code must be an integer 1-767/ });
  t.throws(() => checkKeymap({ 9999: 'record' }), RangeError);
  t.throws(() => checkKeymap({ 167: '' }), { name: 'TypeError', message: /keymap\[167\]: button name must be a non-empty string/ });
  t.throws(() => checkKeymap({}), /keymap is empty/);
  t.throws(() => checkKeymap([]), /keymap must be an object/);
});
