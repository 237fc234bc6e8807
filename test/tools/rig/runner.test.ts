/**
 * The runner: it prints each step, stops at the first unmet expectation naming its line, what was
 * expected and what was seen, and fails expectations the runtime cannot answer yet instead of passing them.
 */
import t from 'tap';
import { parseScenario } from '../../../tools/rig/parse.js';
import { runScenario } from '../../../tools/rig/runner.js';
import { EmulatedRigTarget } from '../../../tools/rig/emulated-target.js';

async function run(text: string) {
  const out: string[] = [];
  const result = await runScenario(parseScenario(text, 'u.rig'), new EmulatedRigTarget(), { write: (l) => { out.push(l); } });
  return { result, out: out.join('') };
}

t.test('the first unmet expectation fails the run, naming line, expectation and what was seen', async (t) => {
  const { result, out } = await run([
    'device cam1',
    'at 35s press cam1 record',
    'at 36s expect cam1 state recording',
    'at 37s expect cam1 state idle        # wrong on purpose',
    'at 38s expect cam1 state recording   # never reached',
  ].join('\n'));
  t.equal(result.ok, false);
  t.equal(result.steps, 3);
  t.same(result.failure, { line: 4, step: 'expect cam1 state idle', message: 'u.rig:4: expect cam1 state idle: expected state idle, saw recording' });
  t.match(out, /^ +35\.000s press cam1 record \.\.\. ok$/m);
  t.match(out, /^ +37\.000s expect cam1 state idle \.\.\. FAILED\nu\.rig:4: expect cam1 state idle: expected state idle, saw recording$/m);
  t.notMatch(out, /38\.000s/, 'nothing after the failure runs');
});

t.test('a prebuffer outside its tolerance names both figures', async (t) => {
  const { result } = await run('device cam1\nat 20s press cam1 record\nat 25s press cam1 record\nat 27s expect cam1 recording 1 prebuffer 30s');
  t.match(result.failure?.message, /^u\.rig:4: expect cam1 recording 1 prebuffer 30s: expected recording 1 prebuffer 30s within 1s, saw (19\.\d+|20|20\.\d+)s$/);
});

t.test('a count of recordings gives the counts by status', async (t) => {
  const { result } = await run('device cam1\nat 1s expect cam1 recordings 1');
  t.equal(result.failure?.message, 'u.rig:2: expect cam1 recordings 1: expected 1 recording(s), saw 0 (0 open, 0 closed, 0 interrupted)');
});

t.test('an unadopted camera does not record', async (t) => {
  const { result } = await run('device cam1 adopted=no\nat 35s press cam1 record\nat 36s expect cam1 state idle\nexpect cam1 recordings 0');
  t.ok(result.ok, result.failure?.message ?? 'passed');
});

t.test('a state the runtime does not have fails as not supported, naming the states it has; counts name both figures', async (t) => {
  const flying = await run('device cam1\nat 1s expect cam1 state flying');
  t.equal(flying.result.ok, false);
  t.match(flying.result.failure?.message, /^u\.rig:2: expect cam1 state flying: not supported by this runtime yet: state flying \(this runtime reports off, booting, docked, .*unassigned/);
  const marks = await run('device cam1\nat 1s expect cam1 bookmarks 1');
  t.equal(marks.result.ok, false);
  t.match(marks.result.failure?.message, /^u\.rig:2: expect cam1 bookmarks 1: expected 1/);
  const alert = await run('device cam1\nat 1s expect cam1 alert low-battery');
  t.match(alert.result.failure?.message, /^u\.rig:2: expect cam1 alert low-battery: expected alert low-battery, saw none/);
});

t.test('a step that cannot be done fails naming it', async (t) => {
  const { result } = await run('device cam1\nat 1s release cam1 record');
  t.match(result.failure?.message, /^u\.rig:2: release cam1 record: could not be done: release: record is not down/);
  const off = await run('device cam1\nat 1s power-off cam1\nat 2s power-cut cam1');
  t.equal(off.result.failure?.message, 'u.rig:3: power-cut cam1: could not be done: power-cut: cam1 is off; power it on first');
});

t.test('hold and release, battery and LEDs', async (t) => {
  const { result, out } = await run([
    'device cam1 battery=50%',
    'at 1s expect cam1 battery 50% within 1%',
    'at 2s hold cam1 function',
    'at 5s release cam1 function',
    'at 6s hold cam1 power for 2s',
    'at 9s expect cam1 state off',
    'expect cam1 led status off',
    'at 10s hold cam1 power for 2.5s',
    'at 13s expect cam1 state idle',
    'expect cam1 led status green steady',
    'battery cam1 3%',
    'after 1s expect cam1 alert low-battery',
    'expect cam1 led status green lit',
    'expect cam1 led front off',
    'dock cam1',
    'after 1s expect cam1 led status amber steady',
    'expect cam1 state charging',
  ].join('\n'));
  t.ok(result.ok, result.failure?.message ?? out);
});
