import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import type { AccessUnit } from '../../../hal/video/contract.js';
import { EmulatedCamera } from '../../../hal/video/emulated.js';
import { fixtureFromFile } from '../../../hal/video/fixture.js';
import { BandLayout } from '../../../hal/video/osd/emulated-osd.js';
import { escapeNal } from '../../../hal/video/osd/band-slice.js';
import { readBand, renderBand } from '../../../hal/video/osd/band-text.js';
import { fitOverlayLines } from '../../../hal/video/overlay-lines.js';
import { readOverlayFrames } from '../../../tools/video/read-overlay.js';
import { concat, ffmpegDecodeErrors, haveFfmpeg } from './suite.js';

const fixture = fixtureFromFile();

t.test('the committed fixture has a display band: the bottom two macroblock rows, 2 lines of 40 characters', async (t) => {
  const layout = BandLayout.of(fixture);
  t.same(layout.geometry, { firstMb: 260, widthMbs: 20, rows: 2 });
  const camera = new EmulatedCamera({ clock: new Timeline().clock() });
  t.same(camera.overlay?.capacity, { lines: 2, columns: 40 });
});

t.test('band text reads back exactly from the rendered luma; long lines are cut, other characters show as ?', async (t) => {
  const g = BandLayout.of(fixture).geometry;
  const samples = renderBand(['Officer Ada Lovelace  ID 4711', 'Mic off ~|_{}'], g);
  // Rebuild a 320x240 luma plane from the macroblocks to read it as a decoder's output.
  const luma = new Uint8Array(320 * 240);
  for (let m = 0; m < 40; m++) {
    const x0 = (m % 20) * 16, y0 = 208 + Math.floor(m / 20) * 16;
    for (let y = 0; y < 16; y++) luma.set(samples.subarray(m * 384 + y * 16, m * 384 + y * 16 + 16), (y0 + y) * 320 + x0);
  }
  t.same(readBand(luma, 320, g), ['Officer Ada Lovelace  ID 4711', 'Mic off ~|_{}']);
  t.same(fitOverlayLines(['x'.repeat(45), 'Åsa Öberg', 'third'], { lines: 2, columns: 40 }), ['x'.repeat(40), '?sa ?berg']);
  t.same(fitOverlayLines(['a', '', ''], { lines: 3, columns: 40 }), ['a'], 'empty trailing lines dropped');
});

async function play(seconds: number, script: (camera: EmulatedCamera, atFrame: number) => void) {
  const timeline = new Timeline();
  const camera = new EmulatedCamera({ clock: timeline.clock(), name: 'osd' });
  const stream = await camera.open();
  const units: AccessUnit[] = [];
  stream.onAccessUnit((u) => { units.push(u); script(camera, units.length); });
  await stream.start();
  await timeline.advance(seconds * 1000 + 1);
  await stream.stop();
  return { camera, units };
}

