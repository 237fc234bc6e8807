/**
 * The simulator's shift as a user runs it (dist/simulate.mjs, clips not decoded): N cameras for
 * 10 virtual hours, then offload and upload; against one camera for the same shift in the same run.
 */
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { rmSync } from 'node:fs';
import { say, type Row } from './report.js';

interface ShiftSummary { recordings: number; lost: number; corrupt: number; shiftWallSeconds: number; offloadWallSeconds: number; wallSeconds: number; bytes: number; destination: { storagePath?: string } }

function simulate(cameras: number): ShiftSummary {
  const script = join(dirname(process.argv[1]!), 'simulate.mjs');
  const r = spawnSync(process.execPath, [script, '--cameras', String(cameras), '--shift', '10h', '--skip-decode', '--json'], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`bench: simulate.mjs --cameras ${cameras} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ShiftSummary;
  if (s.destination.storagePath) rmSync(s.destination.storagePath, { recursive: true, force: true });
  return s;
}

export async function simulatedShift(cameras: number): Promise<Row[]> {
  const one = simulate(1);
  say(`  1 camera: shift ${one.shiftWallSeconds} s, offload+upload ${one.offloadWallSeconds} s, ${one.recordings} recordings`);
  const many = simulate(cameras);
  say(`  ${cameras} cameras: shift ${many.shiftWallSeconds} s, offload+upload ${many.offloadWallSeconds} s (${(many.bytes / 1e6).toFixed(0)} MB), whole run ${many.wallSeconds} s, ${many.recordings} recordings, lost ${many.lost}, corrupt ${many.corrupt}`);
  return [
    {
      target: `${cameras}-camera 10 h virtual shift (teams walking with GNSS, broadcast chains, fall watch at 100 Hz on the leads; simulate.mjs)`, measured: `${many.shiftWallSeconds.toFixed(1)} s wall`,
      baseline: `1 camera ${one.shiftWallSeconds.toFixed(1)} s`, ratio: (many.shiftWallSeconds / Math.max(one.shiftWallSeconds, 0.01)).toFixed(1), limit: '<= 60 s', ok: many.shiftWallSeconds <= 60 && many.lost === 0,
    },
    {
      target: `  then offload + upload of all ${many.recordings} recordings`, measured: `${many.offloadWallSeconds.toFixed(1)} s wall`,
      baseline: `1 camera ${one.offloadWallSeconds.toFixed(1)} s`, ratio: (many.offloadWallSeconds / Math.max(one.offloadWallSeconds, 0.01)).toFixed(1), limit: '(reported)', ok: many.lost === 0 && many.corrupt === 0,
    },
  ];
}
