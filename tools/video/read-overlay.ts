/**
 * Read the on-screen display text back out of recorded H.264, as a viewer would see it: ffmpeg
 * decodes every picture and the display band of each is read glyph by glyph (the emulated
 * encoder's band is lossless, so the match is exact). For tests, the rig and the simulator.
 */
import { runTool } from './run-tool.js';
import type { BandGeometry } from '../../hal/video/osd/band-slice.js';
import { readBand } from '../../hal/video/osd/band-text.js';
import { BandLayout } from '../../hal/video/osd/emulated-osd.js';
import { fixtureFromFile } from '../../hal/video/fixture.js';
import { findSps } from '../../hal/video/parameter-sets.js';

/** The display band of the emulated camera's committed fixture. */
export function emulatedBand(): BandGeometry {
  return BandLayout.of(fixtureFromFile()).geometry;
}

/**
 * The overlay text of every decoded picture of `video` (raw H.264 Annex-B starting at a keyframe,
 * or any container ffmpeg recognises, such as a recording's Matroska clip), in display order: one
 * array of lines per picture. The picture size comes from the stream's SPS when it is raw H.264,
 * else from `size` (default: the emulated camera's fixture). Rejects naming ffmpeg's complaint
 * when the video does not decode.
 */
export async function readOverlayFrames(video: Uint8Array, options: { band?: BandGeometry; size?: { width: number; height: number }; maxFrames?: number } = {}): Promise<string[][]> {
  const band = options.band ?? emulatedBand();
  const raw = video[0] === 0 && video[1] === 0 && (video[2] === 1 || (video[2] === 0 && video[3] === 1));
  const sps = (raw ? findSps(video) : undefined) ?? options.size ?? fixtureFromFile().info;
  const frameBytes = (sps.width * sps.height * 3) / 2;
  const { code, out: all, err } = await runTool('ffmpeg', ['-hide_banner', '-v', 'error', ...(raw ? ['-f', 'h264'] : []), '-i', 'pipe:0', ...(options.maxFrames !== undefined ? ['-frames:v', String(options.maxFrames)] : []), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], video);
  if (code !== 0 || err !== '') throw new Error(`overlay: ffmpeg could not decode the video (exit ${code}): ${err.slice(0, 400)}`);
  const frames: string[][] = [];
  for (let at = 0; at + frameBytes <= all.length; at += frameBytes) {
    frames.push(readBand(all.subarray(at, at + sps.width * sps.height), sps.width, band));
  }
  return frames;
}
