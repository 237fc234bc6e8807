/**
 * The link segments of an emulated world (e.g. `port3`, joining a controller port and the bays
 * of its station): who is attached where, loss, latency and partitions, and how datagrams and
 * stream handshakes cross a segment. EmulatedNet is the driver face of one host on it.
 */
import type { World } from '../world/world.js';
import type { Clock } from '../clock/contract.js';
import type { Random } from '../world/random.js';
import { HalError } from '../errors.js';
import { formatEndpoint, type Datagram, type Endpoint, type NetInterface, type Stream } from './contract.js';
import { canonicalIPv6, isInterfaceName, isMac, isMulticast, linkLocalFromMac } from './address.js';
import { EmulatedStream, type Transit } from './emulated-stream.js';
import type { EmulatedMulticastSocket, EmulatedStreamServer } from './emulated.js';

/** How a host's interface is declared: a name, or a name with a fixed MAC. */
export type InterfaceSpec = string | { name: string; mac?: string };

/** Per-segment conditions. Loss applies to datagrams; streams are reliable (TCP retransmits). */
export interface SegmentConditions {
  /** Probability in [0, 1] that one datagram to one receiver is lost. Default 0. */
  lossRate: number;
  /** One-way latency in virtual milliseconds, for datagrams and stream data. Default 0. */
  latencyMs: number;
}

/** Time a connect to an address nobody has on the link takes to fail (neighbour discovery). */
export const NEIGHBOUR_TIMEOUT_MS = 3000;

/** One interface of one host, as the medium models it. */
export interface Link {
  host: Host;
  name: string;
  index: number;
  mac: string;
  address: string;
  segment: string | undefined;
  /** Has the link been up once (so it has a link-local address)? */
  addressed: boolean;
  watchers: Set<(i: NetInterface) => void>;
  sockets: Set<EmulatedMulticastSocket>;
  servers: Map<number, EmulatedStreamServer>;
  streams: Set<EmulatedStream>;
}

export interface Host {
  id: string;
  clock: Clock;
  links: Map<string, Link>;
  nextPort: number;
}

export const snapshot = (l: Link): NetInterface => ({
  name: l.name, index: l.index, up: l.segment !== undefined, linkLocal: l.addressed ? l.address : undefined, mac: l.mac,
});

