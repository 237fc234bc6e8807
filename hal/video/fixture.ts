/**
 * The H.264 fixture an emulated camera plays: read once per process (relative to this module,
 * or handed in as bytes by a bundle that embeds it), split into access units once, shared.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeviceMissingError, HalError } from '../errors.js';
import { splitAccessUnits, type AnnexBUnit } from './annexb.js';
import type { VideoInfo } from './contract.js';
import { findSps } from './parameter-sets.js';

/** The committed fixture: 2 s of testsrc, 320x240, 30 fps, IDR every 30 frames. */
export const DEFAULT_FIXTURE_URL = new URL('./fixtures/testsrc-320x240-30fps.h264', import.meta.url);

export interface VideoFixture {
  /** Where it came from, for messages. */
  readonly name: string;
  /** Size, profile and level from its SPS; fps from its VUI timing, else 30. */
  readonly info: VideoInfo;
  /** Its access units in decode order; their bytes are shared, never copied per frame. */
  readonly units: readonly AnnexBUnit[];
  /** Units from one keyframe to the next when that is regular, else undefined. */
  readonly gop: number | undefined;
}

const byUrl = new Map<string, VideoFixture>();
const byBytes = new WeakMap<Uint8Array, VideoFixture>();

/** Read the fixture file at `url` (default: next to this module), once per process. */
export function fixtureFromFile(url: URL = DEFAULT_FIXTURE_URL): VideoFixture {
  const cached = byUrl.get(url.href);
  if (cached) return cached;
  let bytes: Uint8Array;
  const path = url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new DeviceMissingError('video fixture', path,
      'an H.264 Annex-B file (hal/video/fixtures/); a bundle must ship fixtures/ next to it or pass the bytes as the `fixture` option',
      { cause });
  }
  const fixture = parseFixture(bytes, path);
  byUrl.set(url.href, fixture);
  return fixture;
}

/** Split fixture bytes into access units, once per Uint8Array. */
export function fixtureFromBytes(bytes: Uint8Array, name = 'embedded video fixture'): VideoFixture {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`video fixture must be a Uint8Array of H.264 Annex-B bytes, got ${typeof bytes}`);
  const cached = byBytes.get(bytes);
  if (cached) return cached;
  const fixture = parseFixture(bytes, name);
  byBytes.set(bytes, fixture);
  return fixture;
}

function parseFixture(bytes: Uint8Array, name: string): VideoFixture {
  const bad = (found: string) => new HalError('EFORMAT',
    `video fixture ${name}: expected an H.264 Annex-B stream that starts with an IDR access unit carrying SPS and PPS, ${found}`);
  let units: AnnexBUnit[];
  try {
    units = splitAccessUnits(bytes);
  } catch (cause) {
    throw new HalError('EFORMAT', `video fixture ${name}: ${(cause as Error).message}`, { cause });
  }
  if (units.length === 0) throw bad(`found no access unit in ${bytes.length} bytes`);
  const first = units[0]!;
  if (!first.keyframe) throw bad('found a first unit that is not an IDR');
  const sps = findSps(first.data);
  if (!sps) throw bad('found no readable SPS in the first unit');
  const keys = units.flatMap((u, i) => (u.keyframe ? [i] : []));
  for (const i of keys) {
    if (!findSps(units[i]!.data)) throw bad(`found IDR unit ${i} without an SPS`);
  }
  const gaps = keys.map((k, i) => (keys[i + 1] ?? units.length + keys[0]!) - k);
  const gop = gaps.every((g) => g === gaps[0]) ? gaps[0] : undefined;
  const info: VideoInfo = {
    codec: 'h264', width: sps.width, height: sps.height, fps: sps.fps ?? 30, profile: sps.profile, level: sps.level,
  };
  return { name, info, units, gop };
}
