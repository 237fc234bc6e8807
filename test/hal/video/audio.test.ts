import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Timeline } from '../../../hal/clock/emulated.js';
import type { AccessUnit } from '../../../hal/video/contract.js';
import { EmulatedCamera } from '../../../hal/video/emulated.js';
import { DEFAULT_TONE_URL, audioFixture } from '../../../hal/video/audio-fixture.js';
import { readOggOpus } from '../../../hal/video/ogg-opus.js';
import { HalError } from '../../../hal/errors.js';
import { MatroskaMuxer } from '../../../firmware/common/evidence/matroska.js';
import { readAudioLevels, SOUND_RMS } from '../../../tools/video/read-audio.js';
import { haveFfmpeg } from './suite.js';

const tone = new Uint8Array(readFileSync(fileURLToPath(DEFAULT_TONE_URL)));

t.test('the microphone fixture: an Ogg Opus stream of 20 ms packets laid out over the 2 s video loop', async (t) => {
  const o = readOggOpus(tone, 'tone');
  t.equal(o.channels, 1);
  t.ok(o.packets.length >= 100, `${o.packets.length} packets`);
  const f = audioFixture(60, 1000 / 30);
  t.equal(f.sound.flat().length, 100, '100 packets of 20 ms per 2 s loop');
  t.ok(f.sound.every((p) => p.length >= 1 && p.length <= 2), 'every picture (33 ms) carries one or two');
  t.ok(f.sound.flat().every((p) => p.offsetMs >= 0 && p.offsetMs < 1000 / 30), 'each within its picture');
  t.ok(f.muted.flat().every((p) => p.data === f.info.silence), 'muted: the silent packet');
});

t.test('a malformed Ogg file is named with the page and what was wrong; random damage never throws anything else (fuzz)', async (t) => {
  const cut = tone.subarray(0, 40);
  t.throws(() => readOggOpus(cut, 'cut.opus'), /cut\.opus: page 0's body is cut short .* expected an Ogg Opus file \(RFC 7845\) of one stream/);
  const flipped = Uint8Array.from(tone);
  flipped[200] = flipped[200]! ^ 0xff;
  t.throws(() => readOggOpus(flipped, 'flipped.opus'), /flipped\.opus: page \d+ fails its CRC check/);
  t.throws(() => readOggOpus(new TextEncoder().encode('not an ogg file at all, just some text here'), 'text'), /text: page 0 at byte 0 does not start with "OggS"/);
  let seed = 11;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  let parsed = 0;
  for (let i = 0; i < 1000; i++) {
    const b = Uint8Array.from(tone.subarray(0, rand(tone.length) + 1));
    for (let k = rand(4); k > 0; k--) b[rand(b.length)] = rand(256);
    try { readOggOpus(b, 'fuzz'); parsed++; } catch (e) {
      if (!(e instanceof HalError) || e.code !== 'EFORMAT') { t.fail(`input ${i} threw ${String(e)}`); return; }
    }
  }
  t.pass(`1000 damaged inputs: ${parsed} still whole files, the rest named EFORMAT errors`);
});

t.test('muxed with its pictures, the sound decodes in ffmpeg: the tone while on, silence while muted', { skip: !haveFfmpeg && 'ffmpeg is not installed' }, async (t) => {
  const timeline = new Timeline();
  const camera = new EmulatedCamera({ clock: timeline.clock() });
  const stream = await camera.open();
  const units: AccessUnit[] = [];
  stream.onAccessUnit((u) => { units.push(u); });
  await stream.start();
  await timeline.advance(2000);
  camera.microphone!.setMuted(true);
  await timeline.advance(2000);
  camera.microphone!.setMuted(false);
  await timeline.advance(2000);
  await stream.stop();
  const muxer = new MatroskaMuxer({ audio: stream.info.audio! });
  const clip = Buffer.concat(units.map((u) => muxer.push(u)));
  t.equal(muxer.audioPackets, 300, '6 s of 20 ms packets');
  const levels = (await readAudioLevels(clip))!;
  t.ok(levels.length >= 58, `${levels.length} windows of 100 ms`);
  const loud = (from: number, to: number) => levels.slice(from, to).every((l) => l >= SOUND_RMS);
  const quiet = (from: number, to: number) => levels.slice(from, to).every((l) => l < SOUND_RMS / 4);
  t.ok(loud(1, 19), `the tone in the first 2 s (${levels.slice(1, 19).map((l) => l.toFixed(2)).join(' ')})`);
  t.ok(quiet(21, 39), `silence while muted (${levels.slice(21, 39).map((l) => l.toFixed(3)).join(' ')})`);
  t.ok(loud(41, 58), 'the tone again once unmuted');
  const noTrack = new MatroskaMuxer();
  t.equal(await readAudioLevels(Buffer.concat(units.map((u) => noTrack.push(u)))), undefined, 'a muxer without an audio track keeps pictures only');
});
