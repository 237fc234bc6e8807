import t from 'tap';
import {
  initialRecorderState, recorderStep, checkRecorderConfig,
  type RecorderConfig, type RecorderEffect, type RecorderInput, type RecorderState, type RecordingFacts,
} from '../../../../firmware/camera/recorder/recorder-machine.js';

const config: RecorderConfig = { prebufferMs: 30_000, postbufferMs: 10_000, alwaysRecord: false, activation: 'single-press' };
const always: RecorderConfig = { ...config, alwaysRecord: true };
const noPost: RecorderConfig = { ...config, postbufferMs: 0 };
const double: RecorderConfig = { ...config, activation: 'double-press' };

const idle = (c = config, docked = false): RecorderState => ({ kind: 'idle', config: c, docked, prebuffering: !docked && c.prebufferMs > 0 });
const facts = (over: Partial<RecordingFacts> = {}): RecordingFacts =>
  ({ triggerOn: 'button', triggerOnAt: 100, startAt: 70, stopAt: 200, units: 3, ...over });
const recording = (c = config, f = facts()): RecorderState => ({ kind: 'recording', config: c, recording: f });
const postbuffer = (c = config, f = facts()): RecorderState => ({ kind: 'postbuffer', config: c, recording: f, stoppedAt: 300, until: 10_300 });
const press = (at = 300, gesture: 'single' | 'double' = 'single', prebufferFrom: number | undefined = 70): RecorderInput =>
  ({ kind: 'record-press', at, gesture, prebufferFrom });

interface Row { name: string; start: RecorderState; input: RecorderInput; state: RecorderState; effects: RecorderEffect[] }

const started = (trigger: RecordingFacts['triggerOn'], at: number, startAt: number | undefined, c = config): Pick<Row, 'state' | 'effects'> => ({
  state: recording(c, { triggerOn: trigger, triggerOnAt: at, startAt, stopAt: undefined, units: 0 }),
  effects: [{ kind: 'start-recording', trigger, at }, { kind: 'indicator', recording: true }],
});

