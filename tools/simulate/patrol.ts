/**
 * The simulator's patrol: cameras work in teams of three that walk a beat together, each with
 * the model and profile its place in the team gives it (the controller assigns them at the dock),
 * and one officer of the shift falls. Pure: positions are a function of time, the fall a function
 * of the seed, so a run can be repeated.
 */
import type { ModelName } from '../../firmware/camera/profile/models.js';
import type { Incident } from './shift-plan.js';

export const TEAM_SIZE = 3;
/**
 * Team members walk in a line this far apart: a neighbour is within the medium broadcast range
 * (75 m), the third member is not (120 m), so an incident reaches it only through the middle
 * camera: a two-hop broadcast chain.
 */
export const MEMBER_SPACING_M = 60;
/** Teams' beats are this far apart: beyond the high broadcast range (100 m). */
export const TEAM_APART_M = 1000;
/** Each team walks around a square block of this side, at WALK_SPEED. */
export const BLOCK_SIDE_M = 400;
export const WALK_SPEED_M_S = 1.2;

/** The team slot's camera model: a W120 (location) leads, then a W102 (location), then a W100. */
export const SLOT_MODELS: readonly ModelName[] = ['W120', 'W102', 'W100'];
/** The profile name (in the simulator's assignments) of each team slot. */
export const SLOT_PROFILES = ['patrol-lead', 'patrol-located', 'patrol'] as const;

const recorder = {
  prebuffer: { enabled: true, lengthS: 30, audio: true },
  postbuffer: { enabled: true, lengthS: 10 },
};
/**
 * The shift's profiles, as a controller's assignments file holds them. Every camera records on a
 * received broadcast and broadcasts when it starts recording; the lead also records on a fall and
 * keeps its location always; the second camera has location while recording; the W100 has no
 * GNSS and no signal-strength setting (its broadcast is at the default, high). The lead burns its
 * user's name, id and position into the video (the overlay).
 */
export const PATROL_PROFILES: Readonly<Record<(typeof SLOT_PROFILES)[number], Record<string, unknown>>> = {
  'patrol-lead': {
    ...recorder,
    location: { mode: 'always', assistedGnss: false },
    overlay: { userName: true, userId: true, position: true },
    activation: { recordOnFall: true, broadcast: { enabled: true, strength: 'medium', delayAtUndockMin: 0 }, recordOnReceivedBroadcast: true },
  },
  'patrol-located': {
    ...recorder,
    location: { mode: 'while-recording-and-streaming', assistedGnss: false },
    activation: { broadcast: { enabled: true, strength: 'medium', delayAtUndockMin: 0 }, recordOnReceivedBroadcast: true },
  },
  'patrol': {
    ...recorder,
    activation: { broadcast: { enabled: true, delayAtUndockMin: 0 }, recordOnReceivedBroadcast: true },
  },
};

export interface Member { team: number; slot: number }

export function memberOf(camera: number): Member {
  return { team: Math.floor(camera / TEAM_SIZE), slot: camera % TEAM_SIZE };
}

export function modelOf(camera: number): ModelName {
  return SLOT_MODELS[memberOf(camera).slot]!;
}

export function profileNameOf(camera: number): (typeof SLOT_PROFILES)[number] {
  return SLOT_PROFILES[memberOf(camera).slot]!;
}

/**
 * Where camera `camera` is `tMs` after the patrol began, in metres east (x) and north (y) of the
 * world's origin: its team walks around its block, members one behind the other along the way.
 */
export function patrolPosition(camera: number, tMs: number): { x: number; y: number } {
  const { team, slot } = memberOf(camera);
  const perimeter = 4 * BLOCK_SIDE_M;
  // The lead walks ahead; the others follow MEMBER_SPACING_M apart along the block's edge.
  const along = (((WALK_SPEED_M_S * tMs) / 1000 - slot * MEMBER_SPACING_M) % perimeter + perimeter) % perimeter;
  const side = Math.floor(along / BLOCK_SIDE_M);
  const d = along - side * BLOCK_SIDE_M;
  const corner = [{ x: 0, y: 0 }, { x: BLOCK_SIDE_M, y: 0 }, { x: BLOCK_SIDE_M, y: BLOCK_SIDE_M }, { x: 0, y: BLOCK_SIDE_M }][side]!;
  const dir = [{ x: 1, y: 0 }, { x: 0, y: 1 }, { x: -1, y: 0 }, { x: 0, y: -1 }][side]!;
  return { x: team * TEAM_APART_M + corner.x + dir.x * d, y: corner.y + dir.y * d };
}

/** The officer who falls: their camera (a team lead: it records on a fall), when, and how long until they stop the recording. */
export interface FallPlan { camera: number; atMs: number; stopAfterMs: number }

/** Nothing else happens in the fallen officer's team this long (at most a tenth of the shift) before and after the fall, so the fall is what starts the recording. */
export const FALL_CLEAR_MS = 10 * 60_000;
export const FALL_RECORDING_MS = 3 * 60_000;

/**
 * The shift's fall: the lead of the team `seed` picks, in the middle half of the shift; the
 * team's incidents near it are dropped (kept: at least one per camera when the shift is long enough).
 */
export function planFall(cameras: number, shiftMs: number, incidents: readonly Incident[], seed: number): { fall: FallPlan; incidents: Incident[] } {
  const teams = Math.ceil(cameras / TEAM_SIZE);
  const team = Math.abs(seed) % teams;
  const camera = team * TEAM_SIZE;
  const atMs = Math.round(shiftMs / 4 + ((Math.abs(seed) * 7919) % 1000) / 1000 * (shiftMs / 2));
  const clear = Math.min(FALL_CLEAR_MS, shiftMs / 10);
  const inTeam = (i: Incident) => memberOf(i.camera).team === team;
  const near = (i: Incident) => i.startMs < atMs + FALL_RECORDING_MS + clear && i.startMs + i.lengthMs > atMs - clear;
  const kept = incidents.filter((i) => !(inTeam(i) && near(i)));
  return { fall: { camera, atMs, stopAfterMs: FALL_RECORDING_MS }, incidents: kept };
}

/** How far (metres) a point is from the beat camera `camera`'s team walks (the block's edge). */
export function distanceFromBeat(camera: number, p: { x: number; y: number }): number {
  const x0 = memberOf(camera).team * TEAM_APART_M, s = BLOCK_SIDE_M;
  const corners = [{ x: x0, y: 0 }, { x: x0 + s, y: 0 }, { x: x0 + s, y: s }, { x: x0, y: s }];
  let best = Infinity;
  for (let k = 0; k < 4; k++) {
    const a = corners[k]!, b = corners[(k + 1) % 4]!;
    const dx = b.x - a.x, dy = b.y - a.y;
    const u = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(p.x - (a.x + u * dx), p.y - (a.y + u * dy)));
  }
  return best;
}
