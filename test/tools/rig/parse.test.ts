/**
 * The scenario format: what a well-formed scenario parses to, and that every malformed one names
 * its line and field.
 */
import t, { type Test } from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration, parseScenario } from '../../../tools/rig/parse.js';
import { loadScenario } from '../../../tools/rig/load.js';
import { ScenarioError } from '../../../tools/rig/scenario.js';

/** Each step, after `device` (the scenario's line 1), is refused with exactly its message. */
function expectMalformed(t: Test, device: string, cases: readonly (readonly [string, string])[]): void {
  for (const [step, message] of cases) {
    const e = t.throws(() => parseScenario(`${device}\n${step}`)) as unknown;
    t.ok(e instanceof ScenarioError, step);
    t.equal((e as Error).message, message, step);
  }
}

t.test('durations', async (t) => {
  t.equal(parseDuration('12s'), 12_000);
  t.equal(parseDuration('1m30s'), 90_000);
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('1.5s'), 1500);
  t.equal(parseDuration('1h'), 3600_000);
  t.equal(parseDuration('2m'), 120_000);
  for (const bad of ['', '12x', '12', 's', '1m30', '-1s']) t.equal(parseDuration(bad), undefined, bad);
});

t.test('a well-formed scenario', async (t) => {
  const s = parseScenario([
    '# comment line',
    'device cam1 model=W110 user="Officer One" prebuffer=30s postbuffer=10s battery=55% docked=yes',
    '',
    'at 12s press cam1 record   # trailing comment',
    'expect cam1 state recording',
    'after 500ms hold cam1 function+record for 3s',
    'wait 1m',
    'expect cam1 recording last prebuffer 30s within 2s',
    'at 2m dock cam1 bay=3',
    'at 2m expect cam1 led status amber flash',
  ].join('\n'), 'x.rig');
  t.match(s.devices, [{ line: 2, name: 'cam1', model: 'W110', serial: 'W110-0001', user: 'Officer One', batteryPercent: 55, docked: true, adopted: true, recorder: { prebufferMs: 30_000, postbufferMs: 10_000 } }]);
  t.same(s.steps.map((x) => [x.line, x.atMs, x.text]), [
    [4, 12_000, 'press cam1 record'],
    [5, 12_000, 'expect cam1 state recording'],
    [6, 12_500, 'hold cam1 function+record for 3s'],
    [7, 72_500, 'wait 1m'],
    [8, 72_500, 'expect cam1 recording last prebuffer 30s within 2s'],
    [9, 120_000, 'dock cam1 bay=3'],
    [10, 120_000, 'expect cam1 led status amber flash'],
  ]);
  t.same(s.steps[2]!.step, { type: 'action', action: { kind: 'hold', device: 'cam1', buttons: ['function', 'record'], forMs: 3000 } });
  t.same(s.steps[4]!.step, { type: 'expect', expect: { kind: 'recording-time', device: 'cam1', pick: 'last', property: 'prebuffer', ms: 30_000, toleranceMs: 2000 } });
});

