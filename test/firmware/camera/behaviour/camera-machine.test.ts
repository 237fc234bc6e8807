/** The camera state machine as tables: every state against the inputs that matter to it. */
import t from 'tap';
import { cameraStep, dockedPhase, initialCameraState, isRecording } from '../../../../firmware/camera/behaviour/camera-machine.js';
import {
  DEFAULT_BEHAVIOUR_PROFILE, type BehaviourProfile, type CameraContext, type CameraEffect, type CameraInput, type CameraState,
} from '../../../../firmware/camera/behaviour/camera-state.js';

const P = (over: Partial<BehaviourProfile> = {}): BehaviourProfile => ({ ...DEFAULT_BEHAVIOUR_PROFILE, ...over });
const ctx = (over: Partial<CameraContext> = {}, profile: Partial<BehaviourProfile> = {}): CameraContext =>
  ({ ...initialCameraState(P(profile)).ctx, assigned: true, ...over });

const rec1: CameraInput = { kind: 'gesture', gesture: { kind: 'record', presses: 1, source: 'camera' } };
const rec2: CameraInput = { kind: 'gesture', gesture: { kind: 'record', presses: 2, source: 'camera' } };
const sensorRec1: CameraInput = { kind: 'gesture', gesture: { kind: 'record', presses: 1, source: 'mini-sensor' } };

/** Effects without the indicators (checked separately). */
const acts = (effects: CameraEffect[]) => effects.filter((e) => e.kind !== 'indicators');

interface Row {
  name: string;
  from: CameraState;
  input: CameraInput;
  to: string;
  effects: CameraEffect[];
  /** Extra check on the resulting state. */
  check?: (s: CameraState) => boolean;
}

const idle = (o: Partial<CameraContext> = {}, p: Partial<BehaviourProfile> = {}): CameraState => ({ kind: 'idle', ctx: ctx(o, p) });
const standby = (o: Partial<CameraContext> = {}, waking: 'button' | null = null): CameraState =>
  ({ kind: 'standby', ctx: ctx(o, { standbyMode: true }), waking });
const recording = (o: Partial<CameraContext> = {}, p: Partial<BehaviourProfile> = {}): CameraState => ({ kind: 'recording', ctx: ctx(o, p), trigger: 'button' });
const postbuffer = (o: Partial<CameraContext> = {}, p: Partial<BehaviourProfile> = {}): CameraState =>
  ({ kind: 'postbuffer', ctx: ctx(o, { postbuffer: true, ...p }), trigger: 'button' });
const docked = (o: Partial<CameraContext> = {}, p: Partial<BehaviourProfile> = {}): CameraState => ({ kind: 'docked', ctx: ctx(o, p) });
const booting = (p: Partial<BehaviourProfile> = {}): CameraState => ({ kind: 'booting', ctx: ctx({ assigned: false }, p) });
const off = (): CameraState => ({ kind: 'off', ctx: ctx() });
const safe = (isDocked: boolean): CameraState => ({ kind: 'safe-mode', ctx: ctx({ certificateValid: false }), docked: isDocked });
const unassigned = (): CameraState => ({ kind: 'unassigned', ctx: ctx({ assigned: false }) });
const boot = (docked: boolean, certificateValid = true, assigned = true): CameraInput => ({ kind: 'boot-done', docked, certificateValid, assigned });

