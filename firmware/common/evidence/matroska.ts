/**
 * Streaming Matroska muxer for H.264: Annex-B access units in, Matroska bytes out as each unit
 * arrives (EBML header, Segment and Clusters of unknown size, SimpleBlocks with keyframe flags),
 * so a clip is written in one pass with memory bounded by one access unit.
 *
 * The clip starts at its first keyframe (earlier units are skipped); its SPS/PPS become the
 * avcC CodecPrivate and units are stored as 4-byte length-prefixed NAL units. A cluster starts at
 * every keyframe and at least every `maxClusterMs`. Every unit is written as it arrives (nothing
 * held back), so a sync after a unit makes that unit durable.
 *
 * Duration: a one-pass, append-only clip cannot know its length when Info is written, and
 * players (ffprobe) show none without Info/Duration. Info therefore holds an 11-byte Void that
 * `setClipDuration()` turns into the Duration element in place, on the clip's first bytes, once
 * the length is known (by whoever turns the decrypted chunks into the clip file). Unpatched,
 * the clip is still valid Matroska and decodes; it just has no declared duration.
 */
import { NalType, nalUnits } from '../../../hal/video/annexb.js';
import { parseSps, type SequenceParameters } from '../../../hal/video/parameter-sets.js';
import type { AudioInfo, AudioPacket } from '../../../hal/video/contract.js';
import { concat, element, float, master, masterStart, text, uint } from './ebml.js';

/** Element ids (Matroska specification). */
const ID = {
  EBML: 0x1a45dfa3, EBMLVersion: 0x4286, EBMLReadVersion: 0x42f7, EBMLMaxIDLength: 0x42f2, EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282, DocTypeVersion: 0x4287, DocTypeReadVersion: 0x4285,
  Segment: 0x18538067, Info: 0x1549a966, TimestampScale: 0x2ad7b1, MuxingApp: 0x4d80, WritingApp: 0x5741, DateUTC: 0x4461,
  Tracks: 0x1654ae6b, TrackEntry: 0xae, TrackNumber: 0xd7, TrackUID: 0x73c5, TrackType: 0x83, FlagLacing: 0x9c,
  CodecID: 0x86, CodecPrivate: 0x63a2, DefaultDuration: 0x23e383, Video: 0xe0, PixelWidth: 0xb0, PixelHeight: 0xba,
  Duration: 0x4489, Void: 0xec,
  Audio: 0xe1, SamplingFrequency: 0xb5, Channels: 0x9f, CodecDelay: 0x56aa, SeekPreRoll: 0x56bb,
  Cluster: 0x1f43b675, Timestamp: 0xe7, SimpleBlock: 0xa3, BlockGroup: 0xa0,
} as const;

/** A unit to mux: hal/video's AccessUnit fits (data in Annex-B, pts and duration in ms). */
export interface MuxUnit {
  data: Uint8Array;
  keyframe: boolean;
  pts: number;
  duration: number;
  /** Audio packets captured during the picture; written when the muxer has an audio track. */
  audio?: readonly AudioPacket[];
}

export interface MatroskaMuxerOptions {
  /** Longest cluster in ms (default 5000; at most 30000 so block offsets fit 16 bits). */
  maxClusterMs?: number;
  /** WritingApp in the Info element. */
  writingApp?: string;
  /** Wall-clock ms of the clip start, written as DateUTC when given. */
  dateUtcMs?: number;
  /** An Opus audio track (track 2) for the units' audio packets; without it audio is not kept. */
  audio?: AudioInfo;
}

const MATROSKA_EPOCH_MS = Date.UTC(2001, 0, 1);
/** Void element (id, size 9, 9 bytes) the size of a Duration element (id 2 bytes, size, float64). */
const DURATION_RESERVE = Uint8Array.of(0xec, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0);

/**
 * Write the clip's Duration (ms) into the Void reserved for it in Info. `head` is the clip's
 * first bytes (its first chunk's plaintext: the header is a few hundred bytes); changed in place.
 * Returns false, changing nothing, when `head` does not start with a clip of this muxer.
 */
