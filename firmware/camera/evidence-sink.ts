/**
 * The recorder's RecordingSink on the camera: every recording is written encrypted to the camera's
 * storage (key sealed to the system's evidence key, Matroska clips in sealed chunks), synced promptly.
 */
import type { Clock } from '../../hal/clock/contract.js';
import type { Storage } from '../../hal/storage/contract.js';
import type { AccessUnit } from '../../hal/video/contract.js';
import type { TriggerReason } from '../../protocols/index.js';
import {
  DEFAULT_RECORDINGS_ROOT, ClipSplitter, createRecording, newRecordingId, newRecordingKey, recoverRecording,
  type ClipEvent, type ClipLimits, type RecordingMeta, type RecordingWriter,
} from '../common/evidence/index.js';
import type { Log } from '../common/log.js';
import { FIRMWARE_VERSION } from '../common/version.js';
import { LocationLog } from './location/location-log.js';
import { locationKeyOf, type LocationRecord } from '../common/evidence/sealed-location.js';
import type { TriggerOffReason, TriggerOnReason } from './recorder/recorder-machine.js';
import type { RecordingBegin, RecordingEnd, RecordingSink } from './recorder/recorder.js';

/** Clips are cut at the first keyframe after 10 minutes or before one that passes 512 MiB. */
export const DEFAULT_CLIP_LIMITS: ClipLimits = { maxDurationMs: 10 * 60_000, maxBytes: 512 * 1024 * 1024 };
/** Media between periodic syncs: a power cut loses at most about this much of a recording's tail. */
export const DEFAULT_SYNC_INTERVAL_MS = 1000;

/**
 * What started a recording, as bwc.v1 says it. 'power-on' (always record resuming at boot) has
 * TRIGGER_REASON_POWER_ON in manifest.proto, but the TypeScript TriggerReason union
 * (protocols/manifest.ts) and the state file's accepted reasons (evidence/state-file.ts) do not
 * list it yet, so it is recorded as the always-record start it continues (UNDOCK) until they do.
 */
export const TRIGGER_ON_REASONS: Readonly<Record<TriggerOnReason, TriggerReason>> = {
  'button': 'TRIGGER_REASON_BUTTON',
  'fall': 'TRIGGER_REASON_FALL',
  'unholster': 'TRIGGER_REASON_UNHOLSTER',
  'wireless-broadcast': 'TRIGGER_REASON_WIRELESS_BROADCAST',
  'undock': 'TRIGGER_REASON_UNDOCK',
  'power-on': 'TRIGGER_REASON_POWER_ON',
};

export const TRIGGER_OFF_REASONS: Readonly<Record<TriggerOffReason, TriggerReason>> = {
  'button': 'TRIGGER_REASON_BUTTON',
  'dock': 'TRIGGER_REASON_DOCK',
  'power-off': 'TRIGGER_REASON_POWER_OFF',
  'battery-empty': 'TRIGGER_REASON_BATTERY_EMPTY',
  'storage-full': 'TRIGGER_REASON_STORAGE_FULL',
};

/** The sink cannot record: the camera has no system evidence key to seal recording keys to. */
export class NotAdoptedError extends Error {
  readonly code = 'ENOTADOPTED';
  constructor(message: string) {
    super(message);
    this.name = 'NotAdoptedError';
  }
}

export interface EvidenceSinkOptions {
  storage: Storage;
  clock: Clock;
  log: Log;
  cameraSerial: string;
  /** The system's X25519 evidence public key (32 bytes), or undefined while the camera is not adopted. Asked at each begin. */
  evidencePublicKey: () => Uint8Array | undefined;
  /** Camera user id written into each recording ('' when none is assigned). */
  userId?: string;
  /** IANA time zone name; default the runtime's. */
  timeZone?: string;
  firmwareVersion?: string;
  clipLimits?: ClipLimits;
  /** Plaintext bytes per chunk (default the evidence store's 1 MiB). */
  chunkSize?: number;
  /** Media ms between periodic syncs (default 1000). */
  syncIntervalMs?: number;
  /** Folder of recordings on storage (default the evidence store's). */
  root?: string;
  /**
   * The profile's audio, asked at each begin (default: audio kept, in the prebuffer too).
   * `enabled` false: recordings have no sound track. `prebuffer` false: the sound captured
   * before the trigger is kept as silence (the manual's prebuffer "Audio" setting).
   */
  audio?: () => { enabled: boolean; prebuffer: boolean };
}

