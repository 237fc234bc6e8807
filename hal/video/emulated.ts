/**
 * Emulated camera: loops an H.264 fixture at its frame rate in virtual time (ten hours of video
 * is just clock advancement). Control surface: stall the sensor, fail the capture, change rate.
 */
import type { Clock, Timer } from '../clock/contract.js';
import { HalError } from '../errors.js';
import {
  frameInterval,
  type AccessUnitListener, type VideoErrorListener, type VideoInfo, type VideoSource, type VideoStream,
  type VideoStreamState, type VideoStreamStats,
} from './contract.js';
import { UnitDelivery } from './delivery.js';
import { fixtureFromBytes, fixtureFromFile, type VideoFixture } from './fixture.js';
import { BandComposer, BandLayout, EmulatedOverlay } from './osd/emulated-osd.js';
import { audioFixture, type AudioFixture } from './audio-fixture.js';
import type { Microphone } from './contract.js';

export interface EmulatedCameraOptions {
  /** The device's clock (a VirtualClock of the world's Timeline). */
  clock: Clock;
  /** Device name for messages; the source is named `emulated:<name>`. Default 'camera'. */
  name?: string;
  /** H.264 Annex-B bytes to loop, e.g. embedded by a bundle. Default: the committed fixture. */
  fixture?: Uint8Array;
  /** Where to read the fixture when `fixture` is not given (default next to fixture.ts). */
  fixtureUrl?: URL;
  /** Nominal frame rate (default: the fixture's own, 30 for the committed one). */
  fps?: number;
  /**
   * Frames delivered together, as a capture pipeline that hands over a few frames at a time
   * (1-30, default 1: each frame at its own instant). Each unit keeps its own capture pts; a
   * larger burst makes long simulations cheaper (fewer timer instants) at the cost of up to
   * burst-1 frame times of delivery latency.
   */
  burstFrames?: number;
  /**
   * The camera has a microphone (default true): each picture carries the Opus packets captured
   * during it (a looping 440 Hz tone; silence while muted). False: pictures only.
   */
  microphone?: boolean;
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

export class EmulatedCamera implements VideoSource {
  readonly name: string;
  readonly clock: Clock;
  /** Units over every stream of this camera. */
  readonly stats: VideoStreamStats = { produced: 0, delivered: 0, dropped: 0 };
  private fixture: VideoFixture | undefined;
  private fps: number | undefined;
  private isFrozen = false;
  private pendingFailure: HalError | undefined;
  private running = new Set<EmulatedVideoStream>();

  constructor(private readonly options: EmulatedCameraOptions) {
    if (!options || typeof options.clock?.setInterval !== 'function') {
      throw new TypeError('EmulatedCamera: options.clock must be a Clock');
    }
    this.clock = options.clock;
    this.name = `emulated:${options.name ?? 'camera'}`;
    if (options.fps !== undefined) {
      frameInterval(options.fps, this.name);
      this.fps = options.fps;
    }
    const camera = this;
    this.microphone = options.microphone === false ? undefined : {
      get muted() { return camera.isMuted; },
      setMuted(muted: boolean) {
        if (typeof muted !== 'boolean') throw new TypeError(`${camera.name} microphone: setMuted expects true or false, got ${JSON.stringify(muted)}`);
        camera.isMuted = muted;
      },
    };
    const b = options.burstFrames ?? 1;
    if (!Number.isInteger(b) || b < 1 || b > 30) throw new RangeError(`${this.name}: burstFrames must be a whole number 1-30, got ${b}`);
    this.burstFrames = b;
  }

  /** Frames handed over per delivery instant. */
  readonly burstFrames: number;

  private display: EmulatedOverlay | null | undefined;
  private sound: AudioFixture | undefined;
  private isMuted = false;

  /** The microphone (undefined with `microphone: false`): muted, the pictures carry silence. */
  readonly microphone: Microphone | undefined;

  /** @internal The packets of fixture unit `i`, or undefined without a microphone. */
  audioOf(i: number): AudioFixture['sound'][number] | undefined {
    const s = this.sound;
    return s ? (this.isMuted ? s.muted[i] : s.sound[i]) : undefined;
  }

  /**
   * The encoder's on-screen display: text burned into the fixture's bottom band (the committed
   * fixture has one, two lines of 40 characters). Undefined for a fixture without a band slice,
   * or one that cannot be read.
   */
  get overlay(): EmulatedOverlay | undefined {
    if (this.display === undefined) {
      try {
        this.display = new EmulatedOverlay(BandLayout.of(this.loadFixture()));
      } catch {
        this.display = null;
      }
    }
    return this.display ?? undefined;
  }

  /** @internal The display once the firmware has used it (streams leave the fixture alone until then). */
  get usedOverlay(): EmulatedOverlay | undefined {
    return this.display ?? undefined;
  }

  private loadFixture(): VideoFixture {
    this.fixture ??= this.options.fixture
      ? fixtureFromBytes(this.options.fixture)
      : fixtureFromFile(this.options.fixtureUrl);
    return this.fixture;
  }

  async open(): Promise<VideoStream> {
    await tick();
    this.takeFailure();
    this.fixture = this.loadFixture();
    if (this.microphone) this.sound ??= audioFixture(this.fixture.units.length, 1000 / this.fixture.info.fps);
    const info: VideoInfo = { ...this.fixture.info, fps: this.options.fps ?? this.fixture.info.fps, ...(this.sound ? { audio: this.sound.info } : {}) };
    this.fps ??= info.fps;
    return new EmulatedVideoStream(this, this.fixture, info);
  }

