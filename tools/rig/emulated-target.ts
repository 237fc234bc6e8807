/**
 * The rig's emulated target: one emulated World in virtual time with a docking station on port 1,
 * an emulated camera board and camera runtime per declared device, adopted directly by the rig
 * acting as the system authority (no controller needed to record).
 */
import { X509Certificate } from 'node:crypto';
import { World } from '../../hal/world/world.js';
import { checkConfig } from '../../hal/boards/config.js';
import { board as cameraBoard, openEmulatedCamera, type EmulatedCameraHal } from '../../hal/boards/emulated-camera.js';
import type { LedPattern } from '../../hal/indicators/contract.js';
import type { Storage } from '../../hal/storage/contract.js';
import { EmulatedStorage } from '../../hal/storage/emulated.js';
import { storedRecordings } from './stored-recordings.js';
import { storedRecordingClips } from './recording-video.js';
import { readOverlayFrames } from '../video/read-overlay.js';
import { readAudioLevels } from '../video/read-audio.js';
import type { SystemKeyPair } from '../../firmware/common/evidence/envelope.js';
import { storedRecordingLocations, type RigRecordingLocation } from './recording-location.js';
import { RigGnss } from './gnss-steps.js';
import { logger, silentLog, type Log } from '../../firmware/common/log.js';
import { ActivationKit } from '../../hal/radio/activation-kit.js';
import { radioMediumOf } from '../../hal/radio/medium.js';
import { holsterWorldOf } from '../../hal/holster/emulated.js';
import { startCamera, type CameraOptions, type CameraRuntime } from '../../firmware/camera/runtime.js';
import { SystemAuthority } from '../../firmware/controller/system-authority.js';
import { REPORTABLE_CAMERA_STATES, cameraState } from './camera-state.js';
import type { Action, DeviceDecl } from './scenario.js';
import { applyCubeStep, cubeLed, CUBE_LED, isCubeStep } from './cube-steps.js';
import type { Answer, RigRecording, RigState, RigTarget } from './target.js';

export const RIG_SYSTEM_ID = 'rig-system';
export const RIG_STATION = 'station-1';
/** Wall clock at scenario time 0 (devices' recordings carry it). */
export const RIG_EPOCH = Date.UTC(2026, 10, 23, 7);
/** How long a `press` holds the button down. */
export const PRESS_MS = 100;

interface RigCamera {
  decl: DeviceDecl;
  hal: EmulatedCameraHal;
  options: CameraOptions;
  log: Log;
  runtime: CameraRuntime | undefined;
  storage: Storage;
  /** Holster sensors the rig's system paired with the camera's user ("pair" steps). */
  pairings: string[];
  /** The profile the rig's system assigns ("assign" steps), as JSON; '' = the camera keeps its own. */
  profileJson: string;
  /** The camera's answer to the rig's last assignment. */
  answer?: { accepted: boolean; reason?: string };
}

export interface EmulatedTargetOptions {
  /** Device logs on stderr (debug lines included). Default quiet. */
  verbose?: boolean;
  /** Where device log lines go when verbose (default stderr). */
  write?: (line: string) => void;
}


/** The emulated sensor hands over 3 frames (100 ms) at a time: hours of scenario run faster; each frame keeps its capture time. */
export const VIDEO_BURST_FRAMES = 3;

export class EmulatedRigTarget implements RigTarget {
  readonly description = 'emulated world (virtual time)';
  readonly world = new World({ seed: 1, epoch: RIG_EPOCH });
  private cameras = new Map<string, RigCamera>();
  /** Activation kits switched on by "kit" steps. */
  private kits = new Map<string, ActivationKit>();
  private authority: SystemAuthority | undefined;
  private base = 0;
  /** Failures of button gestures still under way, reported at the next settle. */
  private failures: Error[] = [];
  /** GNSS steps: sky, outages, walks. */
  private readonly gnss = new RigGnss(this.world);

  constructor(private readonly options: EmulatedTargetOptions = {}) {
    this.world.docks.addStation(RIG_STATION, 1);
  }

  /** Monotonic ms of the world's timeline at scenario time 0. */
  get originMs(): number { return this.base; }