const cases: [string, string, RegExp][] = [
  ['device cam1\nat 12x press cam1 record', 'scenario.rig:2: at: expected a time like 12s, 1m30s or 500ms, got "12x"', /./],
  ['device cam1\nat 5s press cam2 record', 'scenario.rig:2: device: "cam2" is not declared; declared: cam1', /./],
  ['device cam1\n\n# c\nat 5s press cam1', 'scenario.rig:4: button: expected a button like record, or a chord like function+record, got nothing', /./],
  ['device cam1 prebuffer=thirty', 'scenario.rig:1: prebuffer: expected a duration like 30s, 1m or 0s, got "thirty"', /./],
  ['device cam1 colour=red', '', /^scenario\.rig:1: device: expected a setting key=value with key one of model, /],
  ['device cam1 battery=150%', 'scenario.rig:1: battery: expected a whole percentage 0-100 like 80%, got "150%"', /./],
  ['device cam1 docked=maybe', 'scenario.rig:1: docked: expected yes or no, got "maybe"', /./],
  ['device cam1\nat 1s clock cam1 1600h', 'scenario.rig:2: clock: expected a jump forward like +1600h or +90m, got "1600h"', /./],
  ['device cam1 model=X1', '', /^scenario\.rig:1: model: expected a camera model like W100/],
  ['device cam1\nat 10s press cam1 record\nat 5s press cam1 record', 'scenario.rig:3: at: 5s is before the previous step (line 2, at 10.000s); steps go in time order', /./],
  ['device cam1\nat 1s jump cam1', '', /^scenario\.rig:2: step: expected one of press, double-press, /],
  ['device cam1\nexpect cam1 colour red', '', /^scenario\.rig:2: expect: expected what to expect: state, led, /],
  ['device cam1\nexpect cam1 recordings many', 'scenario.rig:2: recordings: expected a whole number like 0, 1 or 2, got "many"', /./],
  ['device cam1\nexpect cam1 recording first prebuffer 30s', 'scenario.rig:2: recording: expected which recording: 1, 2, ... (oldest first) or last, got "first"', /./],
  ['device cam1\nexpect cam1 recording 1 prebuffer 30s about 1s', 'scenario.rig:2: prebuffer: expected "within DURATION" or nothing (default within 1s), got "1s"', /./],
  ['device cam1\nexpect cam1 led status green blinking', 'scenario.rig:2: led: expected one of steady, flash, lit, got "blinking"', /./],
  ['device cam1\nat 1s press cam1 record extra', 'scenario.rig:2: press: unexpected "extra" after the end of the step', /./],
  ['device cam1\nhold cam1 record 3s', 'scenario.rig:2: hold: expected "for DURATION" (or nothing: held until a release step), got "3s"', /./],
  ['device cam1\nbattery cam1 lots', 'scenario.rig:2: battery: expected a percentage 0-100 like 15%, got "lots"', /./],
  ['device cam1\nwait\n', 'scenario.rig:2: wait: expected a duration like 5s, 1m30s or 500ms, got nothing', /./],
  ['device cam1\nat 1s press cam1 record\ndevice cam2', 'scenario.rig:3: device: devices are declared before the first step (line 2)', /./],
  ['device cam1 user="no end', 'scenario.rig:1: quote: a closing " before the end of the line', /./],
  ['# nothing\n', 'scenario.rig:2: device: a scenario needs at least one "device NAME ..." line', /./],
];

t.test('malformed scenarios name the line and the field', async (t) => {
  for (const [text, message, re] of cases) {
    const e = t.throws(() => parseScenario(text)) as unknown;
    t.ok(e instanceof ScenarioError, JSON.stringify(text));
    if (message) t.equal((e as Error).message, message);
    else t.match((e as Error).message, re);
  }
});

t.test('profile files: camera profiles checked against the model, inline settings win, errors name the device line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rig-'));
  const profile = { prebuffer: { enabled: true, lengthS: 60 }, postbuffer: { enabled: true, lengthS: 10 } };
  await writeFile(join(dir, 'p.json'), JSON.stringify(profile));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ prebuffer: { lengthS: 120 }, standbyMode: true, prebufferSeconds: 20 }));
  await writeFile(join(dir, 'ok.rig'), 'device cam1 profile=p.json postbuffer=7s\n');
  await writeFile(join(dir, 'bad.rig'), '# one\ndevice cam1 model=W100 profile=bad.json\n');
  await writeFile(join(dir, 'missing.rig'), 'device cam1 profile=none.json\n');
  const ok = (await loadScenario(join(dir, 'ok.rig'))).devices[0]!;
  t.same(ok.profileDoc, profile, 'the profile goes to the camera as written');
  t.same(ok.recorder, { postbufferMs: 7000 }, 'inline settings stay as recorder overrides');
  const bad = await loadScenario(join(dir, 'bad.rig')).then(() => undefined, (e: Error) => e.message);
  t.match(bad, /^bad\.rig:2: profile: bad\.json: camera profile cannot be assigned to W100: 3 problems:/);
  t.match(bad, /prebufferSeconds: unknown setting/, 'an unknown key is named');
  t.match(bad, /standby/i, 'standby with prebuffer is refused');
  t.match(bad, /prebuffer\.lengthS/, 'a 120 s prebuffer at 1080p on a W100 is refused');
  await t.rejects(loadScenario(join(dir, 'missing.rig')), { message: /^missing\.rig:1: profile: none\.json: ENOENT/ });
});

