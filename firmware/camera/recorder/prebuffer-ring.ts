/**
 * The prebuffer: the last seconds of video kept in RAM while the camera is not recording, as whole
 * GOPs bounded in seconds and in bytes, so a recording's head always starts on a keyframe.
 */
import { accessUnitBytes, type AccessUnit } from '../../../hal/video/contract.js';

/** Prebuffer lengths a camera profile offers (manual: 15, 30, 60, 90 or 120 seconds). */
export const PREBUFFER_LENGTHS_MS = [15_000, 30_000, 60_000, 90_000, 120_000] as const;

export interface PrebufferRingOptions {
  /**
   * Configured prebuffer length in ms (> 0). The ring keeps at least this much video when it has
   * had the time and the bytes to, and at most this plus one GOP: it drops the oldest GOP only
   * while what remains still covers the configured length.
   */
  lengthMs: number;
  /** Hard bound on the unit bytes held (> 0). Never exceeded, not even for one unit. */
  maxBytes: number;
  /**
   * Copy each unit's bytes into a buffer of its own when keeping it. Default false: units are
   * kept by reference (the video contract makes them read-only; the Linux driver gives every
   * unit its own buffer, so `data.byteLength` is exactly the memory held). Turn it on for a
   * source whose units are small views into large transient buffers, which keeping by reference
   * would pin beyond the byte bound's count.
   */
  copy?: boolean;
}

/** Why the ring emptied last: the manual's "prebuffer shorter than configured" causes. */
export type PrebufferEmptiedCause =
  /** Created (the camera just booted or was just undocked). */
  | 'boot'
  /** Its content became a recording's head. */
  | 'drained'
  /** A recording ended; the ring restarts empty. */
  | 'recording-ended'
  /** The profile changed its length or byte bound. */
  | 'configured'
  | (string & {});

/** Why the ring holds less than the configured length right now. */
export type PrebufferShortfall =
  /** It holds the configured length (or more). */
  | { kind: 'none' }
  /** The byte bound made it drop old GOPs early (high bitrate: complex scene, low light). */
  | { kind: 'byte-bound'; maxBytes: number }
  /** It emptied `sinceMs` ago and has not filled since. */
  | { kind: 'emptied'; cause: PrebufferEmptiedCause; sinceMs: number };

export interface PrebufferStatus {
  lengthMs: number;
  maxBytes: number;
  /** From the oldest held unit's pts to the newest's end, in ms (0 when empty). */
  heldMs: number;
  /** Inside heldMs, time not covered by held units (dropped units, sensor stalls). */
  missingMs: number;
  bytes: number;
  units: number;
  gops: number;
  shortfall: PrebufferShortfall;
  /** Units not kept since creation: before a first keyframe, after a gap, evicted for bytes. */
  discardedUnits: number;
  /** Whole GOPs dropped from the old end since creation (time and byte bound). */
  evictedGops: number;
}

/** Fractional frame intervals (1000/30) do not add up exactly: times this close count as equal. */
const TIME_EPSILON_MS = 1e-6;

interface Gop {
  units: AccessUnit[];
  bytes: number;
  /** Sum of unit durations. */
  coveredMs: number;
}

export class PrebufferRing {
  readonly lengthMs: number;
  readonly maxBytes: number;
  private readonly copy: boolean;
  /** Oldest first; the last one is open (still receiving units) unless awaitingKeyframe. */
  private gops: Gop[] = [];
  private bytes = 0;
  private unitCount = 0;
  private coveredMs = 0;
  private lastSequence: number | undefined;
  private lastEnd: number | undefined;
  private awaitingKeyframe = true;
  /** A byte eviction happened since the last empty or the last time eviction. */
  private byteLimited = false;
  private emptiedCause: PrebufferEmptiedCause = 'boot';
  private emptiedAt: number | undefined;
  private discarded = 0;
  private evicted = 0;

  constructor(options: PrebufferRingOptions) {
    const { lengthMs, maxBytes } = options ?? {};
    if (!Number.isFinite(lengthMs) || lengthMs <= 0) {
      throw new RangeError(`PrebufferRing: lengthMs must be a positive number of milliseconds (e.g. 30000), got ${lengthMs}`);
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(`PrebufferRing: maxBytes must be a positive whole number of bytes, got ${maxBytes}`);
    }
    this.lengthMs = lengthMs;
    this.maxBytes = maxBytes;
    this.copy = options.copy ?? false;
  }

  /** Bytes of unit data held now (always <= maxBytes). */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Pts of the oldest held unit (a keyframe), or undefined when empty. */
  get oldestPts(): number | undefined {
    return this.gops[0]?.units[0]?.pts;
  }

  /** From the oldest held unit's pts to the newest's end, in ms. */
  get heldMs(): number {
    const first = this.oldestPts;
    return first === undefined || this.lastEnd === undefined ? 0 : this.lastEnd - first;
  }

