/**
 * The main job as a user runs it: a whole shift, every recording at the destination, decodable,
 * nothing lost; the JSON summary last; bad usage answered with exit 2 and the reason.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ffmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const run = (...args: string[]) => spawnSync(process.execPath, ['dist/simulate.mjs', ...args], { encoding: 'utf8', timeout: 300_000 });
const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

t.test('npm start: 4 cameras, a shift of incidents, every recording at the reference destination', async (t) => {
  const r = run('--json', '--shift', '45m');
  t.equal(r.status, 0, r.stderr);
  const s = summaryOf(r.stdout);
  t.equal(s.cameras, 4);
  t.equal(s.adopted, 4, 'each camera adopted at its first dock');
  t.ok(s.recordings >= 4, `every camera recorded (${s.recordings} recordings)`);
  t.equal(s.offloaded, s.recordings, 'every recording offloaded to the controller');
  t.equal(s.uploaded, s.recordings, 'every recording at the destination with Status Complete');
  t.ok(s.clips >= s.recordings, 'at least a clip per recording');
  t.equal(s.lost, 0);
  t.equal(s.corrupt, 0);
  if (ffmpeg) t.equal(s.decoded, s.clips, 'every clip decoded by ffmpeg');
  t.equal(s.destination.kind, 'reference');
  t.ok(existsSync(s.destination.storagePath), 'the destination files are where the summary says');
  const containers = readdirSync(join(s.destination.storagePath, 'AUTH_scu')).filter((n) => /^officer-\d+_W1(20|02|00)-\d{4}_\d{8}T\d{6}Z$/.test(n));
  t.equal(containers.length, s.recordings, 'one container per recording on disk');
  // Automatic activation reached the destination: the fall, a broadcast chain, GNSS trails on the beat.
  t.ok(s.fall.arrived, `the fall of ${s.fall.camera} arrived as a Fall recording`);
  t.ok(s.triggers.Fall >= 1, 'a recording with TriggerOn Fall');
  t.ok(s.triggers.WirelessBroadcast >= 2, `team mates recorded on the broadcast, the third one through the second (${s.triggers.WirelessBroadcast})`);
  t.ok(s.triggers.Button >= 1, 'officers pressed record');
  t.equal(Object.values(s.triggers as Record<string, number>).reduce((a, b) => a + b, 0), s.uploaded, 'every recording has its TriggerOn');
  t.ok(s.trails >= 1 && s.trailPoints > 10, `GNSS trails uploaded (${s.trails} trails, ${s.trailPoints} points)`);
  t.equal(s.trailPointsOffBeat, 0, 'every trail point on the beat the camera walked');
  t.ok(s.located >= 1, 'recordings with TriggerOnLocation');
  if (ffmpeg) {
    t.ok(s.overlays.checked >= 1, `team lead recordings read back from the decoded video (${s.overlays.checked})`);
    t.equal(s.overlays.wrong, 0, 'each shows its own user burned into every picture read');
  } else t.equal(s.overlays, null, 'without ffmpeg the overlays are not read');
  const trailObjects = containers.flatMap((c) => readdirSync(join(s.destination.storagePath, 'AUTH_scu', c)).filter((o) => o.endsWith('_gpstrail.json')));
  t.equal(trailObjects.length, s.trails, 'the trail objects are on disk at the destination');
  t.notOk(trailObjects.some((o) => o.includes('_W100-')), 'the W100 (no GNSS) has no trail');
  t.match(r.stderr, /end of shift: \d+ recording\(s\) made/, 'progress goes to stderr with --json');
  rmSync(s.destination.storagePath, { recursive: true, force: true });
});

t.test('bad usage: each option names what it expected', async (t) => {
  const cams = run('--cameras', '41');
  t.equal(cams.status, 2);
  t.match(cams.stderr, /--cameras must be an integer 1-40 \(5 ports of 8 bays\), got 41/);
  const shift = run('--shift', 'forever');
  t.equal(shift.status, 2);
  t.match(shift.stderr, /--shift must be a duration from 10m to 24h such as 90m, 2h or 1h30m, got forever/);
  const dir = mkdtempSync(join(tmpdir(), 'bwc-sim-test-'));
  const missing = run('--connection', join(dir, 'nope.json'));
  t.equal(missing.status, 2);
  t.match(missing.stderr, /--connection .*nope\.json: cannot read it \(ENOENT\)/);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ConnectionFileVersion: '1.0', SiteName: 'x', ApplicationName: 'x', ApplicationVersion: '1', AuthenticationTokenURI: ['not a url'], BlobAPIUserName: 'u' }));
  const bad = run('--connection', join(dir, 'bad.json'));
  t.equal(bad.status, 2);
  t.match(bad.stderr, /AuthenticationTokenURI\[0\]/, 'names the bad field');
  t.match(bad.stderr, /BlobAPIKey/, 'and the missing one');
  rmSync(dir, { recursive: true, force: true });
});
