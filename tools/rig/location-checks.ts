/**
 * The rig's location expectations checked against a target: a recording's trigger-on/off location
 * near a place or absent, and its GNSS trail's length and end. Answers why one is unmet.
 */
import type { Expectation, RecordingPick } from './scenario.js';
import type { RigPoint, RigRecordingLocation } from './recording-location.js';
import type { RigTarget } from './target.js';

export type LocationExpectation = Extract<Expectation, { kind: 'recording-location' | 'recording-trail' | 'recording-trail-end' }>;

export const isLocationExpectation = (x: Expectation): x is LocationExpectation =>
  x.kind === 'recording-location' || x.kind === 'recording-trail' || x.kind === 'recording-trail-end';

/** "not supported by this runtime yet: ..." is the runner's wording for a target that cannot tell. */
const UNSUPPORTED = 'not supported by this runtime yet: ';

const at = (p: RigPoint) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
const distance = (p: RigPoint, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);

function pick(list: RigRecordingLocation[], which: RecordingPick): RigRecordingLocation | string {
  const r = which === 'last' ? list[list.length - 1] : list[which - 1];
  return r ?? `expected recording ${which} to exist, saw ${list.length} recording(s)`;
}

/** Why the expectation does not hold (what was expected, what was seen), or undefined when it holds. */
export async function locationUnmet(target: RigTarget, x: LocationExpectation): Promise<string | undefined> {
  if (!target.recordingLocations) return `${UNSUPPORTED}recording location on ${target.description}`;
  const answer = await target.recordingLocations(x.device);
  if (!answer.supported) return `${UNSUPPORTED}${answer.what}`;
  const r = pick(answer.value, x.pick);
  if (typeof r === 'string') return r;
  if (r.status === 'open') return `expected recording ${x.pick}'s location, but it is open (its location is known once it is closed)`;
  const loc = r.location;
  const rec = `recording ${x.pick}`;
  switch (x.kind) {
    case 'recording-location': {
      if (x.which === 'any') {
        if (!loc) return undefined;
        const seen = [loc.triggerOn && `trigger-on at ${at(loc.triggerOn)}`, loc.triggerOff && `trigger-off at ${at(loc.triggerOff)}`, `${loc.trail.length} trail point(s)`].filter(Boolean).join(', ');
        return `expected ${rec} to have no location, saw ${seen}`;
      }
      const p = x.which === 'trigger-on' ? loc?.triggerOn : loc?.triggerOff;
      if (!x.near) return p ? `expected ${rec} to have no ${x.which} location, saw one at ${at(p)}` : undefined;
      if (!p) return `expected ${rec} ${x.which} location near ${x.near.x},${x.near.y}, saw none${loc ? '' : ' (the recording has no location at all)'}`;
      const d = distance(p, x.near);
      return d <= x.withinM ? undefined : `expected ${rec} ${x.which} location within ${x.withinM} m of ${x.near.x},${x.near.y}, saw ${at(p)} (${d.toFixed(1)} m away)`;
    }
    case 'recording-trail': {
      const n = loc?.trail.length ?? 0;
      const ok = x.atLeast ? n >= x.count : n === x.count;
      return ok ? undefined : `expected ${rec} trail ${x.atLeast ? 'at least ' : ''}${x.count} point(s), saw ${n}`;
    }
    case 'recording-trail-end': {
      const last = loc?.trail[loc.trail.length - 1];
      if (!last) return `expected ${rec} trail to end near ${x.near.x},${x.near.y}, saw no trail`;
      const d = distance(last, x.near);
      return d <= x.withinM ? undefined : `expected ${rec} trail to end within ${x.withinM} m of ${x.near.x},${x.near.y}, saw it end at ${at(last)} (${d.toFixed(1)} m away)`;
    }
  }
}
