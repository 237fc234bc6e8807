/**
 * The whole-system simulator (`npm start`): one emulated world with a system controller, a
 * docking station and cameras; cameras are docked, found by IPv6 link-local discovery, and
 * sessions opened; then undocked and re-docked. Runs in virtual time with no root and no network.
 */
import { parseArgs } from 'node:util';
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

const usage = `usage: npm start -- [--cameras N] [--json] [--verbose]

Runs one system controller, one docking station on port 1 and N cameras (1-${MAX_BAYS_PER_STATION}, default 4)
on emulated boards in virtual time. Each camera is docked; the controller must find it on its
port by IPv6 link-local discovery and open a session with it; then every camera is undocked and
docked again. Prints progress and a summary; --json makes the last line a JSON summary.
Exit status: 0 when every docking was found and every session opened, 1 otherwise, 2 bad usage.
`;

interface Summary {
  cameras: number;
  dockings: number;
  found: number;
  sessions: number;
  adopted: number;
  undocksSeen: number;
  missed: string[];
  virtualSeconds: number;
  wallSeconds: number;
  solicitations: number;
  beacons: number;
  medianDockToSessionMs: number;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { cameras: { type: 'string', default: '4' }, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (e) {
    process.stderr.write(`simulate: error: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (args.help) { process.stdout.write(usage); return 0; }
  const n = Number(args.cameras);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BAYS_PER_STATION) {
    process.stderr.write(`simulate: error: --cameras must be an integer 1-${MAX_BAYS_PER_STATION} (one docking station), got ${args.cameras}\n`);
    return 2;
  }
  const say = (line: string) => { if (!args.json || args.verbose) process.stdout.write(`${line}\n`); else process.stderr.write(`${line}\n`); };
  const wallStart = performance.now();
  const world = new World({ seed: 42, epoch: Date.UTC(2026, 10, 23, 7, 0) });
  const tl = world.timeline;
  const deviceLog = (name: string) => (args.verbose ? logger(name, true) : silentLog);

  world.docks.addStation('station-1', 1);
  const controllerHal = await openEmulatedController(checkConfig({ serial: 'W800-0001', systemId: 'sim-system' }, controllerBoard.schema, 'simulator controller'), world);
  const controller = await startController(controllerHal, deviceLog('controller'), { adoptCameras: true });
  const cameras: { hal: EmulatedCameraHal; runtime: CameraRuntime }[] = [];
  for (let i = 1; i <= n; i++) {
    const serial = `W100-${String(i).padStart(4, '0')}`;
    const hal = await openEmulatedCamera(checkConfig({ serial, batteryPercent: 40 + i * 5 }, cameraBoard.schema, `simulator camera ${i}`), world);
    cameras.push({ hal, runtime: await startCamera(hal, deviceLog(serial)) });
  }
  // First boot: each camera makes its device key (real work, not virtual time) before the shift.
  await Promise.all(cameras.map((c) => c.runtime.enrollment.ready()));
  say(`simulator: controller W800-0001, docking station on port 1, ${n} camera(s); virtual time starts ${new Date(controllerHal.clock.now()).toISOString()}`);

  const dockedAt = new Map<string, number>();
  const latencies: number[] = [];
  let found = 0, sessions = 0, undocksSeen = 0, dockings = 0, adopted = 0;
  controller.dock.on('docked', (c) => { found++; say(`  found   ${c.serial} on port ${c.port} at ${c.endpoint.address}%${c.endpoint.scope}`); });
  controller.dock.on('session', (c, s) => {
    sessions++;
    const t = dockedAt.get(c.serial);
    if (t !== undefined) latencies.push(tl.time - t);
    if (s.membership === 'adopted') adopted++;
    say(`  session ${c.serial}: protocol ${s.version.major}.${s.version.minor}, ${s.membership === 'adopted' ? 'adopted into sim-system now' : s.membership}, camera firmware ${s.cameraFirmware}, ${s.recordings} recording(s)`);
  });
  controller.dock.on('undocked', (c, why) => { undocksSeen++; say(`  gone    ${c.serial} (${why})`); });

  const expectAll = new Set<string>();
  const missed: string[] = [];
  for (const round of ['dock', 'redock'] as const) {
    say(round === 'dock' ? 'shift start: docking cameras one by one' : 'end of shift: re-docking every camera');
    for (const [i, c] of cameras.entries()) {
      const serial = c.hal.identity.serial;
      world.docks.dock(serial, 'station-1', i + 1);
      dockings++;
      dockedAt.set(serial, tl.time);
      expectAll.add(`${round}:${serial}`);
      await tl.advance(2_000);
    }
    await tl.advance(10_000);
    const inSession = new Set(controller.dock.cameras().filter((c) => c.phase === 'in-session').map((c) => c.serial));
    for (const c of cameras) if (!inSession.has(c.hal.identity.serial)) missed.push(`${round}:${c.hal.identity.serial}`);
    say(`  ${inSession.size}/${n} cameras in session on port 1 (virtual ${(tl.time / 1000).toFixed(0)} s)`);
    if (round === 'dock') {
      say('patrol: undocking every camera, pressing record on each');
      const taps: Promise<void>[] = [];
      for (const c of cameras) {
        world.docks.undock(c.hal.identity.serial);
        // tap() holds the button in virtual time: let the timeline run while it does.
        taps.push(c.hal.emulators.buttons.tap('record'));
      }
      await tl.advance(60_000);
      await Promise.all(taps);
      for (const c of cameras) say(`  ${c.hal.identity.serial}: ${c.runtime.buttonPresses} button press(es) seen, dock link ${c.runtime.dock.linkUp ? 'up' : 'down'}`);
    }
  }

  for (const c of cameras) { await c.runtime.stop(); await c.hal.close(); }
  await controller.stop();
  await controllerHal.close();
  latencies.sort((a, b) => a - b);
  const summary: Summary = {
    cameras: n, dockings, found, sessions, adopted, undocksSeen, missed,
    virtualSeconds: Math.round(tl.time / 1000), wallSeconds: Number(((performance.now() - wallStart) / 1000).toFixed(2)),
    solicitations: controller.dock.stats.solicitations, beacons: controller.dock.stats.beacons,
    medianDockToSessionMs: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : -1,
  };
  say(`summary: ${dockings} dockings, ${found} found, ${sessions} sessions, ${adopted} cameras adopted, ${undocksSeen} undocks seen, missed ${missed.length ? missed.join(', ') : 'none'}; median dock-to-session ${summary.medianDockToSessionMs} ms virtual; ${summary.virtualSeconds} s virtual in ${summary.wallSeconds} s wall`);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  return missed.length === 0 && sessions >= dockings && adopted === n ? 0 : 1;
}

process.exitCode = await main().catch((e) => {
  process.stderr.write(`simulate: error: ${(e as Error).message}\n`);
  if (process.env.BWC_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
  return 1;
});
process.exit();
