/**
 * The camera's location service: powers the GNSS receiver by the profile's location mode, drops
 * fixes whose time disagrees with the camera's clock, and keeps each recording's trigger-on/off
 * locations and trail in the recording (sealed, through the EvidenceSink).
 */
import type { Clock } from '../../../hal/clock/contract.js';
import type { GnssFix, Gnss } from '../../../hal/gnss/contract.js';
import type { AccessUnit } from '../../../hal/video/contract.js';
import type { Log } from '../../common/log.js';
import type { RecordingBegin, RecordingEnd, RecordingSink } from '../recorder/recorder.js';
import { judgeFix, nearestFix, receiverWanted, trailTakes, TRIGGER_FIX_WINDOW_MS, type LocationMode } from './location-policy.js';
import type { LocationPoint, LocationRecord } from '../../common/evidence/sealed-location.js';

/** Where records go: EvidenceSink.addLocation. */
export interface LocationSink {
  addLocation(record: LocationRecord): Promise<boolean>;
}

/** Accepted fixes kept for the prebuffer (at most this many ms back, one per second). */
export const HISTORY_MS = 120_000;

export interface LocationStats {
  fixes: number;
  /** Fixes not used: receiver UTC off the camera's clock by more than FIX_CLOCK_TOLERANCE_MS. */
  clockMismatch: number;
  invalid: number;
  /** Records the sink kept. */
  kept: number;
}

const point = (f: GnssFix): LocationPoint => ({ timeMs: f.timeMs, latitude: f.latitude, longitude: f.longitude, accuracyM: f.accuracyM });

interface Open {
  triggerOnMs: number;
  startMs: number;
  /** Trigger-on decided for good (a fix after the trigger was seen, or the window passed). */
  onDone: boolean;
  offMs: number | undefined;
  offDone: boolean;
  lastTrail: GnssFix | undefined;
  trailCount: number;
}

