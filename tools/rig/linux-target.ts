/**
 * The rig's real target: each device is a camera process on the linux-camera board, driven through
 * the board's real interfaces (evdev records, power_supply sysfs, leds sysfs, its storage) in real time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, readdir, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { board as linuxCamera } from '../../hal/boards/linux-camera.js';
import { checkConfig, readConfigFile } from '../../hal/boards/config.js';
import { EV_KEY, EV_SYN, KEY_PRESS, KEY_RELEASE, SYN_REPORT, encodeInputEvents, nativeRecordSize, type InputEvent, type RecordSize } from '../../hal/buttons/evdev.js';
import { parseLedName, parseTriggers } from '../../hal/indicators/led-class.js';
import type { LedColor, LedPattern } from '../../hal/indicators/contract.js';
import { SystemClock } from '../../hal/clock/linux.js';
import { DirectoryStorage } from '../../hal/storage/linux.js';
import { EmulatedStorage } from '../../hal/storage/emulated.js';
import { storedRecordings } from './stored-recordings.js';
import { silentLog } from '../../firmware/common/log.js';
import { CameraEnrollment } from '../../firmware/camera/enrollment.js';
import { SystemAuthority } from '../../firmware/controller/system-authority.js';
import { REPORTABLE_CAMERA_STATES } from './camera-state.js';
import { STATUS_PREFIX, type ConsoleStatus } from './camera-console.js';
import type { Action, DeviceDecl } from './scenario.js';
import type { Answer, RigRecording, RigState, RigTarget } from './target.js';

export const RIG_SYSTEM_ID = 'rig-system';
/** How long a `press` holds the button down (as the emulated target). */
export const PRESS_MS = 100;
/** `double-press`: two taps of 80 ms, 150 ms apart. */
export const TAP_MS = 80;
export const TAP_GAP_MS = 150;

/** A device line of a scenario for the real target: `config` is the linux-camera board config file. */
export type LinuxDeviceDecl = DeviceDecl;

export interface LinuxTargetOptions {
  /** Board config file per device name (overrides the device line's `config=`). */
  configs?: Record<string, string>;
  /** Directory relative config paths are read from (the scenario's). Default the working directory. */
  baseDir?: string;
  /**
   * argv that starts the camera process (tools/rig/linux-camera-process.ts); the rig appends
   * `--board linux-camera --config FILE [--profile ...]`. Default: dist/rig-camera.mjs next to this
   * module when built, else the TypeScript source under this process's loader flags.
   */
  cameraCommand?: string[];
  /** Environment of the camera process (default this one's). */
  env?: NodeJS.ProcessEnv;
  /** Real time a `settle` waits for the camera to react (default 2 power polls + 100 ms, at least 200 ms). */
  settleMs?: number;
  /** How long a camera may take to boot to its ready line (default 30 s). */
  bootTimeoutMs?: number;
  /** Device logs (the camera process's stderr) go here when given. */
  write?: (line: string) => void;
  /** Camera process runs with --verbose. */
  verbose?: boolean;
}

interface BoardConfig {
  serial: string; model: string; storageDir: string;
  buttons: { device: string; keymap: Record<string, string> };
  power: { root: string; battery: string; dock: string; pollMs: number };
  leds: { root: string; device: string };
}

interface RealCamera {
  decl: LinuxDeviceDecl;
  configPath: string;
  config: BoardConfig;
  /** Resolved supply directory names. */
  batteryDir: string;
  dockDir: string;
  /** Button name -> key code. */
  codes: Map<string, number>;
  input: FileHandle | undefined;
  recordSize: RecordSize;
  child: ChildProcess | undefined;
  exited: Promise<number | null> | undefined;
  stdoutLines: ((line: string) => void)[];
  stderr: string;
  profilePath?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Supply directory names under `root`: the given name, else the first of a type (as the board's driver finds them). */
async function findSupply(root: string, given: string, types: string[], what: string): Promise<string> {
  if (given) return given;
  for (const n of (await readdir(root)).sort()) {
    const type = await readFile(join(root, n, 'type'), 'utf8').then((s) => s.trim(), () => '');
    if (types.includes(type)) return n;
  }
  throw new Error(`no ${what} under ${root}: expected a supply whose type is ${types.join(' or ')}`);
}

/** Default argv of the camera process: the built bundle when this module is in dist/, else the source. */
export function defaultCameraCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, 'rig-camera.mjs'), join(here, '..', 'rig-camera.mjs')]) if (existsSync(p)) return [process.execPath, p];
  const source = fileURLToPath(new URL('./linux-camera-process.ts', import.meta.url));
  return [process.execPath, ...process.execArgv, source];
}