  // --- control surface (tests, rigs, simulator) ---

  /** Sensor stall: running streams produce nothing until resume(). Their pts then jump. */
  freeze(): void {
    this.isFrozen = true;
    for (const s of this.running) s.disarm();
  }

  /** The sensor delivers again, the first frame one interval after now. */
  resume(): void {
    if (!this.isFrozen) return;
    this.isFrozen = false;
    for (const s of this.running) s.arm();
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /**
   * The sensor's real frame rate changes (low light) from now on; streams keep their nominal
   * info.fps, units carry the real interval as duration.
   */
  setFrameRate(fps: number): void {
    frameInterval(fps, `${this.name} setFrameRate`);
    this.fps = fps;
    for (const s of this.running) {
      if (!this.isFrozen) s.arm();
    }
  }

  /** Real frame rate now (after open(), the nominal one unless setFrameRate() changed it). */
  get frameRate(): number | undefined {
    return this.fps;
  }

  /** Capture fails now on every running stream: an 'ECAPTURE' HalError with `message`. */
  fail(message = 'sensor stopped responding'): void {
    const error = new HalError('ECAPTURE', `${this.name}: capture failed: ${message}`);
    for (const s of [...this.running]) s.failWith(error);
  }

  /** The next open() or start() rejects with `error` instead of succeeding. */
  failNext(error: HalError): void {
    this.pendingFailure = error;
  }

  /** Streams capturing now. */
  get runningStreams(): number {
    return this.running.size;
  }

  /** @internal */
  takeFailure(): void {
    const e = this.pendingFailure;
    this.pendingFailure = undefined;
    if (e) throw e;
  }

  /** @internal */
  frameMs(): number {
    return 1000 / (this.fps ?? 30);
  }

  /** @internal */
  setRunning(stream: EmulatedVideoStream, running: boolean): void {
    if (running) this.running.add(stream);
    else this.running.delete(stream);
  }
}

class EmulatedVideoStream implements VideoStream {
  private delivery: UnitDelivery;
  private current: VideoStreamState = 'idle';
  private timer: Timer | undefined;
  /** Index of the next fixture unit to play. */
  private cursor = 0;
  /** Bumped by stop() and failures so a start() in flight knows it was overtaken. */
  private run = 0;
  /** What this stream's decoder shows of the camera's display, once the firmware uses it. */
  private composer: BandComposer | undefined;

  constructor(private readonly camera: EmulatedCamera, private readonly fixture: VideoFixture, readonly info: VideoInfo) {
    this.delivery = new UnitDelivery(camera.stats);
  }

  get state(): VideoStreamState { return this.current; }
  get stats(): VideoStreamStats { return this.delivery.stats; }
  get lastError(): HalError | undefined { return this.delivery.lastError; }

  onAccessUnit(listener: AccessUnitListener): () => void {
    return this.delivery.onAccessUnit(listener);
  }

  onError(listener: VideoErrorListener): () => void {
    return this.delivery.onError(listener);
  }

  async start(): Promise<void> {
    if (this.current === 'running') return;
    const run = ++this.run;
    await tick();
    if (run !== this.run) return;
    this.camera.takeFailure();
    // An encoder (re)starts with an IDR: play from the next keyframe of the loop.
    const units = this.fixture.units;
    for (let i = 0; i < units.length && !units[this.cursor]!.keyframe; i++) this.cursor = (this.cursor + 1) % units.length;
    this.current = 'running';
    this.delivery.restart();
    this.camera.setRunning(this, true);
    if (!this.camera.frozen) this.arm();
  }

  stop(): Promise<void> {
    this.run++;
    if (this.current === 'running') this.current = 'stopped';
    this.delivery.halt();
    this.disarm();
    this.camera.setRunning(this, false);
    return tick();
  }

  /** (Re)start the frame timer at the camera's current rate. */
  arm(): void {
    this.disarm();
    const burst = this.camera.burstFrames;
    this.timer = this.camera.clock.setInterval(() => {
      for (let i = burst - 1; i >= 0 && this.timer; i--) this.frame(i);
    }, this.camera.frameMs() * burst);
  }

  disarm(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  failWith(error: HalError): void {
    this.run++;
    this.delivery.halt();
    this.disarm();
    this.current = 'failed';
    this.camera.setRunning(this, false);
    process.nextTick(() => this.delivery.fail(error));
  }

  /** Deliver the next frame, captured `framesAgo` frame times before now (a burst's earlier frames). */
  private frame(framesAgo = 0): void {
    const units = this.fixture.units;
    const index = this.cursor;
    const unit = units[index]!;
    this.cursor = this.cursor + 1 === units.length ? 0 : this.cursor + 1;
    const display = this.camera.usedOverlay;
    if (display && !this.composer && display.layout.fixture === this.fixture) this.composer = new BandComposer(display);
    // One object shape for every unit (audio undefined without a microphone): a spread here made
    // each unit a dictionary object, slow in every consumer.
    this.delivery.deliver({
      data: this.composer ? this.composer.unit(index) : unit.data,
      keyframe: unit.keyframe,
      pts: this.camera.clock.monotonic() - framesAgo * this.camera.frameMs(),
      duration: this.camera.frameMs(),
      sequence: this.delivery.nextSequence(),
      audio: this.camera.audioOf(index),
    });
  }
}
