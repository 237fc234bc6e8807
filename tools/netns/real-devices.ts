/**
 * Runs the real device bundles (dist/controller.mjs, dist/camera.mjs on the linux boards) inside
 * a namespace topology: each camera gets a directory shaped like its sysfs, a FIFO for its
 * evdev buttons and a storage directory. For tests and benchmarks of dock enumeration on real
 * IPv6 link-local networking.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { DEVICE_KEY_PATH } from '../../firmware/camera/enrollment.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NetnsWorld } from './topology.js';

/** A device process: its stderr log lines, and a way to wait for lines. */
export class DeviceProcess {
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private child: ChildProcess;
  exitCode: number | null | undefined;

  constructor(readonly name: string, ns: string, args: string[]) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: s }).on('line', (l) => { this.lines.push(l); for (const w of this.waiters.splice(0)) w(); });
    }
    this.child.on('exit', (code) => { this.exitCode = code; for (const w of this.waiters.splice(0)) w(); });
  }

  /** Resolve when `count` lines match `re`; reject after `timeoutMs` naming what was seen. */
  async waitFor(re: RegExp, count = 1, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.lines.filter((l) => re.test(l));
      if (hits.length >= count) return hits;
      if (this.exitCode !== undefined) throw new Error(`${this.name} exited (${this.exitCode}) before ${count} line(s) matching ${re}; last lines:\n${this.lines.slice(-10).join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: ${hits.length}/${count} line(s) matching ${re} after ${timeoutMs} ms; last lines:\n${this.lines.slice(-10).join('\n')}`);
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 200)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

export const cameraSerial = (name: string) => `W100-${name.toUpperCase()}`;

export interface RealSystem {
  controller: DeviceProcess;
  cameras: Map<string, DeviceProcess>;
  /** Resolve when every camera has made its device key (first boot work, done in the background). */
  deviceKeys(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function fakeDevice(dir: string, withBattery: boolean): Promise<void> {
  const files: Record<string, Record<string, string>> = {
    'sys/leds/bwc:green:status': { brightness: '0', max_brightness: '255', trigger: 'none [timer]' },
    'sys/leds/bwc:red:status': { brightness: '0', max_brightness: '255', trigger: 'none [timer]' },
  };
  if (withBattery) {
    files['sys/power_supply/BAT0'] = { type: 'Battery', capacity: '64', status: 'Charging' };
    files['sys/power_supply/AC'] = { type: 'Mains', online: '1' };
  }
  for (const [d, fs] of Object.entries(files)) {
    await mkdir(join(dir, d), { recursive: true });
    for (const [f, v] of Object.entries(fs)) await writeFile(join(dir, d, f), `${v}\n`);
  }
  await mkdir(join(dir, 'store'), { recursive: true });
}

/** Start the controller and every camera of `world` from the built bundles in `dist/`. */
export async function startRealSystem(world: NetnsWorld, options: { linkPollMs?: number; adoptCameras?: boolean } = {}): Promise<RealSystem> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-real-'));
  const fifos: FileHandle[] = [];
  const linkPollMs = options.linkPollMs ?? 100;
  await fakeDevice(join(dir, 'ctl'), false);
  const ports = Object.fromEntries(world.stations.map((s) => [String(s.port), `port${s.port}`]));
  await writeFile(join(dir, 'ctl', 'config.json'), JSON.stringify({ serial: 'W800-NETNS', systemId: 'netns-system', storageDir: join(dir, 'ctl', 'store'), ports, leds: { root: join(dir, 'ctl', 'sys/leds') }, linkPollMs }));
  const cameras = new Map<string, DeviceProcess>();
  for (const s of world.stations) {
    for (const name of s.cameras) {
      const d = join(dir, name);
      await fakeDevice(d, true);
      execFileSync('mkfifo', [join(d, 'event0')]);
      fifos.push(await open(join(d, 'event0'), 'r+'));
      await writeFile(join(d, 'config.json'), JSON.stringify({
        serial: cameraSerial(name), storageDir: join(d, 'store'), dockInterface: 'dock0', linkPollMs,
        buttons: { device: join(d, 'event0') }, power: { root: join(d, 'sys/power_supply'), pollMs: 1000 }, leds: { root: join(d, 'sys/leds') },
      }));
    }
  }
  const controller = new DeviceProcess('controller', world.ns('ctl'), ['dist/controller.mjs', '--board', 'linux-controller', '--config', join(dir, 'ctl', 'config.json'), ...(options.adoptCameras ? ['--adopt-cameras'] : [])]);
  for (const s of world.stations) {
    for (const name of s.cameras) cameras.set(name, new DeviceProcess(name, world.ns(name), ['dist/camera.mjs', '--board', 'linux-camera', '--config', join(dir, name, 'config.json')]));
  }
  return {
    controller, cameras,
    async deviceKeys(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (const name of cameras.keys()) {
        const file = join(dir, name, 'store', DEVICE_KEY_PATH);
        while (!(await stat(file).then(() => true, () => false))) {
          if (Date.now() > deadline) throw new Error(`camera ${name} made no device key (${file}) within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    async stop() {
      await Promise.all([controller.stop(), ...[...cameras.values()].map((c) => c.stop())]);
      for (const f of fifos) await f.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
