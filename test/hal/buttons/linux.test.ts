import t, { type Test } from 'tap';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvdevButtons } from '../../../hal/buttons/linux.js';
import { encodeInputEvents, EV_SYN, KEY, SYN_DROPPED, type InputEvent } from '../../../hal/buttons/evdev.js';
import type { ButtonEvent } from '../../../hal/buttons/contract.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { DeviceGoneError, DeviceMissingError } from '../../../hal/errors.js';
import { evdevFifo, key, syn } from './evdev-stream.js';

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
const brief = (events: ButtonEvent[]) => events.map((e) => `${e.action} ${e.button}`);

async function fifoWithEvents(t: Test, options: Parameters<typeof evdevFifo>[0] = {}) {
  const fifo = await evdevFifo(options);
  t.teardown(() => fifo.cleanup());
  const events: ButtonEvent[] = [];
  fifo.buttons.onButton((e) => events.push(e));
  return { fifo, events };
}

t.test('records split across writes make the same events', async (t) => {
  const { fifo, events } = await fifoWithEvents(t);
  const now = Date.now();
  const bytes = encodeInputEvents([key(KEY.RECORD, 1, now - 30), syn(now - 30), key(KEY.RECORD, 0, now - 10), syn(now - 10)]);
  for (const [from, to] of [[0, 10], [10, 30], [30, 47], [47, 72], [72, 96]] as const) {
    await fifo.writeBytes(bytes.subarray(from, to));
    await new Promise((r) => setTimeout(r, 5));
  }
  await until(() => events.length === 2, 'two events');
  t.same(brief(events), ['press record', 'release record']);
});

t.test('event times are the kernel times, not the time of reading', async (t) => {
  const { fifo, events } = await fifoWithEvents(t);
  const clock = new SystemClock();
  const now = Date.now();
  const monoBefore = clock.monotonic();
  await fifo.write([key(KEY.POWER, 1, now - 1500), syn(now - 1500), key(KEY.POWER, 0, now - 1100), syn(now - 1100)]);
  await until(() => events.length === 2, 'two events');
  const [p, r] = events as [ButtonEvent, ButtonEvent];
  t.ok(Math.abs(r.at - p.at - 400) < 0.01, `held ${(r.at - p.at).toFixed(3)} ms as the kernel saw it, though read at once`);
  t.ok(Math.abs(p.at - (monoBefore - 1500)) < 30, `the press is about 1.5 s before the read on the monotonic scale (${(monoBefore - p.at).toFixed(1)} ms)`);
});

t.test('kernel times in the future are clamped to now, in the past never before the last event', async (t) => {
  const { fifo, events } = await fifoWithEvents(t);
  const clock = new SystemClock();
  const now = Date.now();
  await fifo.write([key(KEY.RECORD, 1, now + 60_000), syn(now + 60_000)]);
  await until(() => events.length === 1, 'the press');
  t.ok(events[0]!.at <= clock.monotonic(), 'a press from the future is not after now');
  await fifo.write([key(KEY.RECORD, 0, now - 3_600_000), syn(now - 3_600_000)]);
  await until(() => events.length === 2, 'the release');
  t.equal(events[1]!.at, events[0]!.at, 'a release an hour in the past is kept at the press time');
});

t.test('autorepeat, unknown keys, other event types and unpaired edges are not events; they are counted', async (t) => {
  const { fifo, events } = await fifoWithEvents(t);
  const now = Date.now() - 100;
  await fifo.write([
    key(KEY.RECORD, 0, now), syn(now), // release with no press (held when we started)
    key(KEY.RECORD, 1, now + 1), { timeMs: now + 1, type: 4, code: 4, value: 0x90001 }, syn(now + 1),
    key(KEY.RECORD, 2, now + 2), syn(now + 2), key(KEY.RECORD, 2, now + 3), syn(now + 3),
    key(KEY.CAMERA, 1, now + 4), syn(now + 4), key(KEY.CAMERA, 0, now + 5), syn(now + 5),
    key(KEY.RECORD, 1, now + 6), syn(now + 6), // a second press with no release
    key(KEY.RECORD, 0, now + 7), syn(now + 7),
  ]);
  await until(() => events.length === 2, 'press and release');
  await new Promise((r) => setTimeout(r, 20));
  t.same(brief(events), ['press record', 'release record']);
  t.same(fifo.buttons.stats, { delivered: 2, unpaired: 2, unknownKeys: 2, repeats: 2, dropped: 0 });
});

