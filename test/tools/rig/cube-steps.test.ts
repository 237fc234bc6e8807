/**
 * The rig's mini cube and silent-mode syntax: `cube DEV connect|disconnect`, `cube-record` button
 * steps, LED `cube-front`, `expect DEV silent on|off` and `expect DEV feedback N`, and their errors.
 */
import t from 'tap';
import { parseScenario } from '../../../tools/rig/parse.js';
import { runScenario } from '../../../tools/rig/runner.js';
import { EmulatedRigTarget } from '../../../tools/rig/emulated-target.js';
import type { RigTarget } from '../../../tools/rig/target.js';

const scenario = (...lines: string[]) => parseScenario(['device cam1', ...lines].join('\n'), 'c.rig');

t.test('parses cube steps and the silent and feedback expectations', async (t) => {
  const s = scenario('at 1s cube cam1 connect', 'press cam1 cube-record', 'after 1s cube cam1 disconnect', 'expect cam1 silent on', 'expect cam1 silent off', 'expect cam1 feedback 2', 'expect cam1 led cube-front red flash');
  t.same(s.steps.map((x) => x.step), [
    { type: 'action', action: { kind: 'cube', device: 'cam1', connected: true } },
    { type: 'action', action: { kind: 'press', device: 'cam1', buttons: ['cube-record'] } },
    { type: 'action', action: { kind: 'cube', device: 'cam1', connected: false } },
    { type: 'expect', expect: { kind: 'silent', device: 'cam1', on: true } },
    { type: 'expect', expect: { kind: 'silent', device: 'cam1', on: false } },
    { type: 'expect', expect: { kind: 'feedback', device: 'cam1', count: 2 } },
    { type: 'expect', expect: { kind: 'led', device: 'cam1', led: 'cube-front', color: 'red', mode: 'flash' } },
  ]);
});

t.test('malformed cube, silent and feedback steps name the line and field', async (t) => {
  t.throws(() => scenario('cube cam1 plug'), { message: 'c.rig:2: cube: expected connect or disconnect (a mini cube sensor plugged in or pulled out), got "plug"' });
  t.throws(() => scenario('cube cam2 connect'), /c\.rig:2: device: "cam2" is not declared/);
  t.throws(() => scenario('cube cam1 connect now'), /c\.rig:2: cube: unexpected "now"/);
  t.throws(() => scenario('expect cam1 silent yes'), { message: 'c.rig:2: silent: expected on or off, got "yes"' });
  t.throws(() => scenario('expect cam1 feedback two'), /c\.rig:2: feedback: expected a whole number/);
});

t.test('cube steps that cannot be done fail naming the device and the fix', async (t) => {
  const run = async (...lines: string[]) => {
    const out: string[] = [];
    const r = await runScenario(scenario(...lines), new EmulatedRigTarget(), { write: (l) => { out.push(l); } });
    return r.failure?.message ?? 'passed';
  };
  t.match(await run('at 1s press cam1 cube-record'), /c\.rig:2: press cam1 cube-record: could not be done: press cube-record: cam1 has no mini cube connected \(add a "cube cam1 connect" step first\)/);
  t.match(await run('at 1s cube cam1 connect', 'press cam1 function+cube-record'), /cannot be chorded with function/);
  t.match(await run('at 1s cube cam1 disconnect'), /cube disconnect: cam1 has no mini cube connected/);
  t.match(await run('at 1s cube cam1 connect', 'after 1s cube cam1 connect'), /already has a mini cube connected/);
  t.equal(await run('at 1s cube cam1 connect', 'after 1s expect cam1 led cube-front off', 'expect cam1 silent off', 'expect cam1 feedback 0'), 'passed');
});

t.test('a target without silent mode or feedback: the expectation is not supported, never passed', async (t) => {
  // The emulated target without the optional questions.
  const bare = (): RigTarget => {
    const inner = new EmulatedRigTarget();
    return {
      description: inner.description,
      start: (d) => inner.start(d), advanceTo: (ms) => inner.advanceTo(ms), apply: (a) => inner.apply(a), settle: () => inner.settle(),
      state: (d, a) => inner.state(d, a), led: (d, l) => inner.led(d, l), recordings: (d) => inner.recordings(d), bookmarks: (d) => inner.bookmarks(d),
      alerts: (d) => inner.alerts(d), battery: (d) => inner.battery(d), close: () => inner.close(),
    };
  };
  const r = await runScenario(scenario('expect cam1 silent off'), bare(), { write: () => {} });
  t.match(r.failure?.message, /not supported by this runtime yet: silent mode on this target/);
  const r2 = await runScenario(scenario('expect cam1 feedback 0'), bare(), { write: () => {} });
  t.match(r2.failure?.message, /not supported by this runtime yet: played feedback on this target/);
});