  /**
   * Take one unit, in decode order. Kept only as part of a whole GOP: units before the first
   * keyframe are not kept, and after a gap in `sequence` the partial GOP is dropped and units
   * are skipped until the next keyframe. Then the oldest GOPs go while the rest still covers
   * the configured length, and before the byte bound would be passed. O(1) amortised.
   */
  push(unit: AccessUnit): void {
    if (this.lastSequence !== undefined && unit.sequence !== this.lastSequence + 1) {
      this.dropOpenGop();
    }
    this.lastSequence = unit.sequence;
    if (unit.keyframe) {
      this.awaitingKeyframe = false;
      this.gops.push({ units: [], bytes: 0, coveredMs: 0 });
    } else if (this.awaitingKeyframe) {
      this.discarded++;
      return;
    }
    const size = accessUnitBytes(unit);
    // Make room for the bytes first, so the bound holds even between two calls.
    while (this.bytes + size > this.maxBytes && this.gops.length > 1) {
      this.evictOldest();
      this.byteLimited = true;
    }
    if (this.bytes + size > this.maxBytes) {
      // Only the open GOP is left and it cannot grow: drop it, wait for the next keyframe.
      this.dropOpenGop();
      this.discarded++;
      this.byteLimited = true;
      return;
    }
    const kept = this.copy ? { ...unit, data: unit.data.slice() } : unit;
    const gop = this.gops[this.gops.length - 1]!;
    gop.units.push(kept);
    gop.bytes += size;
    gop.coveredMs += unit.duration;
    this.bytes += size;
    this.unitCount++;
    this.coveredMs += unit.duration;
    this.lastEnd = unit.pts + unit.duration;
    this.emptiedAt ??= unit.pts;
    // Time bound: drop the oldest GOP while the others still cover the configured length.
    while (this.gops.length > 1) {
      const next = this.gops[1]!.units[0]!;
      if (this.lastEnd - next.pts < this.lengthMs - TIME_EPSILON_MS) break;
      this.evictOldest();
      this.byteLimited = false;
    }
  }

  /**
   * Hand over the content (oldest first, starting on a keyframe, whole GOPs plus the open one)
   * and leave the ring empty. The units are the ones pushed (or their copies): nothing is copied
   * here. An empty array when nothing is held.
   */
  drain(): AccessUnit[] {
    const out: AccessUnit[] = [];
    for (const gop of this.gops) for (const u of gop.units) out.push(u);
    this.clear('drained', this.lastEnd);
    return out;
  }

  /** Drop everything (a recording ended, the profile changed); `at` is now on the media clock. */
  reset(cause: PrebufferEmptiedCause, at?: number): void {
    this.clear(cause, at);
  }

  /** What the ring holds and why it may be shorter than configured. `now` is media time (pts scale). */
  status(now?: number): PrebufferStatus {
    const heldMs = this.heldMs;
    let shortfall: PrebufferShortfall = { kind: 'none' };
    if (heldMs < this.lengthMs - TIME_EPSILON_MS) {
      if (this.byteLimited) {
        shortfall = { kind: 'byte-bound', maxBytes: this.maxBytes };
      } else {
        const end = now ?? this.lastEnd;
        const since = this.emptiedAt === undefined || end === undefined ? 0 : Math.max(0, end - this.emptiedAt);
        shortfall = { kind: 'emptied', cause: this.emptiedCause, sinceMs: since };
      }
    }
    return {
      lengthMs: this.lengthMs,
      maxBytes: this.maxBytes,
      heldMs,
      // Rounded to a microsecond: running sums of fractional frame intervals drift in the last bits.
      missingMs: Math.max(0, Math.round((heldMs - this.coveredMs) * 1000) / 1000),
      bytes: this.bytes,
      units: this.unitCount,
      gops: this.gops.length,
      shortfall,
      discardedUnits: this.discarded,
      evictedGops: this.evicted,
    };
  }

  private evictOldest(): void {
    const gop = this.gops.shift()!;
    this.bytes -= gop.bytes;
    this.unitCount -= gop.units.length;
    this.coveredMs -= gop.coveredMs;
    this.evicted++;
  }

  /** Drop the GOP being filled (it lost a unit or cannot fit) and skip to the next keyframe. */
  private dropOpenGop(): void {
    this.awaitingKeyframe = true;
    const open = this.gops[this.gops.length - 1];
    if (!open) return;
    this.gops.pop();
    this.bytes -= open.bytes;
    this.unitCount -= open.units.length;
    this.coveredMs -= open.coveredMs;
    this.discarded += open.units.length;
    const prev = this.gops[this.gops.length - 1];
    const last = prev?.units[prev.units.length - 1];
    this.lastEnd = last ? last.pts + last.duration : undefined;
  }

  private clear(cause: PrebufferEmptiedCause, at: number | undefined): void {
    this.gops = [];
    this.bytes = 0;
    this.unitCount = 0;
    this.coveredMs = 0;
    this.lastEnd = undefined;
    this.lastSequence = undefined;
    this.awaitingKeyframe = true;
    this.byteLimited = false;
    this.emptiedCause = cause;
    this.emptiedAt = at;
  }
}
