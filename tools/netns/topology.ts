/**
 * Real dock links from Linux network namespaces (root only): a controller namespace with one
 * veth `port<N>` per docking station, a station namespace per port with a bridge (the station's
 * switch), and a namespace per camera whose `dock0` is plugged into a bay of the bridge. Used by
 * the net contract tests, the enumeration tests and the benchmark to run real hosts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why real namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  const reason = 'needs root and ip netns (Debian package iproute2)';
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return reason;
  const probe = `bwc-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.error || add.status !== 0) return `${reason}: ${add.error?.message ?? add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

export async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

export interface StationSpec {
  /** Controller port 1-5; the controller's interface is `port<N>`. */
  port: number;
  /** Camera names, in bays 1.. of this station. */
  cameras: string[];
}

/** Namespaces and links of one topology; destroy() removes them all. */
export class NetnsWorld {
  /** `<pid base 36>x<random>`: unique per run, and tells whose namespaces are stale. */
  readonly tag = `${process.pid.toString(36)}x${randomBytes(3).toString('hex')}`;
  private created: string[] = [];
  private bays = new Map<string, { station: string; bay: string }>();
  private readonly cleanupOnExit = () => { for (const ns of this.created.splice(0)) spawnSync('ip', ['netns', 'del', ns]); };
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.cleanupOnExit();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.kill(process.pid, signal);
  };

  private constructor(readonly stations: StationSpec[]) {}

  /** Namespace of the controller (`ctl`) or a camera. */
  ns(host: string): string {
    return host === 'ctl' ? `bwc-ctl-${this.tag}` : `bwc-cam-${host}-${this.tag}`;
  }

  private stationNs(port: number) { return `bwc-st${port}-${this.tag}`; }

  static async create(stations: StationSpec[]): Promise<NetnsWorld> {
    await reapStale();
    const w = new NetnsWorld(stations);
    process.on('exit', w.cleanupOnExit);
    process.on('SIGINT', w.onSignal);
    process.on('SIGTERM', w.onSignal);
    try {
      await w.build();
    } catch (e) {
      await w.destroy();
      throw e;
    }
    return w;
  }

  private async build(): Promise<void> {
    const hosts = [this.ns('ctl'), ...this.stations.flatMap((s) => s.cameras.map((c) => this.ns(c)))];
    const switches = this.stations.map((s) => this.stationNs(s.port));
    for (const ns of [...hosts, ...switches]) {
      await ip('netns', 'add', ns);
      this.created.push(ns);
    }
    // No DAD on hosts (addresses usable at once); small TCP buffers (<= 256 KiB each way, as on
    // a small board) so a reader that holds off makes writers feel backpressure within a few MB;
    // no IPv6 at all on the stations' switches.
    // (Written to /proc/sys directly: no need for procps' sysctl.)
    const sysctl = (ns: string, settings: Record<string, string>) => ip('netns', 'exec', ns, 'sh', '-c',
      Object.entries(settings).map(([k, v]) => `echo '${v}' > /proc/sys/${k.replaceAll('.', '/')}`).join(' && '));
    await Promise.all([
      ...hosts.map((ns) => sysctl(ns, {
        'net.ipv6.conf.default.accept_dad': '0', 'net.ipv6.conf.all.accept_dad': '0',
        'net.ipv4.tcp_rmem': '4096 131072 262144', 'net.ipv4.tcp_wmem': '4096 16384 262144',
      })),
      ...switches.map((ns) => sysctl(ns, { 'net.ipv6.conf.default.disable_ipv6': '1', 'net.ipv6.conf.all.disable_ipv6': '1' })),
    ]);
    const ctl = this.ns('ctl');
    await ip('-n', ctl, 'link', 'set', 'lo', 'up');
    for (const s of this.stations) {
      const st = this.stationNs(s.port);
      await ip('-n', st, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
      await ip('link', 'add', `port${s.port}`, 'netns', ctl, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', st);
      await ip('-n', st, 'link', 'set', 'uplink', 'master', 'br0');
      for (const [k, cam] of s.cameras.entries()) {
        const bay = `bay${k + 1}`;
        await ip('link', 'add', 'dock0', 'netns', this.ns(cam), 'type', 'veth', 'peer', 'name', bay, 'netns', st);
        await ip('-n', st, 'link', 'set', bay, 'master', 'br0');
        this.bays.set(cam, { station: st, bay });
      }
      await ip('-n', st, 'link', 'set', 'br0', 'up');
      await ip('-n', st, 'link', 'set', 'uplink', 'up');
      for (const { bay } of [...this.bays.values()].filter((b) => b.station === st)) await ip('-n', st, 'link', 'set', bay, 'up');
      await ip('-n', ctl, 'link', 'set', `port${s.port}`, 'up');
      for (const cam of s.cameras) {
        await ip('-n', this.ns(cam), 'link', 'set', 'lo', 'up');
        await ip('-n', this.ns(cam), 'link', 'set', 'dock0', 'up');
      }
    }
  }

  /** Take a camera out of its bay (false) or put it back (true): its dock0 loses or regains carrier. */
  async setBay(camera: string, up: boolean): Promise<void> {
    const b = this.bays.get(camera);
    if (!b) throw new Error(`no camera ${camera} in this topology`);
    await ip('-n', b.station, 'link', 'set', b.bay, up ? 'up' : 'down');
  }

  async destroy(): Promise<void> {
    for (const ns of this.created.splice(0)) await ip('netns', 'del', ns).catch(() => {});
    process.off('exit', this.cleanupOnExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** Delete namespaces left by test processes that died without cleaning up (SIGKILL). */
async function reapStale(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0]!;
    const m = /^bwc-(?:ctl|st\d|cam-.+)-([0-9a-z]+)x[0-9a-f]{6}$/.exec(name);
    if (!m) continue;
    const pid = parseInt(m[1]!, 36);
    let alive = true;
    try { process.kill(pid, 0); } catch (e) { alive = (e as NodeJS.ErrnoException).code === 'EPERM'; }
    if (!alive) await ip('netns', 'del', name).catch(() => {});
  }
}

