/**
 * Offload throughput camera -> controller -> destination on loopback with real files and TLS as
 * in production, end to end and per leg, against a raw TCP copy of the same bytes into a file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runControllerChild } from './offload-memory.js';
import { MiB, destination, serveCamera, systemPki, writePlainRecording } from './offload-rig.js';
import { rawTcpCopy, writeSourceFile } from './raw-copy.js';
import { say, type Row } from './report.js';

/** Recordings the offloaded bytes are split into: the controller uploads one while it pulls the next. */
const RECORDINGS = 8;
const rate = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

/**
 * The controller's side runs in a child process (`bundle`, dist/bench.mjs), the camera and the
 * destination in this one, so the two ends of each leg do not share one event loop.
 */
export async function offloadThroughput(mib: number, bundle: string): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-bench-offload-'));
  try {
    const { authority, camera } = await systemPki(join(dir, 'pki'));
    const t0 = performance.now();
    const storage = await writePlainRecording(join(dir, 'camera'), authority.evidencePublicKey, mib, 64, RECORDINGS);
    say(`  camera: ${RECORDINGS} recordings, ${mib} MiB in all, written by the evidence writer in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await writeSourceFile(join(dir, 'raw-src'), mib * MiB);
    // Baseline: the same bytes socket to socket into a file, in this process (sender and receiver share a loop too).
    const raw = await rawTcpCopy(join(dir, 'raw-src'), join(dir, 'raw-dst'));
    await rm(join(dir, 'raw-dst'), { force: true });
    say(`  raw TCP copy: ${raw.bytes / MiB} MiB in ${raw.ms.toFixed(0)} ms (${rate(raw.bytes, raw.ms).toFixed(0)} MiB/s)`);

    const cam = await serveCamera(storage, camera);
    const dest = await destination(join(dir, 'destination'));
    let legs;
    try {
      legs = (await runControllerChild(bundle, { port: cam.port, authorityDir: join(dir, 'pki'), bufferDir: join(dir, 'buffer'), connectionText: dest.connectionText })).result;
    } finally {
      await cam.close();
      await dest.server.close();
    }
    const total = legs.totalMs;
    const bytes = mib * MiB;
    if (legs.uploadedBytes !== bytes) throw new Error(`bench: uploaded ${legs.uploadedBytes} bytes of clips, expected the ${bytes} bytes recorded`);
    say(`  pull ${legs.pulledBytes / MiB} MiB (ciphertext) in ${legs.pullMs.toFixed(0)} ms, upload ${legs.uploadedBytes / MiB} MiB in ${legs.uploadMs.toFixed(0)} ms busy, overlapped: ${legs.totalMs.toFixed(0)} ms from the first request to the last Status Complete`);
    const base = rate(raw.bytes, raw.ms);
    const row = (target: string, r: number): Row => ({
      target, measured: `${r.toFixed(0)} MiB/s`, baseline: `raw TCP copy ${base.toFixed(0)} MiB/s`, ratio: (r / base).toFixed(2), limit: '>= 0.50 of raw', ok: r / base >= 0.5,
    });
    return [
      row(`offload ${mib} MiB camera -> controller -> destination, end to end, ${RECORDINGS} recordings (TLS, fsync, loopback)`, rate(bytes, total)),
      { ...row(`  leg camera -> controller buffer (pull, mutual TLS)`, rate(legs.pulledBytes, legs.pullMs)), limit: '(reported)', ok: true },
      { ...row(`  leg controller buffer -> destination (decrypt, HTTP PUT)`, rate(legs.uploadedBytes, legs.uploadMs)), limit: '(reported)', ok: true },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
