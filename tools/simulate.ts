/**
 * The whole-system simulator (`npm start`): a system controller, docking stations and cameras on
 * emulated boards in one virtual world, and a content destination (the reference server, or a
 * real one from a connection file). A scripted shift: cameras are adopted at the dock, undocked,
 * record incidents with prebuffer, dock again, offload over IPv6 link-local in mutual TLS, and the
 * controller uploads every recording. Then every recording is checked at the destination.
 */
import { parseArgs } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import type { Clock } from '../hal/clock/contract.js';
import { join } from 'node:path';
import { World } from '../hal/world/world.js';
import { openEmulatedCamera, type EmulatedCameraHal } from '../hal/boards/emulated-camera.js';
import { openEmulatedController } from '../hal/boards/emulated-controller.js';
import { checkConfig } from '../hal/boards/config.js';
import { board as cameraBoard } from '../hal/boards/emulated-camera.js';
import { board as controllerBoard } from '../hal/boards/emulated-controller.js';
import { MAX_BAYS_PER_STATION } from '../hal/world/docks.js';
import { startCamera, type CameraRuntime } from '../firmware/camera/runtime.js';
import { startController } from '../firmware/controller/runtime.js';
import { logger, silentLog } from '../firmware/common/log.js';
import { listRecordings } from '../firmware/common/evidence/index.js';
import { connectionFileText, parseConnectionFile, type ConnectionFile } from '../firmware/controller/destination/connection-file.js';
import { SwiftClient } from '../firmware/controller/destination/swift-client.js';
import { startDestinationServer, type DestinationServer } from './destination/server.js';
import { parseDuration, planShift, type Incident } from './simulate/shift-plan.js';

const MAX_PORTS = 5;
/** The emulated sensors hand over 5 frames (about 167 ms) at a time: long shifts run faster, each frame keeps its capture time. */
const VIDEO_BURST_FRAMES = 5;
const MAX_CAMERAS = MAX_PORTS * MAX_BAYS_PER_STATION;

const usage = `usage: npm start -- [--cameras N] [--shift DURATION] [--connection FILE] [--json] [--verbose] [--seed N]

Runs a whole body-worn system on emulated drivers in virtual time (no root, loopback only):
one system controller, a docking station per 8 cameras (ports 1-5), N cameras (1-${MAX_CAMERAS}, default 4)
and a content destination. The shift: cameras dock and are adopted, undock, record incidents
with a 30 s prebuffer (and 10 s postbuffer) during DURATION (e.g. 90m, 2h, 10h; default 2h),
dock again, offload to the controller and are uploaded. Every recording is then read back from
the destination and its clips decoded with ffmpeg (when installed).

  --cameras N        cameras in the shift (default 4)
  --shift DURATION   length of the shift in virtual time: 30m, 2h, 1h30m, 45s (default 2h)
  --connection FILE  upload to the content destination this connection file names, instead of
                     the reference destination the simulator starts on 127.0.0.1
  --json             the last line of output is a JSON summary (progress goes to stderr)
  --skip-decode      do not decode the clips with ffmpeg (their bytes are still checked: AEAD
                     at the controller, MD5 at the destination)
  --verbose          device logs on stderr
  --seed N           the incident script's random seed (default 42)

Exit status: 0 when every recording reached the destination whole and decodable (lost = 0,
corrupt = 0), 1 otherwise, 2 bad usage.
`;

export interface Summary {
  cameras: number;
  shiftSeconds: number;
  /** Recordings the cameras made. */
  recordings: number;
  /** Clips of those recordings at the destination. */
  clips: number;
  /** Bytes uploaded to the destination (clip objects). */
  bytes: number;
  /** Recordings the controller holds or held (custody taken from the camera). */
  offloaded: number;
  /** Recordings at the destination with Status Complete. */
  uploaded: number;
  /** Recordings made but not at the destination (nor kept as not transferred). */
  lost: number;
  /** Clips that did not decode, or recordings whose objects were missing. */
  corrupt: number;
  /** Clips decoded by ffmpeg; null when ffmpeg is not installed. */
  decoded: number | null;
  notTransferred: number;
  adopted: number;
  medianDockToSessionMs: number;
  virtualSeconds: number;
  wallSeconds: number;
  /** Wall time of the shift itself (undock to the end of the last incident's recording). */
  shiftWallSeconds: number;
  /** Wall time from the docking at the end of the shift until every recording was uploaded. */
  offloadWallSeconds: number;
  destination: { kind: 'reference'; storagePath: string } | { kind: 'connection'; site: string };
}

