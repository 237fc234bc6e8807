/**
 * Controller memory while offloading a large recording: the controller's side (pull into the
 * buffer, then upload) runs in a child process (`dist/bench.mjs --offload-child <json>`), the
 * camera and the destination in this one; the child's RSS is sampled every 100 ms and its own
 * peak (maxRSS) read at the end, against a bare node process's peak.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB, controllerOffload, destination, serveCamera, systemPki, writePlainRecording, type LegTimes } from './offload-rig.js';
import { say, type Row } from './report.js';

export const CHILD_FLAG = '--offload-child';

export interface ChildArgs { port: number; authorityDir: string; bufferDir: string; connectionText: string }
export interface ChildResult extends LegTimes { maxRssKb: number }

/** The child's entry: offload as the controller, print the result as one JSON line. */
export async function offloadChild(json: string): Promise<void> {
  const legs = await controllerOffload(JSON.parse(json) as ChildArgs);
  const result: ChildResult = { ...legs, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Run `args` with node; sample its RSS every 100 ms; resolve with its stdout and the sampled peak (MB). */
function runSampled(args: string[]): Promise<{ out: string; peakMb: number }> {
  return new Promise((resolve, reject) => {
    // BWC_BENCH_CHILD_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the controller's side.
    const flags = process.env.BWC_BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...flags, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let peakKb = 0;
    const timer = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
        if (kb > peakKb) peakKb = kb;
      }, () => undefined);
    }, 100);
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', (e) => { clearInterval(timer); reject(e); });
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve({ out, peakMb: peakKb / 1024 });
    });
  });
}

/** The controller's side of an offload in a child process (`bundle` is dist/bench.mjs); its result and sampled RSS peak. */
export async function runControllerChild(bundle: string, args: ChildArgs): Promise<{ result: ChildResult; sampledPeakMb: number }> {
  const run = await runSampled([bundle, CHILD_FLAG, JSON.stringify(args)]);
  return { result: JSON.parse(run.out.trim().split('\n').pop()!) as ChildResult, sampledPeakMb: run.peakMb };
}

export async function offloadMemory(mib: number, bundle: string): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-bench-rss-'));
  try {
    const bare = await runSampled(['-e', 'setTimeout(() => console.log(process.resourceUsage().maxRSS), 300)']);
    const bareMb = Number(bare.out.trim()) / 1024;

    const { authority, camera } = await systemPki(join(dir, 'pki'));
    let t0 = performance.now();
    const storage = await writePlainRecording(join(dir, 'camera'), authority.evidencePublicKey, mib, 256);
    say(`  camera recording of ${mib} MiB written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cam = await serveCamera(storage, camera);
    const dest = await destination(join(dir, 'destination'));
    let run;
    try {
      t0 = performance.now();
      run = await runControllerChild(bundle, { port: cam.port, authorityDir: join(dir, 'pki'), bufferDir: join(dir, 'buffer'), connectionText: dest.connectionText });
    } finally {
      await cam.close();
      await dest.server.close();
    }
    const result = run.result;
    if (result.uploadedBytes !== mib * MiB) throw new Error(`bench: the child uploaded ${result.uploadedBytes} bytes, expected ${mib * MiB}`);
    const peakMb = Math.max(run.sampledPeakMb, result.maxRssKb / 1024);
    say(`  controller child: pull ${(result.pullMs / 1000).toFixed(1)} s, upload ${(result.uploadMs / 1000).toFixed(1)} s, sampled RSS peak ${run.sampledPeakMb.toFixed(1)} MB, maxRSS ${(result.maxRssKb / 1024).toFixed(1)} MB`);
    return [{
      target: `controller peak RSS offloading ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} (pull + upload, child process)`,
      measured: `${peakMb.toFixed(1)} MB`, baseline: `bare node ${bareMb.toFixed(1)} MB`, ratio: (peakMb / bareMb).toFixed(2), limit: '<= 200 MB', ok: peakMb <= 200,
    }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