t.test('GNSS steps and location expectations', async (t) => {
  const s = parseScenario([
    'device cam1 model=W102',
    'at 1s gnss cam1 sky blocked',
    'gnss cam1 sky open',
    'at 2s gnss cam1 outage 1m30s',
    'walk cam1 to 100,-20.5 in 1m',
    'at 3m expect cam1 recording 1 location trigger-on near 100,0',
    'expect cam1 recording last location trigger-off near -5,5 within 25m',
    'expect cam1 recording 2 location trigger-on none',
    'expect cam1 recording 1 location none',
    'expect cam1 recording 1 trail 25+ points',
    'expect cam1 recording 1 trail 0 points',
    'expect cam1 recording 1 trail ends near 100,0 within 3',
  ].join('\n'), 'g.rig');
  t.same(s.steps.map((x) => x.step.type === 'action' ? x.step.action : x.step.expect), [
    { kind: 'gnss', device: 'cam1', op: 'sky', sky: 'blocked' },
    { kind: 'gnss', device: 'cam1', op: 'sky', sky: 'open' },
    { kind: 'gnss', device: 'cam1', op: 'outage', forMs: 90_000 },
    { kind: 'walk', device: 'cam1', x: 100, y: -20.5, inMs: 60_000 },
    { kind: 'recording-location', device: 'cam1', pick: 1, which: 'trigger-on', near: { x: 100, y: 0 }, withinM: 10 },
    { kind: 'recording-location', device: 'cam1', pick: 'last', which: 'trigger-off', near: { x: -5, y: 5 }, withinM: 25 },
    { kind: 'recording-location', device: 'cam1', pick: 2, which: 'trigger-on', withinM: 0 },
    { kind: 'recording-location', device: 'cam1', pick: 1, which: 'any', withinM: 0 },
    { kind: 'recording-trail', device: 'cam1', pick: 1, count: 25, atLeast: true },
    { kind: 'recording-trail', device: 'cam1', pick: 1, count: 0, atLeast: false },
    { kind: 'recording-trail-end', device: 'cam1', pick: 1, near: { x: 100, y: 0 }, withinM: 3 },
  ]);
  t.equal(s.steps[3]!.atMs, 2000, 'a walk takes no scenario time: later steps run while it goes on');

  const malformed: [string, string][] = [
    ['gnss cam1 sky cloudy', 'scenario.rig:2: sky: expected open or blocked, got "cloudy"'],
    ['gnss cam1 jam', 'scenario.rig:2: gnss: expected "sky open", "sky blocked" or "outage DURATION", got "jam"'],
    ['gnss cam1 outage long', 'scenario.rig:2: outage: expected how long there is no fix, like 30s or 2m, got "long"'],
    ['gnss cam1 outage 0s', 'scenario.rig:2: outage: expected a duration above 0 like 30s, got "0s"'],
    ['gnss cam1 sky open now', 'scenario.rig:2: gnss: unexpected "now" after the end of the step'],
    ['gnss cam9 sky open', 'scenario.rig:2: device: "cam9" is not declared; declared: cam1'],
    ['walk cam1 100,0 in 1m', 'scenario.rig:2: walk: expected "to X,Y in DURATION", got "100,0"'],
    ['walk cam1 to north in 1m', 'scenario.rig:2: to: expected a position X,Y in metres like 40,0, got "north"'],
    ['walk cam1 to 100,0', 'scenario.rig:2: walk: expected "in DURATION" after the place (how long the walk takes), got nothing'],
    ['walk cam1 to 100,0 in soon', 'scenario.rig:2: in: expected how long the walk takes, like 1m or 30s, got "soon"'],
    ['expect cam1 recording 1 location somewhere', 'scenario.rig:2: location: expected trigger-on, trigger-off or none, got "somewhere"'],
    ['expect cam1 recording 1 location trigger-on at 1,2', 'scenario.rig:2: trigger-on: expected "near X,Y [within METRES]" or none, got "at"'],
    ['expect cam1 recording 1 location trigger-off near here', 'scenario.rig:2: near: expected a position X,Y in metres like 40,0, got "here"'],
    ['expect cam1 recording 1 location trigger-on near 1,2 within far', 'scenario.rig:2: within: expected a distance in metres like 25m, got "far"'],
    ['expect cam1 recording 1 location trigger-on near 1,2 about 5m', 'scenario.rig:2: near: expected "within METRES" like within 25m, or nothing (within 10 m), got "about"'],
    ['expect cam1 recording 1 location none please', 'scenario.rig:2: expect recording: unexpected "please" after the end of the step'],
    ['expect cam1 recording 1 trail many points', 'scenario.rig:2: trail: expected how many points like 5 or 5+ (at least), or "ends near X,Y", got "many"'],
    ['expect cam1 recording 1 trail 5', 'scenario.rig:2: trail: expected "points" after the count, got nothing'],
    ['expect cam1 recording 1 trail ends at 1,2', 'scenario.rig:2: ends: expected "near X,Y [within METRES]", got "at"'],
  ];
  expectMalformed(t, 'device cam1 model=W102', malformed);
});

