/**
 * The camera runtime: boots on a CameraHal, recovers recordings a power cut left open, records
 * (prebuffer, record button, dock/undock) encrypted to its storage, shows its state on the
 * indicators, and serves the controller of its system when docked (offload, custody).
 */
import type { CameraHal } from '../../hal/boards/contract.js';
import type { VideoStream } from '../../hal/video/contract.js';
import type { PowerLoad, PowerState } from '../../hal/power/contract.js';
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
import { CameraAssignmentStore, AssignmentRefusedError, type AppliedAssignment } from './assignment.js';
import type { CameraAssignment, CameraAssignmentResult } from '../../protocols/index.js';
import { removeAllRecordings } from './evaluation-reset.js';
import { HolsterService } from './holster/holster-service.js';
import { BroadcastService } from './broadcast/broadcast-service.js';
import { LocatingSink, LocationService } from './location/location-service.js';
import { FallWatch, fallWatchWanted } from './sensors/fall-watch.js';
import type { ModelName } from './profile/models.js';
import type { PairingIndication } from './holster/pairing-indication.js';
import { miniCubeServiceFor } from './mini-cube.js';
import { OverlayService } from './overlay.js';

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
  /** The camera user's name for the overlay (default none); the system's assignment takes its place. */
  userName?: string;
  /**
   * Camera user id written into recordings (default none). The system's assignment, once a
   * controller sent one at a dock, takes its place (and its profile the `profile` option's).
   */
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
  /** The system's assignment (user, profile, evaluation mode, broadcast key), when one came. */
  readonly assignment: AppliedAssignment | undefined;
  /** The user recordings are made for now ('' = unassigned). */
  readonly user: string;
  /** Battery and free storage now (what the camera reports at a dock for self-assign readiness). */
  readiness(): Promise<{ batteryPercent: number; storageFreePercent: number }>;
  /** Take the system's assignment, as at a dock (the dock session calls this; so does the HIL rig acting as the system). */
  assign(m: CameraAssignment): Promise<CameraAssignmentResult>;
  /** Unholster detection, on boards with a holster link. */
  readonly holster: HolsterService | undefined;
  /** Location by the profile's mode, on boards with a GNSS receiver. */
  readonly location: LocationService | undefined;
  /** Wireless broadcast and privacy zones, once the system's key came (undefined before). */
  readonly broadcast: BroadcastService | undefined;
  /** Pairing steps shown (holster icon or Wi-Fi LED), oldest first. */
  readonly holsterIndications: readonly PairingIndication[];
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
  const bootProfile = checkProfile(options.profile ?? {}, hal.identity.model);
  // What the system assigned at the last dock (user, profile, evaluation mode) wins over the boot options.
  const assignments = new CameraAssignmentStore({ storage: hal.storage, model: hal.identity.model, log });
  const assigned = await assignments.load();
  let profile = assigned?.profile ?? bootProfile;
  let user = assigned ? assigned.userId : options.user ?? '';
  let userName = assigned ? assigned.userName : options.userName ?? '';
  // The overlay (user name, user id, position, microphone off) burned into the video by the encoder.
  const overlay = new OverlayService(hal.video.overlay, profile.overlay, hal.gnss, hal.clock, log);
  overlay.update({ userId: user, userName });
  let recorderConfig: RecorderConfig = { ...recorderConfigOf(profile), ...options.recorder };
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
  // A mini cube sensor: its button records, and it shows the front recording indicator (mini-cube.ts).
  const miniCube = miniCubeServiceFor(hal.cube, hal.identity.model, log);
  // The camera's behaviour (states, LEDs, alerts) decides; the recorder records.
  const behaviour = new CameraBehaviour({ clock: hal.clock, indicators: miniCube?.indicators(hal.indicators) ?? hal.indicators, log, profile, assigned: user !== '', sensor, recorder: recorderConfig,
    bookmark: (wallMs) => { void sink.bookmark(wallMs); },
    load: (load) => { lastLoad = load; reportLoad(); },
    microphone: (off) => { hal.video.microphone?.setMuted(off); overlay.update({ microphoneOff: off }); },
    reset: () => void evaluationReset(),
  });
  let charging: PowerState['charging'] | undefined;
  // What is on, for the power source: the behaviour's mode plus the radios that cost extra.
  let lastLoad: PowerLoad = { mode: 'off' };
  const reportLoad = () => hal.power.load?.({ ...lastLoad, location: location?.locationOn ?? false, wireless: broadcast !== undefined && lastLoad.mode !== 'off' && usesWireless() });
  /** The radio listens or sends only for what the profile turns on. */
  const usesWireless = () => profile.activation.broadcast.enabled || profile.activation.recordOnReceivedBroadcast || profile.activation.privacyZoneResponse === 'alert';
  let location: LocationService | undefined;
  /** Fall detection runs while "Record on fall detection" is on and the camera is out of its dock. */
  let fallWatch: FallWatch | undefined;
  const refreshFallWatch = () => {
    const want = hal.imu !== undefined && fallWatchWanted(profile, docked ?? false);
    if (want && !fallWatch) {
      const w = new FallWatch(hal.imu!, hal.clock, {
        onFall: (atMs) => { log.info('fall', `fall detected at ${atMs.toFixed(0)} ms: recording`); behaviour.input({ kind: 'trigger', reason: 'fall' }); },
        onDrop: () => log.info('fall', 'camera dropped (tumbling): not a fall of the wearer'),
        onEnd: (e) => { log.warn('fall', `IMU ended: ${e?.message ?? 'closed'}`); if (fallWatch === w) fallWatch = undefined; },
      });
      fallWatch = w;
      w.start().catch((e: Error) => { log.warn('fall', `fall detection unavailable: ${e.message}`); if (fallWatch === w) fallWatch = undefined; });
    } else if (!want && fallWatch) {
      void fallWatch.stop();
      fallWatch = undefined;
    }
  };
  const holsterIndications: PairingIndication[] = [];
  let holster: HolsterService | undefined;
  let broadcast: BroadcastService | undefined;
  /**
   * Wireless broadcast and privacy zones need the system's key, which comes with the assignment:
   * (re)started whenever the assignment or adoption changes; absent while unadopted or unassigned.
   */
  let broadcastChain = Promise.resolve();
  const restartBroadcast = () => {
    broadcastChain = broadcastChain.then(async () => {
      broadcast?.stop();
      broadcast = undefined;
      const a = assignments.current;
      if (!hal.radio || !a || !enrollment.systemId) return;
      broadcast = await BroadcastService.open(hal.radio, hal.clock, { systemId: enrollment.systemId, serial: hal.identity.serial, key: a.wirelessBroadcastKey, profile, docked: docked ?? false }, {
        startRecording: () => behaviour.input({ kind: 'trigger', reason: 'wireless-broadcast' }),
        // Three beeps and vibrations, or the voice clip (manual: "Set up a privacy zone").
        alert: (name) => { log.info('broadcast', `privacy zone: ${name}`); behaviour.alert('privacy-zone', 3); },
        log: (line) => log.info('broadcast', line),
      });
    }).catch((e: Error) => log.warn('broadcast', `wireless broadcast unavailable: ${e.message}`));
  };
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
      // Holster sensors are looked for during the 10 minutes after undock; the outcome waits for the dock.
      if (docked) holster?.docked();
      else holster?.undocked(user || undefined);
      if (docked) broadcast?.docked();
      else broadcast?.undocked();
      void (docked ? location?.docked() : location?.undocked())?.then(reportLoad);
      refreshFallWatch();
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
    // The manual gives no gesture for silent mode: a lone function-button press toggles it (when the profile allows).
    else if (g.kind === 'press' && g.source === 'function') behaviour.input({ kind: 'gesture', gesture: { kind: 'silent-toggle' } });
    // Nor for microphone mute: holding the function button toggles it (when the profile allows).
    else if (g.kind === 'hold' && g.source === 'function') behaviour.input({ kind: 'gesture', gesture: { kind: 'microphone-toggle' } });
  });
  miniCube?.start({ gestures, behaviour });
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
    behaviour.input({ kind: 'boot-done', docked: docked ?? false, certificateValid: certificateValid(), assigned: user !== '', evaluationMode: assignments.current?.evaluationMode ?? false });
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
    // Read at each recording's start: the user assigned at the last dock.
    get userId() { return user; },
    audio: () => ({ enabled: profile.audio.enabled, prebuffer: profile.prebuffer.audio }),
    ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
    ...(options.clipLimits !== undefined ? { clipLimits: options.clipLimits } : {}),
    ...(options.syncIntervalMs !== undefined ? { syncIntervalMs: options.syncIntervalMs } : {}),
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
  });

  // Location (GNSS) by the profile's mode: trigger positions and the trail, sealed with each recording.
  location = hal.gnss ? new LocationService(hal.gnss, hal.clock, profile, sink, log) : undefined;
  try {
    video = await hal.video.open();
    const power = await hal.power.read().catch((e: Error) => {
      log.warn('power', `dock contact unknown at boot (${e.message}): assuming undocked`);
      return undefined;
    });
    docked = power?.dockContact ?? false;
    // The location service starts docked: a camera booted undocked tells it now (changes come from the power poll).
    if (!docked) void location?.undocked().then(reportLoad);
    recorder = new Recorder({
      video, clock: hal.clock, sink: location ? new LocatingSink(sink, location) : sink, config: recorderConfig,
      prebufferMaxBytes: options.prebufferMaxBytes ?? DEFAULT_PREBUFFER_MAX_BYTES, docked,
      onIndicator: (on) => log.info('recorder', on ? 'recording' : 'recording stopped'),
      onBookmark: (at) => log.info('recorder', `bookmark at ${at.toFixed(0)} ms`),
      onSinkError: (e) => {
        log.warn('recorder', `recording ended: ${(e as Error).message}`);
        if ((e as { code?: string }).code === 'ENOSPC') behaviour.input({ kind: 'storage-full' });
      },
      onStateChange: (state, previous) => {
        behaviour.recorderChanged(state, previous);
        // A recording that starts (whatever started it) broadcasts for 5 s; chains form from there.
        const was = previous.kind === 'recording' || previous.kind === 'postbuffer';
        if (state.kind === 'recording' && !was) broadcast?.recordingStarted();
        else if (previous.kind === 'recording' && state.kind !== 'recording') broadcast?.recordingStopped();
      },
    });
    recorder.start();
    if (!docked) await video.start();
  } catch (e) {
    log.warn('video', `camera ${hal.video.name} unavailable, not recording: ${(e as Error).message}`);
    recorder?.close();
    recorder = undefined;
  }

  behaviour.attach(recorder);
  // Unholster detection: a paired holster sensor within reach after undock starts a recording.
  restartBroadcast();
  refreshFallWatch();
  holster = hal.holster ? new HolsterService(hal.holster, hal.clock, { serial: hal.identity.serial, model: hal.identity.model as ModelName }, {
    startRecording: () => behaviour.input({ kind: 'trigger', reason: 'unholster' }),
    indicate: (i) => {
      log.info('holster', `pairing ${i.serial}: ${i.step} (${i.on} ${i.color}${i.pulse ? ', pulsing' : ''})`);
      holsterIndications.push(i);
    },
    log: (line) => log.info('holster', line),
  }) : undefined;
  behaviour.input({ kind: 'power-on' });
  behaviour.input({ kind: 'boot-done', docked: docked ?? false, certificateValid: certificateValid(), assigned: user !== '', evaluationMode: assigned?.evaluationMode ?? false });

  /** The system's assignment, taken at a dock inside mutual TLS: kept durably, applied at once. */
  const assign = async (m: CameraAssignment): Promise<CameraAssignmentResult> => {
    // What became of the holster pairings since the last dock goes back before the new list is taken.
    const holsterReport = holster?.report();
    const levels = { ...await readiness(), ...(holsterReport ? { holsterReport } : {}) };
    let applied: AppliedAssignment;
    try {
      applied = await assignments.apply(m);
    } catch (e) {
      const message = e instanceof AssignmentRefusedError ? e.message : `assignment not kept: ${(e as Error).message}`;
      log.warn('assignment', `refused: ${message}`);
      return { accepted: false, error: { code: 'ERROR_CODE_BAD_REQUEST', message }, ...levels };
    }
    const before = user;
    user = applied.userId;
    userName = applied.userName;
    overlay.update({ userId: user, userName });
    // A self-assignment (a tap at the RFID reader) shows even when the user takes their own camera again.
    if (user !== before || applied.selfAssigned) {
      log.info('assignment', user ? `${applied.selfAssigned ? 'self-assigned' : 'assigned'} to user ${user}` : 'unassigned: recording refused until a user is assigned');
      behaviour.input(user ? { kind: 'user-assigned', self: applied.selfAssigned } : { kind: 'user-unassigned' });
    }
    const next = applied.profile ?? bootProfile;
    if (next !== profile) {
      profile = next;
      recorderConfig = { ...recorderConfigOf(profile), ...options.recorder };
      recorder?.configure(recorderConfig);
      gestures.configure({ activation: recorderConfig.activation === 'double-press' ? 'double' : 'single', disableMainRecordButton: profile.miniCube.disableMainRecordingButton });
      behaviour.reprofile(profile, recorderConfig);
      overlay.setProfile(profile.overlay);
      await location?.setProfile(profile);
      reportLoad();
      refreshFallWatch();
    }
    behaviour.input({ kind: 'evaluation-mode', on: applied.evaluationMode });
    restartBroadcast();
    if (holster) {
      try {
        holster.setPairings(m.holsterPairings ?? { userId: user, sensors: [] });
      } catch (e) {
        log.warn('holster', `pairings not taken: ${(e as Error).message}`);
      }
    }
    return { accepted: true, ...levels };
  };
  /** Battery and free storage now, for self-assign readiness at the controller. */
  const readiness = async (): Promise<{ batteryPercent: number; storageFreePercent: number }> => {
    const p = await hal.power.read().catch(() => undefined);
    const space = await hal.storage.space().catch(() => undefined);
    const free = space && space.totalBytes > 0 ? Math.floor((space.freeBytes / space.totalBytes) * 100) : 0;
    return { batteryPercent: Math.max(0, Math.min(100, Math.round(p?.level ?? 0))), storageFreePercent: Math.max(0, Math.min(100, free)) };
  };
  /**
   * Evaluation mode reset (manual: "Evaluation mode"): recordings not transferred are deleted,
   * the camera forgets its system, user and profile, and boots again as a new camera.
   */
  const evaluationReset = async (): Promise<void> => {
    log.warn('camera', 'evaluation-mode reset: deleting recordings not transferred, forgetting the system');
    if (recorder && recorder.state.kind !== 'off') recorder.stop('power-off');
    await recorder?.settled();
    const removed = await removeAllRecordings(hal.storage).catch((e: Error) => { log.warn('camera', `reset: recordings not all deleted: ${e.message}`); return 0; });
    await enrollment.forget().catch((e: Error) => log.warn('camera', `reset: adoption not forgotten: ${e.message}`));
    await assignments.clear().catch((e: Error) => log.warn('camera', `reset: assignment not forgotten: ${e.message}`));
    user = options.user ?? '';
    userName = options.userName ?? '';
    overlay.update({ userId: user, userName });
    overlay.setProfile(bootProfile.overlay);
    restartBroadcast();
    log.warn('camera', `reset done: ${removed} recording(s) deleted; the camera is unadopted (force remove it from the system before adding it again)`);
    behaviour.input({ kind: 'power-on' });
    recorder?.boot(docked ?? false);
    behaviour.input({ kind: 'boot-done', docked: docked ?? false, certificateValid: true, assigned: user !== '', evaluationMode: false });
  };

  const dock = startDockResponder({
    net: hal.net, clock: hal.clock, dockInterface: hal.dockInterface, identity: hal.identity, enrollment, storage: hal.storage, log, assign,
  });
  return {
    dock,
    enrollment,
    get recorder() { return recorder; },
    sink,
    recovery,
    get buttonPresses() { return presses; },
    get profile() { return profile; },
    gestures: gestureLog,
    behaviour,
    get assignment() { return assignments.current; },
    holster,
    holsterIndications,
    get broadcast() { return broadcast; },
    location,
    get user() { return user; },
    readiness,
    assign,
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
      miniCube?.stop();
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
      await holster?.stop();
      await location?.close();
      overlay.close();
      await fallWatch?.stop();
      await broadcastChain;
      broadcast?.stop();
      await video?.stop();
      await dock.stop();
    },
  };
}
