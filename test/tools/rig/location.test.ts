/**
 * The rig's GNSS steps and location expectations: a walk moves the camera gradually, an unmet
 * location names what was seen, and targets that cannot do them say so.
 */
import t from 'tap';
import { parseScenario } from '../../../tools/rig/parse.js';
import { runScenario } from '../../../tools/rig/runner.js';
import { EmulatedRigTarget } from '../../../tools/rig/emulated-target.js';
import { LinuxRigTarget } from '../../../tools/rig/linux-target.js';
import type { RigTarget } from '../../../tools/rig/target.js';

const profile = { location: { mode: 'always' } };

async function run(text: string, target: RigTarget = new EmulatedRigTarget()) {
  const s = parseScenario(text, 'l.rig');
  for (const d of s.devices) d.profileDoc = profile;
  const out: string[] = [];
  const result = await runScenario(s, target, { write: (l) => { out.push(l); } });
  return { result, out: out.join('') };
}

t.test('a walk moves the camera a little each second and the receiver follows; move stops it', async (t) => {
  const target = new EmulatedRigTarget();
  await target.start(parseScenario('device cam1 model=W102 position=0,0').devices);
  const serial = 'W102-0001';
  await target.apply({ kind: 'walk', device: 'cam1', x: 60, y: -30, inMs: 60_000 });
  await target.advanceTo(30_000);
  t.same(target.world.position(serial), { x: 30, y: -15 }, 'halfway after half the time');
  const rx = target.hal('cam1').emulators.gnssReceiver;
  const here = rx.metresOf(rx.place());
  t.ok(Math.hypot(here.x - 30, here.y + 15) < 0.01, `the receiver is where the camera is (${here.x.toFixed(2)},${here.y.toFixed(2)})`);
  await target.advanceTo(90_000);
  t.same(target.world.position(serial), { x: 60, y: -30 }, 'arrived, and stays');
  await target.apply({ kind: 'walk', device: 'cam1', x: 0, y: 0, inMs: 10_000 });
  await target.advanceTo(92_000);
  await target.apply({ kind: 'move', device: 'cam1', x: 5, y: 5 });
  await target.advanceTo(120_000);
  t.same(target.world.position(serial), { x: 5, y: 5 }, 'a move ends the walk under way');
  await target.close();
});

t.test('the receiver maps world metres to degrees and back', async (t) => {
  const target = new EmulatedRigTarget();
  await target.start(parseScenario('device cam1 model=W102').devices);
  const rx = target.hal('cam1').emulators.gnssReceiver;
  const d = rx.degreesOf({ x: 1000, y: -2000 });
  t.ok(d.latitude < 51.5007 && d.longitude > -0.1246, 'south-east of the origin');
  const back = rx.metresOf(d);
  t.ok(Math.abs(back.x - 1000) < 1e-6 && Math.abs(back.y + 2000) < 1e-6);
  await target.close();
});

t.test('an unmet location expectation says what was expected and what was seen', async (t) => {
  const base = 'device cam1 model=W102 position=20,0\nat 35s press cam1 record\nat 45s press cam1 record\nafter 1s';
  const far = await run(`${base} expect cam1 recording 1 location trigger-on near 500,0`);
  t.notOk(far.result.ok);
  t.match(far.result.failure?.message, /^l\.rig:4: expect cam1 recording 1 location trigger-on near 500,0: expected recording 1 trigger-on location within 10 m of 500,0, saw 20\.0,0\.0 \(480\.0 m away\)$/);
  const none = await run(`${base} expect cam1 recording 1 location none`);
  t.match(none.result.failure?.message, /expected recording 1 to have no location, saw trigger-on at 20\.0,0\.0, trigger-off at 20\.0,0\.0, \d+ trail point\(s\)/);
  const trail = await run(`${base} expect cam1 recording 1 trail 500+ points`);
  t.match(trail.result.failure?.message, /expected recording 1 trail at least 500 point\(s\), saw \d+$/);
  const missing = await run(`${base} expect cam1 recording 2 location none`);
  t.match(missing.result.failure?.message, /expected recording 2 to exist, saw 1 recording\(s\)/);
  const open = await run('device cam1 model=W102\nat 5s press cam1 record\nafter 1s expect cam1 recording 1 trail 1+ points');
  t.match(open.result.failure?.message, /but it is open \(its location is known once it is closed\)/);
});

t.test('a target without location support fails the expectation as not supported', async (t) => {
  const target = new EmulatedRigTarget();
  Object.defineProperty(target, 'recordingLocations', { value: undefined });
  const r = await run('device cam1 model=W102\nexpect cam1 recording 1 location none', target);
  t.match(r.result.failure?.message, /not supported by this runtime yet: recording location on emulated world/);
});

t.test('the real target refuses GNSS steps clearly', async (t) => {
  const target = new LinuxRigTarget();
  await t.rejects(target.apply({ kind: 'gnss', device: 'cam1', op: 'sky', sky: 'blocked' }), { message: /^gnss: not supported on this target: / });
  await t.rejects(target.apply({ kind: 'walk', device: 'cam1', x: 1, y: 1, inMs: 1000 }), { message: /^walk: not supported on this target: / });
});