  /** The runtime of a declared camera now (undefined while it is off). */
  runtimeOf(device: string): CameraRuntime | undefined {
    return this.camera(device).runtime;
  }

  /** The board of a declared device (tests reach the emulators through it). */
  hal(device: string): EmulatedCameraHal {
    return this.camera(device).hal;
  }

  async start(devices: readonly DeviceDecl[]): Promise<void> {
    if (devices.some((d) => d.adopted)) {
      this.authority = await SystemAuthority.open(new EmulatedStorage().mount(), RIG_SYSTEM_ID, this.world.timeline.epoch + this.world.timeline.time);
    }
    for (const decl of devices) {
      const hal = await openEmulatedCamera(checkConfig({ serial: decl.serial, model: decl.model, batteryPercent: decl.batteryPercent, videoBurstFrames: VIDEO_BURST_FRAMES }, cameraBoard.schema, `rig device ${decl.name}`), this.world);
      const log = this.options.verbose ? logger(decl.name, true, this.options.write) : silentLog;
      const options: CameraOptions = { recorder: { ...decl.recorder }, timeZone: 'UTC', ...(decl.profileDoc !== undefined ? { profile: decl.profileDoc } : {}), ...(decl.user !== undefined ? { user: decl.user } : {}), ...(decl.userName !== undefined ? { userName: decl.userName } : {}) };
      const cam: RigCamera = { decl, hal, options, log, runtime: undefined, storage: hal.storage, pairings: [], profileJson: '' };
      this.cameras.set(decl.name, cam);
      this.world.setPosition(decl.serial, decl.position ?? { x: 0, y: 0 });
      cam.runtime = await startCamera(hal, log, options);
      await cam.runtime.enrollment.ready();
      if (!cam.runtime.recorder) throw new Error(`${decl.name}: the camera's video could not be opened, so it cannot record (run with --verbose for the reason)`);
      if (decl.adopted) await this.adopt(cam, cam.runtime);
      if (decl.docked) this.dock(cam);
    }
    await this.settle();
    this.base = this.world.timeline.time;
  }

  async advanceTo(ms: number): Promise<void> {
    await this.world.timeline.advanceTo(this.base + ms);
  }

  async apply(action: Action): Promise<void> {
    if (action.kind === 'wait') return;
    if (action.kind === 'kit' || action.kind === 'radio-loss' || action.kind === 'holster') return this.applyWorld(action);
    if (action.kind === 'gnss' || action.kind === 'walk') {
      const c = this.camera(action.device);
      return this.gnss.apply(c.decl.serial, c.hal.emulators.gnssReceiver, action);
    }
    const cam = this.camera(action.device);
    const buttons = cam.hal.emulators.buttons;
    const track = (p: Promise<void>) => { p.catch((e: Error) => this.failures.push(e)); };
    if (isCubeStep(action)) return applyCubeStep(cam.decl.name, cam.hal.emulators.cube, action, PRESS_MS, track);
    switch (action.kind) {
      case 'press': track(buttons.tap(action.buttons, PRESS_MS)); return;
      case 'double-press': track(buttons.doublePress(action.buttons)); return;
      case 'hold':
        if (action.forMs !== undefined) track(buttons.tap(action.buttons, action.forMs));
        else buttons.press(action.buttons);
        return;
      case 'release': buttons.release(action.buttons); return;
      case 'dock': this.dock(cam, action.bay); return;
      case 'undock': this.world.docks.undock(cam.decl.serial); return;
      case 'battery': cam.hal.emulators.power.setLevel(action.percent); return;
      case 'storage': cam.hal.emulators.medium.setUsedPercent(action.usedPercent); return;
      case 'clock': {
        const clock = cam.hal.emulators.clock;
        clock.setWallClock(clock.now() + action.forwardMs);
        return;
      }
      case 'power-cut': {
        const runtime = this.running(cam, 'power-cut');
        cam.hal.emulators.medium.cutPower();
        runtime.recorder?.powerCut();
        cam.runtime = undefined;
        await runtime.stop();
        return;
      }
      case 'power-off': {
        const runtime = this.running(cam, 'power-off');
        cam.runtime = undefined;
        await runtime.stop();
        return;
      }
      case 'move': this.gnss.stopWalk(cam.decl.serial); this.world.setPosition(cam.decl.serial, { x: action.x, y: action.y }); return;
      case 'motion': track(cam.hal.emulators.imu.playNamed(action.trace).then(() => undefined)); return;
      case 'pair': {
        const runtime = this.running(cam, 'pair');
        if (!cam.pairings.includes(action.serial)) cam.pairings.push(action.serial);
        if (cam.pairings.length > 2) throw new Error(`pair: ${cam.decl.name}'s user already has 2 holster sensors (${cam.pairings.slice(0, 2).join(', ')}): expected at most 2`);
        await this.assign(cam, runtime);
        return;
      }
      case 'self-assign': {
        const runtime = this.running(cam, 'self-assign');
        if (!this.world.docks.bayOf(cam.decl.serial)) throw new Error(`self-assign: ${cam.decl.name} is not docked; a controller self-assigns only cameras in their bays`);
        await this.assign(cam, runtime, { selfAssignment: true });
        return;
      }
      case 'assign': {
        const runtime = this.running(cam, 'assign');
        const before = cam.profileJson;
        cam.profileJson = JSON.stringify(action.profileDoc ?? {});
        // A refused profile is not kept: the system's next assignment sends the one the camera has.
        if (!(await this.assign(cam, runtime, { refusalIsAnswer: true }))) cam.profileJson = before;
        return;
      }
      case 'power-on': {
        if (cam.runtime) throw new Error(`power-on: ${cam.decl.name} is already on`);
        cam.storage = cam.hal.emulators.medium.mount();
        cam.runtime = await startCamera({ ...cam.hal, storage: cam.storage }, cam.log, cam.options);
        await cam.runtime.enrollment.ready();
        return;
      }
    }
  }

