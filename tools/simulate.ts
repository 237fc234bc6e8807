/**
 * The whole-system simulator (`npm start`): a system controller, docking stations and cameras on
 * emulated boards in one virtual world, and a content destination (the reference server, or a
 * real one from a connection file). A scripted shift: cameras are adopted at the dock, undocked,
 * walk their beats in teams of three, record incidents with prebuffer (a recording broadcasts, so
 * team mates in range record too, hop by hop), one officer falls (fall detection records), GNSS
 * receivers follow the walk, cameras dock again, offload over IPv6 link-local in mutual TLS, and
 * the controller uploads every recording with its location and GNSS trail. Then every recording
 * is checked at the destination.
 */
import { parseArgs } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { buffer } from 'node:stream/consumers';
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
import { MEAN_GAP_MS, parseDuration, planShift, type Incident } from './simulate/shift-plan.js';
import { PATROL_PROFILES, TEAM_SIZE, distanceFromBeat, memberOf, modelOf, patrolPosition, planFall, profileNameOf } from './simulate/patrol.js';
import { CameraAssignments } from '../firmware/controller/assignments.js';
import { parseLocation } from '../firmware/camera/location/location-text.js';
import type { GnssTrailDocument } from '../firmware/controller/upload/location-objects.js';
import { readOverlayFrames } from './video/read-overlay.js';

const MAX_PORTS = 5;
/** The emulated sensors hand over 5 frames (about 167 ms) at a time: long shifts run faster, each frame keeps its capture time. */
const VIDEO_BURST_FRAMES = 5;
const MAX_CAMERAS = MAX_PORTS * MAX_BAYS_PER_STATION;

