/**
 * The net contract suite's hands on one host: named actions over a Net (join, send, listen,
 * pump bytes, ...) with JSON-able arguments and results, so the same actions run in-process on
 * an emulated host or in a child process inside a network namespace.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../hal/clock/contract.js';
import type { Endpoint, MulticastSocket, Net, NetInterface, Stream, StreamServer } from '../../../hal/net/contract.js';

export interface WireError { name: string; code?: string; message: string }
export interface WireDatagram { text: string; from: Endpoint }
export interface StreamInfo { stream: string; peer: Endpoint }
export interface PumpResult { written: number; blocked: number; sha256: string }
export interface DrainResult { bytes: number; sha256: string }
export interface StreamFate { closed: boolean; error?: WireError }

export const toWireError = (e: unknown): WireError => {
  const err = e as { name?: string; code?: string; message?: string };
  return { name: err?.name ?? 'Error', ...(err?.code ? { code: err.code } : {}), message: err?.message ?? String(e) };
};

/** An Error rebuilt from a WireError, so t.rejects(p, { name, code }) works across processes. */
export function fromWireError(w: WireError): Error {
  const e = new Error(w.message) as Error & { code?: string };
  e.name = w.name;
  if (w.code) e.code = w.code;
  return e;
}

interface SocketEntry { socket: MulticastSocket; inbox: WireDatagram[]; arrivals: number[]; reply?: string }
interface StreamEntry { stream: Stream; closed: boolean; error?: WireError }
interface ServerEntry { server: StreamServer; accepted: string[] }
interface WatchEntry { stop: () => void; events: NetInterface[] }

type Args = Record<string, any>;

export class Agent {
  private sockets = new Map<string, SocketEntry>();
  private streams = new Map<string, StreamEntry>();
  private servers = new Map<string, ServerEntry>();
  private watches = new Map<string, WatchEntry>();
  private seq = 0;

  constructor(private readonly net: Net, private readonly clock: Clock) {}

  async call(action: string, args: Args = {}): Promise<unknown> {
    const fn = (this.actions as Record<string, ((a: Args) => Promise<unknown>) | undefined>)[action];
    if (!fn) throw new TypeError(`agent: unknown action ${action}`);
    return fn(args);
  }

  /** Close everything this agent opened. */
  async shutdown(): Promise<void> {
    for (const w of this.watches.values()) w.stop();
    for (const s of this.streams.values()) s.stream.destroy();
    await Promise.all([...this.sockets.values()].map((s) => s.socket.close()));
    await Promise.all([...this.servers.values()].map((s) => s.server.close()));
  }

  private id(kind: string) { return `${kind}${++this.seq}`; }

  /** Wait until `done()` or `timeoutMs` of this host's clock pass. */
  private async until(done: () => boolean, timeoutMs: number): Promise<void> {
    const end = this.clock.monotonic() + timeoutMs;
    while (!done() && this.clock.monotonic() < end) await this.clock.sleep(5);
  }

  private track(stream: Stream): StreamInfo {
    const id = this.id('stream');
    const entry: StreamEntry = { stream, closed: false };
    stream.on('error', (e) => { entry.error ??= toWireError(e); });
    stream.on('close', () => { entry.closed = true; });
    this.streams.set(id, entry);
    return { stream: id, peer: { ...stream.peer } };
  }

  private get<T>(map: Map<string, T>, id: string): T {
    const v = map.get(id);
    if (!v) throw new Error(`agent: no ${id}`);
    return v;
  }

