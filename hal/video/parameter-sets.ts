/**
 * H.264 parameter sets: read picture size, profile, level and frame rate from an SPS, and keep
 * the latest SPS/PPS so every keyframe unit can carry them (a recording may start at any IDR).
 */
import { NalType, nalUnits, type AnnexBUnit } from './annexb.js';
import type { H264Profile } from './contract.js';

export interface SequenceParameters {
  profileIdc: number;
  profile: H264Profile;
  /** level_idc (30 = level 3.0). */
  level: number;
  /** Displayed size after cropping. */
  width: number;
  height: number;
  /** From VUI timing info (time_scale / 2 / num_units_in_tick), when present. */
  fps?: number;
}

/** An RBSP ended before its syntax did. */
export class BitsExhausted extends Error {}

/** Reads an RBSP (emulation prevention bytes already removed) bit by bit. */
export class BitReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  /** Bits read so far. */
  get position(): number { return this.pos; }
  bit(): number {
    const byte = this.bytes[this.pos >> 3];
    if (byte === undefined) throw new BitsExhausted();
    const b = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }
  /** Exp-Golomb ue(v). */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new BitsExhausted();
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }
  /** Exp-Golomb se(v). */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** Payload of a NAL unit with emulation prevention bytes (00 00 03) removed. */
export function rbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0, zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) { zeros = 0; continue; }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

export function profileName(profileIdc: number, constraintFlags: number): H264Profile {
  switch (profileIdc) {
    case 66: return constraintFlags & 0x40 ? 'constrained-baseline' : 'baseline';
    case 77: return 'main';
    case 88: return 'extended';
    case 100: return 'high';
    case 110: return 'high-10';
    case 122: return 'high-422';
    case 244: return 'high-444';
    default: return `profile-${profileIdc}`;
  }
}

/**
 * Parse an SPS NAL unit (header byte included, no start code). Returns undefined when it is not
 * an SPS or is malformed or truncated; never throws.
 */
export function parseSps(nal: Uint8Array): SequenceParameters | undefined {
  return readSpsNal(nal)?.sps;
}

/** What slice headers need from an SPS (to read or write one). */
export interface SequenceCoding {
  spsId: number;
  chromaFormat: number;
  separateColourPlane: boolean;
  log2MaxFrameNum: number;
  pocType: number;
  log2MaxPocLsb: number;
  deltaPicOrderAlwaysZero: boolean;
  frameMbsOnly: boolean;
  widthMbs: number;
  heightMapUnits: number;
}

/** The slice-coding fields of an SPS NAL unit, or undefined when it is not a readable SPS. */
export function parseSpsCoding(nal: Uint8Array): SequenceCoding | undefined {
  return readSpsNal(nal)?.coding;
}

function readSpsNal(nal: Uint8Array): { sps: SequenceParameters; coding: SequenceCoding } | undefined {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== NalType.sps) return undefined;
  try {
    return readSps(new BitReader(rbsp(nal.subarray(1))));
  } catch (e) {
    if (e instanceof BitsExhausted) return undefined;
    throw e;
  }
}