/** What one LED (a `function` of the leds class) shows now, read back from sysfs. */
export async function readLed(root: string, device: string, led: string): Promise<{ pattern: LedPattern; litColor: LedColor | null } | undefined> {
  const lit: { color: LedColor; flash?: { onMs: number; offMs: number }; on: boolean }[] = [];
  let found = false;
  for (const name of (await readdir(root)).sort()) {
    const n = parseLedName(name);
    if (!n || n.function !== led || (device && n.device !== device)) continue;
    found = true;
    const read = (f: string) => readFile(join(root, name, f), 'utf8').then((s) => s.trim());
    const trigger = parseTriggers(await read('trigger').catch(() => '')).current;
    const brightness = Number(await read('brightness').catch(() => '0'));
    if (trigger === 'timer') {
      lit.push({ color: n.color as LedColor, flash: { onMs: Number(await read('delay_on')), offMs: Number(await read('delay_off')) }, on: brightness > 0 });
    } else if (brightness > 0) lit.push({ color: n.color as LedColor, on: true });
  }
  if (!found) return undefined;
  if (lit.length === 0) return { pattern: { kind: 'off' }, litColor: null };
  const colors = [...new Set(lit.map((l) => l.color))].sort().join('+');
  const color = (({ 'green+red': 'amber', 'blue+green+red': 'white' } as Record<string, LedColor>)[colors] ?? colors) as LedColor;
  const flash = lit.find((l) => l.flash)?.flash;
  const pattern: LedPattern = flash ? { kind: 'flash', color, onMs: flash.onMs, offMs: flash.offMs } : { kind: 'steady', color };
  // Under the timer trigger the kernel's brightness is the lit state at this instant.
  return { pattern, litColor: lit.some((l) => l.on) ? color : null };
}

