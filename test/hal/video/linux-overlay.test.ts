import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../../hal/clock/linux.js';
import type { AccessUnit } from '../../../hal/video/contract.js';
import { CaptureCommandVideo, OverlayTextFile } from '../../../hal/video/linux.js';
import { concat, haveFfmpeg } from './suite.js';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';
const dir = mkdtempSync(join(tmpdir(), 'bwc-overlay-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('the overlay file is replaced whole with the fitted lines; bad input is named', async (t) => {
  const file = join(dir, 'osd.txt');
  const o = new OverlayTextFile(file, { lines: 2, columns: 10 });
  t.same(o.capacity, { lines: 2, columns: 10 });
  o.set(['Ada Lovelace ID 4711', 'Åsa', 'third']);
  t.equal(readFileSync(file, 'utf8'), 'Ada Lovela\n?sa');
  t.same(o.lines, ['Ada Lovela', '?sa']);
  t.notOk(existsSync(`${file}.tmp`), 'no temporary file is left');
  o.set([]);
  t.equal(readFileSync(file, 'utf8'), '', 'no text: an empty file');
  t.throws(() => o.set('text' as never), /overlay: expected an array of text lines, got "text"/);
  t.throws(() => new OverlayTextFile(join(dir, 'osd2.txt'), { lines: 0 }), /overlay: lines must be a whole number 1-200, got 0/);
  const missing = new OverlayTextFile(join(dir, 'no-such-dir', 'osd.txt'));
  t.throws(() => missing.set(['x']), /overlay: cannot write .*no-such-dir\/osd.txt \(ENOENT\); expected a writable file in an existing directory/);
  t.equal(new CaptureCommandVideo({ clock: new SystemClock(), command: ['true'], width: 320, height: 240, fps: 30 }).overlay, undefined, 'no overlay option: no overlay');
});

const drawtext = existsSync(FONT) && haveFfmpeg && spawnSync('ffmpeg', ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout.includes('drawtext');

t.test('a real capture command draws the overlay file: ffmpeg drawtext rereads it while capturing', { skip: !drawtext && 'needs ffmpeg with drawtext and fonts-dejavu-core' }, async (t) => {
  const file = join(dir, 'live.txt');
  const video = new CaptureCommandVideo({
    clock: new SystemClock(), width: 320, height: 240, fps: 30, stopGraceMs: 500, overlay: { file },
    command: ['ffmpeg', '-hide_banner', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'color=c=black:s=320x240:r=30',
      '-vf', `drawtext=fontfile=${FONT}:textfile=${file}:reload=1:expansion=none:fontcolor=white:fontsize=20:x=4:y=4`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-g', '10', '-flush_packets', '1', '-f', 'h264', '-'],
  });
  video.overlay!.set([]);
  const stream = await video.open();
  t.teardown(() => stream.stop());
  const units: AccessUnit[] = [];
  stream.onAccessUnit((u) => { units.push(u); });
  await stream.start();
  const until = async (n: number) => { const end = Date.now() + 15_000; while (units.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20)); };
  await until(15);
  const blankUpTo = units.length;
  video.overlay!.set(['REC ADA 4711']);
  await until(blankUpTo + 30);
  await stream.stop();
  const out = spawnSync('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { input: concat(units), maxBuffer: 1 << 28 });
  t.equal(out.status, 0, `the capture decodes (${units.length} units; ${stream.lastError?.message ?? 'no capture error'}; ffmpeg: ${out.stderr.toString().trim() || 'no complaint'})`);
  const frames = Math.floor(out.stdout.length / (320 * 240));
  const inked = (f: number) => { let n = 0; for (let y = 0; y < 30; y++) for (let x = 0; x < 200; x++) if (out.stdout[f * 76800 + y * 320 + x]! > 128) n++; return n; };
  t.equal(inked(0), 0, 'before any text the corner is black');
  t.ok(inked(frames - 1) > 100, `after set() the text is drawn (${inked(frames - 1)} bright pixels in the corner)`);
});
