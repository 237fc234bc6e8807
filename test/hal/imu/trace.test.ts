/** IMU traces: the CSV form, the shipped files (small, what the synthesizer makes), and the synthesized shapes. */
import t from 'tap';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STANDARD_GRAVITY as G } from '../../../hal/imu/contract.js';
import { SHIPPED_SEEDS, synthesize } from '../../../hal/imu/synthesize.js';
import { formatTrace, parseTrace, shippedTrace, SHIPPED_TRACES_URL, TRACE_KINDS, type ImuTrace, type TraceKind } from '../../../hal/imu/trace.js';

const g = (s: { ax: number; ay: number; az: number }) => Math.hypot(s.ax, s.ay, s.az) / G;

t.test('CSV round trip, and bad text named by line', async (t) => {
  const trace: ImuTrace = { name: 'x', rateHz: 50, label: 'fall', after: { activity: 'lying', up: [0, 0, -1] }, samples: [{ ax: 1.234, ay: -0, az: 9.8, gx: 0.011, gy: -2, gz: 0 }] };
  const text = formatTrace(trace);
  t.match(text, /# rate-hz=50 label=fall after=lying up=0,0,-1\nax,ay,az,gx,gy,gz\n1\.23,0,9\.8,0\.01,-2,0\n$/);
  t.same(parseTrace(text, 'x'), { ...trace, samples: [{ ax: 1.23, ay: 0, az: 9.8, gx: 0.01, gy: -2, gz: 0 }] });
  t.throws(() => parseTrace('# rate-hz=100 label=fall after=lying\nax,ay,az,gx,gy,gz\n1,2,3\n', 'b'), { code: 'EFORMAT', message: 'IMU trace b line 3: expected six numbers, got "1,2,3"' });
  t.throws(() => parseTrace('# rate-hz=0 label=fall after=lying\n', 'b'), { message: /line 1: rate-hz must be 1\.\.1000, got 0/ });
  t.throws(() => parseTrace('# rate-hz=10 label=maybe after=lying\n', 'b'), { message: /label must be fall or not-fall, got maybe/ });
  t.throws(() => parseTrace('# rate-hz=10 label=fall after=flying\n', 'b'), { message: /after must be one of/ });
  t.throws(() => parseTrace('ax,ay,az\n', 'b'), { message: /line 1: expected the column line/ });
  t.throws(() => parseTrace('ax,ay,az,gx,gy,gz\n1,2,3,4,5,6\n', 'b'), { message: /expected a header line with rate-hz=, label= and after=/ });
  t.throws(() => parseTrace('# rate-hz=10 label=fall after=lying\nax,ay,az,gx,gy,gz\n', 'b'), { message: /expected at least one sample/ });
});

t.test('the shipped traces: one per class, under 200 KB, exactly what the synthesizer makes from their seeds', async (t) => {
  const dir = fileURLToPath(SHIPPED_TRACES_URL);
  const csv = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
  t.same(csv, [...TRACE_KINDS].map((k) => `${k}.csv`).sort());
  const bytes = csv.reduce((a, f) => a + statSync(`${dir}/${f}`).size, 0);
  t.ok(bytes < 200 * 1024, `${bytes} bytes`);
  for (const kind of TRACE_KINDS) {
    const shipped = formatTrace(shippedTrace(kind));
    const made = formatTrace({ ...synthesize(kind, SHIPPED_SEEDS[kind]), name: kind });
    t.ok(shipped === made, `${kind}: regenerate with hal/imu/traces/regenerate.ts after changing the synthesizer`);
  }
});

/** Longest run (ms) of samples below `below` g, and the peak g. */
function shape(trace: ImuTrace, below: number) {
  const p = 1000 / trace.rateHz;
  let run = 0, longest = 0, peak = 0;
  for (const s of trace.samples) {
    const x = g(s);
    run = x < below ? run + p : 0;
    longest = Math.max(longest, run);
    peak = Math.max(peak, x);
  }
  const last = trace.samples.slice(-100);
  const up = [last.reduce((a, s) => a + s.ax, 0), last.reduce((a, s) => a + s.ay, 0), last.reduce((a, s) => a + s.az, 0)];
  const tilt = (Math.acos(up[1]! / Math.hypot(up[0]!, up[1]!, up[2]!)) * 180) / Math.PI;
  const gyroPeak = Math.max(...trace.samples.map((s) => Math.hypot(s.gx, s.gy, s.gz)));
  return { longest, peak, tilt, gyroPeak };
}

t.test('synthesized shapes are physical, per class, over seeds', async (t) => {
  const check: Record<TraceKind, (s: ReturnType<typeof shape>) => boolean> = {
    'fall-forward': (s) => s.longest >= 250 && s.peak >= 2.5 && s.tilt >= 60 && s.gyroPeak < 5,
    'fall-backward': (s) => s.longest >= 250 && s.peak >= 2.5 && s.tilt >= 60 && s.gyroPeak < 5,
    'fall-sideways': (s) => s.longest >= 250 && s.peak >= 2.5 && s.tilt >= 60 && s.gyroPeak < 5,
    jump: (s) => s.longest >= 250 && s.peak >= 2 && s.tilt < 20,
    running: (s) => s.peak >= 1.8 && s.peak <= 4 && s.longest < 250,
    'sitting-down': (s) => s.peak < 2.2 && s.tilt < 40,
    drop: (s) => s.longest >= 350 && s.peak >= 3 && s.tilt >= 80 && s.gyroPeak >= 7,
  };
  for (const kind of TRACE_KINDS) {
    for (let seed = 1; seed <= 20; seed++) {
      const s = shape(synthesize(kind, seed), kind === 'sitting-down' ? 0.6 : 0.5);
      if (!check[kind](s)) t.fail(`${kind} seed ${seed}: ${JSON.stringify(s)}`);
    }
    t.pass(`${kind}: 20 seeds in shape`);
  }
  t.ok(formatTrace(synthesize('jump', 5)) === formatTrace(synthesize('jump', 5)), 'same seed, same trace');
  t.ok(formatTrace(synthesize('jump', 5)) !== formatTrace(synthesize('jump', 6)), 'another seed, another trace');
  t.equal(synthesize('running', 1, { rateHz: 50 }).samples.length, Math.round(1200 / 20) + 350 + Math.round(4500 / 20));
});
