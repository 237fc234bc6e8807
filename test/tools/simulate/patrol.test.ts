/**
 * The simulator's patrol: teams walk their beats so a broadcast needs two hops to reach the third
 * member, teams are out of each other's range, every slot's profile is one its model honours,
 * and the fall is planned on a team lead with the team's other incidents kept away from it.
 */
import t from 'tap';
import {
  BLOCK_SIDE_M, MEMBER_SPACING_M, PATROL_PROFILES, SLOT_PROFILES, TEAM_APART_M, TEAM_SIZE,
  distanceFromBeat, memberOf, modelOf, patrolPosition, planFall, profileNameOf,
} from '../../../tools/simulate/patrol.js';
import { planShift } from '../../../tools/simulate/shift-plan.js';
import { checkProfile } from '../../../firmware/camera/profile/check-profile.js';
import { STRENGTH_RANGE_M } from '../../../hal/radio/medium.js';

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

t.test('a team walks its block in a line: neighbours in medium range, the lead and the third member not', async (t) => {
  const medium = STRENGTH_RANGE_M.medium;
  let minFar = Infinity, maxNear = 0, offBeat = 0;
  for (let s = 0; s < 2 * 3600; s += 7) {
    const p = [0, 1, 2].map((c) => patrolPosition(c, s * 1000));
    maxNear = Math.max(maxNear, dist(p[0]!, p[1]!), dist(p[1]!, p[2]!));
    minFar = Math.min(minFar, dist(p[0]!, p[2]!));
    for (let c = 0; c < 3; c++) offBeat = Math.max(offBeat, distanceFromBeat(c, p[c]!));
  }
  t.ok(offBeat < 1e-6, `every position on the beat (worst ${offBeat} m off)`);
  t.ok(maxNear <= MEMBER_SPACING_M + 1e-6 && maxNear <= medium, `neighbours at most ${maxNear.toFixed(1)} m apart (medium range ${medium} m)`);
  t.ok(minFar > medium, `the lead and the third member at least ${minFar.toFixed(1)} m apart: out of medium range`);
});

t.test('teams are out of each other\'s high range', async (t) => {
  let closest = Infinity;
  for (let s = 0; s < 3600; s += 13) closest = Math.min(closest, dist(patrolPosition(0, s * 1000), patrolPosition(TEAM_SIZE, s * 1000)));
  t.ok(closest > STRENGTH_RANGE_M.high, `two teams' leads never closer than ${closest.toFixed(0)} m`);
  t.equal(memberOf(4).team, 1);
  t.equal(memberOf(4).slot, 1);
  t.ok(TEAM_APART_M - BLOCK_SIDE_M > STRENGTH_RANGE_M.high);
});

t.test('distanceFromBeat measures from the block edge', async (t) => {
  t.equal(distanceFromBeat(0, { x: BLOCK_SIDE_M / 2, y: BLOCK_SIDE_M / 2 }), BLOCK_SIDE_M / 2, 'the middle of the block');
  t.equal(distanceFromBeat(0, { x: -30, y: 10 }), 30, 'west of the block');
  t.equal(distanceFromBeat(TEAM_SIZE, { x: TEAM_APART_M + 10, y: -5 }), 5, 'the second team\'s beat');
});

t.test('every slot\'s profile passes its model\'s checks', async (t) => {
  for (let c = 0; c < TEAM_SIZE; c++) {
    const name = profileNameOf(c);
    t.equal(name, SLOT_PROFILES[c]);
    const p = checkProfile(PATROL_PROFILES[name], modelOf(c));
    t.ok(p.activation.broadcast.enabled && p.activation.recordOnReceivedBroadcast, `${name} on ${modelOf(c)} broadcasts and records on a broadcast`);
    t.equal(p.prebuffer.lengthS, 30);
  }
  t.ok(checkProfile(PATROL_PROFILES['patrol-lead'], modelOf(0)).activation.recordOnFall, 'the lead records on a fall');
  t.equal(checkProfile(PATROL_PROFILES['patrol-lead'], modelOf(0)).location.mode, 'always');
  t.throws(() => checkProfile(PATROL_PROFILES['patrol-lead'], 'W100'), /location/, 'a lead profile on a W100 would be refused (no GNSS)');
});

t.test('the fall: a team lead, mid-shift, the team\'s incidents kept away from it', async (t) => {
  for (const seed of [1, 42, 7, 1234]) {
    const shiftMs = 10 * 3600_000;
    const incidents = planShift(9, shiftMs, seed);
    const { fall, incidents: kept } = planFall(9, shiftMs, incidents, seed);
    t.equal(memberOf(fall.camera).slot, 0, `seed ${seed}: a team lead falls`);
    t.ok(fall.atMs >= shiftMs / 4 && fall.atMs <= (3 * shiftMs) / 4, `seed ${seed}: in the middle half`);
    const team = memberOf(fall.camera).team;
    const clash = kept.filter((i) => memberOf(i.camera).team === team && !(i.startMs + i.lengthMs < fall.atMs - 60_000 || i.startMs > fall.atMs + fall.stopAfterMs + 60_000));
    t.same(clash, [], `seed ${seed}: the team's incidents are clear of the fall`);
    t.same(kept.filter((x) => memberOf(x.camera).team !== team), incidents.filter((x) => memberOf(x.camera).team !== team), 'other teams keep their incidents');
  }
});
