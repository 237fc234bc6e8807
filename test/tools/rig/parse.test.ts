/**
 * The scenario format: what a well-formed scenario parses to, and that every malformed one names
 * its line and field.
 */
import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration, parseScenario } from '../../../tools/rig/parse.js';
import { loadScenario } from '../../../tools/rig/load.js';
import { ScenarioError } from '../../../tools/rig/scenario.js';

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