t.test('a custom keymap names the buttons', async (t) => {
  const { fifo, events } = await fifoWithEvents(t, { keymap: { [KEY.CAMERA]: 'record', [KEY.PROG2]: 'bookmark' } });
  t.same(fifo.buttons.buttons, ['bookmark', 'record']);
  const now = Date.now() - 10;
  await fifo.write([key(KEY.PROG2, 1, now), key(KEY.CAMERA, 1, now), syn(now)]);
  await until(() => events.length === 2, 'two presses');
  t.same(brief(events), ['press bookmark', 'press record'], 'edges of one frame in record order');
});

t.test('SYN_DROPPED: the lost frame is discarded and held buttons are released', async (t) => {
  const { fifo, events } = await fifoWithEvents(t);
  const now = Date.now() - 50;
  await fifo.write([key(KEY.POWER, 1, now), syn(now)]);
  await until(() => events.length === 1, 'the press');
  const dropped: InputEvent = { timeMs: now + 10, type: EV_SYN, code: SYN_DROPPED, value: 0 };
  await fifo.write([dropped, key(KEY.RECORD, 1, now + 11), syn(now + 12), key(KEY.RECORD, 1, now + 20), syn(now + 20)]);
  await until(() => events.length === 3, 'release and new press');
  t.same(brief(events), ['press power', 'release power', 'press record']);
  t.equal(fifo.buttons.stats.dropped, 1);
});

t.test('32-bit records (armhf userland)', async (t) => {
  const { fifo, events } = await fifoWithEvents(t, { recordSize: 16 });
  const now = Date.now() - 10;
  await fifo.write([key(KEY.PROG1, 1, now), syn(now)]);
  await until(() => events.length === 1, 'the press');
  t.same(brief(events), ['press function']);
});

t.test('a device that vanishes mid-record ends with DeviceGoneError naming it, no crash', async (t) => {
  const { fifo, events } = await fifoWithEvents(t);
  let end: unknown;
  fifo.buttons.onClose((e) => { end = e; });
  const now = Date.now() - 10;
  await fifo.write([key(KEY.RECORD, 1, now), syn(now)]);
  await until(() => events.length === 1, 'the press');
  await fifo.writeBytes(encodeInputEvents([key(KEY.RECORD, 0)]).subarray(0, 13));
  await fifo.closeWriter();
  await until(() => end !== undefined, 'the end');
  t.type(end, DeviceGoneError);
  t.match((end as Error).message, `button input device at ${fifo.path} went away`);
  t.same(brief(events), ['press record', 'release record'], 'the held button was released');
});

t.test('a missing device node is DeviceMissingError naming the path and what was expected', async (t) => {
  const clock = new SystemClock();
  const err = await EvdevButtons.open({ path: '/dev/input/event99', clock }).then(() => undefined, (e: unknown) => e);
  t.type(err, DeviceMissingError);
  t.equal((err as Error).message, 'button input device not found at /dev/input/event99: expected an evdev device (/dev/input/eventN)');
  const dir = await mkdtemp(join(tmpdir(), 'bwc-evdev-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await t.rejects(EvdevButtons.open({ path: dir, clock }), { code: 'EISDIR', message: /is a directory; expected an evdev device/ });
  await t.rejects(EvdevButtons.open({ path: '', clock }), TypeError);
  await t.rejects(EvdevButtons.open({ path: '/dev/input/event0', clock, keymap: { x: 'record' } }), { name: 'RangeError', message: /keymap\["x"\]/ });
  await t.rejects(EvdevButtons.open({ path: '/dev/input/event0', clock, recordSize: 20 as 24 }), /recordSize must be 16 or 24/);
});

t.test('a file of records (a capture) replays, then ends', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-evdev-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const now = Date.now() - 1000;
  await writeFile(join(dir, 'capture'), encodeInputEvents([key(KEY.RECORD, 1, now), syn(now), key(KEY.RECORD, 0, now + 120), syn(now + 120)]));
  const buttons = await EvdevButtons.open({ path: join(dir, 'capture'), clock: new SystemClock() });
  const events: ButtonEvent[] = [];
  let end: unknown;
  buttons.onButton((e) => events.push(e));
  buttons.onClose((e) => { end = e; });
  await until(() => end !== undefined, 'end of the capture');
  t.same(brief(events), ['press record', 'release record']);
  t.ok(Math.abs(events[1]!.at - events[0]!.at - 120) < 0.01);
  t.type(end, DeviceGoneError, 'the end of input is the device going away');
});