t.test('storage step and self-assign expectation', async (t) => {
  const s = parseScenario('device cam1\nat 1s storage cam1 45% used\nexpect cam1 self-assign not-ready\nexpect cam1 self-assign ready\n');
  const steps = s.steps.map((x) => (x.step.type === 'action' ? x.step.action : x.step.expect));
  t.same(steps, [
    { kind: 'storage', device: 'cam1', usedPercent: 45 },
    { kind: 'self-assign', device: 'cam1', ready: false },
    { kind: 'self-assign', device: 'cam1', ready: true },
  ]);
  const malformed: [string, string][] = [
    ['storage cam1 45%', 'scenario.rig:2: storage: expected "used" after the percentage, like 50% used, got nothing'],
    ['storage cam1 half used', 'scenario.rig:2: storage: expected a percentage 0-100 like 15%, got "half"'],
    ['storage cam1 45% used now', 'scenario.rig:2: storage: unexpected "now" after the end of the step'],
    ['expect cam1 self-assign maybe', 'scenario.rig:2: self-assign: expected ready or not-ready, got "maybe"'],
  ];
  expectMalformed(t, 'device cam1', malformed);
});

t.test('assign step, user names, and the assignment, microphone and overlay expectations', async (t) => {
  const s = parseScenario([
    'device cam1 user=SE-4711 user-name="Ada Lovelace"',
    'at 1s assign cam1 profile=p.json',
    'self-assign cam1',
    'expect cam1 assignment refused "at most 90 s"',
    'expect cam1 assignment refused',
    'expect cam1 assignment accepted',
    'expect cam1 microphone off',
    'expect cam1 recording 2 overlay shows "ID SE-4711"',
    'expect cam1 recording last overlay never "MIC OFF"',
    'expect cam1 recording 1 overlay always Ada',
    'expect cam1 recording 1 audio none',
    'expect cam1 recording last audio silence at 29.5s',
  ].join('\n'));
  t.equal(s.devices[0]!.userName, 'Ada Lovelace');
  t.same(s.steps.map((x) => (x.step.type === 'action' ? x.step.action : x.step.expect)), [
    { kind: 'assign', device: 'cam1', profile: 'p.json' },
    { kind: 'self-assign', device: 'cam1' },
    { kind: 'assignment', device: 'cam1', accepted: false, reason: 'at most 90 s' },
    { kind: 'assignment', device: 'cam1', accepted: false },
    { kind: 'assignment', device: 'cam1', accepted: true },
    { kind: 'microphone', device: 'cam1', off: true },
    { kind: 'recording-overlay', device: 'cam1', pick: 2, mode: 'shows', text: 'ID SE-4711' },
    { kind: 'recording-overlay', device: 'cam1', pick: 'last', mode: 'never', text: 'MIC OFF' },
    { kind: 'recording-overlay', device: 'cam1', pick: 1, mode: 'always', text: 'Ada' },
    { kind: 'recording-audio', device: 'cam1', pick: 1, heard: 'none' },
    { kind: 'recording-audio', device: 'cam1', pick: 'last', heard: 'silence', atMs: 29500 },
  ]);
  const malformed: [string, string][] = [
    ['assign cam1 p.json', 'scenario.rig:2: assign: expected profile=FILE.json (a camera profile, relative to the scenario), got "p.json"'],
    ['self-assign cam1 now', 'scenario.rig:2: self-assign: unexpected "now" after the end of the step'],
    ['assign cam1', 'scenario.rig:2: assign: expected profile=FILE.json (a camera profile, relative to the scenario), got nothing'],
    ['expect cam1 assignment maybe', 'scenario.rig:2: assignment: expected accepted, or refused with an optional "reason" in quotes, got "maybe"'],
    ['expect cam1 recording 1 audio loud at 5s', 'scenario.rig:2: audio: expected none, or "sound at D" / "silence at D" (D into the recording, prebuffer included), got "loud"'],
    ['expect cam1 recording 1 audio sound 5s', 'scenario.rig:2: sound: expected "at D" like at 5s, got "5s"'],
    ['expect cam1 recording 1 audio sound at soon', 'scenario.rig:2: at: expected a time into the recording like 5s, got "soon"'],
    ['expect cam1 microphone muted', 'scenario.rig:2: microphone: expected on or off, got "muted"'],
    ['expect cam1 recording 1 overlay contains "x"', 'scenario.rig:2: overlay: expected shows, always or never, got "contains"'],
    ['expect cam1 recording 1 overlay shows', 'scenario.rig:2: overlay: expected the text in quotes, like "ID 4711", got nothing'],
    ['expect cam1 recording 1 overlay shows "a" "b"', 'scenario.rig:2: expect recording: unexpected "b" after the end of the step'],
  ];
  expectMalformed(t, 'device cam1', malformed);
  // The assigned profile is read, not checked: the camera's own answer is what a scenario looks at.
  const dir = await mkdtemp(join(tmpdir(), 'rig-'));
  await writeFile(join(dir, 'p.json'), JSON.stringify({ standbyMode: true, prebuffer: { enabled: true, lengthS: 120 } }));
  await writeFile(join(dir, 'a.rig'), 'device cam1 model=W100\nat 1s assign cam1 profile=p.json\nat 2s assign cam1 profile=gone.json\n');
  await t.rejects(loadScenario(join(dir, 'a.rig')), { message: /^a\.rig:3: profile: gone\.json: ENOENT.*; expected a camera profile in JSON$/ });
  await writeFile(join(dir, 'b.rig'), 'device cam1 model=W100\nat 1s assign cam1 profile=p.json\n');
  const b = await loadScenario(join(dir, 'b.rig'));
  const a = b.steps[0]!.step;
  t.same(a.type === 'action' && a.action.kind === 'assign' ? a.action.profileDoc : undefined, { standbyMode: true, prebuffer: { enabled: true, lengthS: 120 } });
});
