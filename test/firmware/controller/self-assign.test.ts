/**
 * Self-assign camera assignment end to end on emulated boards: a controller with an RFID reader
 * in self-assign mode and two docked cameras. A registered tag gets the readiest camera (its
 * user, a self-assignment); a second user gets the other; the same user again while their
 * camera is undocked, an unregistered tag, and a tap with no camera ready are refused with the
 * manual's reasons.
 */
import t from 'tap';
import { camera, controller, newWorld, record, stopAll, until, pass } from './offload/world-helpers.js';
import { parseUsersCsv } from '../../../firmware/controller/users-csv.js';
import { openRecording } from '../../../firmware/common/evidence/index.js';
import type { TapOutcome } from '../../../firmware/controller/self-assign-service.js';
import { UNDOCK_SILENCE_MS } from '../../../firmware/controller/dock-table.js';

const USERS = '#ID (required)(max 30 characters),Name (required)(max 60 characters),Policy,Email,RFID number,\n'
  + '123,Officer_James,Default,,1D1AC750,\n567,Officer Paul,Default,,FDA3C650,\n987,Officer Smith,Strict,,3DFDC650,\n,,,,,\n';

t.test('tap a tag: the readiest docked camera is self-assigned; refusals name the manual\'s reasons', async (t) => {
  const world = newWorld();
  const ctl = await controller(world, { assignmentMode: 'self-assign', users: parseUsersCsv(USERS), profiles: { Default: { postbuffer: { enabled: true, lengthS: 10 } }, Strict: { standbyMode: true, prebuffer: { enabled: true, lengthS: 120 } } } }, { rfid: true });
  const self = ctl.runtime.selfAssign!;
  const reader = ctl.hal.emulators.rfid!;
  t.ok(self && reader, 'self-assign service and reader present');
  const outcomes: TapOutcome[] = [];
  self.onOutcome((o) => outcomes.push(o));
  const tap = async (tag: string): Promise<TapOutcome> => {
    const n = outcomes.length;
    reader.tap(tag);
    await until(world, () => outcomes.length > n, `the outcome of tapping ${tag}`, 60_000);
    return outcomes[n]!;
  };
  const a = await camera(world, 'W100-0001', { user: undefined });
  const b = await camera(world, 'W100-0002', { user: undefined });
  for (const [cam, level] of [[a, 70], [b, 90]] as const) {
    cam.hal.emulators.power.setChargeRate(0);
    cam.hal.emulators.power.setLevel(level);
  }
  world.docks.dock('W100-0001', 'st', 1);
  world.docks.dock('W100-0002', 'st', 2);
  await until(world, () => ctl.runtime.assignments.verdict('W100-0001') !== undefined && ctl.runtime.assignments.verdict('W100-0002') !== undefined, 'both cameras reported');
  t.equal(a.runtime.user, '', 'camera A unassigned while waiting in the dock');

  // A profile neither camera's model can honour: each refuses it, both are put back as they were.
  const strict = await tap('3DFDC650');
  t.match(strict, { kind: 'refused', reason: 'camera-failed', user: { id: '987' } });
  t.match(strict.kind === 'refused' ? strict.message : '', /^no camera could take the assignment of Officer Smith \(987\): camera W100-0002: refused: [\s\S]*standby[\s\S]*; camera W100-0001: refused: /, 'names the camera\'s reason');
  t.equal(a.runtime.user, '', 'camera A still unassigned');
  t.equal(b.runtime.user, '', 'camera B too');
  t.equal(ctl.runtime.assignments.entry('W100-0001'), undefined, 'the controller\'s entries put back');
  t.same([...self.reserved()], [], 'nothing reserved');

  // Two users tap one right after the other: the taps are in flight together, each gets its own camera.
  const n = outcomes.length;
  const [tappedAt, wallStart] = [ctl.hal.clock.now(), performance.now()];
  reader.tap('1d1ac750');
  reader.tap('FDA3C650');
  await until(world, () => outcomes.length >= n + 2, 'both taps decided', 60_000);
  const [first, second] = [outcomes[n]!, outcomes[n + 1]!];
  t.comment(`tap to assigned (a fresh TLS session each): ${Math.round(first.atMs - tappedAt)} ms and ${Math.round(second.atMs - tappedAt)} ms virtual, ${(performance.now() - wallStart).toFixed(0)} ms wall for both`);
  t.match(first, { kind: 'assigned', serial: 'W100-0002', user: { id: '123', name: 'Officer_James' } }, 'the readiest camera (90 % battery) goes to 123');
  t.equal(b.runtime.user, '123', 'camera B has the user');
  t.equal(b.runtime.assignment?.selfAssigned, true, 'as a self-assignment');
  t.equal(b.runtime.profile.postbuffer.lengthS, 10, 'with the user\'s policy profile');
  t.equal(ctl.runtime.assignments.entry('W100-0002')?.selfAssigned, true);
  t.same([...self.reserved()].sort(), [['W100-0001', '567'], ['W100-0002', '123']], 'each reserved for its user until picked up');

  await t.test('the self-assigned camera\'s LEDs flash green', async (t) => {
    const leds = b.hal.emulators.indicators.state().leds;
    t.ok(Object.values(leds).some((p) => p.kind === 'flash' && p.color === 'green'), JSON.stringify(leds));
  });

  t.match(second, { kind: 'assigned', serial: 'W100-0001', user: { id: '567' } }, 'a second user gets the other camera, never the reserved one');
  t.equal(a.runtime.user, '567');

  const unknown = await tap('ABCDEF01');
  t.match(unknown, { kind: 'refused', reason: 'tag-not-registered' });
  t.match(unknown.kind === 'refused' ? unknown.message : '', /ABCDEF01 isn't registered/);

  const none = await tap('3DFDC650');
  t.match(none, { kind: 'refused', reason: 'no-camera-ready', user: { id: '987' } }, 'both cameras are waiting for their users');
  t.match(none.kind === 'refused' ? none.message : '', /2 waiting for pickup/);

  // 123 picks up camera B and records with it.
  world.docks.undock('W100-0002');
  await pass(world, UNDOCK_SILENCE_MS + 2000, 250);
  t.same([...self.reserved()], [['W100-0001', '567']], 'B is no longer reserved once undocked');
  const r = await record(world, b, 2000);
  const entry = (await openRecording(b.hal.storage, r.recordingId)).manifestEntry();
  t.equal(entry.userId, '123', 'the recording carries the self-assigned user');

  const again = await tap('1D1AC750');
  t.match(again, { kind: 'refused', reason: 'user-has-undocked-camera', user: { id: '123' } });
  t.match(again.kind === 'refused' ? again.message : '', /already assigned to camera W100-0002, which is undocked/);

  const repeat = await tap('FDA3C650');
  t.match(repeat, { kind: 'assigned', serial: 'W100-0001', user: { id: '567' } }, 'a second tap while the camera waits gives the same camera');
  await stopAll([ctl], [a, b]);
});

t.test('fixed assignment mode: no self-assign service, the reader is ignored', async (t) => {
  const world = newWorld();
  const ctl = await controller(world, {}, { rfid: true });
  t.equal(ctl.runtime.selfAssign, undefined);
  await stopAll([ctl], []);
});