/** Counters for the runtime, the simulator and tests. */
export interface EvidenceSinkStats {
  /** Recordings created on storage. */
  started: number;
  /** Recordings closed in order. */
  closed: number;
  /** Recordings refused: no evidence key (not adopted). */
  refused: number;
  /** Recordings whose creation, writing or closing failed (storage full, power cut, medium error). */
  failed: number;
  syncs: number;
  /** Bookmarks made durable in recordings. */
  bookmarks: number;
  /** Monotonic ms from begin() to the prebuffer head being durable, for the last recording. */
  lastHeadDurableMs: number | undefined;
  /** Location records made durable in recordings (absent until the first). */
  locations?: number;
}

interface Current {
  writer: RecordingWriter;
  splitter: ClipSplitter;
  /** Units captured before this wall-clock ms carry silence instead of their sound (prebuffer without audio). */
  silenceBeforeWallMs: number;
  silence: Uint8Array | undefined;
  /** Wall-clock ms minus monotonic ms (pts scale) when the recording began. */
  wallOffset: number;
  headUnits: number;
  seen: number;
  /** pts end of the media made durable by the last sync. */
  syncedTo: number;
  beganAt: number;
  /** A write failed: nothing more is appended; end() still tries to close what is there. */
  failed: boolean;
  /** The recording's location log (sealed with a key derived from the recording key); its file appears at the first record. */
  location: LocationLog;
}

export class EvidenceSink implements RecordingSink {
  readonly stats: EvidenceSinkStats = { started: 0, closed: 0, refused: 0, failed: 0, syncs: 0, bookmarks: 0, lastHeadDurableMs: undefined };
  private current: Current | undefined;
  private readonly limits: ClipLimits;
  private readonly syncInterval: number;

  constructor(private readonly o: EvidenceSinkOptions) {
    this.limits = o.clipLimits ?? DEFAULT_CLIP_LIMITS;
    this.syncInterval = o.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    new ClipSplitter(this.limits); // checks the limits now rather than at the first recording
    if (!(this.syncInterval > 0)) throw new RangeError(`syncIntervalMs must be > 0 ms of media, got ${this.syncInterval}`);
  }

  /** True while a recording is being written. */
  get recording(): boolean {
    return this.current !== undefined;
  }