const rows: Row[] = [
  // boot
  { name: 'boot undocked: idle, prebuffering from empty', start: initialRecorderState(config), input: { kind: 'boot', at: 0, docked: false },
    state: idle(), effects: [{ kind: 'reset-prebuffer', cause: 'boot' }] },
  { name: 'boot docked: idle, no prebuffer', start: initialRecorderState(config), input: { kind: 'boot', at: 0, docked: true },
    state: idle(config, true), effects: [{ kind: 'reset-prebuffer', cause: 'boot' }] },
  { name: 'boot undocked with always record: recording resumes at once', start: initialRecorderState(always), input: { kind: 'boot', at: 5, docked: false },
    ...started('power-on', 5, undefined, always) },
  { name: 'boot docked with always record: idle', start: initialRecorderState(always), input: { kind: 'boot', at: 5, docked: true },
    state: idle(always, true), effects: [{ kind: 'reset-prebuffer', cause: 'boot' }] },
  { name: 'off ignores a press', start: { kind: 'off', config }, input: press(), state: { kind: 'off', config }, effects: [] },
  { name: 'off ignores units', start: { kind: 'off', config }, input: { kind: 'unit', pts: 1, end: 2 }, state: { kind: 'off', config }, effects: [] },
  // idle
  { name: 'idle unit goes to the prebuffer', start: idle(), input: { kind: 'unit', pts: 1, end: 34 }, state: idle(), effects: [{ kind: 'prebuffer-unit' }] },
  { name: 'idle without prebuffer drops units', start: idle({ ...config, prebufferMs: 0 }), input: { kind: 'unit', pts: 1, end: 34 },
    state: idle({ ...config, prebufferMs: 0 }), effects: [] },
  { name: 'single press starts with the prebuffer head', start: idle(), input: press(300), ...started('button', 300, 70) },
  { name: 'double press does not start in single-press mode', start: idle(), input: press(300, 'double'), state: idle(), effects: [] },
  { name: 'single press does not start in double-press mode', start: idle(double), input: press(300, 'single'), state: idle(double), effects: [] },
  { name: 'double press starts in double-press mode', start: idle(double), input: { kind: 'record-press', at: 300, gesture: 'double', prebufferFrom: undefined }, ...started('button', 300, undefined, double) },
  { name: 'a docked camera does not record', start: idle(config, true), input: press(), state: idle(config, true), effects: [] },
  { name: 'fall detection starts', start: idle(), input: { kind: 'trigger', at: 9, reason: 'fall', prebufferFrom: 1 }, ...started('fall', 9, 1) },
  { name: 'undock: prebuffer restarts empty', start: idle(config, true), input: { kind: 'undock', at: 9 },
    state: idle(), effects: [{ kind: 'reset-prebuffer', cause: 'boot' }] },
  { name: 'undock with always record starts recording', start: idle(always, true), input: { kind: 'undock', at: 9 }, ...started('undock', 9, undefined, always) },
  { name: 'dock while idle stops prebuffering', start: idle(), input: { kind: 'dock', at: 9 },
    state: idle(config, true), effects: [{ kind: 'reset-prebuffer', cause: 'docked' }] },
  { name: 'power off while idle', start: idle(), input: { kind: 'stop', at: 9, reason: 'power-off' }, state: { kind: 'off', config }, effects: [] },
  { name: 'a stale postbuffer expiry is ignored', start: idle(), input: { kind: 'postbuffer-expired', at: 9 }, state: idle(), effects: [] },
  // recording
  { name: 'recording appends units and tracks times', start: recording(config, facts({ startAt: undefined, stopAt: undefined, units: 0 })),
    input: { kind: 'unit', pts: 400, end: 433 }, state: recording(config, facts({ startAt: 400, stopAt: 433, units: 1 })), effects: [{ kind: 'append-unit' }] },
  { name: 'press again: postbuffer, indicator shows stopped', start: recording(), input: press(300),
    state: postbuffer(), effects: [{ kind: 'indicator', recording: false }, { kind: 'begin-postbuffer', ms: 10_000, until: 10_300 }] },
  { name: 'press again without postbuffer: finished', start: recording(noPost), input: press(300),
    state: idle(noPost), effects: [
      { kind: 'indicator', recording: false },
      { kind: 'finish-recording', triggerOff: 'button', at: 300, recording: facts() },
      { kind: 'reset-prebuffer', cause: 'recording-ended' }] },
  { name: 'always record: the button makes a bookmark, not a stop', start: recording(always), input: press(300),
    state: recording(always), effects: [{ kind: 'bookmark', at: 300 }] },
  { name: 'dock ends the recording at once, no postbuffer', start: recording(), input: { kind: 'dock', at: 500 },
    state: idle(config, true), effects: [
      { kind: 'indicator', recording: false },
      { kind: 'finish-recording', triggerOff: 'dock', at: 500, recording: facts() },
      { kind: 'reset-prebuffer', cause: 'docked' }] },
  { name: 'always record: dock ends it', start: recording(always), input: { kind: 'dock', at: 500 },
    state: idle(always, true), effects: [
      { kind: 'indicator', recording: false },
      { kind: 'finish-recording', triggerOff: 'dock', at: 500, recording: facts() },
      { kind: 'reset-prebuffer', cause: 'docked' }] },
  { name: 'power off ends it and powers down', start: recording(always), input: { kind: 'stop', at: 500, reason: 'power-off' },
    state: { kind: 'off', config: always }, effects: [
      { kind: 'indicator', recording: false },
      { kind: 'finish-recording', triggerOff: 'power-off', at: 500, recording: facts() }] },
  { name: 'storage full ends it, camera stays on', start: recording(), input: { kind: 'stop', at: 500, reason: 'storage-full' },
    state: idle(), effects: [
      { kind: 'indicator', recording: false },
      { kind: 'finish-recording', triggerOff: 'storage-full', at: 500, recording: facts() },
      { kind: 'reset-prebuffer', cause: 'recording-ended' }] },
  { name: 'power cut: nothing can run', start: recording(), input: { kind: 'power-cut', at: 500 }, state: { kind: 'off', config }, effects: [] },
  { name: 'a trigger while recording changes nothing', start: recording(), input: { kind: 'trigger', at: 500, reason: 'unholster', prebufferFrom: undefined },
    state: recording(), effects: [] },
  // postbuffer
  { name: 'postbuffer keeps appending', start: postbuffer(), input: { kind: 'unit', pts: 500, end: 533 },
    state: postbuffer(config, facts({ stopAt: 533, units: 4 })), effects: [{ kind: 'append-unit' }] },
  { name: 'postbuffer expiry finishes; trigger-off time is the press', start: postbuffer(), input: { kind: 'postbuffer-expired', at: 10_300 },
    state: idle(), effects: [
      { kind: 'cancel-postbuffer' },
      { kind: 'finish-recording', triggerOff: 'button', at: 300, recording: facts() },
      { kind: 'reset-prebuffer', cause: 'recording-ended' }] },
  { name: 'an early postbuffer expiry is ignored', start: postbuffer(), input: { kind: 'postbuffer-expired', at: 10_000 }, state: postbuffer(), effects: [] },
  { name: 'press during postbuffer: the same recording goes on', start: postbuffer(), input: press(5000),
    state: recording(), effects: [{ kind: 'cancel-postbuffer' }, { kind: 'indicator', recording: true }] },
  { name: 'fall during postbuffer: the same recording goes on', start: postbuffer(), input: { kind: 'trigger', at: 5000, reason: 'fall', prebufferFrom: undefined },
    state: recording(), effects: [{ kind: 'cancel-postbuffer' }, { kind: 'indicator', recording: true }] },
  { name: 'dock during postbuffer ends it at once', start: postbuffer(), input: { kind: 'dock', at: 5000 },
    state: idle(config, true), effects: [
      { kind: 'cancel-postbuffer' },
      { kind: 'finish-recording', triggerOff: 'dock', at: 5000, recording: facts() },
      { kind: 'reset-prebuffer', cause: 'docked' }] },
  // configure
  { name: 'a new profile while idle rebuilds the prebuffer', start: idle(), input: { kind: 'configure', config: { ...config, prebufferMs: 60_000 } },
    state: idle({ ...config, prebufferMs: 60_000 }), effects: [{ kind: 'reset-prebuffer', cause: 'configured' }] },
  { name: 'a new profile while recording applies afterwards', start: recording(), input: { kind: 'configure', config: noPost },
    state: recording(noPost), effects: [] },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const before = JSON.stringify(row.start);
    const step = recorderStep(row.start, row.input);
    t.same(step.state, row.state, 'state');
    t.same(step.effects, row.effects, 'effects');
    t.equal(JSON.stringify(row.start), before, 'the start state is not mutated');
  });
}

