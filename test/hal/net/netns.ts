/**
 * The net contract suite on real namespaces (tools/netns/topology.ts): each host runs child.ts
 * under `ip netns exec`, driven over stdio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NetnsWorld } from '../../../tools/netns/topology.js';
import { fromWireError, type WireError } from './agent.js';
import type { CameraName, HostName, NetHarness, NetHost } from './suite.js';

export { NetnsWorld, netnsUnavailable, type StationSpec } from '../../../tools/netns/topology.js';

/** Build child.ts (and what it imports) into one .mjs, so each host starts in ~50 ms. */
export async function buildChild(): Promise<{ file: string; remove: () => Promise<void> }> {
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'bwc-net-child-'));
  const file = join(dir, 'child.mjs');
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'child.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'silent',
  });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A host process inside a namespace, answering agent actions. */
export class AgentProcess implements NetHost {
  private child: ChildProcess;
  private seq = 0;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited = false;

  constructor(readonly name: string, ns: string, childFile: string, extraArgs: string[] = []) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, childFile, ...extraArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let m: { id: number; ok?: unknown; error?: WireError };
      try { m = JSON.parse(line); } catch { this.stderr += `\n(stdout) ${line}`; return; }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(fromWireError(m.error));
      else p.resolve(m.ok);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`host ${name} exited (${code ?? signal}): ${this.stderr.trim() || 'no stderr'}`));
      this.pending.clear();
    });
  }

  call<T = unknown>(action: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`host ${this.name} has exited: ${this.stderr.trim() || 'no stderr'}`));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, action, args })}\n`);
    });
  }

  /** Ask the host to close everything and exit; kill it if it does not within a second. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }
}

/** Start one agent per host of `world` and wait until each has its link-local addresses. */
export async function startHosts(world: NetnsWorld, childFile: string, extraArgs: string[] = []): Promise<Map<string, AgentProcess>> {
  const hosts = new Map<string, AgentProcess>();
  hosts.set('ctl', new AgentProcess('ctl', world.ns('ctl'), childFile, extraArgs));
  for (const s of world.stations) for (const c of s.cameras) hosts.set(c, new AgentProcess(c, world.ns(c), childFile, extraArgs));
  await Promise.all([
    ...world.stations.map((s) => hosts.get('ctl')!.call('waitLinkLocal', { name: `port${s.port}` })),
    ...world.stations.flatMap((s) => s.cameras.map((c) => hosts.get(c)!.call('waitLinkLocal', { name: 'dock0' }))),
  ]);
  return hosts;
}

/** The contract suite's topology on real namespaces: a, b on port 1; c on port 2. */
export async function netnsHarness(): Promise<NetHarness> {
  const child = await buildChild();
  let world: NetnsWorld | undefined;
  let hosts = new Map<string, AgentProcess>();
  const close = async () => {
    await Promise.all([...hosts.values()].map((h) => h.stop()));
    await world?.destroy();
    await child.remove();
  };
  try {
    world = await NetnsWorld.create([{ port: 1, cameras: ['a', 'b'] }, { port: 2, cameras: ['c'] }]);
    hosts = await startHosts(world, child.file);
  } catch (e) {
    await close();
    throw e;
  }
  const w = world;
  return {
    host: (name: HostName) => hosts.get(name)!,
    setLink: (camera: CameraName, up: boolean) => w.setBay(camera, up),
    close,
  };
}