  private readonly actions = {
    interfaces: () => this.net.interfaces(),
    interface: (a: Args) => this.net.interface(a.name),
    waitLinkLocal: async (a: Args) => {
      let last: NetInterface | undefined;
      const end = this.clock.monotonic() + (a.timeoutMs ?? 5000);
      for (;;) {
        last = await this.net.interface(a.name);
        if ((last.linkLocal && last.up) || this.clock.monotonic() >= end) return last;
        await this.clock.sleep(20);
      }
    },
    watch: async (a: Args) => {
      const id = this.id('watch');
      const entry: WatchEntry = { stop: () => {}, events: [] };
      entry.stop = this.net.watchLink(a.name, (i) => entry.events.push({ ...i }));
      this.watches.set(id, entry);
      return id;
    },
    events: async (a: Args) => {
      const w = this.get(this.watches, a.watch);
      await this.until(() => w.events.length >= a.count, a.timeoutMs ?? 3000);
      return [...w.events];
    },
    unwatch: async (a: Args) => { this.get(this.watches, a.watch).stop(); },

    join: async (a: Args) => {
      const socket = await this.net.joinMulticast(a.name, a.group, a.port);
      const id = this.id('socket');
      const entry: SocketEntry = { socket, inbox: [], arrivals: [] };
      socket.onMessage((d) => {
        const text = Buffer.from(d.data).toString('utf8');
        entry.inbox.push({ text, from: { ...d.from } });
        entry.arrivals.push(this.clock.monotonic());
        if (entry.reply && text.startsWith('solicit')) void socket.send(Buffer.from(entry.reply), d.from).catch(() => {});
      });
      this.sockets.set(id, entry);
      return { socket: id, port: socket.port };
    },
    send: async (a: Args) => { await this.get(this.sockets, a.socket).socket.send(Buffer.from(a.text), a.to); },
    /** Datagrams received so far (waiting for at least `count`), then forgotten. */
    inbox: async (a: Args) => {
      const s = this.get(this.sockets, a.socket);
      await this.until(() => s.inbox.length >= (a.count ?? 1), a.timeoutMs ?? 3000);
      s.arrivals.length = 0;
      return s.inbox.splice(0);
    },
    /** Answer every `solicit...` datagram with `reply`, unicast to its sender (a camera's beacon). */
    answer: async (a: Args) => { this.get(this.sockets, a.socket).reply = a.reply; },
    /**
     * Send `solicit` to the group and wait for `count` answers from distinct hosts; `elapsedMs` is
     * from the send to the arrival of the answer that completed the count (or to the timeout).
     */
    solicit: async (a: Args) => {
      const s = this.get(this.sockets, a.socket);
      s.inbox.length = 0;
      s.arrivals.length = 0;
      const start = this.clock.monotonic();
      await s.socket.send(Buffer.from(a.text ?? 'solicit'));
      let completedAt: number | undefined;
      const counted = () => {
        const hosts = new Set<string>();
        s.inbox.forEach((d, i) => {
          if (d.text.startsWith('solicit')) return;
          hosts.add(d.from.address);
          if (hosts.size === a.count && completedAt === undefined) completedAt = s.arrivals[i];
        });
        return completedAt !== undefined;
      };
      await this.until(counted, a.timeoutMs ?? 5000);
      s.arrivals.length = 0;
      return { elapsedMs: (completedAt ?? this.clock.monotonic()) - start, replies: s.inbox.splice(0) };
    },
    closeSocket: async (a: Args) => { await this.get(this.sockets, a.socket).socket.close(); },

    listen: async (a: Args) => {
      const server = await this.net.listen(a.name, a.port);
      const id = this.id('server');
      const entry: ServerEntry = { server, accepted: [] };
      server.onConnection((s) => entry.accepted.push(this.track(s).stream));
      this.servers.set(id, entry);
      return { server: id, port: server.port };
    },
    accepted: async (a: Args): Promise<StreamInfo | undefined> => {
      const s = this.get(this.servers, a.server);
      await this.until(() => s.accepted.length > 0, a.timeoutMs ?? 3000);
      const id = s.accepted.shift();
      return id === undefined ? undefined : { stream: id, peer: this.get(this.streams, id).stream.peer };
    },
    closeServer: async (a: Args) => { await this.get(this.servers, a.server).server.close(); },
    connect: async (a: Args) => this.track(await this.net.connect(a.to, a.timeoutMs)),

    /** Write `bytes` random bytes in `chunk`s, honouring backpressure, then end. */
    pump: async (a: Args): Promise<PumpResult> => {
      const { stream } = this.get(this.streams, a.stream);
      const hash = createHash('sha256');
      const chunk: number = a.chunk ?? 64 * 1024;
      let written = 0, blocked = 0;
      const closed = new Promise<void>((r) => stream.once('close', () => r()));
      while (written < a.bytes) {
        const buf = randomBytes(Math.min(chunk, a.bytes - written));
        hash.update(buf);
        written += buf.length;
        if (!stream.write(buf)) {
          blocked++;
          await Promise.race([new Promise((r) => stream.once('drain', r)), closed]);
          if (stream.destroyed) break;
        }
      }
      await new Promise<void>((resolve) => {
        if (stream.destroyed) return resolve();
        stream.once('error', () => resolve());
        stream.end(() => resolve());
      });
      return { written, blocked, sha256: hash.digest('hex') };
    },
    /** Leave the stream unread for `holdMs`, then read it to its end. */
    drain: async (a: Args): Promise<DrainResult> => {
      const { stream } = this.get(this.streams, a.stream);
      if (a.holdMs) await this.clock.sleep(a.holdMs);
      const hash = createHash('sha256');
      let bytes = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (d: Buffer) => { bytes += d.length; hash.update(d); });
        stream.once('end', () => resolve());
        stream.once('error', reject);
      });
      return { bytes, sha256: hash.digest('hex') };
    },
    /** Whether the stream has closed (and with which error) within `timeoutMs`. */
    fate: async (a: Args): Promise<StreamFate> => {
      const s = this.get(this.streams, a.stream);
      s.stream.resume();
      await this.until(() => s.closed, a.timeoutMs ?? 3000);
      return { closed: s.closed, ...(s.error ? { error: s.error } : {}) };
    },
    write: async (a: Args) => {
      const { stream } = this.get(this.streams, a.stream);
      await new Promise<void>((resolve, reject) => stream.write(Buffer.from(a.text), (e) => (e ? reject(e) : resolve())));
    },
    /** Read until `text.length` bytes arrived (or the timeout), as text. */
    read: async (a: Args) => {
      const { stream } = this.get(this.streams, a.stream);
      const parts: Buffer[] = [];
      let n = 0;
      const onData = (d: Buffer) => { parts.push(d); n += d.length; };
      stream.on('data', onData);
      await this.until(() => n >= a.length, a.timeoutMs ?? 3000);
      stream.off('data', onData);
      stream.pause();
      return Buffer.concat(parts).toString('utf8');
    },
    destroy: async (a: Args) => { this.get(this.streams, a.stream).stream.destroy(); },
  };
}