interface Cam { hal: EmulatedCameraHal; runtime: CameraRuntime; serial: string; user: string; station: string; bay: number }

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        cameras: { type: 'string', default: '4' }, shift: { type: 'string', default: '2h' }, connection: { type: 'string' },
        json: { type: 'boolean' }, 'skip-decode': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, seed: { type: 'string', default: '42' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`simulate: error: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (args.help) { process.stdout.write(usage); return 0; }
  const bad = (m: string) => { process.stderr.write(`simulate: error: ${m}\n`); return 2; };
  const n = Number(args.cameras);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CAMERAS) return bad(`--cameras must be an integer 1-${MAX_CAMERAS} (${MAX_PORTS} ports of ${MAX_BAYS_PER_STATION} bays), got ${args.cameras}`);
  const shiftMs = parseDuration(args.shift!);
  if (shiftMs === undefined || shiftMs < 10 * 60_000 || shiftMs > 24 * 3600_000) return bad(`--shift must be a duration from 10m to 24h such as 90m, 2h or 1h30m, got ${args.shift}`);
  const seed = Number(args.seed);
  if (!Number.isSafeInteger(seed)) return bad(`--seed must be an integer, got ${args.seed}`);
  let connection: ConnectionFile | undefined;
  if (args.connection) {
    let text;
    try {
      text = await readFile(args.connection, 'utf8');
    } catch (e) {
      return bad(`--connection ${args.connection}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected the content destination's connection file (JSON)`);
    }
    try {
      connection = parseConnectionFile(text);
    } catch (e) {
      return bad(`--connection ${args.connection}: ${(e as Error).message}`);
    }
  }

  const wallStart = performance.now();
  const say = (line: string) => {
    const stamped = `[${((performance.now() - wallStart) / 1000).toFixed(1).padStart(5)} s] ${line}\n`;
    if (!args.json) process.stdout.write(stamped); else process.stderr.write(stamped);
  };
  // The shift ends about now, so a real destination's clock agrees with the system's.
  const world = new World({ seed, epoch: Date.now() - shiftMs - 15 * 60_000 });
  const tl = world.timeline;
  const deviceLog = (name: string) => (args.verbose ? logger(name, true) : silentLog);

  const controllerHal = await openEmulatedController(checkConfig({ serial: 'W800-0001', systemId: 'sim-system' }, controllerBoard.schema, 'simulator controller'), world);
  let server: DestinationServer | undefined;
  let serverRoot: string | undefined;
  if (!connection) {
    serverRoot = await mkdtemp(join(tmpdir(), 'bwc-destination-'));
    server = await startDestinationServer({ root: serverRoot, users: { 'scu': 'sim-key' }, now: () => controllerHal.clock.now() });
    connection = parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'scu', key: 'sim-key', siteName: 'Simulator reference destination' }));
    await writeFile(join(serverRoot, 'connection.json'), connectionFileText({ authUri: server.authUrl, user: 'scu', key: 'sim-key', siteName: 'Simulator reference destination' }));
  }
  const controller = await startController(controllerHal, deviceLog('controller'), { adoptCameras: true, connection, concurrentUploads: 2 });

  const stations = Math.ceil(n / MAX_BAYS_PER_STATION);
  for (let s = 1; s <= stations; s++) world.docks.addStation(`station-${s}`, s);
  const cams: Cam[] = [];
  for (let i = 1; i <= n; i++) {
    const serial = `W100-${String(i).padStart(4, '0')}`;
    const user = `officer-${i}`;
    const hal = await openEmulatedCamera(checkConfig({ serial, batteryPercent: 60 + (i % 40), videoBurstFrames: VIDEO_BURST_FRAMES }, cameraBoard.schema, `simulator camera ${i}`), world);
    const runtime = await startCamera(hal, deviceLog(serial), { user, recorder: { prebufferMs: 30_000, postbufferMs: 10_000 }, timeZone: 'UTC' });
    cams.push({ hal, runtime, serial, user, station: `station-${Math.ceil(i / MAX_BAYS_PER_STATION)}`, bay: ((i - 1) % MAX_BAYS_PER_STATION) + 1 });
  }
  // First boot makes keys (real work, not virtual time): the camera device keys, the controller's certificate.
  await Promise.all([controller.ready(), ...cams.map((c) => c.runtime.enrollment.ready())]);
  say(`simulator: controller W800-0001, ${stations} docking station(s) on port(s) 1-${stations}, ${n} camera(s), destination ${server ? `reference server at ${server.url} (files in ${serverRoot})` : `${connection.siteName} (${connection.authenticationTokenUris[0]})`}`);

  let adopted = 0;
  const dockedAt = new Map<string, number>();
  const latencies: number[] = [];
  controller.dock.on('session', (c, s) => {
    if (s.membership === 'adopted') adopted++;
    const t = dockedAt.get(c.serial);
    if (t !== undefined) { latencies.push(tl.time - t); dockedAt.delete(c.serial); }
  });
  controller.dock.on('unknown-camera', (c, e) => say(`  ${c.serial}: ${e.message}`));
  controller.dock.on('safe-mode', (c, e) => say(`  ${c.serial}: ${e.message}`));
  let offloaded = 0, offloadedBytes = 0;
  controller.offload.on('held', (_serial, r) => { offloaded++; offloadedBytes += r.totalBytes; });
  controller.offload.on('deferred', (serial, id, why) => say(`  ${serial}: recording ${id} deferred: ${why}`));
  const alerts: string[] = [];
  const uploadedIds = new Map<string, string>();
  controller.uploader!.subscribe((ev) => {
    if (ev.type === 'uploaded') uploadedIds.set(ev.idHex, ev.result.container);
    if (ev.type === 'alert') { alerts.push(`${ev.alert.kind}: ${ev.alert.message}`); say(`  destination alert: ${ev.alert.kind}: ${ev.alert.message}`); }
  });

  /** Advance virtual time in steps, giving real I/O (TLS, HTTP, key generation) turns of the event loop. */
  const run = async (ms: number, step = 250) => {
    const end = tl.time + ms;
    while (tl.time < end) {
      await tl.advance(Math.min(step, end - tl.time));
      await new Promise((r) => setImmediate(r));
    }
  };
  const runUntil = async (done: () => boolean | Promise<boolean>, limitMs: number, step = 250): Promise<boolean> => {
    const end = tl.time + limitMs;
    while (tl.time < end) {
      if (await done()) return true;
      await run(step, step);
    }
    return done();
  };
  const dockAll = () => {
    for (const c of cams) { world.docks.dock(c.serial, c.station, c.bay); dockedAt.set(c.serial, tl.time); }
  };
  const inSession = () => controller.dock.cameras().filter((c) => c.phase === 'in-session').length;

  say('start of shift: every camera docks and is adopted into sim-system');
  dockAll();
  await runUntil(() => inSession() === n && cams.every((c) => c.runtime.enrollment.systemId !== ''), 120_000);
  say(`  ${inSession()}/${n} cameras in session, ${adopted} adopted`);

  say(`patrol: every camera undocks for a ${formatDuration(shiftMs)} shift`);
  for (const c of cams) world.docks.undock(c.serial);
  await run(5_000);
  const plan = planShift(n, shiftMs, seed);
  const shiftStart = tl.time;
  const shiftWallStart = performance.now();
  let next = 0;
  let lastHour = 0;
  const taps: Promise<void>[] = [];
  const press = (c: Cam) => { taps.push(c.hal.emulators.buttons.tap('record')); };
  const events = plan.flatMap((inc: Incident) => [{ at: inc.startMs, cam: inc.camera, kind: 'start' as const }, { at: inc.startMs + inc.lengthMs, cam: inc.camera, kind: 'stop' as const }])
    .sort((a, b) => a.at - b.at);
  while (next < events.length) {
    const ev = events[next++]!;
    // Video frames are timers: advance straight to the event (no real I/O happens while undocked).
    await tl.advanceTo(shiftStart + ev.at);
    press(cams[ev.cam]!);
    const hour = Math.floor(ev.at / 3600_000);
    if (hour > lastHour) {
      lastHour = hour;
      const made = cams.reduce((a, c) => a + c.runtime.sink.stats.closed, 0);
      say(`  ${formatDuration(hour * 3600_000)} into the shift: ${made} recording(s) made so far`);
    }
  }
  await tl.advanceTo(shiftStart + shiftMs);
  await Promise.all(taps.splice(0));
  await Promise.all(cams.map((c) => c.runtime.settled()));
  const made = new Set<string>();
  for (const c of cams) for (const r of await listRecordings(c.hal.storage)) made.add(r.idHex);
  const shiftWallSeconds = (performance.now() - shiftWallStart) / 1000;
  say(`end of shift: ${made.size} recording(s) made by ${n} camera(s) (${plan.length} incidents), ${formatDuration(shiftMs)} simulated in ${shiftWallSeconds.toFixed(1)} s`);
  const offloadWallStart = performance.now();

  say('back at the station: cameras dock, offload to the controller, the controller uploads');
  dockAll();
  let lastReport = performance.now();
  // Reading every camera's storage is the costly part: do it only to report progress, or once the
  // controller's side looks finished (then it confirms every camera deleted what it handed over).
  const onCameras = async () => (await Promise.all(cams.map((c) => listRecordings(c.hal.storage)))).reduce((a, l) => a + l.length, 0);
  const allDone = async () => {
    const st = controller.buffer.stats();
    if (performance.now() - lastReport > 2000) {
      lastReport = performance.now();
      say(`  offloaded ${offloaded}/${made.size} (${(offloadedBytes / 1e6).toFixed(1)} MB), uploaded ${uploadedIds.size}/${made.size}, on cameras ${await onCameras()}, buffer used ${(st.usedBytes / 1e6).toFixed(1)} MB`);
    }
    if (offloaded < made.size || st.receiving !== 0 || st.complete !== 0) return false;
    return (await onCameras()) === 0;
  };
  const finished = await runUntil(allDone, 4 * 3600_000, 500);
  const offloadWallSeconds = (performance.now() - offloadWallStart) / 1000;
  say(`  ${finished ? 'done' : 'NOT done after 4 h of virtual time'}: offloaded ${offloaded}, uploaded ${uploadedIds.size}, buffer ${JSON.stringify(controller.buffer.stats())}`);

  // Read every recording back from the destination: Status Complete, every clip there and decodable.
  say(`checking the destination: every recording${args['skip-decode'] ? '' : ', every clip decoded with ffmpeg'}`);
  const check = await checkDestination(connection, controllerHal.clock, uploadedIds, say, !args['skip-decode']);
  const notTransferred = (await controller.buffer.notTransferred()).length;
  const uploadedComplete = check.complete;
  const lost = [...made].filter((id) => !check.completeIds.has(id)).length - notTransferred;

  for (const c of cams) { await c.runtime.stop(); await c.hal.close(); }
  await controller.stop();
  await controllerHal.close();
  await server?.close();
  latencies.sort((a, b) => a - b);
  const summary: Summary = {
    cameras: n, shiftSeconds: shiftMs / 1000, recordings: made.size, clips: check.clips, bytes: check.bytes,
    offloaded, uploaded: uploadedComplete, lost, corrupt: check.corrupt, decoded: check.decoded, notTransferred, adopted,
    medianDockToSessionMs: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : -1,
    virtualSeconds: Math.round(tl.time / 1000), wallSeconds: Number(((performance.now() - wallStart) / 1000).toFixed(2)),
    shiftWallSeconds: Number(shiftWallSeconds.toFixed(2)), offloadWallSeconds: Number(offloadWallSeconds.toFixed(2)),
    destination: serverRoot ? { kind: 'reference', storagePath: serverRoot } : { kind: 'connection', site: connection.siteName },
  };
  say(`summary: ${summary.recordings} recordings made, ${summary.offloaded} offloaded, ${summary.uploaded} at the destination with ${summary.clips} clips (${(summary.bytes / 1e6).toFixed(1)} MB)${summary.decoded === null ? ' (clips not decoded: --skip-decode, or ffmpeg not installed)' : `, ${summary.decoded} decoded by ffmpeg`}; lost ${summary.lost}, corrupt ${summary.corrupt}, not transferred ${summary.notTransferred}; ${summary.virtualSeconds} s virtual in ${summary.wallSeconds} s wall`);
  if (serverRoot) say(`the reference destination's files are in ${serverRoot} (connection file: ${join(serverRoot, 'connection.json')})`);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.lost === 0 && summary.corrupt === 0 && summary.recordings > 0 ? 0 : 1;
}

