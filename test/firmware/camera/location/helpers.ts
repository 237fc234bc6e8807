/**
 * Test helpers for location: a fake GNSS receiver reporting a fix a second from a track while
 * running (receiver UTC is the world's true time, whatever the camera's clock says), and a camera
 * rig of EvidenceSink + recorder + LocationService on emulated storage in virtual time.
 */
import type { Clock } from '../../../../hal/clock/contract.js';
import { Timeline, type VirtualClock } from '../../../../hal/clock/emulated.js';
import type { FixListener, Gnss, GnssAssistance, GnssFix, GnssStats } from '../../../../hal/gnss/contract.js';
import type { HalError } from '../../../../hal/errors.js';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { EmulatedCamera } from '../../../../hal/video/emulated.js';
import { generateSystemKeyPair, type SystemKeyPair } from '../../../../firmware/common/evidence/index.js';
import { silentLog, type Log } from '../../../../firmware/common/log.js';
import { EvidenceSink } from '../../../../firmware/camera/evidence-sink.js';
import { startRecorder, type Recorder } from '../../../../firmware/camera/recorder/recorder.js';
import { LocatingSink, LocationService } from '../../../../firmware/camera/location/location-service.js';
import type { LocationMode } from '../../../../firmware/camera/location/location-policy.js';

export type Track = (trueMs: number) => { latitude: number; longitude: number } | null;

/** A walk north from Stockholm's Sergels torg at about 3 m/s. */
export const walk = (t0: number): Track => (ms) => ({ latitude: 59.3326 + ((ms - t0) / 1000) * 3e-5, longitude: 18.0649 });

export class FakeGnss implements Gnss {
  readonly name = 'fake gnss';
  running = false;
  starts = 0;
  private readonly listeners = new Set<FixListener>();
  private timer: { cancel(): void } | undefined;
  private last: GnssFix | undefined;
  private readonly counts: GnssStats = { sentences: 0, dropped: 0, fixes: 0 };

  /** `trueClock` gives the receiver's UTC (satellite time). */
  constructor(private readonly trueClock: Clock, public track: Track) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.starts++;
    this.timer = this.trueClock.setInterval(() => {
      const at = this.trueClock.now();
      const pos = this.track(at);
      const fix: GnssFix | null = pos ? { timeMs: at, ...pos, accuracyM: 4.2, hdop: 0.9, satellites: 10, quality: 'gps' } : null;
      if (fix) { this.last = fix; this.counts.fixes++; }
      for (const l of this.listeners) l(fix);
    }, 1000);
  }
  async stop(): Promise<void> { this.running = false; this.timer?.cancel(); this.timer = undefined; }
  onFix(listener: FixListener): () => void { this.listeners.add(listener); return () => this.listeners.delete(listener); }
  lastFix(): GnssFix | undefined { return this.last; }
  async assist(_data: GnssAssistance): Promise<boolean> { return false; }
  stats(): GnssStats { return { ...this.counts }; }
  onClose(_listener: (error: HalError | undefined) => void): () => void { return () => undefined; }
  async close(): Promise<void> { await this.stop(); }
}

export interface LocationRig {
  timeline: Timeline;
  clock: VirtualClock;
  medium: EmulatedStorage;
  system: SystemKeyPair;
  sink: EvidenceSink;
  recorder: Recorder;
  gnss: FakeGnss;
  service: LocationService;
  warnings: string[];
}

/**
 * A camera with location `mode`, undocked (unless `docked`), whose wall clock is `clockErrorMs`
 * off the true time; 5 s prebuffer, `postbufferMs` postbuffer.
 */
export async function locationRig(o: { mode: LocationMode; epoch?: number; clockErrorMs?: number; docked?: boolean; postbufferMs?: number; system?: SystemKeyPair }): Promise<LocationRig> {
  const epoch = o.epoch ?? Date.UTC(2026, 10, 23, 8);
  const timeline = new Timeline({ epoch });
  const trueClock = timeline.clock();
  const clock = timeline.clock(o.clockErrorMs ?? 0);
  const medium = new EmulatedStorage({ name: 'cam1' });
  const storage = medium.mount();
  const system = o.system ?? await generateSystemKeyPair();
  const warnings: string[] = [];
  const log: Log = { ...silentLog, warn: (_ns: string, m: string) => { warnings.push(m); } };
  const sink = new EvidenceSink({
    storage, clock, log, cameraSerial: 'W100-0042', userId: 'officer-7', timeZone: 'Europe/Stockholm',
    evidencePublicKey: () => system.publicKey, clipLimits: { maxDurationMs: 10_000, maxBytes: 64 * 1024 * 1024 },
  });
  const gnss = new FakeGnss(trueClock, walk(epoch));
  const service = new LocationService(gnss, clock, { location: { mode: o.mode } }, sink, log);
  if (!o.docked) await service.undocked();
  const camera = new EmulatedCamera({ clock, name: 'cam1' });
  const video = await camera.open();
  const recorder = startRecorder({
    video, clock, sink: new LocatingSink(sink, service), prebufferMaxBytes: 8_000_000,
    config: { prebufferMs: 5_000, postbufferMs: o.postbufferMs ?? 3_000, alwaysRecord: false, activation: 'single-press' },
  });
  await video.start();
  return { timeline, clock, medium, system, sink, recorder, gnss, service, warnings };
}

/** Press record at `startS`, press again at `stopS` (seconds from now), and run past the postbuffer. */
export async function recordBetween(rig: LocationRig, startS: number, stopS: number): Promise<void> {
  await rig.timeline.advance(startS * 1000);
  rig.recorder.recordPress();
  await rig.recorder.settled();
  await rig.timeline.advance((stopS - startS) * 1000);
  rig.recorder.recordPress();
  await rig.recorder.settled();
  await rig.timeline.advance(10_000);
  await rig.recorder.settled();
}