t.test('text set on the emulated camera is burned into the video: ffmpeg decodes it and every picture shows the text in force', { skip: !haveFfmpeg && 'ffmpeg is not installed (apt install ffmpeg)' }, async (t) => {
  // Text appears mid-GOP (frame 10), changes in one place (frame 40: the next GOP, P-picture 10),
  // changes again at a keyframe (frame 60), and goes away (frame 80).
  const textAt = (n: number): string[] => n < 10 ? [] : n < 40 ? ['Ada Lovelace  ID 4711', '59.33242N 18.06491E'] : n < 60 ? ['Ada Lovelace  ID 4711', '59.33250N 18.06491E'] : n < 80 ? ['Ada Lovelace  ID 4711', '59.33250N 18.06491E  MIC OFF'] : [];
  const { units } = await play(4, (camera, n) => camera.overlay!.set(textAt(n)));
  t.equal(units.length, 120);
  const video = concat(units);
  t.equal(ffmpegDecodeErrors(video), '', 'decodes cleanly');
  const frames = await readOverlayFrames(video);
  t.equal(frames.length, 120);
  const wrong = frames.map((lines, i) => ({ i, lines, want: textAt(i) })).filter(({ lines, want }) => JSON.stringify(lines) !== JSON.stringify(want));
  // Frames 0-9 and 90-119 show the fixture's own band (testsrc), which reads as unmatched cells
  // or blanks, not as text; frames 80-89 show a blank band until the next keyframe hands it back.
  const textFrames = wrong.filter(({ i }) => i >= 10 && i < 90);
  t.same(textFrames.map(({ i }) => i), [], 'every picture from the first text to its removal shows exactly the text in force');
  t.ok(frames.slice(90).every((l) => l.length === 0 || l.some((x) => x.includes('\uFFFD'))), 'after the next keyframe the fixture plays untouched');
  // Unchanged pictures skip the band: the text costs bytes only at keyframes and changes.
  const sizes = units.map((u) => u.data.length);
  const plain = fixture.units.map((u) => u.data.length);
  t.ok(sizes[15]! < plain[15]!, `a P-picture with unchanged text is smaller than the fixture's (${sizes[15]} < ${plain[15]})`);
  t.ok(sizes[30]! > 40 * 384 && plain[30]! < 40 * 384, `a keyframe carries the whole band (${sizes[30]} bytes, the fixture's ${plain[30]})`);
  t.ok(sizes[40]! - sizes[41]! < 6 * 400 && sizes[40]! > sizes[41]!, 'a one-character change codes only the changed macroblocks');
});

t.test('two streams of one camera each get a decodable band, even when one starts after the text changed', { skip: !haveFfmpeg && 'ffmpeg is not installed' }, async (t) => {
  const timeline = new Timeline();
  const camera = new EmulatedCamera({ clock: timeline.clock() });
  camera.overlay!.set(['first']);
  const a = await camera.open();
  const ua: AccessUnit[] = [];
  a.onAccessUnit((u) => { ua.push(u); });
  await a.start();
  await timeline.advance(500);
  camera.overlay!.set(['second']);
  const b = await camera.open();
  const ub: AccessUnit[] = [];
  b.onAccessUnit((u) => { ub.push(u); });
  await b.start();
  await timeline.advance(2000);
  await a.stop(); await b.stop();
  const fa = await readOverlayFrames(concat(ua));
  const fb = await readOverlayFrames(concat(ub));
  t.same(fa[0], ['first']);
  t.same(fa.at(-1), ['second']);
  t.ok(fb.length > 0 && fb.every((l) => l[0] === 'second'), 'the late stream shows the current text from its first keyframe');
});

t.test('a fixture without a band slice has no overlay, with the reason', async (t) => {
  const cut = { ...fixture, name: 'cut', units: fixture.units.map((u) => ({ ...u, data: u.data.subarray(0, 40) })) };
  t.throws(() => BandLayout.of(cut), /video fixture cut unit 0: has 0 slices in a picture; expected 2 \(the picture, then the bottom band\)/);
});

t.test('emulation prevention: the fast escape equals the byte-by-byte rule on random payloads (fuzz)', async (t) => {
  const reference = (header: number, payload: Uint8Array) => {
    const out = [0, 0, 0, 1, header];
    let zeros = 0;
    for (const b of payload) {
      if (zeros >= 2 && b <= 3) { out.push(3); zeros = 0; }
      out.push(b);
      zeros = b === 0 ? zeros + 1 : 0;
    }
    return Uint8Array.from(out);
  };
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 16; };
  for (let i = 0; i < 2000; i++) {
    const len = rand() % 40;
    // Mostly zeros and small values, so escapes are common.
    const payload = Uint8Array.from({ length: len }, () => (rand() % 3 === 0 ? rand() % 256 : rand() % 4 === 0 ? 3 : 0));
    const got = escapeNal(0x65, payload);
    const want = reference(0x65, payload);
    if (Buffer.compare(Buffer.from(got), Buffer.from(want)) !== 0) { t.fail(`payload ${Buffer.from(payload).toString('hex')}: got ${Buffer.from(got).toString('hex')}, want ${Buffer.from(want).toString('hex')}`); return; }
  }
  t.pass('2000 random payloads escaped as the rule says');
});