const rows: Row[] = [
  // off
  { name: 'off: power on boots', from: off(), input: { kind: 'power-on' }, to: 'booting', effects: [] },
  { name: 'off: gestures do nothing', from: off(), input: rec1, to: 'off', effects: [] },
  { name: 'off: dock does nothing', from: off(), input: { kind: 'dock' }, to: 'off', effects: [] },
  // booting
  { name: 'booting: docked, valid -> docked', from: booting(), input: boot(true), to: 'docked', effects: [] },
  { name: 'booting: docked, certificate expired -> safe mode', from: booting(), input: boot(true, false), to: 'safe-mode', effects: [{ kind: 'system-link', allowed: false }] },
  { name: 'booting: undocked, expired certificate works until docked', from: booting(), input: boot(false, false), to: 'idle', effects: [{ kind: 'sensor', on: true }] },
  { name: 'booting: undocked, no user -> unassigned', from: booting(), input: boot(false, true, false), to: 'unassigned', effects: [] },
  { name: 'booting: undocked, standby profile -> standby', from: booting({ standbyMode: true }), input: boot(false), to: 'standby', effects: [{ kind: 'standby', on: true }] },
  { name: 'booting: undocked, always record resumes at power on', from: booting({ alwaysRecord: true }), input: boot(false), to: 'recording',
    effects: [{ kind: 'sensor', on: true }, { kind: 'start-recording', trigger: 'power-on' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'booting: record press ignored', from: booting(), input: rec1, to: 'booting', effects: [] },
  { name: 'booting: power off', from: booting(), input: { kind: 'power-off' }, to: 'off', effects: [] },
  // docked
  { name: 'docked: undock -> idle, sensor on', from: docked(), input: { kind: 'undock' }, to: 'idle', effects: [{ kind: 'sensor', on: true }] },
  { name: 'docked: undock with standby -> standby', from: docked({}, { standbyMode: true }), input: { kind: 'undock' }, to: 'standby', effects: [{ kind: 'standby', on: true }] },
  { name: 'docked: undock always record -> recording (undock)', from: docked({}, { alwaysRecord: true }), input: { kind: 'undock' }, to: 'recording',
    effects: [{ kind: 'sensor', on: true }, { kind: 'start-recording', trigger: 'undock' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'docked: undock with no user -> unassigned', from: docked({ assigned: false }), input: { kind: 'undock' }, to: 'unassigned', effects: [] },
  { name: 'docked: record press does nothing', from: docked(), input: rec1, to: 'docked', effects: [] },
  { name: 'docked: trigger does nothing', from: docked(), input: { kind: 'trigger', reason: 'fall' }, to: 'docked', effects: [] },
  { name: 'docked: offload started', from: docked(), input: { kind: 'offload-started' }, to: 'docked', effects: [], check: (s) => dockedPhase(s) === 'offloading' },
  { name: 'docked: offload finished', from: docked({ offloading: true }), input: { kind: 'offload-finished' }, to: 'docked', effects: [], check: (s) => dockedPhase(s) === 'charging' },
  { name: 'docked: charge full -> charged', from: docked(), input: { kind: 'charge', charging: 'full' }, to: 'docked', effects: [], check: (s) => dockedPhase(s) === 'charged' },
  { name: 'docked: no charge', from: docked(), input: { kind: 'charge', charging: 'not-charging' }, to: 'docked', effects: [], check: (s) => dockedPhase(s) === 'not-charging' },
  { name: 'docked: certificate expires -> safe mode', from: docked(), input: { kind: 'certificate-expired' }, to: 'safe-mode', effects: [{ kind: 'system-link', allowed: false }] },
  { name: 'docked: self-assigned', from: docked({ assigned: false }), input: { kind: 'user-assigned', self: true }, to: 'docked', effects: [], check: (s) => s.ctx.assigned && s.ctx.selfAssigned },
  // idle
  { name: 'idle: activation starts recording', from: idle(), input: rec1, to: 'recording', effects: [{ kind: 'start-recording', trigger: 'button' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'idle: double press with single activation does nothing', from: idle(), input: rec2, to: 'idle', effects: [] },
  { name: 'idle: double activation needs the double press', from: idle({}, { activation: 'double-press' }), input: rec2, to: 'recording', effects: [{ kind: 'start-recording', trigger: 'button' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'idle: single press with double activation does nothing', from: idle({}, { activation: 'double-press' }), input: rec1, to: 'idle', effects: [] },
  { name: 'idle: main button disabled while the mini sensor is connected', from: idle({ miniSensorConnected: true }, { disableMainRecordButton: true }), input: rec1, to: 'idle', effects: [] },
  { name: 'idle: the mini sensor button still records', from: idle({ miniSensorConnected: true }, { disableMainRecordButton: true }), input: sensorRec1, to: 'recording',
    effects: [{ kind: 'start-recording', trigger: 'button' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'idle: fall trigger starts recording', from: idle(), input: { kind: 'trigger', reason: 'fall' }, to: 'recording', effects: [{ kind: 'start-recording', trigger: 'fall' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'idle: dock -> docked, sensor off', from: idle(), input: { kind: 'dock' }, to: 'docked', effects: [{ kind: 'sensor', on: false }] },
  { name: 'idle: dock with expired certificate -> safe mode', from: idle({ certificateValid: false }), input: { kind: 'dock' }, to: 'safe-mode',
    effects: [{ kind: 'sensor', on: false }, { kind: 'system-link', allowed: false }] },
  { name: 'idle: certificate expires undocked: keeps working', from: idle(), input: { kind: 'certificate-expired' }, to: 'idle', effects: [], check: (s) => !s.ctx.certificateValid },
  { name: 'idle: user unassigned -> unassigned', from: idle(), input: { kind: 'user-unassigned' }, to: 'unassigned', effects: [{ kind: 'sensor', on: false }] },
  { name: 'idle: recorder started on its own', from: idle(), input: { kind: 'recorder', report: { kind: 'recording-started', trigger: 'wireless-broadcast' } }, to: 'recording', effects: [] },
  { name: 'idle: power off', from: idle(), input: { kind: 'power-off' }, to: 'off', effects: [{ kind: 'sensor', on: false }] },
  { name: 'idle: profile turns standby on', from: idle(), input: { kind: 'profile', profile: P({ standbyMode: true }) }, to: 'standby', effects: [{ kind: 'sensor', on: false }, { kind: 'standby', on: true }] },
  // standby
  { name: 'standby: press wakes the sensor first', from: standby(), input: rec1, to: 'standby', effects: [{ kind: 'standby', on: false }, { kind: 'sensor', on: true }], check: (s) => s.kind === 'standby' && s.waking === 'button' },
  { name: 'standby: sensor ready starts recording', from: standby({}, 'button'), input: { kind: 'sensor-ready' }, to: 'recording', effects: [{ kind: 'start-recording', trigger: 'button' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'standby: sensor ready without a wake does nothing', from: standby(), input: { kind: 'sensor-ready' }, to: 'standby', effects: [] },
  { name: 'standby: a second press while waking is ignored', from: standby({}, 'button'), input: rec1, to: 'standby', effects: [] },
  { name: 'standby: trigger wakes', from: standby(), input: { kind: 'trigger', reason: 'unholster' }, to: 'standby', effects: [{ kind: 'standby', on: false }, { kind: 'sensor', on: true }], check: (s) => s.kind === 'standby' && s.waking === 'unholster' },
  { name: 'standby: dock', from: standby(), input: { kind: 'dock' }, to: 'docked', effects: [{ kind: 'standby', on: false }] },
  { name: 'standby: dock while waking', from: standby({}, 'button'), input: { kind: 'dock' }, to: 'docked', effects: [{ kind: 'sensor', on: false }, { kind: 'standby', on: false }] },
  { name: 'standby: power off', from: standby(), input: { kind: 'power-off' }, to: 'off', effects: [] },
  // recording
  { name: 'recording: activation stops (no postbuffer)', from: recording(), input: rec1, to: 'idle', effects: [{ kind: 'stop-recording', reason: 'button' }, { kind: 'alert', alert: 'recording-stopped' }] },
  { name: 'recording: stop with postbuffer -> postbuffer', from: recording({}, { postbuffer: true }), input: rec1, to: 'postbuffer', effects: [{ kind: 'stop-recording', reason: 'button' }, { kind: 'alert', alert: 'recording-stopped' }] },
  { name: 'recording: stop in standby mode -> standby, sensor off', from: recording({}, { standbyMode: true }), input: rec1, to: 'standby',
    effects: [{ kind: 'stop-recording', reason: 'button' }, { kind: 'alert', alert: 'recording-stopped' }, { kind: 'sensor', on: false }, { kind: 'standby', on: true }] },
  { name: 'recording: single press with double activation bookmarks', from: recording({}, { activation: 'double-press' }), input: rec1, to: 'recording', effects: [{ kind: 'bookmark' }, { kind: 'alert', alert: 'bookmark' }] },
  { name: 'recording: double press with double activation stops', from: recording({}, { activation: 'double-press' }), input: rec2, to: 'idle', effects: [{ kind: 'stop-recording', reason: 'button' }, { kind: 'alert', alert: 'recording-stopped' }] },
  { name: 'recording: double press with single activation does nothing', from: recording(), input: rec2, to: 'recording', effects: [] },
  { name: 'recording: always record: press bookmarks, never stops', from: recording({}, { alwaysRecord: true }), input: rec1, to: 'recording', effects: [{ kind: 'bookmark' }, { kind: 'alert', alert: 'bookmark' }] },
  { name: 'recording: dock stops (dock), sensor off', from: recording(), input: { kind: 'dock' }, to: 'docked', effects: [{ kind: 'stop-recording', reason: 'dock' }, { kind: 'sensor', on: false }] },
  { name: 'recording: power off stops (power-off)', from: recording(), input: { kind: 'power-off' }, to: 'off', effects: [{ kind: 'stop-recording', reason: 'power-off' }, { kind: 'sensor', on: false }] },
  { name: 'recording: battery empty stops', from: recording(), input: { kind: 'battery-empty' }, to: 'off', effects: [{ kind: 'stop-recording', reason: 'battery-empty' }, { kind: 'sensor', on: false }] },
  { name: 'recording: storage full stops', from: recording(), input: { kind: 'storage-full' }, to: 'idle', effects: [{ kind: 'stop-recording', reason: 'storage-full' }, { kind: 'alert', alert: 'storage-full' }] },
  { name: 'recording: recorder began its postbuffer', from: recording(), input: { kind: 'recorder', report: { kind: 'postbuffer-started' } }, to: 'postbuffer', effects: [] },
  { name: 'recording: recorder stopped', from: recording(), input: { kind: 'recorder', report: { kind: 'recording-stopped', reason: 'button' } }, to: 'idle', effects: [] },
  { name: 'recording: unassigned mid-recording keeps recording', from: recording(), input: { kind: 'user-unassigned' }, to: 'recording', effects: [], check: (s) => !s.ctx.assigned },
  { name: 'recording: trigger does nothing', from: recording(), input: { kind: 'trigger', reason: 'fall' }, to: 'recording', effects: [] },
  // postbuffer
  { name: 'postbuffer: ends -> idle', from: postbuffer(), input: { kind: 'recorder', report: { kind: 'postbuffer-ended' } }, to: 'idle', effects: [] },
  { name: 'postbuffer: ends in standby mode -> standby', from: postbuffer({}, { standbyMode: true }), input: { kind: 'recorder', report: { kind: 'postbuffer-ended' } }, to: 'standby',
    effects: [{ kind: 'sensor', on: false }, { kind: 'standby', on: true }] },
  { name: 'postbuffer: press again continues the recording', from: postbuffer(), input: rec1, to: 'recording', effects: [{ kind: 'start-recording', trigger: 'button' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'postbuffer: trigger continues', from: postbuffer(), input: { kind: 'trigger', reason: 'fall' }, to: 'recording', effects: [{ kind: 'start-recording', trigger: 'fall' }, { kind: 'alert', alert: 'recording-started' }] },
  { name: 'postbuffer: dock', from: postbuffer(), input: { kind: 'dock' }, to: 'docked', effects: [{ kind: 'stop-recording', reason: 'dock' }, { kind: 'sensor', on: false }] },
  { name: 'postbuffer: power off', from: postbuffer(), input: { kind: 'power-off' }, to: 'off', effects: [{ kind: 'stop-recording', reason: 'power-off' }, { kind: 'sensor', on: false }] },
  // safe mode
  { name: 'safe mode: renewed while docked -> docked', from: safe(true), input: { kind: 'certificate-renewed' }, to: 'docked', effects: [{ kind: 'system-link', allowed: true }] },
  { name: 'safe mode: offload refused', from: safe(true), input: { kind: 'offload-started' }, to: 'safe-mode', effects: [] },
  { name: 'safe mode: undock stays in safe mode', from: safe(true), input: { kind: 'undock' }, to: 'safe-mode', effects: [], check: (s) => s.kind === 'safe-mode' && !s.docked },
  { name: 'safe mode: undocked refuses to record', from: safe(false), input: rec1, to: 'safe-mode', effects: [{ kind: 'alert', alert: 'refused' }] },
  { name: 'safe mode: undocked ignores triggers', from: safe(false), input: { kind: 'trigger', reason: 'fall' }, to: 'safe-mode', effects: [] },
  { name: 'safe mode: renewed undocked -> idle', from: safe(false), input: { kind: 'certificate-renewed' }, to: 'idle', effects: [{ kind: 'system-link', allowed: true }, { kind: 'sensor', on: true }] },
  { name: 'safe mode: power off', from: safe(true), input: { kind: 'power-off' }, to: 'off', effects: [] },
  // unassigned
  { name: 'unassigned: record press refused', from: unassigned(), input: rec1, to: 'unassigned', effects: [{ kind: 'alert', alert: 'refused' }] },
  { name: 'unassigned: trigger ignored', from: unassigned(), input: { kind: 'trigger', reason: 'wireless-broadcast' }, to: 'unassigned', effects: [] },
  { name: 'unassigned: dock', from: unassigned(), input: { kind: 'dock' }, to: 'docked', effects: [] },
  { name: 'unassigned: a user assigned -> idle', from: unassigned(), input: { kind: 'user-assigned', self: false }, to: 'idle', effects: [{ kind: 'sensor', on: true }] },
  { name: 'unassigned: power off', from: unassigned(), input: { kind: 'power-off' }, to: 'off', effects: [] },
];

t.test('transition table', async (t) => {
  for (const row of rows) {
    const { state, effects } = cameraStep(row.from, row.input);
    t.equal(state.kind, row.to, `${row.name}: state`);
    t.same(acts(effects), row.effects, `${row.name}: effects`);
    if (row.check) t.ok(row.check(state), `${row.name}: state detail`);
  }
});

t.test('every state handles every input without throwing (the machine is total)', async (t) => {
  const states = [off(), booting(), docked(), idle(), standby(), standby({}, 'button'), recording(), postbuffer(), safe(true), safe(false), unassigned()];
  const inputs: CameraInput[] = [
    { kind: 'power-on' }, { kind: 'power-off' }, { kind: 'battery-empty' }, boot(true), boot(false), { kind: 'dock' }, { kind: 'undock' },
    { kind: 'charge', charging: 'full' }, { kind: 'offload-started' }, { kind: 'offload-finished' }, rec1, rec2, sensorRec1,
    { kind: 'gesture', gesture: { kind: 'evaluation-check' } }, { kind: 'gesture', gesture: { kind: 'evaluation-reset' } },
    { kind: 'gesture', gesture: { kind: 'silent-toggle' } }, { kind: 'trigger', reason: 'fall' }, { kind: 'sensor-ready' }, { kind: 'storage-full' },
    { kind: 'certificate-expired' }, { kind: 'certificate-renewed' }, { kind: 'user-assigned', self: true }, { kind: 'user-unassigned' },
    { kind: 'mini-sensor', connected: true }, { kind: 'profile', profile: P() }, { kind: 'evaluation-window-closed' },
    { kind: 'recorder', report: { kind: 'recording-started', trigger: 'button' } }, { kind: 'recorder', report: { kind: 'recording-stopped', reason: 'button' } },
    { kind: 'recorder', report: { kind: 'postbuffer-started' } }, { kind: 'recorder', report: { kind: 'postbuffer-ended' } },
  ];
  let n = 0;
  for (const s of states) for (const i of inputs) {
    const step = cameraStep(s, i);
    n++;
    // A docked camera never starts recording.
    if (s.kind === 'docked' || (s.kind === 'safe-mode') || s.kind === 'unassigned') {
      t.notOk(step.effects.some((e) => e.kind === 'start-recording'), `${s.kind} + ${i.kind}: no recording`);
    }
  }
  t.equal(n, states.length * inputs.length);
});

t.test('a day: boot docked, undock, record, bookmark, stop through postbuffer, dock', async (t) => {
  const profile = P({ activation: 'double-press', postbuffer: true, frontIndicator: 'flash' });
  let s = initialCameraState(profile, { assigned: true });
  const run = (i: CameraInput) => { const r = cameraStep(s, i); s = r.state; return r.effects; };
  run({ kind: 'power-on' });
  run(boot(true));
  t.equal(dockedPhase(s), 'charging');
  run({ kind: 'undock' });
  t.equal(s.kind, 'idle');
  const started = run(rec2);
  t.ok(isRecording(s));
  t.match(started.find((e) => e.kind === 'indicators'), { view: { recording: { kind: 'steady', color: 'red' }, front: { kind: 'flash', color: 'red' } } });
  t.same(acts(run(rec1)), [{ kind: 'bookmark' }, { kind: 'alert', alert: 'bookmark' }]);
  const stopping = run(rec2);
  t.equal(s.kind, 'postbuffer');
  t.match(stopping.find((e) => e.kind === 'indicators'), { view: { recording: { kind: 'off' }, front: { kind: 'off' } } }, 'postbuffer shows stopped');
  t.ok(isRecording(s), 'postbuffer still records');
  run({ kind: 'recorder', report: { kind: 'postbuffer-ended' } });
  t.equal(s.kind, 'idle');
  run({ kind: 'dock' });
  t.equal(s.kind, 'docked');
});

t.test('evaluation check and reset; silent mode', async (t) => {
  let s: CameraState = idle({ evaluationMode: true }, { allowSilentMode: true, frontIndicator: 'steady' });
  const run = (i: CameraInput) => { const r = cameraStep(s, i); s = r.state; return r.effects; };
  const shown = run({ kind: 'gesture', gesture: { kind: 'evaluation-check' } });
  t.match(shown, [{ kind: 'indicators', view: { status: { kind: 'flash', color: 'amber' }, recording: { kind: 'flash', color: 'amber' }, wireless: { kind: 'flash', color: 'amber' } } }]);
  run({ kind: 'evaluation-window-closed' });
  t.notOk(s.ctx.evaluationCheck);
  t.same(acts(run({ kind: 'gesture', gesture: { kind: 'evaluation-reset' } })), [], 'reset after the window closed does nothing');
  run({ kind: 'gesture', gesture: { kind: 'evaluation-check' } });
  t.same(acts(run({ kind: 'gesture', gesture: { kind: 'evaluation-reset' } })), [{ kind: 'sensor', on: false }, { kind: 'reset-camera' }]);
  t.equal(s.kind, 'off');

  const notEval = cameraStep(idle(), { kind: 'gesture', gesture: { kind: 'evaluation-check' } });
  t.same(notEval.effects, [], 'outside evaluation mode the check shows nothing');

  s = recording({}, { allowSilentMode: true, frontIndicator: 'steady' });
  const quiet = run({ kind: 'gesture', gesture: { kind: 'silent-toggle' } });
  t.ok(s.ctx.silent);
  t.match(quiet, [{ kind: 'indicators', view: { front: { kind: 'off' } } }], 'silent mode turns the front indicator off');
  const notAllowed = cameraStep(recording(), { kind: 'gesture', gesture: { kind: 'silent-toggle' } });
  t.notOk(notAllowed.state.ctx.silent, 'silent mode only when the profile allows it');
});

t.test('microphone mute: toggled undocked when the profile allows it; docking turns it back on', async (t) => {
  const toggle: CameraInput = { kind: 'gesture', gesture: { kind: 'microphone-toggle' } };
  let s = cameraStep(recording({}, { allowMicrophoneMute: true }), toggle).state;
  t.ok(s.ctx.microphoneOff, 'off while recording');
  t.equal(s.kind, 'recording', 'the recording goes on');
  s = cameraStep(s, toggle).state;
  t.notOk(s.ctx.microphoneOff, 'on again');
  t.notOk(cameraStep(recording(), toggle).state.ctx.microphoneOff, 'not allowed by the profile: stays on');
  t.notOk(cameraStep(docked({}, { allowMicrophoneMute: true }), toggle).state.ctx.microphoneOff, 'docked: the gesture does nothing');
  const muted = cameraStep(idle({}, { allowMicrophoneMute: true }), toggle).state;
  t.ok(muted.ctx.microphoneOff);
  t.notOk(cameraStep(muted, { kind: 'dock' }).state.ctx.microphoneOff, 'docking turns the microphone back on');
});
