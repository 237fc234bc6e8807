/**
 * The H.264 syntax the emulated encoder's on-screen display needs: find the slice that codes the
 * picture's bottom band in each access unit, and write a replacement band slice whose changed
 * macroblocks are I_PCM (raw samples, lossless) and whose unchanged ones are skipped.
 */
import { NalType, nalUnits } from '../annexb.js';
import { BitReader, BitsExhausted, parseSpsCoding, rbsp, type SequenceCoding } from '../parameter-sets.js';

/** What a band slice needs from a PPS. */
export interface PictureCoding {
  ppsId: number;
  spsId: number;
  cabac: boolean;
  bottomFieldPicOrderPresent: boolean;
  sliceGroups: number;
  numRefIdxL0Default: number;
  weightedPred: boolean;
  deblockingControlPresent: boolean;
  redundantPicCntPresent: boolean;
}

export function parsePpsCoding(nal: Uint8Array): PictureCoding | undefined {
  if (nal.length < 2 || (nal[0]! & 0x1f) !== NalType.pps) return undefined;
  try {
    const r = new BitReader(rbsp(nal.subarray(1)));
    const ppsId = r.ue();
    const spsId = r.ue();
    const cabac = r.bit() === 1;
    const bottomFieldPicOrderPresent = r.bit() === 1;
    const sliceGroups = r.ue() + 1;
    if (sliceGroups > 1) return { ppsId, spsId, cabac, bottomFieldPicOrderPresent, sliceGroups, numRefIdxL0Default: 1, weightedPred: false, deblockingControlPresent: false, redundantPicCntPresent: false };
    const numRefIdxL0Default = r.ue() + 1;
    r.ue(); // num_ref_idx_l1_default_active_minus1
    const weightedPred = r.bit() === 1;
    r.bits(2); // weighted_bipred_idc
    r.se(); r.se(); r.se(); // pic_init_qp, pic_init_qs, chroma_qp_index_offset
    const deblockingControlPresent = r.bit() === 1;
    r.bit(); // constrained_intra_pred_flag
    const redundantPicCntPresent = r.bit() === 1;
    return { ppsId, spsId, cabac, bottomFieldPicOrderPresent, sliceGroups, numRefIdxL0Default, weightedPred, deblockingControlPresent, redundantPicCntPresent };
  } catch (e) {
    if (e instanceof BitsExhausted) return undefined;
    throw e;
  }
}

/** A picture's band slice, as the fixture has it: where it starts and the header bits to keep. */
export interface BandSlice {
  /** Offset of the band slice's start code in the access unit: everything before it is kept. */
  begin: number;
  /** NAL header byte (nal_ref_idc and nal_unit_type kept). */
  nalHeader: number;
  /** 'I' in an IDR picture, 'P' otherwise. */
  type: 'I' | 'P';
  /** The header bits from first_mb_in_slice through slice_qp_delta, verbatim. */
  headerBits: number[];
}

/** The stream's layout for a display band: its first macroblock and size in macroblocks. */
export interface BandGeometry {
  firstMb: number;
  widthMbs: number;
  rows: number;
}

export class BandLayoutError extends Error {}

const P = 0, I = 2;

/**
 * Read the band slice of one access unit: the stream must be CAVLC, progressive, 4:2:0, one slice
 * group, with deblocking control in the PPS, and each picture split into exactly two slices, the
 * second covering whole macroblock rows to the bottom. Throws BandLayoutError naming what differs.
 */
export function readBandSlice(unit: Uint8Array, sps: SequenceCoding, pps: PictureCoding): { slice: BandSlice; geometry: BandGeometry } {
  if (pps.cabac) throw new BandLayoutError('uses CABAC; the display band needs CAVLC (Baseline profile)');
  if (pps.sliceGroups !== 1) throw new BandLayoutError(`has ${pps.sliceGroups} slice groups; expected 1`);
  if (!pps.deblockingControlPresent) throw new BandLayoutError('has no deblocking filter control in its PPS; the band must switch the filter off');
  if (pps.weightedPred) throw new BandLayoutError('uses weighted prediction; expected none');
  if (!sps.frameMbsOnly || sps.chromaFormat !== 1) throw new BandLayoutError('is not progressive 4:2:0');
  const slices = nalUnits(unit).filter((n) => n.type === NalType.slice || n.type === NalType.idr);
  if (slices.length !== 2) throw new BandLayoutError(`has ${slices.length} slices in a picture; expected 2 (the picture, then the bottom band)`);
  const span = slices[1]!;
  const nalHeader = unit[span.start]!;
  const payload = rbsp(unit.subarray(span.start + 1, span.end));
  const r = new BitReader(payload);
  const ue = () => r.ue();
  const se = () => r.se();
  const u = (n: number) => r.bits(n);
  try {
    const firstMb = ue();
    const sliceType = ue() % 5;
    if (ue() !== pps.ppsId) throw new BandLayoutError('band slice names another PPS than the one read');
    const idr = (nalHeader & 0x1f) === NalType.idr;
    if (sliceType !== (idr ? I : P)) throw new BandLayoutError(`band slice type ${sliceType}: expected ${idr ? 'I in an IDR picture' : 'P'}`);
    u(sps.log2MaxFrameNum);
    if (idr) ue();
    if (sps.pocType === 0) {
      u(sps.log2MaxPocLsb);
      if (pps.bottomFieldPicOrderPresent) se();
    } else if (sps.pocType === 1 && !sps.deltaPicOrderAlwaysZero) {
      se();
      if (pps.bottomFieldPicOrderPresent) se();
    }
    if (pps.redundantPicCntPresent) ue();
    if (sliceType === P) {
      if (u(1)) ue(); // num_ref_idx_active_override_flag, num_ref_idx_l0_active_minus1
      if (u(1)) { // ref_pic_list_modification_flag_l0
        for (let op = ue(); op !== 3; op = ue()) ue();
      }
    }
    if ((nalHeader & 0x60) !== 0) { // dec_ref_pic_marking
      if (idr) u(2);
      else if (u(1)) {
        for (let op = ue(); op !== 0; op = ue()) {
          if (op === 1 || op === 3) ue();
          if (op === 2) ue();
          if (op === 3 || op === 6) ue();
          if (op === 4) ue();
        }
      }
    }
    se(); // slice_qp_delta
    const headerBits: number[] = [];
    for (let i = 0; i < r.position; i++) headerBits.push((payload[i >> 3]! >> (7 - (i & 7))) & 1);
    const total = sps.widthMbs * sps.heightMapUnits;
    if (firstMb % sps.widthMbs !== 0 || firstMb <= 0 || firstMb >= total) {
      throw new BandLayoutError(`band slice starts at macroblock ${firstMb}; expected the start of a row below the first`);
    }
    return {
      slice: { begin: span.begin, nalHeader, type: idr ? 'I' : 'P', headerBits },
      geometry: { firstMb, widthMbs: sps.widthMbs, rows: (total - firstMb) / sps.widthMbs },
    };
  } catch (e) {
    if (e instanceof BitsExhausted) throw new BandLayoutError('band slice header is cut short');
    throw e;
  }
}