export class LocationService {
  readonly stats: LocationStats = { fixes: 0, clockMismatch: 0, invalid: 0, kept: 0 };
  private mode: LocationMode;
  private isDocked = true;
  private on = true;
  private streamingOn = false;
  private rec: Open | undefined;
  private history: GnssFix[] = [];
  private mismatching = false;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly gnss: Gnss,
    private readonly clock: Clock,
    profile: { location: { mode: LocationMode } },
    private readonly sink: LocationSink,
    private readonly log: Log,
  ) {
    this.mode = profile.location.mode;
    this.unsubscribe = gnss.onFix((fix) => { if (fix) this.onFix(fix); });
  }

  /** Whether the receiver is wanted now (the runtime passes it to Power.load({ location })). */
  get locationOn(): boolean {
    return !this.closed && receiverWanted({ mode: this.mode, on: this.on, docked: this.isDocked, recording: this.rec !== undefined, streaming: this.streamingOn });
  }

  /** A new profile (at dock). */
  setProfile(profile: { location: { mode: LocationMode } }): Promise<void> { this.mode = profile.location.mode; return this.apply(); }
  docked(): Promise<void> { return this.docked2(true); }
  undocked(): Promise<void> { return this.docked2(false); }
  /** The camera turned on or off (safe mode counts as off). */
  power(on: boolean): Promise<void> { this.on = on; return this.apply(); }
  streaming(on: boolean): Promise<void> { this.streamingOn = on; return this.apply(); }

  /**
   * A recording began (after EvidenceSink.begin resolved): `triggerOnMs` and `startMs` (media
   * start including the prebuffer) in wall-clock ms. Prebuffer fixes from the history join the
   * trail, and the trigger-on location is written as soon as it is known.
   */
  async recordingStarted(triggerOnMs: number, startMs: number): Promise<void> {
    this.rec = { triggerOnMs, startMs, onDone: false, offMs: undefined, offDone: false, lastTrail: undefined, trailCount: 0 };
    await this.apply();
    const r = this.rec;
    const before = this.history.filter((f) => f.timeMs <= triggerOnMs).at(-1);
    const on = nearestFix(before, undefined, triggerOnMs);
    if (on) await this.put({ kind: 'trigger-on', point: point(on) });
    for (const f of this.history) if (f.timeMs >= startMs) await this.trail(r, f);
  }

  /**
   * The trigger stopped the recording at `triggerOffMs`: the trigger-off location is the nearest
   * fix either side. Called at the trigger (the postbuffer still runs: a nearer fix after it is
   * written when it comes, and the last written wins) or at the recording's end (the history
   * already holds fixes on both sides).
   */
  async recordingStopped(triggerOffMs: number): Promise<void> {
    const r = this.rec;
    if (!r || r.offMs !== undefined) return;
    r.offMs = triggerOffMs;
    const after = this.history.find((f) => f.timeMs > triggerOffMs);
    if (after) r.offDone = true;
    const off = nearestFix(this.history.filter((f) => f.timeMs <= triggerOffMs).at(-1), after, triggerOffMs);
    if (off) await this.put({ kind: 'trigger-off', point: point(off) });
  }

  /** The recording is closed (EvidenceSink.end resolved): nothing more is kept for it. */
  async recordingClosed(): Promise<void> {
    this.rec = undefined;
    await this.chain;
    await this.apply();
  }

  /** Stop listening and power the receiver down. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await this.chain;
    await this.gnss.stop();
  }

  private docked2(d: boolean): Promise<void> { this.isDocked = d; if (d) this.history = []; return this.apply(); }

  private async apply(): Promise<void> {
    const want = this.locationOn;
    if (want === this.gnss.running) return;
    try {
      if (want) await this.gnss.start(); else await this.gnss.stop();
      this.log.info('location', `GNSS receiver ${this.gnss.name} ${want ? 'on' : 'off'} (mode ${this.mode})`);
    } catch (e) {
      this.log.warn('location', `GNSS receiver ${this.gnss.name} not turned ${want ? 'on' : 'off'}: ${(e as Error).message}`);
    }
  }

  private onFix(fix: GnssFix): void {
    const verdict = judgeFix(fix, this.clock.now());
    if (verdict !== 'ok') {
      if (verdict === 'invalid') { this.stats.invalid++; return; }
      this.stats.clockMismatch++;
      if (!this.mismatching) this.log.warn('location', `GNSS fix at ${new Date(fix.timeMs).toISOString()} not used: the camera's clock reads ${new Date(this.clock.now()).toISOString()} (a wrong system time means no location)`);
      this.mismatching = true;
      return;
    }
    if (this.mismatching) this.log.info('location', 'GNSS time and the camera clock agree again: fixes used');
    this.mismatching = false;
    this.stats.fixes++;
    const last = this.history.at(-1);
    if (!last || fix.timeMs - last.timeMs >= 1000) {
      this.history.push(fix);
      while (this.history.length > 0 && fix.timeMs - this.history[0]!.timeMs > HISTORY_MS) this.history.shift();
    }
    const r = this.rec;
    if (!r) return;
    const before = this.history.filter((f) => f.timeMs <= r.triggerOnMs && f !== fix).at(-1);
    if (!r.onDone && fix.timeMs > r.triggerOnMs) {
      r.onDone = true;
      const best = nearestFix(before, fix, r.triggerOnMs);
      if (best === fix) void this.put({ kind: 'trigger-on', point: point(fix) });
    }
    if (r.offMs !== undefined && !r.offDone && fix.timeMs > r.offMs) {
      r.offDone = true;
      const prior = this.history.filter((f) => f.timeMs <= r.offMs! && f !== fix).at(-1);
      if (nearestFix(prior, fix, r.offMs) === fix) void this.put({ kind: 'trigger-off', point: point(fix) });
    }
    if (fix.timeMs >= r.startMs) void this.trail(r, fix);
  }

  private trail(r: Open, fix: GnssFix): Promise<void> {
    if (!trailTakes(r.lastTrail, r.trailCount, fix)) return Promise.resolve();
    r.lastTrail = fix;
    r.trailCount++;
    return this.put({ kind: 'trail', point: point(fix) });
  }

  /** Records go to the sink one after another, in the order decided. */
  private put(record: LocationRecord): Promise<void> {
    const next = this.chain.then(async () => {
      try {
        if (await this.sink.addLocation(record)) this.stats.kept++;
      } catch (e) {
        this.log.warn('location', `location ${record.kind} not kept: ${(e as Error).message}`);
      }
    });
    this.chain = next;
    return next;
  }
}

/**
 * The recorder's sink with location: begin() then recordingStarted, recordingStopped then end()
 * then recordingClosed. The runtime hands this to startRecorder instead of the EvidenceSink.
 */
export class LocatingSink implements RecordingSink {
  constructor(private readonly inner: RecordingSink, private readonly service: LocationService) {}

  async begin(meta: RecordingBegin): Promise<void> {
    await this.inner.begin(meta);
    await this.service.recordingStarted(meta.triggerOnTime, meta.startTime);
  }

  append(unit: AccessUnit): void | Promise<void> {
    return this.inner.append(unit);
  }

  async end(meta: RecordingEnd): Promise<void> {
    await this.service.recordingStopped(meta.triggerOffTime);
    try {
      await this.inner.end(meta);
    } finally {
      await this.service.recordingClosed();
    }
  }
}

export { TRIGGER_FIX_WINDOW_MS };