t.test('a whole always-record shift: undock, power cycle, dock', async (t) => {
  let s = initialRecorderState(always);
  const kinds: string[] = [];
  const feed = (input: RecorderInput) => {
    const step = recorderStep(s, input);
    s = step.state;
    for (const e of step.effects) if (e.kind === 'start-recording' || e.kind === 'finish-recording') kinds.push(`${e.kind}:${'trigger' in e ? e.trigger : e.triggerOff}`);
  };
  feed({ kind: 'boot', at: 0, docked: true });
  feed({ kind: 'undock', at: 10 });
  feed(press(20));
  feed({ kind: 'stop', at: 30, reason: 'power-off' });
  feed({ kind: 'boot', at: 40, docked: false });
  feed({ kind: 'dock', at: 50 });
  t.same(kinds, ['start-recording:undock', 'finish-recording:power-off', 'start-recording:power-on', 'finish-recording:dock']);
  t.equal(s.kind, 'idle');
});

t.test('bad profiles are named', async (t) => {
  t.throws(() => checkRecorderConfig({ ...config, postbufferMs: -1 }), /postbufferMs must be a number of ms >= 0, got -1/);
  t.throws(() => checkRecorderConfig({ ...config, activation: 'triple' as 'single-press' }), /activation must be/);
  t.throws(() => recorderStep(idle(), { kind: 'configure', config: { ...config, alwaysRecord: 'yes' as unknown as boolean } }), /alwaysRecord/);
});