export function setClipDuration(head: Uint8Array, durationMs: number): boolean {
  if (!(durationMs > 0 && Number.isFinite(durationMs))) throw new RangeError(`clip duration must be > 0 ms, got ${durationMs}`);
  const at = findDurationReserve(head);
  if (at < 0) return false;
  head.set([0x44, 0x89, 0x88], at);
  new DataView(head.buffer, head.byteOffset + at + 3, 8).setFloat64(0, durationMs);
  return true;
}

/**
 * Length of the longest prefix of a clip of this muxer that ends on a whole element: an
 * interrupted recording's last clip may end inside a block (its tail was lost with the power),
 * and cut there it decodes without "File ended prematurely". Returns 0 when not even one frame is
 * whole (nothing worth keeping) or the bytes are not such a clip.
 */
export function wholeClipLength(b: Uint8Array): number {
  let at = 0;
  let whole = 0;
  let frames = false;
  while (at < b.length) {
    const id = readId(b, at);
    if (!id) break;
    const size = readSize(b, at + id.len);
    if (!size) break;
    const body = at + id.len + size.len;
    // Segment and Cluster are written with unknown size: step into them.
    if (size.unknown && (id.value === ID.Segment || id.value === ID.Cluster)) { at = body; continue; }
    if (size.unknown || body + size.value > b.length) break;
    at = body + size.value;
    if (id.value === ID.SimpleBlock || id.value === ID.BlockGroup) frames = true;
    if (frames) whole = at;
  }
  return whole;
}

function readId(b: Uint8Array, at: number): { value: number; len: number } | undefined {
  const first = b[at];
  if (first === undefined || first < 0x10) return undefined;
  const len = Math.clz32(first) - 23;
  if (at + len > b.length) return undefined;
  let value = 0;
  for (let i = 0; i < len; i++) value = value * 256 + b[at + i]!;
  return { value, len };
}

function readSize(b: Uint8Array, at: number): { value: number; len: number; unknown: boolean } | undefined {
  const first = b[at];
  if (first === undefined || first === 0) return undefined;
  const len = Math.clz32(first) - 23;
  if (at + len > b.length) return undefined;
  let value = first & (0xff >> len);
  let ones = value === 0xff >> len;
  for (let i = 1; i < len; i++) { value = value * 256 + b[at + i]!; ones &&= b[at + i] === 0xff; }
  return { value, len, unknown: ones };
}

/** Offset of the reserved Void (or an earlier-written Duration) in Info, or -1. */
function findDurationReserve(b: Uint8Array): number {
  const ebmlId = [0x1a, 0x45, 0xdf, 0xa3], segmentId = [0x18, 0x53, 0x80, 0x67], infoId = [0x15, 0x49, 0xa9, 0x66];
  const startsWith = (at: number, id: number[]) => id.every((x, i) => b[at + i] === x);
  const vint = (at: number): { len: number; value: number } | undefined => {
    const first = b[at];
    if (first === undefined || first === 0) return undefined;
    const len = Math.clz32(first) - 23;
    if (at + len > b.length) return undefined;
    let value = first & (0xff >> len);
    for (let i = 1; i < len; i++) value = value * 256 + b[at + i]!;
    return { len, value };
  };
  if (!startsWith(0, ebmlId)) return -1;
  const ebmlSize = vint(4);
  if (!ebmlSize) return -1;
  let at = 4 + ebmlSize.len + ebmlSize.value;
  if (!startsWith(at, segmentId)) return -1;
  const segSize = vint(at + 4);
  if (!segSize) return -1;
  at += 4 + segSize.len;
  if (!startsWith(at, infoId)) return -1;
  const infoSize = vint(at + 4);
  if (!infoSize) return -1;
  const end = Math.min(b.length, at + 4 + infoSize.len + infoSize.value);
  at += 4 + infoSize.len;
  while (at < end) {
    if (b[at] === 0xec && b[at + 1] === 0x89) return at;
    if (b[at] === 0x44 && b[at + 1] === 0x89 && b[at + 2] === 0x88) return at;
    const idLen = Math.clz32(b[at]!) - 23;
    if (idLen < 1 || idLen > 4) return -1;
    const size = vint(at + idLen);
    if (!size) return -1;
    at += idLen + size.len + size.value;
  }
  return -1;
}

