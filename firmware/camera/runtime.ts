/**
 * The camera runtime: boots on a CameraHal, recovers recordings a power cut left open, records
 * (prebuffer, record button, dock/undock) encrypted to its storage, shows its state on the
 * indicators, and serves the controller of its system when docked (offload, custody).
 */
import type { CameraHal } from '../../hal/boards/contract.js';
import type { VideoStream } from '../../hal/video/contract.js';
import type { PowerState } from '../../hal/power/contract.js';
import { listRecordings, recoverRecordings, type ClipLimits, type RecoveryReport } from '../common/evidence/index.js';
import type { Log } from '../common/log.js';
import { startDockResponder, type DockResponder } from './dock-responder.js';
import { CameraEnrollment } from './enrollment.js';
import { EvidenceSink } from './evidence-sink.js';
import type { RecorderConfig } from './recorder/recorder-machine.js';
import { Recorder } from './recorder/recorder.js';
import { checkProfile, recorderConfigOf, type CameraProfile } from './profile/profile.js';
import { GestureRecognizer } from './controls/recognizer.js';
import type { Gesture } from './controls/gestures.js';
import { CameraBehaviour } from './camera-behaviour.js';
import { certificateStatus } from '../common/pki/certificate-status.js';

/** RAM set aside for the prebuffer ring by default. */
export const DEFAULT_PREBUFFER_MAX_BYTES = 64 * 1024 * 1024;

export interface CameraOptions {
  /**
   * The camera profile (manual: "Camera profile settings") as given by the system, checked
   * against this camera's model: a profile it cannot honour is refused with every reason
   * (ProfileError). Settings left out take their defaults.
   */
  profile?: unknown;
  /** Recorder settings over those the profile gives (tests, the simulator). */
  recorder?: Partial<RecorderConfig>;
  /** Clip limits (default 10 min / 512 MiB, see evidence-sink.ts). */
  clipLimits?: ClipLimits;
  /** Camera user id written into recordings (default none). */
  user?: string;
  /** Prebuffer ring byte bound (default 64 MiB). */
  prebufferMaxBytes?: number;
  /** Media ms between syncs of a recording (default 1000). */
  syncIntervalMs?: number;
  /** Plaintext bytes per chunk (default 1 MiB). */
  chunkSize?: number;
  /** IANA time zone written into recordings (default the runtime's). */
  timeZone?: string;
}

/** Recordings on the camera's storage by status. */
export interface StoredRecordings {
  /** Being written now (not offered for offload). */
  open: number;
  closed: number;
  interrupted: number;
}

export interface CameraRuntime {
  readonly dock: DockResponder;
  readonly enrollment: CameraEnrollment;
  /** The recorder (state, stats, prebuffer); undefined when the camera's video could not be opened. */
  readonly recorder: Recorder | undefined;
  /** Where recordings go: counters of recordings started, closed, refused, failed. */
  readonly sink: EvidenceSink;
  /** What boot-time recovery found. */
  readonly recovery: RecoveryReport;
  /** Button events seen since boot, for the rig and the simulator. */
  readonly buttonPresses: number;
  /** The profile in force (checked against the model). */
  readonly profile: CameraProfile;
  /** Gestures recognized since boot, oldest first (the last 100). */
  readonly gestures: readonly Gesture[];
  /** The camera's behaviour: its state (behaviour/camera-machine.ts), alerts played, bookmarks. */
  readonly behaviour: CameraBehaviour;
  /** Count the recordings on storage. */
  recordings(): Promise<StoredRecordings>;
  /** Resolves when the sink has taken everything the recorder queued so far. */
  settled(): Promise<void>;
  /** Orderly shutdown: a recording under way is closed (power off), then every driver released. */
  stop(): Promise<void>;
  /** Rejects when a device fails for good (buttons gone). */
  done: Promise<void>;
}

