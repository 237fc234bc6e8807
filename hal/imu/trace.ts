/**
 * IMU traces: a named recording of samples at a fixed rate with what the wearer does after it,
 * and their compact CSV form (the files under hal/imu/traces/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DeviceMissingError, HalError } from '../errors.js';

export type Vec3 = readonly [number, number, number];

/** What the wearer (or the camera alone) does when no trace plays. */
export type Activity = 'standing' | 'walking' | 'sitting' | 'lying' | 'resting';
export const ACTIVITIES: readonly Activity[] = ['standing', 'walking', 'sitting', 'lying', 'resting'];

export interface Baseline {
  /** standing/walking: upright wearer; sitting/lying: a still wearer breathing; resting: the camera alone, still. */
  activity: Activity;
  /** The up direction in the camera's axes (unit vector). Default (0,1,0) for standing, walking and sitting, (0,0,1) for lying and resting. */
  up?: Vec3;
}

/** Whether a trace is of a wearer's fall (what a detector should alarm on). */
export type TraceLabel = 'fall' | 'not-fall';

/** The trace classes shipped and synthesized. */
export const TRACE_KINDS = ['fall-forward', 'fall-backward', 'fall-sideways', 'jump', 'running', 'sitting-down', 'drop'] as const;
export type TraceKind = typeof TRACE_KINDS[number];

/** One axis-sample without time: trace samples are at `i * 1000 / rateHz` ms from the start. */
export interface TraceSample { ax: number; ay: number; az: number; gx: number; gy: number; gz: number }

export interface ImuTrace {
  name: string;
  rateHz: number;
  label: TraceLabel;
  /** What follows the trace when an emulated IMU plays it. */
  after: Baseline;
  samples: TraceSample[];
}

export const traceLabel = (kind: TraceKind): TraceLabel => (kind.startsWith('fall-') ? 'fall' : 'not-fall');

const trim = (v: number, digits: number) => {
  const s = v.toFixed(digits).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

/** The CSV text of a trace: two `#` header lines, a column line, one line per sample. */
export function formatTrace(trace: ImuTrace): string {
  const up = trace.after.up ? ` up=${trace.after.up.map((v) => trim(v, 3)).join(',')}` : '';
  const lines = [
    `# bwc imu trace ${trace.name}: specific force m/s^2, angular rate rad/s, camera axes (x right, y up, z out of the front)`,
    `# rate-hz=${trace.rateHz} label=${trace.label} after=${trace.after.activity}${up}`,
    'ax,ay,az,gx,gy,gz',
  ];
  for (const s of trace.samples) lines.push([trim(s.ax, 2), trim(s.ay, 2), trim(s.az, 2), trim(s.gx, 2), trim(s.gy, 2), trim(s.gz, 2)].join(','));
  return `${lines.join('\n')}\n`;
}

/** Parse the CSV form. Throws HalError EFORMAT naming the line and what was expected. */
export function parseTrace(text: string, name: string): ImuTrace {
  const bad = (line: number, what: string) => new HalError('EFORMAT', `IMU trace ${name} line ${line}: ${what}`);
  const lines = text.split('\n');
  let rateHz: number | undefined;
  let label: TraceLabel | undefined;
  let after: Baseline | undefined;
  const samples: TraceSample[] = [];
  let columns = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      for (const m of line.matchAll(/([a-z-]+)=(\S+)/g)) {
        const [, k, v] = m as unknown as [string, string, string];
        if (k === 'rate-hz') {
          rateHz = Number(v);
          if (!Number.isFinite(rateHz) || rateHz < 1 || rateHz > 1000) throw bad(i + 1, `rate-hz must be 1..1000, got ${v}`);
        } else if (k === 'label') {
          if (v !== 'fall' && v !== 'not-fall') throw bad(i + 1, `label must be fall or not-fall, got ${v}`);
          label = v;
        } else if (k === 'after') {
          if (!(ACTIVITIES as readonly string[]).includes(v)) throw bad(i + 1, `after must be one of ${ACTIVITIES.join(', ')}, got ${v}`);
          after = { ...after, activity: v as Activity };
        } else if (k === 'up') {
          const up = v.split(',').map(Number);
          if (up.length !== 3 || up.some((x) => !Number.isFinite(x))) throw bad(i + 1, `up must be three numbers x,y,z, got ${v}`);
          after = { activity: after?.activity ?? 'lying', up: up as unknown as Vec3 };
        }
      }
      continue;
    }
    if (!columns) {
      if (line !== 'ax,ay,az,gx,gy,gz') throw bad(i + 1, `expected the column line ax,ay,az,gx,gy,gz, got "${line.slice(0, 40)}"`);
      columns = true;
      continue;
    }
    const v = line.split(',').map(Number);
    if (v.length !== 6 || v.some((x) => !Number.isFinite(x))) throw bad(i + 1, `expected six numbers, got "${line.slice(0, 60)}"`);
    samples.push({ ax: v[0]!, ay: v[1]!, az: v[2]!, gx: v[3]!, gy: v[4]!, gz: v[5]! });
  }
  if (rateHz === undefined || label === undefined || after === undefined) throw bad(1, 'expected a header line with rate-hz=, label= and after=');
  if (samples.length === 0) throw bad(lines.length, 'expected at least one sample');
  return { name, rateHz, label, after, samples };
}

/**
 * Where the shipped traces are: next to this module (the source tree, or a bundle that ships
 * traces/ next to its chunk), else hal/imu/traces/ under the working directory (a bundle run from
 * the repository, as `npm run bench` is).
 */
export const SHIPPED_TRACES_URL = new URL('./traces/', import.meta.url);
const shipped = new Map<string, ImuTrace>();

/** A shipped trace by name (`fall-forward`), read once per process. */
export function shippedTrace(name: string, dir?: URL): ImuTrace {
  const candidates = dir ? [dir] : [SHIPPED_TRACES_URL, pathToFileURL(join(process.cwd(), 'hal/imu/traces/'))];
  const cached = shipped.get(`${candidates[0]!.href}${name}`);
  if (cached) return cached;
  let text: string | undefined;
  let cause: unknown;
  const path = fileURLToPath(new URL(`${name}.csv`, candidates[0]));
  for (const d of candidates) {
    try {
      text = readFileSync(fileURLToPath(new URL(`${name}.csv`, d)), 'utf8');
      break;
    } catch (e) {
      cause ??= e;
    }
  }
  if (text === undefined) {
    throw new DeviceMissingError(`IMU trace "${name}"`, path, `one of ${TRACE_KINDS.join(', ')} as a CSV file in hal/imu/traces/ (a bundle must ship traces/ next to it)`, { cause });
  }
  const trace = parseTrace(text, name);
  shipped.set(`${candidates[0]!.href}${name}`, trace);
  return trace;
}
