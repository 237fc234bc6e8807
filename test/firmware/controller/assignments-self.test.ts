/** CameraAssignments' self-assign bookkeeping: the one-shot self flag, restore after a refusal, every camera asked in self-assign mode. */
import t from 'tap';
import { CameraAssignments } from '../../../firmware/controller/assignments.js';

const key = new Uint8Array(32);
const accepted = (battery: number) => ({ accepted: true as const, batteryPercent: battery, storageFreePercent: 90 });

t.test('the self flag goes out until the camera accepts, then never again', async (t) => {
  const a = new CameraAssignments();
  t.equal(a.messageFor('C1', key), undefined, 'fixed mode: nothing to say to an unknown camera');
  a.selfAssignMode = true;
  t.match(a.messageFor('C1', key), { userId: '', userName: '' }, 'self-assign mode: an unknown camera is sent an empty assignment (and reports its levels)');
  t.notOk(a.messageFor('C1', key)?.selfAssignment);
  a.selfAssign('C1', { userId: 'u1', userName: 'U One' });
  t.match(a.messageFor('C1', key), { userId: 'u1', userName: 'U One', selfAssignment: true });
  t.match(a.messageFor('C1', key), { selfAssignment: true }, 'still pending until an answer');
  a.record('C1', accepted(80), 1);
  t.notOk(a.messageFor('C1', key)?.selfAssignment, 'accepted: the next dock is an ordinary one');
  t.equal(a.messageFor('C1', key)?.userId, 'u1', 'the user stays');
  t.same([...a.selfAssigned()], [['C1', 'u1']]);
  a.assign('C1', { userId: 'u2' });
  t.same([...a.selfAssigned()], [], 'a fixed assignment replaces it');
});

t.test('restore puts back the entry and the verdict on the kept assignment, with the fresh levels', async (t) => {
  const a = new CameraAssignments();
  a.assign('C1', { userId: 'u0' });
  a.record('C1', accepted(70), 1);
  const undo = a.selfAssign('C1', { userId: 'u1' });
  a.record('C1', { accepted: false, error: { code: 'ERROR_CODE_BAD_REQUEST', message: 'bad profile' }, batteryPercent: 75, storageFreePercent: 90 }, 2);
  a.restore('C1', undo);
  t.same(a.entry('C1'), { userId: 'u0' });
  t.match(a.verdict('C1'), { accepted: true, batteryPercent: 75, atMs: 2 });
  t.equal(a.verdict('C1')?.error, undefined);
  t.notOk(a.messageFor('C1', key)?.selfAssignment);
  const fresh = new CameraAssignments();
  fresh.restore('C9', fresh.selfAssign('C9', { userId: 'u1' }));
  t.equal(fresh.entry('C9'), undefined, 'a camera with no entry before has none after');
});