export async function startCamera(hal: CameraHal, log: Log, options: CameraOptions = {}): Promise<CameraRuntime> {
  let presses = 0;
  // A profile the camera cannot honour stops the boot with every reason (the system must not assign it).
  const profile = checkProfile(options.profile ?? {}, hal.identity.model);
  const recorderConfig: RecorderConfig = { ...recorderConfigOf(profile), ...options.recorder };
  const gestureLog: Gesture[] = [];
  let fail!: (e: Error) => void;
  const done = new Promise<void>((_, reject) => { fail = reject; });
  done.catch(() => {});
  let recorder: Recorder | undefined;
  let docked: boolean | undefined;
  let video: VideoStream | undefined;
  // The image sensor runs only while undocked (prebuffer, recording): docked, nothing records.
  let sensorChain = Promise.resolve();
  const sensor = (on: boolean) => {
    sensorChain = sensorChain.then(async () => {
      if (!video) return;
      if (on && video.state !== 'running') await video.start();
      else if (!on && video.state === 'running') await video.stop();
    }).catch((e: Error) => log.warn('video', `camera ${on ? 'start' : 'stop'} failed: ${e.message}`));
  };
  // The camera's behaviour (states, LEDs, alerts) decides; the recorder records.
  const behaviour = new CameraBehaviour({ clock: hal.clock, indicators: hal.indicators, log, profile, assigned: Boolean(options.user), sensor, recorder: recorderConfig,
    bookmark: (wallMs) => { void sink.bookmark(wallMs); },
    load: (load) => hal.power.load?.(load),
  });
  let charging: PowerState['charging'] | undefined;
  /** The camera's certificate is valid on its clock now (an unadopted camera has none to expire). */
  const certificateValid = (): boolean => {
    const c = enrollment.current;
    const v = c ? certificateStatus(c.certPem, c.caCertPem, hal.clock.now()).kind : 'valid';
    return v === 'valid' || v === 'about-to-expire';
  };

  const unpower = hal.power.watch((r) => {
    if (r.kind === 'error') {
      log.warn('power', r.error.message);
      return;
    }
    const s = r.state;
    log.debug('power', `battery ${s.level}% ${s.charging}${s.dockContact ? ', docked' : ''}`);
    if (recorder && docked !== undefined && s.dockContact !== docked) {
      docked = s.dockContact;
      if (docked) recorder.dock(); else recorder.undock();
      log.info('recorder', `${docked ? 'docked' : 'undocked'}: recorder ${recorder.state.kind}`);
      if (docked) {
        // Manual: a camera whose certificate expired enters safe mode the next time it is docked.
        if (!certificateValid()) behaviour.input({ kind: 'certificate-expired' });
      }
      behaviour.input({ kind: docked ? 'dock' : 'undock' });
    }
    if (s.charging !== charging) {
      charging = s.charging;
      behaviour.input({ kind: 'charge', charging: s.charging });
    }
    behaviour.battery(s.dockContact || s.charging === 'charging' || s.charging === 'full' ? undefined : s.minutesToEmpty);
  });
  const unbutton = hal.buttons.onButton((ev) => {
    if (ev.action === 'press') presses++;
    log.debug('buttons', `${ev.button} ${ev.action} at ${ev.at.toFixed(0)} ms`);
  });
  // Raw button edges become gestures (debounce, single/double press, hold, chords) in one place.
  const gestures = new GestureRecognizer({
    clock: hal.clock,
    settings: {
      activation: recorderConfig.activation === 'double-press' ? 'double' : 'single',
      disableMainRecordButton: profile.miniCube.disableMainRecordingButton,
      cubeConnected: false,
      evaluationGesture: /^W10[01]$/.test(hal.identity.model) ? 'function+record' : 'power',
    },
  });
  gestures.attach(hal.buttons);
  gestures.onGesture((g) => {
    gestureLog.push(g);
    if (gestureLog.length > 100) gestureLog.shift();
    log.debug('buttons', `gesture ${g.kind}${'source' in g ? ` (${g.source})` : ''} at ${g.at.toFixed(0)} ms`);
    if ((g.kind === 'press' || g.kind === 'double-press') && (g.source === 'record' || g.source === 'cube-record')) {
      if (recorder?.state.kind === 'idle' && !enrollment.current) {
        log.warn('recorder', 'record pressed but not recording: the camera is not adopted into a system, so it has no key to seal recordings to');
        return;
      }
      behaviour.input({ kind: 'gesture', gesture: { kind: 'record', presses: g.kind === 'press' ? 1 : 2, source: g.source === 'record' ? 'camera' : 'mini-sensor' } });
    } else if (g.kind === 'hold' && g.source === 'power') {
      powerButton();
    } else if (g.kind === 'evaluation-check') behaviour.input({ kind: 'gesture', gesture: { kind: 'evaluation-check' } });
    else if (g.kind === 'reset') behaviour.input({ kind: 'gesture', gesture: { kind: 'evaluation-reset' } });
    else if (g.kind === 'reset-window-closed') behaviour.input({ kind: 'evaluation-window-closed' });
  });
  /**
   * Holding the power button turns the camera off (a recording stops, the sensor goes off, the
   * LEDs go dark) and, held again, on: it boots again as from power on (always record resumes).
   */
  const powerButton = () => {
    if (behaviour.state.kind !== 'off') {
      log.info('camera', 'power button held: turning off');
      behaviour.input({ kind: 'power-off' });
      if (recorder && recorder.state.kind !== 'off') recorder.stop('power-off');
      for (const led of Object.keys(hal.indicators.capabilities().leds)) hal.indicators.setLed(led, { kind: 'off' }).catch(() => undefined);
      return;
    }
    log.info('camera', 'power button held: turning on');
    behaviour.input({ kind: 'power-on' });
    recorder?.boot(docked ?? false);
    behaviour.input({ kind: 'boot-done', docked: docked ?? false, certificateValid: certificateValid(), assigned: Boolean(options.user) });
  };
  const unclose = hal.buttons.onClose((err) => { if (err) fail(err); });

  const enrollment = new CameraEnrollment({ storage: hal.storage, clock: hal.clock, serial: hal.identity.serial, log });
  await enrollment.load();

  // Recordings a power cut left open become interrupted before anything is recorded or served.
  let recovery: RecoveryReport;
  try {
    recovery = await recoverRecordings(hal.storage);
    for (const r of recovery.recovered) log.info('recorder', `recovered recording ${r.idHex}: ${r.status}, ${r.chunkCount} chunks${r.tornBytes ? `, ${r.tornBytes} torn bytes ignored` : ''}`);
    for (const u of recovery.unreadable) log.warn('recorder', `recording ${u.idHex} unreadable, left on storage: ${u.error.message}`);
  } catch (e) {
    recovery = { recovered: [], unreadable: [], removed: [] };
    log.warn('recorder', `recovery of recordings failed: ${(e as Error).message}`);
  }

  const sink = new EvidenceSink({
    storage: hal.storage, clock: hal.clock, log, cameraSerial: hal.identity.serial,
    evidencePublicKey: () => {
      const hex = enrollment.current?.evidencePublicKey;
      return hex ? Uint8Array.from(Buffer.from(hex, 'hex')) : undefined;
    },
    ...(options.user !== undefined ? { userId: options.user } : {}),
    ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
    ...(options.clipLimits !== undefined ? { clipLimits: options.clipLimits } : {}),
    ...(options.syncIntervalMs !== undefined ? { syncIntervalMs: options.syncIntervalMs } : {}),
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
  });

  try {
    video = await hal.video.open();
    const power = await hal.power.read().catch((e: Error) => {
      log.warn('power', `dock contact unknown at boot (${e.message}): assuming undocked`);
      return undefined;
    });
    docked = power?.dockContact ?? false;
    recorder = new Recorder({
      video, clock: hal.clock, sink, config: recorderConfig,
      prebufferMaxBytes: options.prebufferMaxBytes ?? DEFAULT_PREBUFFER_MAX_BYTES, docked,
      onIndicator: (on) => log.info('recorder', on ? 'recording' : 'recording stopped'),
      onBookmark: (at) => log.info('recorder', `bookmark at ${at.toFixed(0)} ms`),
      onSinkError: (e) => {
        log.warn('recorder', `recording ended: ${(e as Error).message}`);
        if ((e as { code?: string }).code === 'ENOSPC') behaviour.input({ kind: 'storage-full' });
      },
      onStateChange: (state, previous) => behaviour.recorderChanged(state, previous),
    });
    recorder.start();
    if (!docked) await video.start();
  } catch (e) {
    log.warn('video', `camera ${hal.video.name} unavailable, not recording: ${(e as Error).message}`);
    recorder?.close();
    recorder = undefined;
  }

  behaviour.attach(recorder);
  behaviour.input({ kind: 'power-on' });
  behaviour.input({ kind: 'boot-done', docked: docked ?? false, certificateValid: certificateValid(), assigned: Boolean(options.user) });

  const dock = startDockResponder({
    net: hal.net, clock: hal.clock, dockInterface: hal.dockInterface, identity: hal.identity, enrollment, storage: hal.storage, log,
  });
  return {
    dock,
    enrollment,
    get recorder() { return recorder; },
    sink,
    recovery,
    get buttonPresses() { return presses; },
    profile,
    gestures: gestureLog,
    behaviour,
    async recordings() {
      const counts: StoredRecordings = { open: 0, closed: 0, interrupted: 0 };
      for (const r of await listRecordings(hal.storage)) counts[r.status]++;
      return counts;
    },
    settled: () => recorder?.settled() ?? Promise.resolve(),
    done,
    async stop() {
      unpower();
      unbutton();
      gestures.close();
      behaviour.close();
      unclose();
      if (recorder) {
        const k = recorder.state.kind;
        if (k === 'recording' || k === 'postbuffer') recorder.stop('power-off');
        await recorder.settled();
        recorder.close();
      }
      await sensorChain;
      await video?.stop();
      await dock.stop();
    },
  };
}
