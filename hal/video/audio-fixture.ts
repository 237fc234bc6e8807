/**
 * The emulated microphone: Ogg Opus fixtures (a 2 s tone that loops with the 2 s video fixture,
 * and a silent packet for a muted microphone), read once per process, laid out per video unit of
 * the loop so every picture carries the packets captured during it without allocating.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeviceMissingError, HalError } from '../errors.js';
import type { AudioInfo, AudioPacket } from './contract.js';
import { readOggOpus } from './ogg-opus.js';

export const DEFAULT_TONE_URL = new URL('./fixtures/tone-440hz-2s.opus', import.meta.url);
export const DEFAULT_SILENCE_URL = new URL('./fixtures/silence-100ms.opus', import.meta.url);
/** The fixtures' packet length. */
const FRAME_MS = 20;

export interface AudioFixture {
  info: AudioInfo;
  /** For each video unit of the loop, the packets captured during it: sound, and the same as silence. */
  sound: readonly (readonly AudioPacket[])[];
  muted: readonly (readonly AudioPacket[])[];
}

function read(url: URL): Uint8Array {
  const path = fileURLToPath(url);
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new DeviceMissingError('microphone fixture', path, 'an Ogg Opus file (hal/video/fixtures/); a bundle ships fixtures/ next to it', { cause });
  }
}

const cache = new Map<string, AudioFixture>();

/**
 * The tone laid out over a video loop of `units` pictures of `unitMs` each: packet k (starting
 * at k x 20 ms) rides on the picture shown at that instant. The loop must last as long as the tone.
 */
export function audioFixture(units: number, unitMs: number, tone = DEFAULT_TONE_URL, silence = DEFAULT_SILENCE_URL): AudioFixture {
  const key = `${units}|${unitMs}|${tone.href}|${silence.href}`;
  const known = cache.get(key);
  if (known) return known;
  const t = readOggOpus(read(tone), fileURLToPath(tone));
  const s = readOggOpus(read(silence), fileURLToPath(silence));
  const loopMs = units * unitMs;
  // The encoder adds a packet for its pre-skip: the loop takes exactly as many as last the video loop.
  const count = Math.round(loopMs / FRAME_MS);
  if (Math.abs(count * FRAME_MS - loopMs) > 1 || t.packets.length < count) {
    throw new HalError('EFORMAT', `microphone fixture ${fileURLToPath(tone)}: ${t.packets.length} packets of ${FRAME_MS} ms cannot fill the video loop's ${loopMs.toFixed(0)} ms; expected at least ${count}, so sound and pictures loop together`);
  }
  // A steady silent packet (after the encoder's start-up ones).
  const quiet = s.packets[Math.min(2, s.packets.length - 1)]!;
  const sound: AudioPacket[][] = Array.from({ length: units }, () => []);
  const muted: AudioPacket[][] = Array.from({ length: units }, () => []);
  t.packets.slice(0, count).forEach((data, k) => {
    const at = k * FRAME_MS;
    const unit = Math.min(units - 1, Math.floor(at / unitMs + 1e-9));
    const offsetMs = Math.max(0, at - unit * unitMs);
    sound[unit]!.push(Object.freeze({ data, offsetMs }));
    muted[unit]!.push(Object.freeze({ data: quiet, offsetMs }));
  });
  const fixture: AudioFixture = {
    info: { codec: 'opus', sampleRate: 48000, channels: t.channels, frameMs: FRAME_MS, head: t.head, preSkip: t.preSkip, silence: quiet },
    sound: sound.map((p) => Object.freeze(p)), muted: muted.map((p) => Object.freeze(p)),
  };
  cache.set(key, fixture);
  return fixture;
}
