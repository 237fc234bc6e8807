/**
 * Camera assignment at the dock, end to end on emulated boards: the controller's users and
 * profiles reach the camera inside mutual TLS, a profile the model cannot honour is refused
 * with every reason, readiness for self-assign comes back, and the evaluation-mode reset
 * deletes the camera's recordings and makes it forget its system.
 */
import t from 'tap';
import { adopt, camera, controller, newWorld, pass, record, stopAll, undock, until } from './offload/world-helpers.js';
import { CameraAssignments } from '../../../firmware/controller/assignments.js';
import { listRecordings } from '../../../firmware/common/evidence/index.js';
import { startCamera } from '../../../firmware/camera/runtime.js';
import { silentLog } from '../../../firmware/common/log.js';

t.test('the assigned user and profile reach the camera at the dock and are kept across a reboot', async (t) => {
  const world = newWorld();
  const assignments = new CameraAssignments({ cameras: { 'W100-0001': { userId: 'officer-7', userName: 'Kim', profile: { postbuffer: { enabled: true, lengthS: 30 } } } } });
  const ctl = await controller(world, { assignments });
  const cam = await camera(world, 'W100-0001', { user: undefined });
  t.equal(cam.runtime.user, '', 'unassigned before its first dock');
  await adopt(world, cam);
  t.equal(cam.runtime.user, 'officer-7');
  t.equal(cam.runtime.profile.postbuffer.lengthS, 30, 'the profile from the system is in force');
  const v = ctl.runtime.assignments.verdict('W100-0001');
  t.ok(v?.accepted, 'the camera accepted');
  t.equal(v?.batteryPercent, 80, 'the battery level came back');
  t.ok(v!.storageFreePercent >= 99, 'so did free storage');
  t.ok(v?.selfAssign.ready, 'ready for self-assign (>= 60 % of both)');
  const r = await record(world, cam, 3000);
  t.ok(r, 'recorded');
  t.equal(cam.runtime.assignment?.wirelessBroadcastKey.length, 32, 'the system\'s broadcast key came with it');
  t.same(Buffer.from(cam.runtime.assignment!.wirelessBroadcastKey), Buffer.from(ctl.runtime.authority.wirelessBroadcastKey));
  // A reboot: the runtime starts again on the same storage, with no user option at all.
  await cam.runtime.stop();
  cam.runtime = await startCamera(cam.hal, silentLog, {});
  t.equal(cam.runtime.user, 'officer-7', 'the user is kept across a reboot');
  t.equal(cam.runtime.profile.postbuffer.lengthS, 30, 'and the profile');
  await stopAll([ctl], [cam]);
});

t.test('a profile the model cannot honour is refused with every reason; the camera keeps what it had', async (t) => {
  const world = newWorld();
  const assignments = new CameraAssignments({ cameras: { 'W100-0002': { userId: 'officer-8', profile: { standbyMode: true, prebuffer: { enabled: true, lengthS: 120 } } } } });
  const ctl = await controller(world, { assignments });
  const cam = await camera(world, 'W100-0002');
  await adopt(world, cam);
  const v = ctl.runtime.assignments.verdict('W100-0002');
  t.equal(v?.accepted, false);
  t.match(v?.error, /standby/i, 'names standby with prebuffer');
  t.match(v?.error, /120/, 'names the 120 s prebuffer at 1080p');
  t.equal(cam.runtime.user, 'officer-1', 'the camera kept its user');
  t.equal(cam.runtime.assignment, undefined, 'and nothing was stored');
  await stopAll([ctl], [cam]);
});

t.test('evaluation mode: the check gesture, then the reset within 7 s deletes recordings and forgets the system', async (t) => {
  const world = newWorld();
  const assignments = new CameraAssignments({ evaluationMode: true, cameras: { 'W100-0003': { userId: 'officer-9' } } });
  const ctl = await controller(world, { assignments });
  const cam = await camera(world, 'W100-0003');
  await adopt(world, cam);
  await record(world, cam, 2000);
  t.equal((await listRecordings(cam.hal.storage)).length, 1, 'a recording not transferred');
  const buttons = cam.hal.emulators.buttons;
  // W100: double-press function and record together = evaluation check (all LEDs flash amber).
  const check = buttons.doublePress(['function', 'record']);
  await pass(world, 1500);
  await check;
  t.ok(cam.runtime.behaviour.state.ctx.evaluationCheck, 'evaluation check shown');
  const reset = buttons.doublePress('record');
  await pass(world, 1500);
  await reset;
  await until(world, () => cam.runtime.enrollment.systemId === '', 'the camera forgot its system');
  await pass(world, 500);
  t.equal((await listRecordings(cam.hal.storage)).length, 0, 'recordings deleted');
  t.equal(cam.runtime.assignment, undefined, 'assignment forgotten');
  t.equal(cam.runtime.user, 'officer-1', 'back to its factory user option');
  await stopAll([ctl], [cam]);
});

t.test('outside evaluation mode the same gestures change nothing', async (t) => {
  const world = newWorld();
  const ctl = await controller(world, { assignments: new CameraAssignments({ cameras: { 'W100-0004': { userId: 'officer-4' } } }) });
  const cam = await camera(world, 'W100-0004');
  await adopt(world, cam);
  await record(world, cam, 2000);
  const buttons = cam.hal.emulators.buttons;
  const check = buttons.doublePress(['function', 'record']);
  await pass(world, 1500);
  await check;
  t.notOk(cam.runtime.behaviour.state.ctx.evaluationCheck);
  const again = buttons.doublePress('record');
  await pass(world, 3000);
  await again;
  t.equal(cam.runtime.enrollment.systemId, 'site-a', 'still in its system');
  t.ok((await listRecordings(cam.hal.storage)).length >= 1, 'recordings kept');
  await undock(world, cam);
  await stopAll([ctl], [cam]);
});

t.test('assignments file: every problem named', async (t) => {
  let message = '';
  try {
    CameraAssignments.fromJson('{"cameras":{"W1":{"user":3,"profile":"nope","x":1}},"evaluationMode":"yes","extra":1}', 'a.json');
  } catch (e) {
    message = (e as Error).message;
  }
  t.match(message, /^a\.json: 5 problems/);
  for (const field of ['cameras.W1.user', 'cameras.W1.profile', 'cameras.W1.x', 'evaluationMode', 'extra']) t.ok(message.includes(`${field}:`), `names ${field}`);
  t.throws(() => CameraAssignments.fromJson('[', 'b.json'), /b\.json: not JSON/);
  const a = CameraAssignments.fromJson('{"profiles":{"p":{"postbuffer":{"enabled":true,"lengthS":10}}},"cameras":{"W1":{"user":"u1","profile":"p"}}}');
  t.same(JSON.parse(a.messageFor('W1', new Uint8Array(32))!.profileJson), { postbuffer: { enabled: true, lengthS: 10 } });
  t.equal(a.messageFor('W2', new Uint8Array(32)), undefined, 'nothing to say to a camera the file does not name');
});

t.test('the administrator is told about user ids the visual watermark cuts (over 12 characters), once per user', async (t) => {
  const a = new CameraAssignments({ cameras: {
    'W100-0002': { userId: 'STOCKHOLM-NORTH-4711' }, 'W100-0001': { userId: 'STOCKHOLM-NORTH-4711' }, 'W100-0003': { userId: 'SE-4711' }, 'W100-0004': { userId: '' },
  } });
  t.same(a.watermarkNotices(), [
    'user id "STOCKHOLM-NORTH-4711" has 20 characters: the visual watermark shows only the first 12, "STOCKHOLM-NO"; put the most unique part first',
  ]);
});