  async begin(meta: RecordingBegin): Promise<void> {
    this.current = undefined;
    const publicKey = this.o.evidencePublicKey();
    if (!publicKey) {
      this.stats.refused++;
      const why = `camera ${this.o.cameraSerial} is not adopted into a system: no evidence key to seal the recording to, so nothing is recorded (dock it at its system's controller to add it)`;
      this.o.log.warn('recorder', `recording refused: ${why}`);
      throw new NotAdoptedError(why);
    }
    const { key, sealedKey } = await newRecordingKey(publicKey);
    const recordingMeta: RecordingMeta = {
      cameraSerial: this.o.cameraSerial,
      userId: this.o.userId ?? '',
      triggerOnReason: TRIGGER_ON_REASONS[meta.trigger],
      triggerOnTimeMs: Math.round(meta.triggerOnTime),
      startTimeMs: Math.round(meta.startTime),
      timeZone: this.o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? '',
      firmwareVersion: this.o.firmwareVersion ?? FIRMWARE_VERSION,
    };
    let writer: RecordingWriter;
    const recordingId = newRecordingId();
    const locationKey = locationKeyOf(key);
    try {
      writer = await createRecording(this.o.storage, {
        recordingId, key, sealedKey, meta: recordingMeta,
        ...(this.o.chunkSize !== undefined ? { chunkSize: this.o.chunkSize } : {}),
        ...(this.o.root !== undefined ? { root: this.o.root } : {}),
      });
    } catch (e) {
      this.stats.failed++;
      locationKey.fill(0);
      this.o.log.warn('recorder', `recording not started: ${(e as Error).message}`);
      throw e;
    } finally {
      key.fill(0); // the writer holds its own copy and zeroes it at close
    }
    const { clock } = this.o;
    const audio = this.o.audio?.() ?? { enabled: true, prebuffer: true };
    const track = audio.enabled ? meta.video.audio : undefined;
    this.current = {
      writer, splitter: new ClipSplitter(this.limits, { dateUtcMs: recordingMeta.startTimeMs, ...(track ? { audio: track } : {}) }),
      silenceBeforeWallMs: track && !audio.prebuffer ? meta.triggerOnTime : -Infinity, silence: track?.silence,
      wallOffset: clock.now() - clock.monotonic(), headUnits: meta.prebuffer.units, seen: 0,
      syncedTo: -Infinity, beganAt: clock.monotonic(), failed: false,
      location: new LocationLog(this.o.storage, this.o.root ?? DEFAULT_RECORDINGS_ROOT, recordingId, locationKey),
    };
    this.stats.started++;
    this.o.log.info('recorder', `recording ${writer.idHex} started (${meta.trigger}, prebuffer ${(meta.prebuffer.heldMs / 1000).toFixed(1)} s)`);
    if (meta.prebuffer.units === 0) await this.syncNow(this.current, undefined);
  }

  async append(unit: AccessUnit): Promise<void> {
    const c = this.current;
    if (!c || c.failed) return; // refused or failed: the recorder drops what follows
    try {
      // Prebuffer without audio: what the microphone heard before the trigger is not kept.
      const quiet = c.silence && unit.audio && unit.pts + c.wallOffset < c.silenceBeforeWallMs
        ? { ...unit, audio: unit.audio.map((p) => ({ data: c.silence!, offsetMs: p.offsetMs })) } : unit;
      await this.write(c, c.splitter.push(quiet), unit.pts + unit.duration);
      c.seen++;
      const end = unit.pts + unit.duration;
      // The head at once (record press to prebuffer durable), then every syncInterval of media.
      if (c.seen === c.headUnits) {
        await this.syncNow(c, end);
        this.stats.lastHeadDurableMs = this.o.clock.monotonic() - c.beganAt;
      } else if (c.seen > c.headUnits && end - c.syncedTo >= this.syncInterval) {
        await this.syncNow(c, end);
      }
    } catch (e) {
      this.fail(c, e);
      throw e;
    }
  }

  /**
   * Bookmark the open recording at `wallMs` (wall-clock ms since the epoch): one press of the
   * recording button while recording. Resolves true once the bookmark is durable in the
   * recording's state file; false, with a debug line, when no recording is open (none, refused,
   * still starting or already ending), its writing failed, or the writer ignored it (same ms
   * again, before the recording's start, the recording's MAX_BOOKMARKS reached). A storage error
   * is logged as a warning and resolves false: a bookmark never stops a recording. Never rejects.
   */
  async bookmark(wallMs: number): Promise<boolean> {
    const c = this.current;
    if (!c || c.failed) {
      this.o.log.debug('recorder', `bookmark at ${wallMs} ignored: no recording is being written`);
      return false;
    }
    try {
      const kept = await c.writer.addBookmark(wallMs);
      if (kept) this.stats.bookmarks++;
      else this.o.log.debug('recorder', `bookmark at ${wallMs} ignored by recording ${c.writer.idHex}: already there, before its start, or its bookmark limit reached`);
      return kept;
    } catch (e) {
      this.o.log.warn('recorder', `bookmark at ${wallMs} in recording ${c.writer.idHex} not kept: ${(e as Error).message}`);
      return false;
    }
  }

