// LinuxUdpRadio between real network namespaces (root only): hosts on one link hear each other's
// frames, a host on another link does not, nobody hears itself.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NetnsWorld, netnsUnavailable } from '../../../tools/netns/topology.js';
import { LinuxUdpRadio } from '../../../hal/radio/linux-udp.js';
import { SystemClock } from '../../../hal/clock/linux.js';

const skip = netnsUnavailable();

class Host {
  lines: string[] = [];
  private waiters: (() => void)[] = [];
  readonly child: ChildProcess;
  constructor(ns: string, file: string, iface: string) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, file, iface], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdin!.on('error', () => {}); // a host that already exited
    createInterface({ input: this.child.stdout! }).on('line', (l) => { this.lines.push(l); for (const w of this.waiters.splice(0)) w(); });
  }
  /** Wait (real time, at most `ms`) until a line matches. */
  async waitFor(re: RegExp, ms = 5000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.lines.find((l) => re.test(l));
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; got ${JSON.stringify(this.lines)}`);
      await new Promise<void>((r) => { const timer = setTimeout(r, 100); this.waiters.push(() => { clearTimeout(timer); r(); }); });
    }
  }
  send(hex: string, strength = 'high'): void { this.child.stdin!.write(`send ${hex} ${strength}\n`); }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

t.test('frames between namespaces over a bridged link', { skip }, async (t) => {
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'bwc-radio-child-'));
  const file = join(dir, 'child.mjs');
  await build({ entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'udp-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'silent' });
  const world = await NetnsWorld.create([{ port: 1, cameras: ['ra', 'rb'] }, { port: 2, cameras: ['rc'] }]);
  const hosts: Host[] = [];
  t.teardown(async () => { await Promise.all(hosts.map((h) => h.stop())); await world.destroy(); await rm(dir, { recursive: true, force: true }); });
  const a = new Host(world.ns('ra'), file, 'dock0'), b = new Host(world.ns('rb'), file, 'dock0'), c = new Host(world.ns('rc'), file, 'dock0');
  const missing = new Host(world.ns('ra'), file, 'nosuch0');
  hosts.push(a, b, c, missing);
  for (const h of [a, b, c]) await h.waitFor(/^ready$/);
  t.match(await missing.waitFor(/^error/), /DeviceMissingError radio interface not found at nosuch0/);
  // Multicast group membership can take a moment to settle on a fresh link: retry a few times.
  let heard = false;
  for (let i = 0; i < 20 && !heard; i++) {
    a.send(`c0ffee${i.toString(16).padStart(2, '0')}`);
    heard = await b.waitFor(/^heard c0ffee/, 250).then(() => true, () => false);
  }
  t.ok(heard, 'b hears a on the same link');
  a.send('beef', 'low');
  await b.waitFor(/^heard beef$/);
  b.send('cafe');
  await a.waitFor(/^heard cafe$/);
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(a.lines.some((l) => /^heard (c0ffee|beef)/.test(l)), 'a never hears itself');
  t.notOk(c.lines.some((l) => l.startsWith('heard')), 'c, on another link, hears nothing');
  a.send('00', 'loud');
  t.match(await a.waitFor(/^send-error/), /strength must be one of/);
});

t.test('an unknown interface is a DeviceMissingError', { skip: process.platform !== 'linux' ? 'Linux only' : false }, async (t) => {
  await t.rejects(LinuxUdpRadio.open({ interface: 'bwc-nosuch9', clock: new SystemClock() }), { name: 'DeviceMissingError' });
});
