/**
 * The rig's GNSS steps (`gnss DEV sky|outage ...`, `walk DEV to X,Y in D`) and the location
 * expectations of a recording (`location ...`, `trail ...`), parsed with parse.ts's word helpers.
 */
import type { Action, Expectation, RecordingPick } from './scenario.js';

/** What parse.ts lends: the next word, a look at it, and errors naming the line and field. */
export interface Words {
  next: () => string | undefined;
  peek: () => string | undefined;
  expected: (field: string, what: string, got: string | undefined) => Error;
  duration: (field: string, hint?: string) => number;
  point: (field: string) => { x: number; y: number };
}

/** How near a located fix must be when the step gives no `within`. */
export const DEFAULT_NEAR_M = 10;
export const GNSS_OPS = ['sky', 'outage'] as const;
const SKIES = ['open', 'blocked'] as const;

/** `gnss DEV sky open|blocked`, `gnss DEV outage D` (after the device). */
export function parseGnssAction(device: string, w: Words): Action {
  const op = w.next();
  if (op === 'sky') {
    const sky = w.next();
    if (sky !== 'open' && sky !== 'blocked') throw w.expected('sky', SKIES.join(' or '), sky);
    return { kind: 'gnss', device, op: 'sky', sky };
  }
  if (op === 'outage') {
    const forMs = w.duration('outage', 'how long there is no fix, like 30s or 2m');
    if (forMs <= 0) throw w.expected('outage', 'a duration above 0 like 30s', '0s');
    return { kind: 'gnss', device, op: 'outage', forMs };
  }
  throw w.expected('gnss', '"sky open", "sky blocked" or "outage DURATION"', op);
}

/** `walk DEV to X,Y in D` (after the device). */
export function parseWalkAction(device: string, w: Words): Action {
  const to = w.next();
  if (to !== 'to') throw w.expected('walk', '"to X,Y in DURATION"', to);
  const p = w.point('to');
  const word = w.next();
  if (word !== 'in') throw w.expected('walk', '"in DURATION" after the place (how long the walk takes)', word);
  const inMs = w.duration('in', 'how long the walk takes, like 1m or 30s');
  if (inMs <= 0) throw w.expected('in', 'a duration above 0 (use move to jump)', '0s');
  return { kind: 'walk', device, ...p, inMs };
}

/** `within 25m` / `within 25` or nothing (DEFAULT_NEAR_M). */
function within(w: Words): number {
  if (w.peek() === undefined) return DEFAULT_NEAR_M;
  const word = w.next();
  if (word !== 'within') throw w.expected('near', '"within METRES" like within 25m, or nothing (within 10 m)', word);
  const m = w.next();
  const v = m === undefined ? NaN : Number(/^(\d+(?:\.\d+)?)m?$/.exec(m)?.[1] ?? NaN);
  if (!(v >= 0)) throw w.expected('within', 'a distance in metres like 25m', m);
  return v;
}

/**
 * After `expect DEV recording I`: `location none`, `location trigger-on|trigger-off none`,
 * `location trigger-on|trigger-off near X,Y [within M]`, `trail N[+] points`, `trail ends near X,Y [within M]`.
 */
export function parseLocationExpectation(device: string, pick: RecordingPick, property: 'location' | 'trail', w: Words): Expectation {
  if (property === 'location') {
    const which = w.next();
    if (which === 'none') return { kind: 'recording-location', device, pick, which: 'any', withinM: 0 };
    if (which !== 'trigger-on' && which !== 'trigger-off') throw w.expected('location', 'trigger-on, trigger-off or none', which);
    const how = w.next();
    if (how === 'none') return { kind: 'recording-location', device, pick, which, withinM: 0 };
    if (how !== 'near') throw w.expected(which, '"near X,Y [within METRES]" or none', how);
    const near = w.point('near');
    return { kind: 'recording-location', device, pick, which, near, withinM: within(w) };
  }
  const n = w.next();
  if (n === 'ends') {
    const word = w.next();
    if (word !== 'near') throw w.expected('ends', '"near X,Y [within METRES]"', word);
    const near = w.point('near');
    return { kind: 'recording-trail-end', device, pick, near, withinM: within(w) };
  }
  const m = n === undefined ? null : /^(\d+)(\+?)$/.exec(n);
  if (!m) throw w.expected('trail', 'how many points like 5 or 5+ (at least), or "ends near X,Y"', n);
  const unit = w.next();
  if (unit !== 'points' && unit !== 'point') throw w.expected('trail', '"points" after the count', unit);
  return { kind: 'recording-trail', device, pick, count: Number(m[1]), atLeast: m[2] === '+' };
}
