/** The keyboard-wedge tag assembler: good reads, each drop reason at its edge, and a fuzz of key records. */
import t from 'tap';
import { EV_KEY, EV_SYN, SYN_DROPPED, InputEventDecoder, encodeInputEvents, type InputEvent } from '../../../hal/buttons/evdev.js';
import { emptyRfidStats } from '../../../hal/rfid/contract.js';
import { KEY_ENTER, KEY_KPENTER, MAX_TAG_CHARS, TAG_GAP_MS, TagAssembler, typeTag } from '../../../hal/rfid/keyboard-wedge.js';

const run = (events: InputEvent[]) => {
  const stats = emptyRfidStats();
  const a = new TagAssembler(stats);
  const tags = events.map((e) => a.push(e)).filter((x) => x !== undefined);
  return { tags, stats, assembler: a };
};
const press = (code: number, timeMs: number): InputEvent => ({ timeMs, type: EV_KEY, code, value: 1 });

t.test('a typed tag comes out whole at Enter, upper case, with Enter\'s time', async (t) => {
  const { tags, stats } = run(typeTag('1d1ac750', 1000));
  t.same(tags.map((x) => x.tag), ['1D1AC750']);
  t.equal(tags[0]!.timeMs, 1000 + 8 * 4, 'the time of the Enter press');
  t.same(stats, { ...emptyRfidStats() });
  t.same(run([...typeTag('0123456789', 0), ...typeTag('ABCDEF', 100)]).tags.map((x) => x.tag), ['0123456789', 'ABCDEF'], 'every digit and hex letter');
});

t.test('keypad digits, keypad Enter, Shift ignored, releases and autorepeat ignored', async (t) => {
  const events: InputEvent[] = [press(42, 0), press(79, 1), { timeMs: 1, type: EV_KEY, code: 79, value: 2 }, { timeMs: 2, type: EV_KEY, code: 79, value: 0 }, press(82, 3), press(30, 4), press(KEY_KPENTER, 5)];
  t.same(run(events).tags.map((x) => x.tag), ['10A']);
});

t.test('drop reasons: empty, garbled, too long, partial (gap), kernel drop, cut at the end', async (t) => {
  t.same(run([press(KEY_ENTER, 0)]).stats.empty, 1, 'Enter alone');
  const garbled = run([press(2, 0), press(16 /* KEY_Q */, 1), press(3, 2), press(KEY_ENTER, 3), ...typeTag('12', 10)]);
  t.equal(garbled.stats.garbled, 1);
  t.same(garbled.tags.map((x) => x.tag), ['12'], 'the next read is fine');
  t.same(run(typeTag('1'.repeat(MAX_TAG_CHARS), 0)).tags.length, 1, `${MAX_TAG_CHARS} characters taken`);
  const long = run(typeTag('1'.repeat(MAX_TAG_CHARS + 1), 0));
  t.same([long.tags.length, long.stats.tooLong], [0, 1], `${MAX_TAG_CHARS + 1} dropped`);
  const atGap = run([press(2, 0), press(3, TAG_GAP_MS), press(KEY_ENTER, 2 * TAG_GAP_MS)]);
  t.same(atGap.tags.map((x) => x.tag), ['12'], `a gap of exactly ${TAG_GAP_MS} ms is still one read`);
  const cut = run([press(2, 0), press(3, TAG_GAP_MS + 1), press(KEY_ENTER, TAG_GAP_MS + 2)]);
  t.same(cut.tags.map((x) => x.tag), ['2'], 'the cut start is dropped, the rest is a read');
  t.equal(cut.stats.partial, 1);
  const dropped = run([press(2, 0), { timeMs: 1, type: EV_SYN, code: SYN_DROPPED, value: 0 }, press(KEY_ENTER, 2)]);
  t.same([dropped.tags.length, dropped.stats.dropped, dropped.stats.empty], [0, 1, 1]);
  const end = run([press(2, 0)]);
  end.assembler.finish();
  t.equal(end.stats.partial, 1, 'a read in progress at the end is partial');
});

t.test('typeTag refuses what a reader cannot type', async (t) => {
  t.throws(() => typeTag('12G', 0), /digits and A-F/);
});

t.test('fuzz: random records and bytes cut anywhere never throw; tags are only digits and A-F', async (t) => {
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const codes = [2, 3, 11, 30, 33, 18, 28, 96, 42, 16, 57, 0, 79];
  let total = 0;
  for (let round = 0; round < 200; round++) {
    const events: InputEvent[] = [];
    let time = 0;
    for (let i = 0; i < 200; i++) {
      time += rnd(3) === 0 ? rnd(2000) : rnd(10);
      const type = rnd(10) === 0 ? EV_SYN : rnd(20) === 0 ? rnd(5) : EV_KEY;
      events.push({ timeMs: time, type, code: type === EV_SYN ? rnd(4) : codes[rnd(codes.length)]!, value: rnd(3) });
    }
    const bytes = encodeInputEvents(events, 24);
    // Random garbage spliced in at record boundaries, and the stream cut at random points.
    const decoder = new InputEventDecoder(24);
    const stats = emptyRfidStats();
    const a = new TagAssembler(stats);
    for (let at = 0; at < bytes.length;) {
      const n = 1 + rnd(60);
      for (const e of decoder.push(bytes.subarray(at, at + n))) {
        const read = a.push(e);
        if (read) {
          total++;
          if (!/^[0-9A-F]{1,32}$/.test(read.tag)) t.fail(`bad tag ${read.tag}`);
        }
      }
      at += n;
    }
    const garbage = Buffer.alloc(24 * 50);
    for (let i = 0; i < garbage.length; i++) garbage[i] = rnd(256);
    for (const e of new InputEventDecoder(24).push(garbage)) a.push(e);
    a.finish();
    t.equal(a.pending, 0);
  }
  t.ok(total > 0, `some reads came through (${total})`);
});
