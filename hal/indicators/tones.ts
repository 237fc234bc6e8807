/**
 * Beeps as sound: a beep pattern rendered to a WAV file (16-bit mono PCM sine tones with short
 * fades, silence in the gaps) that any player reading WAV from stdin (`aplay -q -`) can play.
 */
import type { SoundPattern } from './contract.js';
import { pulseTrainMs } from './patterns.js';

export const DEFAULT_SAMPLE_RATE = 16_000;

type Beeps = Extract<SoundPattern, { kind: 'beeps' }>;

export function beepsWav(p: Beeps, sampleRate = DEFAULT_SAMPLE_RATE): Uint8Array {
  const samples = Math.round((pulseTrainMs(p) * sampleRate) / 1000);
  const beep = Math.round((p.durationMs * sampleRate) / 1000);
  const period = Math.round(((p.durationMs + p.gapMs) * sampleRate) / 1000);
  const fade = Math.min(Math.round(0.005 * sampleRate), Math.floor(beep / 2));
  const buf = Buffer.alloc(44 + samples * 2);
  // RIFF/WAVE header, PCM format 1, mono, 16 bits.
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const k = i % period;
    if (k >= beep) continue;
    const env = Math.min(1, k / Math.max(1, fade), (beep - 1 - k) / Math.max(1, fade));
    const v = Math.sin((2 * Math.PI * p.toneHz * k) / sampleRate) * env * 0.5;
    buf.writeInt16LE(Math.round(v * 32767), 44 + i * 2);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