function readSps(r: BitReader): { sps: SequenceParameters; coding: SequenceCoding } | undefined {
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const level = r.bits(8);
  const spsId = r.ue();
  let chromaFormat = 1;
  let separateColourPlane = 0;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormat = r.ue();
    if (chromaFormat > 3) return undefined;
    if (chromaFormat === 3) separateColourPlane = r.bit();
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.bit(); // qpprime_y_zero_transform_bypass_flag
    if (r.bit()) { // seq_scaling_matrix_present_flag
      const lists = chromaFormat === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) {
        if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0, deltaPicOrderAlwaysZero = false;
  if (pocType === 0) {
    log2MaxPocLsb = r.ue() + 4;
  } else if (pocType === 1) {
    deltaPicOrderAlwaysZero = r.bit() === 1;
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    if (cycle > 255) return undefined;
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) {
    return undefined;
  }
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit(); // mb_adaptive_frame_field_flag
  r.bit(); // direct_8x8_inference_flag
  let cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
  if (r.bit()) {
    cropLeft = r.ue(); cropRight = r.ue(); cropTop = r.ue(); cropBottom = r.ue();
  }
  const chromaArrayType = separateColourPlane ? 0 : chromaFormat;
  const cropUnitX = chromaArrayType === 0 || chromaArrayType === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 1 ? 2 : 1) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) return undefined;
  const sps: SequenceParameters = { profileIdc, profile: profileName(profileIdc, constraintFlags), level, width, height };
  const coding: SequenceCoding = {
    spsId, chromaFormat, separateColourPlane: separateColourPlane === 1, log2MaxFrameNum, pocType, log2MaxPocLsb,
    deltaPicOrderAlwaysZero, frameMbsOnly: frameMbsOnly === 1, widthMbs, heightMapUnits,
  };
  if (r.bit()) {
    const fps = readVuiFrameRate(r);
    if (fps !== undefined) sps.fps = fps;
  }
  return { sps, coding };
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8, next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Frame rate from VUI timing info, or undefined when absent or nonsensical. */
function readVuiFrameRate(r: BitReader): number | undefined {
  if (r.bit()) { // aspect_ratio_info_present_flag
    if (r.bits(8) === 255) r.bits(32); // Extended_SAR: sar_width, sar_height
  }
  if (r.bit()) r.bit(); // overscan_info_present_flag, overscan_appropriate_flag
  if (r.bit()) { // video_signal_type_present_flag
    r.bits(4); // video_format, video_full_range_flag
    if (r.bit()) r.bits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
  }
  if (r.bit()) { r.ue(); r.ue(); } // chroma_loc_info
  if (!r.bit()) return undefined; // timing_info_present_flag
  const unitsInTick = r.bits(32);
  const timeScale = r.bits(32);
  if (unitsInTick === 0 || timeScale === 0) return undefined;
  const fps = timeScale / (2 * unitsInTick);
  return fps > 0 && fps <= 1000 ? Math.round(fps * 1000) / 1000 : undefined;
}

/** The first SPS in an Annex-B buffer, parsed, or undefined. */
export function findSps(data: Uint8Array): SequenceParameters | undefined {
  for (const nal of nalUnits(data)) {
    if (nal.type === NalType.sps) return parseSps(data.subarray(nal.start, nal.end));
  }
  return undefined;
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);

/**
 * Remembers the latest SPS and PPS seen in a stream and puts them in front of an IDR unit that
 * lacks them (encoders that send headers only once, like ffmpeg's libx264 by default). Keeps
 * one SPS and one PPS: streams that switch between several parameter set ids are not handled.
 */
export class ParameterSetCache {
  private sps: Uint8Array | undefined;
  private pps: Uint8Array | undefined;

  /** The latest SPS, parsed, if one was seen. */
  sequence: SequenceParameters | undefined;

  /**
   * Note the unit's parameter sets and return it so that a keyframe decodes on its own: as is,
   * with the cached SPS/PPS inserted (after an AUD, as H.264 wants the AUD first), or marked
   * not a keyframe when no SPS/PPS is known yet.
   */
  complete(unit: AnnexBUnit): AnnexBUnit {
    let hasSps = false, hasPps = false, audEnd = 0;
    const nals = nalUnits(unit.data);
    for (const nal of nals) {
      if (nal.type === NalType.sps) {
        hasSps = true;
        const bytes = unit.data.slice(nal.start, nal.end);
        if (!this.sps || !sameBytes(this.sps, bytes)) {
          this.sps = bytes;
          this.sequence = parseSps(bytes);
        }
      } else if (nal.type === NalType.pps) {
        hasPps = true;
        this.pps = unit.data.slice(nal.start, nal.end);
      } else if (nal.type === NalType.aud && nal === nals[0]) {
        audEnd = nal.end;
      }
    }
    if (!unit.keyframe || (hasSps && hasPps)) return unit;
    if (!this.sps || !this.pps) return { data: unit.data, keyframe: false };
    const parts = [unit.data.subarray(0, audEnd)];
    if (!hasSps) parts.push(START_CODE, this.sps);
    if (!hasPps) parts.push(START_CODE, this.pps);
    parts.push(unit.data.subarray(audEnd));
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { data.set(p, at); at += p.length; }
    return { data, keyframe: true };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
