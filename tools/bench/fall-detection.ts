/**
 * Issue 5's fall-detector target: detection rate on falls and false alarms on everything else,
 * over the shipped traces and seeded synthesized variants per class (nominal shapes and a wide
 * spread past them), with and without a gyroscope, and the detector's cost per sample against
 * a baseline pass over the same samples in the same run.
 */
import type { ImuSample } from '../../hal/imu/contract.js';
import { synthesize, type Spread } from '../../hal/imu/synthesize.js';
import { shippedTrace, TRACE_KINDS, type ImuTrace, type TraceKind } from '../../hal/imu/trace.js';
import { detectFalls, initialFallState, stepFall } from '../../firmware/camera/sensors/fall-detector.js';
import { say, type Row } from './report.js';

/** A trace's samples with times from 0 at its rate; `gyro: false` blanks the angular rates (an accelerometer-only IMU). */
export function traceSamples(trace: ImuTrace, gyro = true): ImuSample[] {
  return trace.samples.map((s, i) => ({
    timeMs: (i * 1000) / trace.rateHz, ax: s.ax, ay: s.ay, az: s.az,
    gx: gyro ? s.gx : NaN, gy: gyro ? s.gy : NaN, gz: gyro ? s.gz : NaN,
  }));
}

/** Whether the detector reports a fall anywhere in the trace. */
export const alarms = (trace: ImuTrace, gyro = true): boolean => detectFalls(traceSamples(trace, gyro)).some((e) => e.kind === 'fall');

export interface ClassResult { kind: TraceKind; traces: number; alarms: number }
export interface FallEvaluation {
  /** Per shipped trace: whether it alarmed. */
  shipped: { kind: TraceKind; fall: boolean; alarmed: boolean }[];
  /** Per class, over `variants` synthesized variants. */
  nominal: ClassResult[];
  wide: ClassResult[];
  /** The nominal variants again with the gyroscope blanked. */
  nominalNoGyro: ClassResult[];
  /** Falls detected / falls, and alarms / non-falls, over the variants. */
  rates: Record<'nominal' | 'wide' | 'nominalNoGyro', { detection: number; falseAlarm: number }>;
}

/** The variant seed of class `kind`, number `i` (different from the shipped seeds). */
export const variantSeed = (kind: TraceKind, i: number) => 10_000 + 1000 * TRACE_KINDS.indexOf(kind) + i;

function classResults(variants: number, spread: Spread, gyro: boolean): ClassResult[] {
  return TRACE_KINDS.map((kind) => {
    let n = 0;
    for (let i = 0; i < variants; i++) if (alarms(synthesize(kind, variantSeed(kind, i), { spread }), gyro)) n++;
    return { kind, traces: variants, alarms: n };
  });
}

function rates(rs: ClassResult[]): { detection: number; falseAlarm: number } {
  const falls = rs.filter((r) => r.kind.startsWith('fall-'));
  const others = rs.filter((r) => !r.kind.startsWith('fall-'));
  const sum = (xs: ClassResult[], f: (r: ClassResult) => number) => xs.reduce((a, r) => a + f(r), 0);
  return {
    detection: sum(falls, (r) => r.alarms) / sum(falls, (r) => r.traces),
    falseAlarm: sum(others, (r) => r.alarms) / sum(others, (r) => r.traces),
  };
}

/** Run the detector over the shipped traces and `variants` variants per class and spread. */
export function evaluateFallDetector(variants = 50): FallEvaluation {
  const shipped = TRACE_KINDS.map((kind) => {
    const trace = shippedTrace(kind);
    return { kind, fall: trace.label === 'fall', alarmed: alarms(trace) };
  });
  const nominal = classResults(variants, 'nominal', true);
  const wide = classResults(variants, 'wide', true);
  const nominalNoGyro = classResults(variants, 'nominal', false);
  return { shipped, nominal, wide, nominalNoGyro, rates: { nominal: rates(nominal), wide: rates(wide), nominalNoGyro: rates(nominalNoGyro) } };
}

/** ns per sample of the detector and of a baseline pass (magnitude and a running mean) over the same samples. */
export function detectorCost(rounds = 20): { detectorNs: number; baselineNs: number } {
  const samples = TRACE_KINDS.flatMap((k) => traceSamples(shippedTrace(k)));
  let sink = 0;
  const time = (f: () => void) => {
    f(); // warm up
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) f();
    return ((performance.now() - t0) * 1e6) / (rounds * samples.length);
  };
  const baselineNs = time(() => {
    let mean = 0;
    for (const s of samples) mean += (Math.sqrt(s.ax * s.ax + s.ay * s.ay + s.az * s.az) - mean) * 0.01;
    sink += mean;
  });
  const detectorNs = time(() => {
    let st = initialFallState();
    for (const s of samples) { const r = stepFall(st, s); st = r.state; if (r.event) sink++; }
  });
  if (sink === -1) say('');
  return { detectorNs, baselineNs };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export async function fallDetection(variants = 100): Promise<Row[]> {
  const ev = evaluateFallDetector(variants);
  const line = (rs: ClassResult[]) => rs.map((r) => `${r.kind} ${r.alarms}/${r.traces}`).join(', ');
  say(`  shipped traces: ${ev.shipped.map((s) => `${s.kind} ${s.alarmed ? 'ALARM' : 'quiet'}`).join(', ')}`);
  say(`  nominal variants: ${line(ev.nominal)}`);
  say(`  wide variants: ${line(ev.wide)}`);
  say(`  nominal, no gyroscope: ${line(ev.nominalNoGyro)}`);
  const shippedOk = ev.shipped.every((s) => s.alarmed === s.fall);
  const cost = detectorCost();
  const r = ev.rates;
  return [
    { target: 'fall detector on the shipped traces (3 falls, 4 non-falls)', measured: `${ev.shipped.filter((s) => s.fall && s.alarmed).length}/3 falls, ${ev.shipped.filter((s) => !s.fall && s.alarmed).length}/4 false alarms`, baseline: '-', ratio: '-', limit: 'every fall, no false alarm', ok: shippedOk },
    { target: `fall detection rate, ${variants} nominal variants per class`, measured: pct(r.nominal.detection), baseline: `wide spread ${pct(r.wide.detection)}`, ratio: (r.wide.detection / r.nominal.detection).toFixed(2), limit: '>= 95 %', ok: r.nominal.detection >= 0.95 },
    { target: `fall false-alarm rate, ${variants} nominal variants per class`, measured: pct(r.nominal.falseAlarm), baseline: `wide ${pct(r.wide.falseAlarm)}, no gyro ${pct(r.nominalNoGyro.falseAlarm)}`, ratio: '-', limit: '<= 5 %', ok: r.nominal.falseAlarm <= 0.05 },
    { target: 'fall detector cost per sample', measured: `${cost.detectorNs.toFixed(0)} ns`, baseline: `magnitude pass ${cost.baselineNs.toFixed(1)} ns`, ratio: (cost.detectorNs / cost.baselineNs).toFixed(1), limit: '<= 2000 ns (100 Hz: <= 0.02 % of a core)', ok: cost.detectorNs <= 2000 },
  ];
}