  /**
   * Keep a location record (trigger-on/off location, trail point) with the open recording, sealed
   * and durable before this resolves true. False, with a debug line, when no recording is open
   * (none, refused, still starting, or ended) or its log is full; a storage error is logged and
   * resolves false: location never stops a recording. Never rejects.
   */
  async addLocation(record: LocationRecord): Promise<boolean> {
    const c = this.current;
    if (!c) {
      this.o.log.debug('recorder', `location ${record.kind} ignored: no recording is being written`);
      return false;
    }
    try {
      const kept = await c.location.add(record);
      if (kept) this.stats.locations = (this.stats.locations ?? 0) + 1;
      return kept;
    } catch (e) {
      this.o.log.warn('recorder', `location ${record.kind} in recording ${c.writer.idHex} not kept: ${(e as Error).message}`);
      return false;
    }
  }

  async end(meta: RecordingEnd): Promise<void> {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    try {
      if (!c.failed) await this.write(c, c.splitter.finish(), meta.stopTime - c.wallOffset);
      await c.writer.close({
        triggerOffReason: TRIGGER_OFF_REASONS[meta.triggerOff],
        triggerOffTimeMs: Math.round(meta.triggerOffTime),
        stopTimeMs: Math.round(meta.stopTime),
      });
      this.stats.closed++;
      this.o.log.info('recorder', `recording ${c.writer.idHex} closed (${meta.triggerOff}): ${c.writer.chunkCount} chunks, ${c.writer.clips.length} clip(s)`);
    } catch (e) {
      if (!c.failed) this.stats.failed++;
      await c.writer.abandon();
      if ((e as { code?: string }).code === 'ENOSPC') await this.recoverNow(c.writer.idHex, e as Error);
      else this.o.log.warn('recorder', `recording ${c.writer.idHex} not closed (${(e as Error).message}): what was synced stays on storage and recovery marks it interrupted at the next boot`);
    }
    try {
      await c.location.close();
    } catch (e) {
      this.o.log.warn('recorder', `recording ${c.writer.idHex} location log not closed (${(e as Error).message}): its durable records stay`);
    }
  }

  /**
   * Storage full at the close: the last chunk did not fit. Recover the recording at once as boot
   * recovery would (its whole synced chunks, interrupted; closed if only the final state write
   * failed), so it can be handed over at the next dock instead of after a reboot.
   */
  private async recoverNow(idHex: string, cause: Error): Promise<void> {
    try {
      const r = await recoverRecording(this.o.storage, idHex, this.o.root !== undefined ? { root: this.o.root } : {});
      this.o.log.warn('recorder', `recording ${idHex} not closed (${cause.message}): recovered now as ${r?.status ?? 'it was'} with ${r?.chunkCount ?? '?'} whole chunk(s)`);
    } catch (e) {
      this.o.log.warn('recorder', `recording ${idHex} not closed (${cause.message}) nor recovered (${(e as Error).message}): what was synced stays on storage and recovery marks it interrupted at the next boot`);
    }
  }

  private fail(c: Current, e: unknown): void {
    if (c.failed) return;
    c.failed = true;
    this.stats.failed++;
    this.o.log.warn('recorder', `recording ${c.writer.idHex} stopped: ${(e as Error).message}; what was synced stays on storage`);
  }

  private async write(c: Current, events: ClipEvent[], mediaEndPts: number): Promise<void> {
    for (const ev of events) {
      switch (ev.type) {
        case 'begin': await c.writer.beginClip(Math.round(ev.startPts + c.wallOffset)); break;
        case 'bytes': await c.writer.append(ev.data, Math.round(mediaEndPts + c.wallOffset)); break;
        case 'end': await c.writer.endClip(Math.round(ev.startPts + ev.durationMs + c.wallOffset)); break;
      }
    }
  }

  private async syncNow(c: Current, pts: number | undefined): Promise<void> {
    await c.writer.sync();
    this.stats.syncs++;
    if (pts !== undefined) c.syncedTo = pts;
  }
}