/** A locally administered MAC derived from `seed` (FNV-1a), so worlds are reproducible. */
export function macFor(seed: string): string {
  const octets = [0x02];
  let h = 0x811c9dc5;
  for (let round = 0; octets.length < 6; round++) {
    for (const c of `${round}:${seed}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    octets.push(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff);
  }
  return octets.slice(0, 6).map((o) => o.toString(16).padStart(2, '0')).join(':');
}

/**
 * The link segments of an emulated world. Control surface for tests, rigs and the simulator:
 * attach/detach a host's interface (dock/undock: link up/down), segment conditions (loss,
 * latency) and partitions. Drivers reach it through their EmulatedNet.
 */
export class LinkMedium {
  private hosts = new Map<string, Host>();
  private conditionsBySegment = new Map<string, SegmentConditions>();
  private partitions = new Map<string, Map<string, number>>();
  private readonly random: Random;
  /** The medium's own view of world time, for latency (not a device's, so a power cut drops none). */
  readonly clock: Clock;

  constructor(world: World) {
    this.random = world.random.fork();
    this.clock = world.timeline.clock();
  }

  // --- control surface ---

  /** Plug `host`'s interface into `segment`: its link comes up (moving it if it was elsewhere). */
  attach(host: string, ifname: string, segment: string): void {
    if (typeof segment !== 'string' || segment === '') throw new TypeError(`attach ${host}/${ifname}: segment must be a non-empty name such as port1, got ${JSON.stringify(segment)}`);
    const link = this.link(host, ifname);
    if (link.segment === segment) return;
    if (link.segment !== undefined) this.detach(host, ifname);
    for (const other of this.linksOn(segment)) {
      if (other.address === link.address) {
        throw new Error(`attach ${host}/${ifname} to ${segment}: ${other.host.id}/${other.name} already has ${link.address} there (duplicate MAC ${link.mac}; DAD would fail)`);
      }
    }
    link.segment = segment;
    link.addressed = true;
    this.notify(link);
    // Streams held back by nothing else than this link now flow again.
    for (const s of link.streams) s.poke();
  }

  /** Unplug `host`'s interface: its link goes down and every stream over it is reset (both ends). */
  detach(host: string, ifname: string): void {
    const link = this.link(host, ifname);
    const segment = link.segment;
    if (segment === undefined) return;
    link.segment = undefined;
    this.notify(link);
    for (const s of [...link.streams]) {
      s.reset(new HalError('ECONNRESET', `link ${host}/${ifname} went down (left ${segment}): stream to ${formatEndpoint(s.peer)} reset`));
      s.remote.reset(new HalError('ECONNRESET', `stream to ${formatEndpoint(s.remote.peer)} reset: the peer's link ${host}/${ifname} went down`));
    }
  }

  /** The segment `host`'s interface is attached to, or undefined when its link is down. */
  segmentOf(host: string, ifname: string): string | undefined {
    return this.link(host, ifname).segment;
  }

  /** Who is on `segment` now: host, interface and link-local address. */
  attached(segment: string): { host: string; ifname: string; address: string }[] {
    return this.linksOn(segment).map((l) => ({ host: l.host.id, ifname: l.name, address: l.address }));
  }

  /** Change loss and/or latency on `segment` (others keep their values). */
  setConditions(segment: string, conditions: Partial<SegmentConditions>): void {
    const c = { ...this.conditions(segment), ...conditions };
    if (!(c.lossRate >= 0 && c.lossRate <= 1)) throw new RangeError(`${segment}: lossRate must be in [0, 1], got ${c.lossRate}`);
    if (!(Number.isFinite(c.latencyMs) && c.latencyMs >= 0)) throw new RangeError(`${segment}: latencyMs must be a finite number >= 0, got ${c.latencyMs}`);
    this.conditionsBySegment.set(segment, c);
  }

  conditions(segment: string): SegmentConditions {
    return { lossRate: 0, latencyMs: 0, ...this.conditionsBySegment.get(segment) };
  }

  /**
   * Split `segment` into groups of hosts that hear nothing from each other (a broken switch):
   * datagrams between groups are lost, connects time out, stream data waits until heal().
   * Hosts named in no group form one more group. Links stay up.
   */
  partition(segment: string, ...groups: string[][]): void {
    const m = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((h) => m.set(h, i + 1)));
    this.partitions.set(segment, m);
  }

  /** Undo partition(): held stream data flows again. */
  heal(segment: string): void {
    this.partitions.delete(segment);
    for (const l of this.linksOn(segment)) for (const s of l.streams) s.poke();
  }

  // --- used by EmulatedNet ---

  /** @internal Register a host and its interfaces. */
  addHost(id: string, clock: Clock, interfaces: InterfaceSpec[]): Host {
    if (typeof id !== 'string' || id === '') throw new TypeError(`host id must be a non-empty string, got ${JSON.stringify(id)}`);
    if (this.hosts.has(id)) throw new Error(`host ${id} is already on the link medium; close() its EmulatedNet first`);
    const host: Host = { id, clock, links: new Map(), nextPort: 49152 };
    interfaces.forEach((spec, i) => {
      const { name, mac = macFor(`${id}/${typeof spec === 'string' ? spec : spec.name}`) } = typeof spec === 'string' ? { name: spec } : spec;
      if (!isInterfaceName(name)) throw new TypeError(`host ${id}: interface name must be 1-15 characters without / : % or spaces, got ${JSON.stringify(name)}`);
      if (host.links.has(name)) throw new Error(`host ${id}: interface ${name} declared twice`);
      if (!isMac(mac)) throw new TypeError(`host ${id}/${name}: mac must be aa:bb:cc:dd:ee:ff, got ${JSON.stringify(mac)}`);
      host.links.set(name, {
        host, name, index: i + 1, mac: mac.toLowerCase(), address: linkLocalFromMac(mac), segment: undefined, addressed: false,
        watchers: new Set(), sockets: new Set(), servers: new Map(), streams: new Set(),
      });
    });
    this.hosts.set(id, host);
    return host;
  }

  /** @internal The host is gone: links down, everything closed, the id free again. */
  removeHost(host: Host): void {
    for (const l of host.links.values()) {
      this.detach(host.id, l.name);
      for (const s of l.sockets) void s.close();
      for (const s of l.servers.values()) void s.close();
      l.watchers.clear();
    }
    this.hosts.delete(host.id);
  }

  /** @internal Send a datagram from `from` (a link and port) to `to`. */
  sendDatagram(from: Link, port: number, data: Uint8Array, to: Endpoint): void {
    const segment = from.segment;
    if (segment === undefined) return; // no carrier: the frame goes nowhere
    const address = canonicalIPv6(to.address)!;
    const group = isMulticast(address);
    const { lossRate, latencyMs } = this.conditions(segment);
    for (const link of this.linksOn(segment)) {
      if (link === from || !this.hear(segment, from, link)) continue;
      if (!group && link.address !== address) continue;
      for (const socket of link.sockets) {
        if (socket.port !== to.port || (group && socket.group !== address)) continue;
        if (lossRate > 0 && this.random.next() < lossRate) continue;
        const d: Datagram = { data: new Uint8Array(data), from: { address: from.address, port, scope: link.name } };
        this.later(latencyMs, () => { if (link.segment === segment) socket.receive(d); });
      }
    }
  }

  /** @internal Open a stream from `from` to `to`, like a TCP three-way handshake. */
  openStream(from: Link, to: Endpoint, timeoutMs: number): Promise<Stream> {
    const address = canonicalIPv6(to.address)!;
    const host = from.host;
    const fail = (code: string, why: string) => new HalError(code, `connect to ${formatEndpoint(to)}: ${why}`);
    return new Promise((resolve, reject) => {
      const segment = from.segment;
      if (segment === undefined) {
        process.nextTick(() => reject(fail('ENETUNREACH', `link ${from.name} is down`)));
        return;
      }
      const after = (ms: number, fn: () => void) => {
        if (ms >= timeoutMs) host.clock.setTimeout(() => reject(fail('ETIMEDOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
        else this.later(ms, fn, host.clock);
      };
      const target = this.linksOn(segment).find((l) => l.address === address);
      if (!target) {
        after(NEIGHBOUR_TIMEOUT_MS, () => reject(fail('EHOSTUNREACH', `no host has ${address} on ${segment}`)));
        return;
      }
      if (!this.hear(segment, from, target)) {
        after(Infinity, () => {});
        return;
      }
      const rtt = 2 * this.conditions(segment).latencyMs;
      after(rtt, () => {
        const server = target.servers.get(to.port);
        if (target.segment !== segment || from.segment !== segment) return reject(fail('ECONNRESET', 'a link went down during the handshake'));
        if (!server) return reject(fail('ECONNREFUSED', `${target.host.id} does not listen on port ${to.port}`));
        const localPort = this.ephemeralPort(host);
        const transit: Transit = {
          clock: this.clock,
          delayMs: () => (from.segment === segment && target.segment === segment && this.hear(segment, from, target) ? this.conditions(segment).latencyMs : undefined),
        };
        const [client, accepted] = EmulatedStream.pair(
          { address, port: to.port, scope: from.name },
          { address: from.address, port: localPort, scope: target.name },
          transit,
        );
        this.track(from, client);
        this.track(target, accepted);
        server.accept(accepted);
        resolve(client);
      });
    });
  }

  /** @internal A free port on `host` for port 0 and for outgoing connections. */
  ephemeralPort(host: Host, taken: (p: number) => boolean = () => false): number {
    for (let i = 0; i < 16384; i++) {
      const p = host.nextPort;
      host.nextPort = p >= 65535 ? 49152 : p + 1;
      if (!taken(p)) return p;
    }
    throw new HalError('EADDRINUSE', `host ${host.id}: no free ephemeral port in 49152-65535`);
  }

  /** @internal Tell watchers of `link` its state, on the next tick. */
  notify(link: Link, only?: (i: NetInterface) => void): void {
    const s = snapshot(link);
    const to = only ? [only] : [...link.watchers]; // those watching now, not who comes later
    process.nextTick(() => {
      for (const w of to) if (link.watchers.has(w)) w({ ...s });
    });
  }

  private link(host: string, ifname: string): Link {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`no host ${host} on the link medium; known: ${[...this.hosts.keys()].join(', ') || 'none'}`);
    const l = h.links.get(ifname);
    if (!l) throw new Error(`host ${host} has no interface ${ifname}; it has: ${[...h.links.keys()].join(', ') || 'none'}`);
    return l;
  }

  private linksOn(segment: string): Link[] {
    const out: Link[] = [];
    for (const h of this.hosts.values()) for (const l of h.links.values()) if (l.segment === segment) out.push(l);
    return out;
  }

  /** Can `b` hear `a` on `segment` (same side of any partition)? */
  private hear(segment: string, a: Link, b: Link): boolean {
    const p = this.partitions.get(segment);
    return !p || (p.get(a.host.id) ?? 0) === (p.get(b.host.id) ?? 0);
  }

  private later(ms: number, fn: () => void, clock: Clock = this.clock): void {
    if (ms > 0) clock.setTimeout(fn, ms);
    else process.nextTick(fn);
  }

  private track(link: Link, s: EmulatedStream): void {
    link.streams.add(s);
    s.once('close', () => link.streams.delete(s));
  }
}
