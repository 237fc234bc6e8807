/** The main job as a user runs it: every docked camera found and in session, JSON summary last. */
import t from 'tap';
import { spawnSync } from 'node:child_process';

t.test('npm start: 4 cameras docked, found, in session, undocked and re-docked', async (t) => {
  const r = spawnSync(process.execPath, ['dist/simulate.mjs', '--json'], { encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  const last = r.stdout.trim().split('\n').at(-1)!;
  const s = JSON.parse(last);
  t.equal(s.cameras, 4);
  t.equal(s.dockings, 8);
  t.equal(s.found, 8, 'every docking found');
  t.equal(s.sessions, 8, 'a session with each');
  t.equal(s.adopted, 4, 'each camera adopted at its first dock');
  t.equal(s.undocksSeen, 4, 'every undock noticed');
  t.same(s.missed, []);
  t.ok(s.beacons >= 8 && s.solicitations >= 1);
});

t.test('8 cameras fill a station; a 9th is refused with a clear error', async (t) => {
  const ok = spawnSync(process.execPath, ['dist/simulate.mjs', '--cameras', '8', '--json'], { encoding: 'utf8', timeout: 60_000 });
  t.equal(ok.status, 0, ok.stderr);
  t.equal(JSON.parse(ok.stdout.trim().split('\n').at(-1)!).sessions, 16);
  const bad = spawnSync(process.execPath, ['dist/simulate.mjs', '--cameras', '9'], { encoding: 'utf8' });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--cameras must be an integer 1-8 \(one docking station\), got 9/);
});
