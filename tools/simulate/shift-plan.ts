/**
 * The simulator's shift script: when each camera records an incident and for how long, drawn
 * from a seeded generator so a run can be repeated; and the duration syntax of `--shift`.
 */

export interface Incident {
  /** Index of the camera (0-based). */
  camera: number;
  /** Start (record press) in ms after the shift began. */
  startMs: number;
  /** Time until the stop press. */
  lengthMs: number;
}

/** An incident every this long on average per camera. */
export const MEAN_GAP_MS = 75 * 60_000;
export const MIN_LENGTH_MS = 60_000;
export const MAX_LENGTH_MS = 6 * 60_000;
/** No incident starts before the prebuffer filled after undock, nor ends near the end of the shift. */
export const FIRST_START_MS = 2 * 60_000;
export const END_MARGIN_MS = 3 * 60_000;

/** `30m`, `2h`, `1h30m`, `45s`, `90` (minutes) -> ms; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 60_000;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(t);
  if (!m || t === '' || (!m[1] && !m[2] && !m[3])) return undefined;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** A small seeded generator (mulberry32): the same seed gives the same shift. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Incidents for `cameras` cameras over `shiftMs`: at least one per camera, never overlapping on
 * one camera, one every `meanGapMs` per camera on average (the simulator's teams share them: a
 * team mate's incident records on every camera of the team through wireless broadcast).
 */
export function planShift(cameras: number, shiftMs: number, seed: number, meanGapMs = MEAN_GAP_MS): Incident[] {
  const random = generator(seed);
  const out: Incident[] = [];
  const lastEnd = shiftMs - END_MARGIN_MS;
  for (let c = 0; c < cameras; c++) {
    let t = FIRST_START_MS + random() * Math.min(meanGapMs, Math.max(0, lastEnd - FIRST_START_MS - MAX_LENGTH_MS));
    for (;;) {
      const length = Math.round(MIN_LENGTH_MS + random() * (MAX_LENGTH_MS - MIN_LENGTH_MS));
      const fits = t + length <= lastEnd;
      if (!fits) {
        if (out.some((i) => i.camera === c)) break;
        // A short shift still gets one short incident.
        out.push({ camera: c, startMs: Math.round(FIRST_START_MS), lengthMs: Math.max(10_000, Math.min(MIN_LENGTH_MS, lastEnd - FIRST_START_MS)) });
        break;
      }
      out.push({ camera: c, startMs: Math.round(t), lengthMs: length });
      // Next incident after this one, its postbuffer and a full prebuffer.
      t += length + 2 * 60_000 + random() * 2 * meanGapMs;
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.camera - b.camera);
}