interface DestinationCheck { complete: number; completeIds: Set<string>; clips: number; bytes: number; corrupt: number; decoded: number | null }

async function checkDestination(connection: ConnectionFile, clock: Clock, uploaded: Map<string, string>, say: (l: string) => void, decode: boolean): Promise<DestinationCheck> {
  const client = new SwiftClient({ connection, clock });
  const ffmpeg = decode && spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  const dir = await mkdtemp(join(tmpdir(), 'bwc-check-'));
  const out: DestinationCheck = { complete: 0, completeIds: new Set(), clips: 0, bytes: 0, corrupt: 0, decoded: ffmpeg ? 0 : null };
  // Decoding is the slow part: one ffmpeg per core, while the next clips download.
  const decoders = new Set<Promise<void>>();
  const width = Math.max(1, availableParallelism());
  let files = 0;
  const decodeClip = (file: string, label: string) => {
    const p = new Promise<void>((resolve) => {
      const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('close', (code) => {
        if (code === 0 && err.trim() === '') out.decoded!++;
        else { out.corrupt++; say(`  ${label}: ffmpeg: ${err.trim().split('\n')[0] ?? `exit ${code}`}`); }
        void rm(file, { force: true }).finally(resolve);
      });
    });
    decoders.add(p);
    void p.then(() => decoders.delete(p));
  };
  try {
    for (const [idHex, container] of uploaded) {
      const info = await client.headContainer(container);
      if (!info || info.metadata.status !== 'Complete') {
        out.corrupt++;
        say(`  ${container}: ${info ? `Status ${info.metadata.status}` : 'missing'}, expected Complete`);
        continue;
      }
      out.complete++;
      out.completeIds.add(idHex);
      const clipNames = ((await client.listObjects(container)) ?? []).filter((name) => name.endsWith('.mkv') || name.endsWith('.mp4'));
      for (const name of clipNames) {
        const obj = await client.getObject(container, name);
        const chunks: Buffer[] = [];
        for await (const c of obj.body) chunks.push(c as Buffer);
        const data = Buffer.concat(chunks);
        out.clips++;
        out.bytes += data.length;
        if (!ffmpeg) continue;
        while (decoders.size >= width) await Promise.race(decoders);
        const file = join(dir, `clip-${files++}${name.slice(name.lastIndexOf('.'))}`);
        await writeFile(file, data);
        decodeClip(file, `${container}/${name}`);
      }
    }
    await Promise.all(decoders);
  } finally {
    client.close();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

function formatDuration(ms: number): string {
  const h = Math.floor(ms / 3600_000), m = Math.round((ms % 3600_000) / 60_000);
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

process.exitCode = await main().catch((e) => {
  process.stderr.write(`simulate: error: ${(e as Error).message}\n`);
  if (process.env.BWC_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
  return 1;
});
process.exit();