const usage = `usage: npm start -- [--cameras N] [--shift DURATION] [--connection FILE] [--json] [--verbose] [--seed N]

Runs a whole body-worn system on emulated drivers in virtual time (no root, loopback only):
one system controller, a docking station per 8 cameras (ports 1-5), N cameras (1-${MAX_CAMERAS}, default 4)
and a content destination. The shift: cameras dock, are adopted and get their user and profile
from the controller, undock and walk their beats in teams of three (a W120, a W102, a W100),
record incidents with a 30 s prebuffer (and 10 s postbuffer) during DURATION (e.g. 90m, 2h,
10h; default 2h). A camera that starts recording broadcasts: team mates within range record
too (trigger WirelessBroadcast), and the third member hears it through the second (a two-hop
chain). One team lead falls (trigger Fall). The W120 and W102 keep their location from GNSS.
Then cameras dock again, offload to the controller and are uploaded with TriggerOn/OffLocation
and a _gpstrail.json object. Every recording is read back from the destination, its clips
decoded with ffmpeg (when installed), its trail checked against the beat the camera walked.

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
corrupt = 0) and the shift's automatic activations arrived there (a fall recording, a broadcast
recording when a team has two cameras or more, GNSS trails on the beats walked); 1 otherwise;
2 bad usage.
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
  /** Recordings at the destination by TriggerOn (Button, WirelessBroadcast, Fall, ...). */
  triggers: Record<string, number>;
  /** Recordings at the destination with a TriggerOnLocation. */
  located: number;
  /** `_gpstrail.json` objects at the destination, their points, and points off the beat the camera walked. */
  trails: number;
  trailPoints: number;
  trailPointsOffBeat: number;
  /** The fall: which camera, and whether a recording with TriggerOn Fall from it reached the destination. */
  fall: { camera: string; atSeconds: number; arrived: boolean };
  /**
   * Recordings of cameras with an overlay whose first second was read back from the decoded
   * video (null: not decoded), and of those, how many did not show their user in every picture.
   */
  overlays: { checked: number; wrong: number } | null;
}

interface Cam { index: number; hal: EmulatedCameraHal; runtime: CameraRuntime; serial: string; user: string; station: string; bay: number }

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
  // The controller assigns each camera its user and its team slot's profile at every dock.
  const serialOf = (i: number) => `${modelOf(i - 1)}-${String(i).padStart(4, '0')}`;
  const assignments = new CameraAssignments();
  for (let i = 1; i <= n; i++) assignments.assign(serialOf(i), { userId: `officer-${i}`, userName: `Officer ${i}`, profile: PATROL_PROFILES[profileNameOf(i - 1)] });
  const controller = await startController(controllerHal, deviceLog('controller'), { adoptCameras: true, connection, concurrentUploads: 2, assignments });

  const stations = Math.ceil(n / MAX_BAYS_PER_STATION);
  for (let s = 1; s <= stations; s++) world.docks.addStation(`station-${s}`, s);
  const cams: Cam[] = [];
  for (let i = 1; i <= n; i++) {
    const serial = serialOf(i);
    const user = `officer-${i}`;
    const hal = await openEmulatedCamera(checkConfig({ serial, model: modelOf(i - 1), batteryPercent: 60 + (i % 40), videoBurstFrames: VIDEO_BURST_FRAMES }, cameraBoard.schema, `simulator camera ${i}`), world);
    // Out of the box: no user, the default profile; the controller's assignment at the first dock brings both.
    const runtime = await startCamera(hal, deviceLog(serial), { timeZone: 'UTC' });
    cams.push({ index: i - 1, hal, runtime, serial, user, station: `station-${Math.ceil(i / MAX_BAYS_PER_STATION)}`, bay: ((i - 1) % MAX_BAYS_PER_STATION) + 1 });
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

  say('start of shift: every camera docks, is adopted into sim-system and gets its user and profile');
  dockAll();
  const assigned = (c: Cam) => c.runtime.assignment?.userId === c.user;
  await runUntil(() => inSession() === n && cams.every((c) => c.runtime.enrollment.systemId !== '' && assigned(c)), 120_000);
  say(`  ${inSession()}/${n} cameras in session, ${adopted} adopted, ${cams.filter(assigned).length} assigned`);
  for (const c of cams) {
    const v = controller.assignments.verdict(c.serial);
    if (v && !v.accepted) say(`  ${c.serial}: refused its profile: ${v.error}`);
  }

  const teams = Math.ceil(n / TEAM_SIZE);
  say(`patrol: every camera undocks for a ${formatDuration(shiftMs)} shift; ${teams} team(s) of up to ${TEAM_SIZE} walk their beats`);
  for (const c of cams) world.setPosition(c.serial, patrolPosition(c.index, 0));
  for (const c of cams) world.docks.undock(c.serial);
  await run(5_000);
  // An incident every MEAN_GAP_MS per officer on average, whoever in the team starts it (the
  // others record through the broadcast), so the shift records about as much as it would alone.
  const { fall, incidents: plan } = planFall(n, shiftMs, planShift(n, shiftMs, seed, MEAN_GAP_MS * Math.min(n, TEAM_SIZE)), seed);
  const fallen = cams[fall.camera]!;
  const shiftStart = tl.time;
  const shiftWallStart = performance.now();
  let next = 0;
  let lastHour = 0;
  const taps: Promise<void>[] = [];
  const press = (c: Cam) => { taps.push(c.hal.emulators.buttons.tap('record')); };
  const recording = (c: Cam) => c.runtime.behaviour.state.kind === 'recording';
  const events = [
    ...plan.flatMap((inc: Incident) => [{ at: inc.startMs, cam: inc.camera, kind: 'start' as const, end: inc.startMs + inc.lengthMs }, { at: inc.startMs + inc.lengthMs, cam: inc.camera, kind: 'stop' as const, end: 0 }]),
    { at: fall.atMs, cam: fall.camera, kind: 'fall' as const, end: fall.atMs + fall.stopAfterMs },
    // The fallen officer gets up and stops the recording.
    { at: fall.atMs + fall.stopAfterMs, cam: fall.camera, kind: 'stop' as const, end: 0 },
  ].sort((a, b) => a.at - b.at);
  // The officers: each presses record at their incident's start and again at its end, looking at
  // the camera first (one already recording, started by a team mate's broadcast, is kept). A
  // recording that started on its own (a team mate's broadcast) is stopped when the team's incident
  // ends, and not before AUTO_RECORDING_MS.
  const ownUntil = new Map<number, number>();
  const stopAt = new Map<number, number>();
  const teamEnd = (cam: number) => Math.max(-1, ...[...ownUntil].filter(([c]) => memberOf(c).team === memberOf(cam).team).map(([, end]) => end));
  const PATROL_TICK_MS = 1000;
  const AUTO_RECORDING_MS = 2 * 60_000;
  for (let t = 0; t <= shiftMs; t += PATROL_TICK_MS) {
    // Video frames are timers: advance in one-second steps (no real I/O happens while undocked);
    // each step the teams walk on, and the GNSS receivers and radios follow.
    await tl.advanceTo(shiftStart + t);
    for (const c of cams) world.setPosition(c.serial, patrolPosition(c.index, t));
    while (next < events.length && events[next]!.at <= t) {
      const ev = events[next++]!;
      const c = cams[ev.cam]!;
      if (ev.kind === 'start') {
        ownUntil.set(ev.cam, ev.end);
        stopAt.delete(ev.cam);
        if (!recording(c)) press(c);
      } else if (ev.kind === 'stop') {
        ownUntil.delete(ev.cam);
        if (recording(c)) press(c);
      } else {
        say(`  ${formatDuration(t)} into the shift: ${c.user} (${c.serial}) falls`);
        taps.push(c.hal.emulators.imu.playNamed('fall-forward'));
        ownUntil.set(ev.cam, ev.end);
        stopAt.delete(ev.cam);
      }
    }
    for (const c of cams) {
      const own = ownUntil.has(c.index);
      const due = stopAt.get(c.index);
      if (recording(c) && !own && due === undefined) stopAt.set(c.index, Math.max(teamEnd(c.index), t + AUTO_RECORDING_MS));
      else if (due !== undefined && due <= t) {
        stopAt.delete(c.index);
        if (recording(c)) press(c);
      }
    }
    const hour = Math.floor(t / 3600_000);
    if (hour > lastHour) {
      lastHour = hour;
      const made = cams.reduce((a, c) => a + c.runtime.sink.stats.closed, 0);
      say(`  ${formatDuration(hour * 3600_000)} into the shift: ${made} recording(s) made so far`);
    }
  }
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
  const offBeat: OffBeat = (serial, point) => {
    const c = cams.find((x) => x.serial === serial);
    return c ? distanceFromBeat(c.index, c.hal.emulators.gnssReceiver.metresOf(point)) : undefined;
  };
  // A camera whose profile turns the overlay on shows its user's name and id on the first line.
  const expectedOverlay: ExpectedOverlay = (serial, userId) => {
    const e = assignments.entry(serial);
    const overlay = e?.profile?.overlay as { userName?: boolean; userId?: boolean } | undefined;
    return e && overlay?.userName && overlay.userId ? `${e.userName}  ID ${userId}` : undefined;
  };
  const check = await checkDestination(connection, controllerHal.clock, uploadedIds, say, !args['skip-decode'], offBeat, expectedOverlay);
  const triggers: Record<string, number> = {};
  for (const reason of check.triggerOn.values()) triggers[reason] = (triggers[reason] ?? 0) + 1;
  const fallArrived = [...check.triggerOn].some(([container, reason]) => reason === 'Fall' && container.includes(`_${fallen.serial}_`));
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
    triggers, located: check.located, trails: check.trails, trailPoints: check.trailPoints, trailPointsOffBeat: check.trailPointsOffBeat,
    fall: { camera: fallen.serial, atSeconds: Math.round(fall.atMs / 1000), arrived: fallArrived },
    overlays: check.overlays,
  };
  say(`summary: ${summary.recordings} recordings made, ${summary.offloaded} offloaded, ${summary.uploaded} at the destination with ${summary.clips} clips (${(summary.bytes / 1e6).toFixed(1)} MB)${summary.decoded === null ? ' (clips not decoded: --skip-decode, or ffmpeg not installed)' : `, ${summary.decoded} decoded by ffmpeg`}; lost ${summary.lost}, corrupt ${summary.corrupt}, not transferred ${summary.notTransferred}; ${summary.virtualSeconds} s virtual in ${summary.wallSeconds} s wall`);
  say(`automatic activation: recordings by trigger ${Object.entries(triggers).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; the fall of ${fallen.user} (${fallen.serial}) ${fallArrived ? 'arrived as a Fall recording' : 'did NOT arrive as a Fall recording'}; ${summary.located} recording(s) with TriggerOnLocation, ${summary.trails} GNSS trail(s) of ${summary.trailPoints} point(s), ${summary.trailPointsOffBeat} off the beat walked`);
  if (summary.overlays) say(`overlays: ${summary.overlays.checked} team lead recording(s) read back from the decoded video, ${summary.overlays.wrong} not showing their user in every picture`);
  if (serverRoot) say(`the reference destination's files are in ${serverRoot} (connection file: ${join(serverRoot, 'connection.json')})`);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  // What the shift must show at the destination: the fall, a broadcast chain where a team has
  // two cameras or more, and trails on the beats (the team lead, a W120, keeps its location).
  const missing = [
    ...(fallArrived ? [] : ['the fall recording']),
    ...(n >= 2 && !triggers.WirelessBroadcast ? ['a wireless broadcast recording'] : []),
    ...(summary.trails === 0 ? ['a GNSS trail'] : []),
    ...(summary.trailPointsOffBeat > 0 ? [`${summary.trailPointsOffBeat} trail point(s) off the beat`] : []),
    ...(summary.overlays && summary.overlays.checked === 0 ? ['a recording with an overlay'] : []),
    ...(summary.overlays && summary.overlays.wrong > 0 ? [`${summary.overlays.wrong} recording(s) whose overlay does not show their user`] : []),
  ];
  if (missing.length) say(`NOT as expected at the destination: ${missing.join(', ')}`);
  return summary.lost === 0 && summary.corrupt === 0 && summary.recordings > 0 && missing.length === 0 ? 0 : 1;
}