  /** Actions on the world rather than a camera: activation kits, the radio medium, holster sensors. */
  private async applyWorld(action: Extract<Action, { kind: 'kit' | 'radio-loss' | 'holster' }>): Promise<void> {
    switch (action.kind) {
      case 'kit': {
        let kit = this.kits.get(action.name);
        if (!action.on) {
          if (!kit) throw new Error(`kit ${action.name} off: it was never switched on`);
          kit.stop();
          return;
        }
        if (!this.authority) throw new Error(`kit ${action.name}: the rig's system has no broadcast key (declare an adopted camera)`);
        if (!kit) {
          kit = new ActivationKit(this.world, { serial: action.name, systemId: RIG_SYSTEM_ID, key: this.authority.wirelessBroadcastKey, position: { x: action.x, y: action.y }, range: action.range });
          this.kits.set(action.name, kit);
        } else {
          kit.move({ x: action.x, y: action.y });
          kit.setRange(action.range);
        }
        return kit.start();
      }
      case 'radio-loss': radioMediumOf(this.world).setLoss(action.percent / 100); return;
      case 'holster': {
        const h = holsterWorldOf(this.world);
        if (action.op === 'add') h.addSensor(action.serial, { x: action.x, y: action.y }, { powered: true });
        else if (action.op === 'move') h.move(action.serial, { x: action.x, y: action.y });
        else if (action.op === 'unholster') h.unholster(action.serial);
        else if (action.op === 'holster') h.holster(action.serial);
        else if (action.op === 'power-on') h.powerOn(action.serial);
        else h.powerOff(action.serial);
      }
    }
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (const c of this.cameras.values()) await c.runtime?.settled();
    }
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  async state(device: string, asked?: string): Promise<RigState> {
    const cam = this.camera(device);
    return { state: cameraState({ runtime: cam.runtime, docked: this.world.docks.bayOf(cam.decl.serial) !== undefined }, asked), reportable: REPORTABLE_CAMERA_STATES };
  }

  async led(device: string, led: string): Promise<Answer<{ pattern: LedPattern; litColor: string | null }>> {
    if (led === CUBE_LED) return cubeLed(this.camera(device).hal.emulators.cube);
    const ind = this.camera(device).hal.emulators.indicators;
    const cur = ind.current().leds[led];
    if (!cur) throw new Error(`${device} has no LED ${JSON.stringify(led)}; LEDs: ${Object.keys(ind.current().leds).join(', ')}`);
    return { supported: true, value: { pattern: cur.pattern, litColor: ind.colorAt(led) } };
  }