/** The parameter sets of a keyframe unit, read for band slices; undefined when absent. */
export function readParameterSets(unit: Uint8Array): { sps: SequenceCoding; pps: PictureCoding } | undefined {
  let sps: SequenceCoding | undefined, pps: PictureCoding | undefined;
  for (const n of nalUnits(unit)) {
    if (n.type === NalType.sps) sps = parseSpsCoding(unit.subarray(n.start, n.end));
    if (n.type === NalType.pps) pps = parsePpsCoding(unit.subarray(n.start, n.end));
  }
  return sps && pps ? { sps, pps } : undefined;
}

/** Writes bits MSB first into a growing byte array; whole bytes are copied in with set(). */
class BitWriter {
  private buf: Uint8Array;
  private len = 0;
  private cur = 0;
  private n = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  bit(b: number): void {
    this.cur = (this.cur << 1) | (b & 1);
    if (++this.n === 8) { this.push(this.cur); this.cur = 0; this.n = 0; }
  }
  ue(v: number): void {
    const x = v + 1;
    const len = 31 - Math.clz32(x);
    for (let i = 0; i < len; i++) this.bit(0);
    for (let i = len; i >= 0; i--) this.bit((x >>> i) & 1);
  }
  alignZero(): void { while (this.n !== 0) this.bit(0); }
  /** Whole bytes; the writer must be byte-aligned. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  trailing(): Uint8Array { this.bit(1); this.alignZero(); return this.buf.subarray(0, this.len); }
  private push(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Samples of one I_PCM macroblock: 256 luma, 64 Cb, 64 Cr. */
export const PCM_MB_BYTES = 384;

/**
 * A band slice NAL unit (start code included): the fixture's header bits, the deblocking filter
 * off (so raw samples stay exact), then per macroblock either I_PCM samples from `samples`
 * (PCM_MB_BYTES per band macroblock, in band order) when `coded[i]` is true, or a skip. An I slice
 * codes every macroblock.
 */
export function writeBandSlice(slice: BandSlice, samples: Uint8Array, coded: readonly boolean[]): Uint8Array {
  const count = coded.reduce((n, c) => n + (c ? 1 : 0), 0);
  const w = new BitWriter(16 + slice.headerBits.length / 8 + count * (PCM_MB_BYTES + 4));
  for (const b of slice.headerBits) w.bit(b);
  w.ue(1); // disable_deblocking_filter_idc = 1: no filtering on any edge of this slice
  let skipped = 0;
  for (let i = 0; i < coded.length; i++) {
    if (slice.type === 'P' && !coded[i]) { skipped++; continue; }
    if (slice.type === 'P') { w.ue(skipped); skipped = 0; }
    w.ue(slice.type === 'I' ? 25 : 30); // I_PCM
    w.alignZero();
    w.bytes(samples.subarray(i * PCM_MB_BYTES, (i + 1) * PCM_MB_BYTES));
  }
  if (skipped > 0) w.ue(skipped);
  return escapeNal(slice.nalHeader, w.trailing());
}

/**
 * Start code + NAL header + the RBSP with emulation prevention bytes inserted. Runs without a
 * zero byte (PCM samples are never 0) are copied whole.
 */
export function escapeNal(header: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length + Math.ceil(payload.length / 2));
  out.set([0, 0, 0, 1, header]);
  let n = 5, from = 0;
  for (;;) {
    const z = payload.indexOf(0, from);
    // Up to two zeros then a byte <= 3 needs an escape; find the next place that can.
    if (z < 0 || z + 2 >= payload.length + 1) {
      out.set(payload.subarray(from), n);
      n += payload.length - from;
      break;
    }
    if (payload[z + 1] === 0 && z + 2 < payload.length && payload[z + 2]! <= 3) {
      out.set(payload.subarray(from, z + 2), n);
      n += z + 2 - from;
      out[n++] = 3;
      from = z + 2;
    } else {
      out.set(payload.subarray(from, z + 1), n);
      n += z + 1 - from;
      from = z + 1;
    }
  }
  return out.subarray(0, n);
}