interface DestinationCheck {
  complete: number; completeIds: Set<string>; clips: number; bytes: number; corrupt: number; decoded: number | null;
  /** TriggerOn of every complete recording, by container. */
  triggerOn: Map<string, string>;
  located: number; trails: number; trailPoints: number; trailPointsOffBeat: number;
  overlays: { checked: number; wrong: number } | null;
}

/** The overlay's first line a camera must show for user `userId` (undefined: the camera shows no overlay). */
export type ExpectedOverlay = (serial: string, userId: string) => string | undefined;

/** How far from the beat its camera walked a trail point is, in metres (undefined: not a camera of this shift). */
export type OffBeat = (serial: string, point: { latitude: number; longitude: number }) => number | undefined;
/** A trail point or trigger location further than this from the camera's beat is reported (GNSS error is a few metres). */
const BEAT_TOLERANCE_M = 25;

async function checkDestination(connection: ConnectionFile, clock: Clock, uploaded: Map<string, string>, say: (l: string) => void, decode: boolean, offBeat: OffBeat, expectedOverlay: ExpectedOverlay): Promise<DestinationCheck> {
  const client = new SwiftClient({ connection, clock });
  const ffmpeg = decode && spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  const dir = await mkdtemp(join(tmpdir(), 'bwc-check-'));
  const out: DestinationCheck = { complete: 0, completeIds: new Set(), clips: 0, bytes: 0, corrupt: 0, decoded: ffmpeg ? 0 : null, triggerOn: new Map(), located: 0, trails: 0, trailPoints: 0, trailPointsOffBeat: 0, overlays: ffmpeg ? { checked: 0, wrong: 0 } : null };
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
      out.triggerOn.set(container, info.metadata.triggeron ?? 'none');
      const serial = info.metadata.bwcserialnumber ?? '';
      const names = (await client.listObjects(container)) ?? [];
      const at = info.metadata.triggeronlocation;
      if (at !== undefined) {
        out.located++;
        try {
          const l = parseLocation(at);
          const off = offBeat(serial, l);
          if (off !== undefined && off > BEAT_TOLERANCE_M) { out.corrupt++; say(`  ${container}: TriggerOnLocation ${at} is ${off.toFixed(0)} m from the beat ${serial} walked`); }
        } catch (e) {
          out.corrupt++;
          say(`  ${container}: TriggerOnLocation ${JSON.stringify(at)}: ${(e as Error).message}`);
        }
      }
      for (const name of names.filter((x) => x.endsWith('_gpstrail.json'))) {
        const body = await buffer((await client.getObject(container, name)).body);
        try {
          const doc = JSON.parse(body.toString('utf8')) as GnssTrailDocument;
          out.trails++;
          for (const entry of doc.CoordinateEntries) {
            out.trailPoints++;
            const m = /^POINT\((-?[\d.]+) (-?[\d.]+)\)$/.exec(entry.LocationWKT);
            const off = m ? offBeat(serial, { longitude: Number(m[1]), latitude: Number(m[2]) }) : Infinity;
            if (off !== undefined && off > BEAT_TOLERANCE_M) out.trailPointsOffBeat++;
          }
        } catch (e) {
          out.corrupt++;
          say(`  ${container}/${name}: not a GNSS trail document (${(e as Error).message})`);
        }
      }
      const clipNames = names.filter((name) => name.endsWith('.mkv') || name.endsWith('.mp4'));
      const overlay = expectedOverlay(serial, info.metadata.userid ?? '');
      for (const [i, name] of clipNames.entries()) {
        const data = await buffer((await client.getObject(container, name)).body);
        out.clips++;
        out.bytes += data.length;
        if (!ffmpeg) continue;
        // The first clip's first second, read back from the pictures: the user burned into the video
        // must be the user the recording belongs to.
        if (overlay !== undefined && i === 0) {
          out.overlays!.checked++;
          const frames = await readOverlayFrames(data, { maxFrames: 30 }).catch((e: Error) => { say(`  ${container}/${name}: ${e.message}`); return []; });
          const bad = frames.findIndex((f) => f[0] !== overlay);
          if (bad !== -1 || frames.length === 0) {
            out.overlays!.wrong++;
            say(`  ${container}/${name}: overlay ${frames.length === 0 ? 'unreadable' : `picture ${bad + 1} shows ${JSON.stringify(frames[bad])}`}, expected ${JSON.stringify(overlay)}`);
          }
        }
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