/** avcC (ISO/IEC 14496-15 AVCDecoderConfigurationRecord) from one SPS and one PPS (NAL units without start codes). */
export function avcDecoderConfiguration(sps: Uint8Array, pps: Uint8Array): Uint8Array {
  if (sps.length < 4 || pps.length < 1) throw new RangeError(`avcC needs an SPS of at least 4 bytes and a PPS, got ${sps.length} and ${pps.length} bytes`);
  const out = new Uint8Array(11 + sps.length + pps.length);
  out.set([1, sps[1]!, sps[2]!, sps[3]!, 0xff, 0xe1, sps.length >> 8, sps.length & 0xff], 0);
  out.set(sps, 8);
  out.set([1, pps.length >> 8, pps.length & 0xff], 8 + sps.length);
  out.set(pps, 11 + sps.length);
  return out;
}

/** Annex-B access unit to 4-byte length-prefixed NAL units; access unit delimiters are dropped. */
export function annexBToLengthPrefixed(data: Uint8Array): Uint8Array {
  const spans = nalUnits(data).filter((n) => n.type !== NalType.aud && n.end > n.start);
  const out = new Uint8Array(spans.reduce((n, s) => n + 4 + s.end - s.start, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const s of spans) {
    view.setUint32(at, s.end - s.start);
    out.set(data.subarray(s.start, s.end), at + 4);
    at += 4 + s.end - s.start;
  }
  return out;
}

export class MatroskaMuxer {
  private readonly maxClusterMs: number;
  private started = false;
  private finished = false;
  private basePts = 0;
  private clusterTime = -Infinity;
  private lastTime = -1;
  private lastDuration = 0;
  private lastAudioTime = -1;
  /** Audio packets written. */
  audioPackets = 0;
  /** Frames written. */
  frames = 0;
  /** Units skipped before the first keyframe. */
  skipped = 0;
  /** Bytes returned so far. */
  bytes = 0;
  /** Picture size and profile, from the first keyframe's SPS. */
  sequence: SequenceParameters | undefined;

  constructor(private readonly options: MatroskaMuxerOptions = {}) {
    const max = options.maxClusterMs ?? 5000;
    if (!(max > 0 && max <= 30000)) throw new RangeError(`maxClusterMs must be in (0, 30000], got ${max}`);
    this.maxClusterMs = max;
  }

  /** Clip length in ms: from the first keyframe to the end of the last unit so far. */
  get durationMs(): number {
    return this.frames ? this.lastTime + this.lastDuration : 0;
  }

  /** Mux one unit (decode order); returns the bytes to append (empty when nothing is due yet). */
  push(unit: MuxUnit): Uint8Array {
    if (this.finished) throw new Error('MatroskaMuxer.push after finish(): start a new muxer for the next clip');
    const parts: Uint8Array[] = [];
    if (!this.started) {
      if (!unit.keyframe) { this.skipped++; return new Uint8Array(0); }
      const head = this.header(unit);
      if (!head) { this.skipped++; return new Uint8Array(0); }
      parts.push(head);
      this.basePts = unit.pts;
      this.started = true;
    }
    // Millisecond timestamps, strictly increasing even when rounding would tie.
    const time = Math.max(Math.round(unit.pts - this.basePts), this.lastTime + 1);
    this.lastTime = time;
    this.lastDuration = unit.duration;
    if (unit.keyframe || time - this.clusterTime >= this.maxClusterMs) {
      parts.push(masterStart(ID.Cluster), uint(ID.Timestamp, time));
      this.clusterTime = time;
    }
    parts.push(this.block(unit, time));
    this.frames++;
    if (this.options.audio && unit.audio) {
      for (const p of unit.audio) {
        const at = Math.max(Math.round(unit.pts + p.offsetMs - this.basePts), this.lastAudioTime + 1, this.clusterTime);
        this.lastAudioTime = at;
        parts.push(this.audioBlock(p.data, at));
        this.audioPackets++;
      }
    }
    return this.emit(parts);
  }

  /** The clip is complete: the muxer takes no more units. Nothing is left to write. */
  finish(): Uint8Array {
    this.finished = true;
    return new Uint8Array(0);
  }

  private emit(parts: Uint8Array[]): Uint8Array {
    const out = parts.length === 1 ? parts[0]! : concat(parts);
    this.bytes += out.length;
    return out;
  }

  private header(unit: MuxUnit): Uint8Array | undefined {
    let sps: Uint8Array | undefined, pps: Uint8Array | undefined;
    for (const n of nalUnits(unit.data)) {
      if (n.type === NalType.sps && !sps) sps = unit.data.subarray(n.start, n.end);
      if (n.type === NalType.pps && !pps) pps = unit.data.subarray(n.start, n.end);
    }
    const seq = sps && parseSps(sps);
    if (!sps || !pps || !seq) return undefined;
    this.sequence = seq;
    const info = [uint(ID.TimestampScale, 1_000_000), DURATION_RESERVE, text(ID.MuxingApp, 'bwc-evidence'), text(ID.WritingApp, this.options.writingApp ?? 'bwc-camera')];
    if (this.options.dateUtcMs !== undefined) {
      const ns = BigInt(Math.round(this.options.dateUtcMs - MATROSKA_EPOCH_MS)) * 1_000_000n;
      const d = new Uint8Array(8);
      new DataView(d.buffer).setBigInt64(0, ns);
      info.push(element(ID.DateUTC, d));
    }
    const track = master(ID.TrackEntry, [
      uint(ID.TrackNumber, 1), uint(ID.TrackUID, 1), uint(ID.TrackType, 1), uint(ID.FlagLacing, 0),
      text(ID.CodecID, 'V_MPEG4/ISO/AVC'), element(ID.CodecPrivate, avcDecoderConfiguration(sps, pps)),
      uint(ID.DefaultDuration, Math.round(unit.duration * 1_000_000)),
      master(ID.Video, [uint(ID.PixelWidth, seq.width), uint(ID.PixelHeight, seq.height)]),
    ]);
    const tracks = [track];
    const a = this.options.audio;
    if (a) {
      tracks.push(master(ID.TrackEntry, [
        uint(ID.TrackNumber, 2), uint(ID.TrackUID, 2), uint(ID.TrackType, 2), uint(ID.FlagLacing, 0),
        text(ID.CodecID, 'A_OPUS'), element(ID.CodecPrivate, a.head),
        uint(ID.CodecDelay, Math.round((a.preSkip / 48000) * 1e9)), uint(ID.SeekPreRoll, 80_000_000),
        master(ID.Audio, [float(ID.SamplingFrequency, a.sampleRate), uint(ID.Channels, a.channels)]),
      ]));
    }
    return concat([
      master(ID.EBML, [
        uint(ID.EBMLVersion, 1), uint(ID.EBMLReadVersion, 1), uint(ID.EBMLMaxIDLength, 4), uint(ID.EBMLMaxSizeLength, 8),
        text(ID.DocType, 'matroska'), uint(ID.DocTypeVersion, 4), uint(ID.DocTypeReadVersion, 2),
      ]),
      masterStart(ID.Segment),
      master(ID.Info, info),
      master(ID.Tracks, tracks),
    ]);
  }

  private audioBlock(data: Uint8Array, time: number): Uint8Array {
    const head = new Uint8Array(4);
    head[0] = 0x82; // track 2 as a vint
    new DataView(head.buffer).setInt16(1, time - this.clusterTime);
    head[3] = 0x80; // every Opus packet decodes on its own
    return element(ID.SimpleBlock, concat([head, data]));
  }

  private block(unit: MuxUnit, time: number): Uint8Array {
    const payload = annexBToLengthPrefixed(unit.data);
    const head = new Uint8Array(4);
    head[0] = 0x81; // track 1 as a vint
    new DataView(head.buffer).setInt16(1, time - this.clusterTime);
    head[3] = unit.keyframe ? 0x80 : 0;
    return element(ID.SimpleBlock, concat([head, payload]));
  }
}