  async recordings(device: string): Promise<Answer<RigRecording[]>> {
    const cam = this.camera(device);
    // While the camera is off its flash is read as it is (a fresh view of the medium).
    const storage = cam.runtime ? cam.storage : cam.hal.emulators.medium.mount();
    return { supported: true, value: await storedRecordings(storage) };
  }

  /** Bookmarks made since the camera last booted. */
  async bookmarks(device: string): Promise<Answer<number>> {
    return { supported: true, value: this.camera(device).runtime?.behaviour.bookmarks.length ?? 0 };
  }

  /** Alerts played since the camera last booted, oldest first. */
  async alerts(device: string): Promise<Answer<string[]>> {
    return { supported: true, value: this.camera(device).runtime?.behaviour.alerts.map((a) => a.kind) ?? [] };
  }

  /** Each recording's location, opened with the rig's system key as a controller opens it for upload. */
  async recordingLocations(device: string): Promise<Answer<RigRecordingLocation[]>> {
    const { cam, storage, keys } = this.evidenceOf(device);
    const receiver = cam.hal.emulators.gnssReceiver;
    return { supported: true, value: await storedRecordingLocations(storage, keys, (p) => receiver.metresOf(p)) };
  }

  /** The camera's storage (mounted anew while it is off) and the rig's system key pair that opens its recordings. */
  private evidenceOf(device: string): { cam: RigCamera; storage: Storage; keys: SystemKeyPair } {
    const cam = this.camera(device);
    if (!this.authority) throw new Error(`${device}: the rig's system has no evidence key to open recordings (declare an adopted camera)`);
    const storage = cam.runtime ? cam.storage : cam.hal.emulators.medium.mount();
    return { cam, storage, keys: { publicKey: this.authority.evidencePublicKey, privateKey: this.authority.evidencePrivateKey } };
  }

  /** Battery and free storage as the camera's runtime reports them at a dock (unknown while the camera is off). */
  async readiness(device: string): Promise<Answer<{ batteryPercent: number; storageFreePercent: number }>> {
    const runtime = this.camera(device).runtime;
    if (!runtime) throw new Error(`${device} is off: it reports its battery and storage only while on`);
    return { supported: true, value: await runtime.readiness() };
  }

  /** Silent mode as the camera's behaviour holds it (off while the camera is off). */
  async silent(device: string): Promise<Answer<boolean>> {
    return { supported: true, value: this.camera(device).runtime?.behaviour.state.ctx.silent ?? false };
  }

  /** Vibration and sound patterns the camera's indicators started since the rig opened its board. */
  async feedback(device: string): Promise<Answer<number>> {
    const history = this.camera(device).hal.emulators.indicators.history();
    return { supported: true, value: history.filter((e) => (e.output === 'vibration' || e.output === 'sound') && e.pattern !== null).length };
  }

  async battery(device: string): Promise<Answer<number>> {
    return { supported: true, value: (await this.camera(device).hal.emulators.power.read()).level };
  }

  async close(): Promise<void> {
    for (const c of this.cameras.values()) {
      const r = c.runtime;
      c.runtime = undefined;
      await r?.stop().catch(() => {});
      await c.hal.close();
    }
    for (const k of this.kits.values()) await k.close();
    this.gnss.close();
  }

  private camera(device: string): RigCamera {
    const c = this.cameras.get(device);
    if (!c) throw new Error(`no device ${device}; devices: ${[...this.cameras.keys()].join(', ')}`);
    return c;
  }

  private running(cam: RigCamera, what: string): CameraRuntime {
    if (!cam.runtime) throw new Error(`${what}: ${cam.decl.name} is off; power it on first`);
    return cam.runtime;
  }

  private dock(cam: RigCamera, bay?: number): void {
    const station = this.world.docks.station(RIG_STATION);
    let b = bay;
    for (let i = 1; b === undefined && i <= station.bays; i++) if (!station.occupants.has(i)) b = i;
    if (b === undefined) throw new Error(`dock: every bay of ${RIG_STATION} is taken`);
    this.world.docks.dock(cam.decl.serial, RIG_STATION, b);
  }

