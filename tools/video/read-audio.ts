/**
 * Hear a recording as a viewer would: ffprobe names its streams, ffmpeg decodes its sound to
 * 8 kHz mono PCM, and the level of every 100 ms is measured (RMS, 0..1 of full scale). For
 * tests, the rig and the simulator.
 */
import { runTool as run } from './run-tool.js';

/** RMS level at or above which a window counts as sound (the emulated microphone's tone is about 0.18). */
export const SOUND_RMS = 0.05;
/** The window each level covers, ms. */
export const LEVEL_WINDOW_MS = 100;

/** The levels of a clip's sound, one per 100 ms from the clip's start; undefined when it has no sound track. */
export async function readAudioLevels(clip: Uint8Array): Promise<number[] | undefined> {
  const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', '-i', 'pipe:0'], clip);
  if (probe.code !== 0) throw new Error(`audio: ffprobe could not read the clip (exit ${probe.code}): ${probe.err.slice(0, 300)}`);
  if (!probe.out.toString().split('\n').some((l) => l.trim() === 'audio')) return undefined;
  const dec = await run('ffmpeg', ['-hide_banner', '-v', 'error', '-i', 'pipe:0', '-map', '0:a:0', '-f', 's16le', '-ac', '1', '-ar', '8000', 'pipe:1'], clip);
  if (dec.code !== 0 || dec.err !== '') throw new Error(`audio: ffmpeg could not decode the sound (exit ${dec.code}): ${dec.err.slice(0, 300)}`);
  const samples = new Int16Array(dec.out.buffer, dec.out.byteOffset, Math.floor(dec.out.length / 2));
  const per = (8000 * LEVEL_WINDOW_MS) / 1000;
  const levels: number[] = [];
  for (let at = 0; at + per <= samples.length; at += per) {
    let sum = 0;
    for (let i = at; i < at + per; i++) sum += (samples[i]! / 32768) ** 2;
    levels.push(Math.sqrt(sum / per));
  }
  return levels;
}