export class LinuxRigTarget implements RigTarget {
  readonly description = 'linux-camera board (real time)';
  private cameras = new Map<string, RealCamera>();
  private startedAt = 0;
  private failures: Error[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private readonly settleMs: number;

  constructor(private readonly options: LinuxTargetOptions = {}) {
    this.settleMs = options.settleMs ?? -1;
  }

  async start(devices: readonly DeviceDecl[]): Promise<void> {
    let authority: SystemAuthority | undefined;
    for (const d of devices as readonly LinuxDeviceDecl[]) {
      if (d.board !== undefined && d.board !== 'linux-camera') throw new Error(`${d.name}: board ${d.board} is not one this target drives; expected linux-camera`);
      const given = this.options.configs?.[d.name] ?? d.config;
      if (!given) throw new Error(`${d.name}: no board config: give the device line config=FILE (a linux-camera board config)`);
      const configPath = isAbsolute(given) ? given : resolve(this.options.baseDir ?? '.', given);
      const config = checkConfig<BoardConfig>(await readConfigFile(configPath), linuxCamera.schema, `config file ${configPath}`);
      if (config.model !== d.model && d.model !== 'W100') throw new Error(`${d.name}: the device line says model ${d.model} but ${configPath} says ${config.model}`);
      const codes = new Map(Object.entries(config.buttons.keymap).map(([code, name]) => [name, Number(code)]));
      const cam: RealCamera = {
        decl: d, configPath, config, codes, input: undefined, recordSize: nativeRecordSize(), child: undefined, exited: undefined, stdoutLines: [], stderr: '',
        batteryDir: join(config.power.root, await findSupply(config.power.root, config.power.battery, ['Battery'], 'battery supply')),
        dockDir: join(config.power.root, await findSupply(config.power.root, config.power.dock, ['Mains', 'USB'], 'dock-contact supply')),
      };
      if (d.profileDoc !== undefined) {
        cam.profilePath = join(await mkdtemp(join(tmpdir(), 'bwc-rig-profile-')), `${d.name}.json`);
        await writeFile(cam.profilePath, JSON.stringify(d.profileDoc));
      }
      this.cameras.set(d.name, cam);
      // The rig's relay/charger: battery level and dock contact before power-on.
      await writeFile(join(cam.batteryDir, 'capacity'), `${d.batteryPercent}\n`);
      await this.setDocked(cam, d.docked);
      // The button line: r+ opens a FIFO without waiting for its reader; an evdev node takes injected events.
      cam.input = await open(config.buttons.device, 'r+');
      if (d.adopted) {
        authority ??= await SystemAuthority.open(new EmulatedStorage().mount(), RIG_SYSTEM_ID, Date.now());
        await this.adopt(cam, authority);
      }
      await this.boot(cam);
    }
    await this.settle();
    this.startedAt = performance.now();
  }

  async advanceTo(ms: number): Promise<void> {
    await sleep(this.startedAt + ms - performance.now());
  }

  async apply(action: Action): Promise<void> {
    if (action.kind === 'wait') return;
    if (action.kind === 'gnss' || action.kind === 'walk') {
      throw new Error(`${action.kind}: not supported on this target: the real camera's GNSS receiver sees the real sky (move the camera outdoors or use a GNSS simulator on the bench); run this scenario on the emulated target`);
    }
    if (action.kind === 'kit' || action.kind === 'radio-loss' || action.kind === 'holster') {
      throw new Error(`${action.kind}: the real target cannot change the world (activation kits, radio loss, holster sensors are on the bench, not in software); run this scenario on the emulated target`);
    }
    const cam = this.camera(action.device);
    switch (action.kind) {
      case 'press': this.gesture(cam, action.buttons, [[0, KEY_PRESS], [PRESS_MS, KEY_RELEASE]]); return;
      case 'double-press':
        this.gesture(cam, action.buttons, [[0, KEY_PRESS], [TAP_MS, KEY_RELEASE], [TAP_MS + TAP_GAP_MS, KEY_PRESS], [2 * TAP_MS + TAP_GAP_MS, KEY_RELEASE]]);
        return;
      case 'hold':
        this.gesture(cam, action.buttons, action.forMs !== undefined ? [[0, KEY_PRESS], [action.forMs, KEY_RELEASE]] : [[0, KEY_PRESS]]);
        return;
      case 'release': this.gesture(cam, action.buttons, [[0, KEY_RELEASE]]); return;
      case 'dock':
        if (action.bay !== undefined && action.bay !== 1) throw new Error(`dock: ${cam.decl.name} has one dock contact (its power_supply ${cam.dockDir}); bay=${action.bay} cannot be chosen`);
        await this.setDocked(cam, true);
        return;
      case 'undock': await this.setDocked(cam, false); return;
      case 'battery': await writeFile(join(cam.batteryDir, 'capacity'), `${action.percent}\n`); return;
      case 'clock': throw new Error(`clock: ${cam.decl.name} runs on its real clock; the rig cannot move it (set the board's RTC and reboot instead)`);
      case 'storage': throw new Error(`storage: ${cam.decl.name} has real flash; the rig cannot fill it from outside (copy files onto the camera's storage on a bench instead)`);
      case 'cube': throw new Error(`cube: the linux-camera board has no mini cube connector driver; plug the cube in by hand on a bench, or run this scenario on the emulated target`);
      case 'power-cut': {
        const child = this.running(cam, 'power-cut');
        child.kill('SIGKILL');
        await cam.exited;
        cam.child = undefined;
        return;
      }
      case 'power-off': {
        const child = this.running(cam, 'power-off');
        child.kill('SIGTERM');
        const code = await cam.exited;
        cam.child = undefined;
        if (code !== 0) throw new Error(`power-off: ${cam.decl.name} stopped with exit status ${code}: ${cam.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        return;
      }
      case 'power-on':
        if (cam.child) throw new Error(`power-on: ${cam.decl.name} is already on`);
        await this.boot(cam);
        return;
      case 'move':
      case 'motion':
      case 'pair':
        // The wearer's position and motion, and the system's holster pairings, are not the
        // camera's interfaces: on a bench they are the camera's surroundings.
        throw new Error(`${action.kind}: not supported on this target: the real camera's ${action.kind === 'pair' ? 'holster pairings come from its system controller at a dock' : action.kind === 'move' ? 'position is where it is on the bench' : 'IMU feels the real wearer (play a trace on a motion table)'}; run this scenario on the emulated target`);
      case 'self-assign':
      case 'assign':
        throw new Error(`${action.kind}: not supported on this target: a real camera takes its assignment from its system controller at a dock (inside mutual TLS); run this scenario on the emulated target`);
      default: {
        const never: never = action;
        throw new Error(`${(never as Action).kind}: not supported on this target`);
      }
    }
  }

  async settle(): Promise<void> {
    let ms = this.settleMs;
    if (ms < 0) ms = Math.max(200, ...[...this.cameras.values()].map((c) => 2 * c.config.power.pollMs + 100));
    await sleep(ms);
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  async state(device: string, asked?: string): Promise<RigState> {
    const cam = this.camera(device);
    const s = await this.status(cam);
    let state = s ? s.state : 'off';
    if (s?.phase !== undefined && asked !== undefined && asked !== 'docked') state = s.phase;
    return { state, reportable: REPORTABLE_CAMERA_STATES };
  }

  async led(device: string, led: string): Promise<Answer<{ pattern: LedPattern; litColor: string | null }>> {
    const cam = this.camera(device);
    const shown = await readLed(cam.config.leds.root, cam.config.leds.device, led);
    if (!shown) throw new Error(`${device} has no LED ${JSON.stringify(led)} under ${cam.config.leds.root}`);
    return { supported: true, value: shown };
  }

  async recordings(device: string): Promise<Answer<RigRecording[]>> {
    const cam = this.camera(device);
    const storage = await DirectoryStorage.open(cam.config.storageDir);
    return { supported: true, value: await storedRecordings(storage) };
  }

  async bookmarks(device: string): Promise<Answer<number>> {
    return { supported: true, value: (await this.status(this.camera(device)))?.bookmarks ?? 0 };
  }

  async alerts(device: string): Promise<Answer<string[]>> {
    return { supported: true, value: (await this.status(this.camera(device)))?.alerts ?? [] };
  }

  async battery(device: string): Promise<Answer<number>> {
    const cam = this.camera(device);
    return { supported: true, value: Number((await readFile(join(cam.batteryDir, 'capacity'), 'utf8')).trim()) };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const cam of this.cameras.values()) {
      const child = cam.child;
      cam.child = undefined;
      if (child) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await cam.exited;
        clearTimeout(killer);
      }
      await cam.input?.close().catch(() => {});
      cam.input = undefined;
      if (cam.profilePath) await rm(dirname(cam.profilePath), { recursive: true, force: true });
    }
  }

  /** The camera process's stderr so far (its log), for messages. */
  log(device: string): string {
    return this.camera(device).stderr;
  }

  private camera(device: string): RealCamera {
    const c = this.cameras.get(device);
    if (!c) throw new Error(`no device ${device}; devices: ${[...this.cameras.keys()].join(', ')}`);
    return c;
  }

  private running(cam: RealCamera, what: string): ChildProcess {
    if (!cam.child) throw new Error(`${what}: ${cam.decl.name} is off; power it on first`);
    return cam.child;
  }

  private async setDocked(cam: RealCamera, docked: boolean): Promise<void> {
    await writeFile(join(cam.dockDir, 'online'), docked ? '1\n' : '0\n');
    // A charger behind the contacts: charging while docked below full.
    const level = Number((await readFile(join(cam.batteryDir, 'capacity'), 'utf8')).trim());
    await writeFile(join(cam.batteryDir, 'status'), docked ? (level >= 100 ? 'Full\n' : 'Charging\n') : 'Discharging\n');
  }

  /** Key records at offsets (ms) from now; a chord moves every key together, then one SYN_REPORT. */
  private gesture(cam: RealCamera, buttons: string[], edges: [number, number][]): void {
    const codes = buttons.map((b) => {
      const code = cam.codes.get(b);
      if (code === undefined) throw new Error(`${cam.decl.name} has no button ${b} in ${cam.configPath}'s keymap; buttons: ${[...cam.codes.keys()].join(', ')}`);
      return code;
    });
    const t0 = performance.now();
    const send = async (value: number) => {
      const now = Date.now();
      const events: InputEvent[] = [...codes.map((code) => ({ timeMs: now, type: EV_KEY, code, value })), { timeMs: now, type: EV_SYN, code: SYN_REPORT, value: 0 }];
      if (!cam.input) throw new Error(`${cam.decl.name}: the button device ${cam.config.buttons.device} is not open`);
      await cam.input.write(encodeInputEvents(events, cam.recordSize));
    };
    for (const [at, value] of edges) {
      const fire = () => { send(value).catch((e: Error) => this.failures.push(new Error(`${cam.decl.name}: writing button events to ${cam.config.buttons.device}: ${e.message}`))); };
      if (at === 0) { fire(); continue; }
      const timer = setTimeout(() => { this.timers.delete(timer); fire(); }, Math.max(0, t0 + at - performance.now()));
      this.timers.add(timer);
    }
  }

  /** Start the camera process and wait for its ready line. */
  private async boot(cam: RealCamera): Promise<void> {
    const args = ['--board', 'linux-camera', '--config', cam.configPath];
    if (this.options.verbose) args.push('--verbose');
    if (cam.profilePath) args.push('--profile', cam.profilePath);
    if (cam.decl.user) args.push('--user', cam.decl.user);
    if (Object.keys(cam.decl.recorder).length > 0) args.push('--recorder', JSON.stringify(cam.decl.recorder));
    const [cmd, ...pre] = this.options.cameraCommand ?? defaultCameraCommand();
    const child = spawn(cmd!, [...pre, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: this.options.env ?? process.env });
    cam.child = child;
    cam.stderr = '';
    cam.stdoutLines = [];
    cam.exited = new Promise((r) => child.on('close', (code) => r(code)));
    child.stdin.on('error', () => {});
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      cam.stderr += d;
      if (cam.stderr.length > 1 << 20) cam.stderr = cam.stderr.slice(-(1 << 19));
      this.options.write?.(d.split('\n').filter(Boolean).map((l) => `${cam.decl.name}: ${l}\n`).join(''));
    });
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        for (const l of cam.stdoutLines.splice(0)) l(line);
      }
    });
    const timeout = this.options.bootTimeoutMs ?? 30_000;
    const ready = await new Promise<boolean>((resolveReady) => {
      const timer = setTimeout(() => resolveReady(false), timeout);
      const wait = (line: string) => {
        if (line.startsWith('camera ready:')) { clearTimeout(timer); resolveReady(true); } else cam.stdoutLines.push(wait);
      };
      cam.stdoutLines.push(wait);
      void cam.exited!.then(() => { clearTimeout(timer); resolveReady(false); });
    });
    if (!ready) {
      child.kill('SIGKILL');
      const code = await cam.exited;
      cam.child = undefined;
      throw new Error(`${cam.decl.name}: the camera process did not become ready within ${timeout} ms (exit status ${code}): ${cam.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
  }

  /** Ask the camera's console for its status; undefined while it is off. */
  private async status(cam: RealCamera): Promise<ConsoleStatus | undefined> {
    const child = cam.child;
    if (!child) return undefined;
    return new Promise<ConsoleStatus | undefined>((resolveStatus, reject) => {
      const timer = setTimeout(() => reject(new Error(`${cam.decl.name}: no answer to status on its console within 5 s`)), 5_000);
      const wait = (line: string) => {
        if (!line.startsWith(STATUS_PREFIX)) { cam.stdoutLines.push(wait); return; }
        clearTimeout(timer);
        resolveStatus(JSON.parse(line.slice(STATUS_PREFIX.length)) as ConsoleStatus);
      };
      cam.stdoutLines.push(wait);
      void cam.exited!.then(() => { clearTimeout(timer); resolveStatus(undefined); });
      child.stdin!.write('status\n');
    });
  }

  /**
   * The rig as the system authority adopts the camera while it is off: the camera's own enrollment
   * code runs on its storage directory (on a bench: adopt it once through a controller with "Add cameras").
   */
  private async adopt(cam: RealCamera, authority: SystemAuthority): Promise<void> {
    const storage = await DirectoryStorage.open(cam.config.storageDir);
    const clock = new SystemClock();
    const enrollment = new CameraEnrollment({ storage, clock, serial: cam.config.serial, log: silentLog });
    await enrollment.load();
    await enrollment.ready();
    const raw = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
    const [key] = (await enrollment.answer({ kind: 'enrollmentRequest', systemId: RIG_SYSTEM_ID })) ?? [];
    if (key?.kind !== 'enrollmentKey') throw new Error(`${cam.decl.name}: the camera did not answer the enrollment request with its key `);
    const issued = authority.issueCamera(cam.config.serial, key.publicKey, clock.now());
    const [res] = (await enrollment.answer({
      kind: 'enrollment', systemId: RIG_SYSTEM_ID, certificate: raw(issued.certPem), caCertificate: raw(authority.ca.certPem), evidencePublicKey: authority.evidencePublicKey,
    })) ?? [];
    if (res?.kind !== 'enrollmentResult' || !res.accepted) {
      // Each run is a new rig system (a new CA): a camera adopted by an earlier run refuses it.
      throw new Error(`${cam.decl.name}: adoption into ${RIG_SYSTEM_ID} refused${enrollment.current ? ` (it is adopted by an earlier system ${enrollment.current.systemId}: reset it, i.e. remove ${join(cam.config.storageDir, 'identity')}, or declare it adopted=no)` : ''}`);
    }
  }
}