  /** The rig as the system authority answers the camera's enrollment (what "Add cameras" does). */
  private async adopt(cam: RigCamera, runtime: CameraRuntime): Promise<void> {
    const authority = this.authority!;
    const now = cam.hal.clock.now();
    const raw = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
    const [key] = (await runtime.enrollment.answer({ kind: 'enrollmentRequest', systemId: RIG_SYSTEM_ID })) ?? [];
    if (key?.kind !== 'enrollmentKey') throw new Error(`${cam.decl.name}: the camera did not answer the enrollment request with its key`);
    const issued = authority.issueCamera(cam.decl.serial, key.publicKey, now);
    const [res] = (await runtime.enrollment.answer({
      kind: 'enrollment', systemId: RIG_SYSTEM_ID, certificate: raw(issued.certPem), caCertificate: raw(authority.ca.certPem), evidencePublicKey: authority.evidencePublicKey,
    })) ?? [];
    if (res?.kind !== 'enrollmentResult' || !res.accepted) throw new Error(`${cam.decl.name}: adoption into ${RIG_SYSTEM_ID} refused`);
    await this.assign(cam, runtime);
  }

  /**
   * The rig as the system assigns the camera (as a controller does at every dock): user, profile,
   * evaluation mode, broadcast key, holster pairings. A refusal fails the step unless it is the
   * answer the scenario asked for (an "assign" step); returns whether the camera accepted.
   */
  private async assign(cam: RigCamera, runtime: CameraRuntime, o: { refusalIsAnswer?: boolean; selfAssignment?: boolean } = {}): Promise<boolean> {
    const userId = cam.decl.user ?? '';
    const result = await runtime.assign({
      userId, userName: cam.decl.userName ?? '', profileJson: cam.profileJson, evaluationMode: cam.decl.evaluation ?? false, wirelessBroadcastKey: this.authority!.wirelessBroadcastKey,
      ...(o.selfAssignment ? { selfAssignment: true } : {}),
      ...(cam.pairings.length > 0 ? { holsterPairings: { userId, sensors: cam.pairings.map((serial) => ({ serial, pending: true })) } } : {}),
    });
    cam.answer = result.accepted ? { accepted: true } : { accepted: false, reason: result.error.message };
    if (!result.accepted && !o.refusalIsAnswer) throw new Error(`${cam.decl.name}: the camera refused the rig's assignment: ${result.error.message}`);
    return result.accepted;
  }

  async assignment(device: string): Promise<Answer<{ accepted: boolean; reason?: string }>> {
    const answer = this.camera(device).answer;
    if (!answer) throw new Error(`${device} has not been assigned by the rig's system (declare it adopted, or add an "assign" step)`);
    return { supported: true, value: answer };
  }

  /** Microphone mute as the camera's behaviour holds it (on while the camera is off). */
  async microphoneOff(device: string): Promise<Answer<boolean>> {
    return { supported: true, value: this.camera(device).runtime?.behaviour.state.ctx.microphoneOff ?? false };
  }

  /** Every 100 ms's sound level per recording (clips in order), decoded by ffmpeg from the clips opened with the rig's system key. */
  async recordingAudio(device: string): Promise<Answer<(number[] | null | undefined)[]>> {
    const { storage, keys } = this.evidenceOf(device);
    const out: (number[] | null | undefined)[] = [];
    for (const clips of await storedRecordingClips(storage, keys)) {
      if (!clips) { out.push(undefined); continue; }
      let levels: number[] | null = null;
      for (const clip of clips) {
        const l = await readAudioLevels(clip);
        if (l) levels = [...(levels ?? []), ...l];
      }
      out.push(levels);
    }
    return { supported: true, value: out };
  }

  /** Every picture's overlay text per recording, decoded by ffmpeg from the clips opened with the rig's system key. */
  async recordingOverlays(device: string): Promise<Answer<(string[][] | undefined)[]>> {
    const { storage, keys } = this.evidenceOf(device);
    const out: (string[][] | undefined)[] = [];
    for (const clips of await storedRecordingClips(storage, keys)) {
      if (!clips) { out.push(undefined); continue; }
      const frames: string[][] = [];
      for (const clip of clips) frames.push(...await readOverlayFrames(clip));
      out.push(frames);
    }
    return { supported: true, value: out };
  }
}
