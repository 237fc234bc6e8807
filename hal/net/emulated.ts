/**
 * Emulated IPv6 links: EmulatedNet, the Net driver of one host (camera, controller) on the
 * world's LinkMedium, and helpers that make links follow the world's docks. No root, no
 * sockets: datagrams and streams travel in memory, settled on the nextTick queue or, with
 * latency, by the world's virtual clock.
 */
import type { World } from '../world/world.js';
import type { Clock } from '../clock/contract.js';
import { portSegment } from '../world/docks.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../errors.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS, formatEndpoint, type Datagram, type Endpoint, type MulticastSocket, type Net,
  type NetInterface, type Stream, type StreamServer,
} from './contract.js';
import { canonicalIPv6, checkEndpoint, checkPort, isLinkLocalMulticast } from './address.js';
import { AcceptQueue } from './accept-queue.js';
import { LinkMedium, snapshot, type Host, type InterfaceSpec, type Link } from './link-medium.js';

export { LinkMedium, NEIGHBOUR_TIMEOUT_MS, macFor, type InterfaceSpec, type SegmentConditions } from './link-medium.js';
export { EmulatedStream } from './emulated-stream.js';

export class EmulatedMulticastSocket implements MulticastSocket {
  private listeners: ((d: Datagram) => void)[] = [];
  private closed = false;

  constructor(private readonly medium: LinkMedium, private readonly link: Link, readonly group: string, readonly port: number) {}

  send(data: Uint8Array, to?: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      process.nextTick(() => {
        if (this.closed) return reject(new HalError('EBADF', `multicast socket ${this.group} on ${this.link.host.id}/${this.link.name} is closed`));
        if (!(data instanceof Uint8Array)) return reject(new TypeError(`send: data must be a Uint8Array, got ${typeof data}`));
        const dest = to ?? { address: this.group, port: this.port, scope: this.link.name };
        try {
          checkEndpoint(dest, 'send');
        } catch (e) {
          return reject(e);
        }
        if (dest.scope !== this.link.name) {
          return reject(new HalError('EINVAL', `multicast socket on ${this.link.name} cannot send to ${formatEndpoint(dest)}: expected scope ${this.link.name}`));
        }
        this.medium.sendDatagram(this.link, this.port, data, dest);
        resolve();
      });
    });
  }

  onMessage(listener: (d: Datagram) => void): void {
    this.listeners.push(listener);
  }

  /** @internal */
  receive(d: Datagram): void {
    if (this.closed) return;
    for (const l of this.listeners) l(d);
  }

  close(): Promise<void> {
    this.closed = true;
    this.link.sockets.delete(this);
    return new Promise((resolve) => process.nextTick(resolve));
  }
}

export class EmulatedStreamServer implements StreamServer {
  private queue = new AcceptQueue();

  constructor(private readonly link: Link, readonly port: number) {}

  onConnection(listener: (s: Stream) => void): void {
    this.queue.listen(listener);
  }

  /** @internal */
  accept(s: Stream): void {
    process.nextTick(() => this.queue.accept(s));
  }

  close(): Promise<void> {
    if (this.link.servers.get(this.port) === this) this.link.servers.delete(this.port);
    return new Promise((resolve) => process.nextTick(resolve));
  }
}

/**
 * The Net driver of one emulated host (a camera, a controller). Its interfaces start down;
 * the medium's attach() (or dockLink/stationLink) brings them up.
 */
export class EmulatedNet implements Net {
  private readonly host: Host;
  private gone = false;

  /**
   * `interfaces` are this host's interface names (e.g. `['dock0']`, `['port1', ..., 'port5']`),
   * numbered 1.. in that order, each with a MAC derived from host id and name unless given.
   */
  constructor(readonly medium: LinkMedium, readonly hostId: string, clock: Clock, interfaces: InterfaceSpec[]) {
    this.host = medium.addHost(hostId, clock, interfaces);
  }

  async interfaces(): Promise<NetInterface[]> {
    this.alive();
    return [...this.host.links.values()].map(snapshot);
  }

  async interface(name: string): Promise<NetInterface> {
    return snapshot(this.link(name));
  }

  watchLink(name: string, listener: (i: NetInterface) => void): () => void {
    const link = this.host.links.get(name);
    if (!link) {
      // It will never exist on an emulated host: report it down once, as the contract says.
      let live = true;
      process.nextTick(() => { if (live) listener({ name, index: 0, up: false, linkLocal: undefined, mac: '00:00:00:00:00:00' }); });
      return () => { live = false; };
    }
    const w = (i: NetInterface) => listener(i);
    link.watchers.add(w);
    this.medium.notify(link, w);
    return () => { link.watchers.delete(w); };
  }

  async joinMulticast(name: string, group: string, port: number): Promise<MulticastSocket> {
    if (typeof group !== 'string' || !isLinkLocalMulticast(group)) {
      throw new TypeError(`joinMulticast: group must be a link-local multicast address (ffX2::/16, e.g. ff02::1:bc), got ${JSON.stringify(group)}`);
    }
    checkPort(port, `joinMulticast ${group}`, true);
    const link = this.addressed(name, `join ${group}`);
    const canonical = canonicalIPv6(group)!;
    const chosen = port || this.medium.ephemeralPort(this.host, (p) => [...link.sockets].some((s) => s.port === p));
    const socket = new EmulatedMulticastSocket(this.medium, link, canonical, chosen);
    link.sockets.add(socket);
    return socket;
  }

  async listen(name: string, port: number): Promise<StreamServer> {
    checkPort(port, `listen on ${name}`, true);
    const link = this.addressed(name, 'listen');
    if (port && link.servers.has(port)) {
      throw new HalError('EADDRINUSE', `listen on ${formatEndpoint({ address: link.address, port, scope: name })}: port ${port} is already taken`);
    }
    const chosen = port || this.medium.ephemeralPort(this.host, (p) => link.servers.has(p));
    const server = new EmulatedStreamServer(link, chosen);
    link.servers.set(chosen, server);
    return server;
  }

  async connect(to: Endpoint, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<Stream> {
    checkEndpoint(to, 'connect');
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`connect to ${formatEndpoint(to)}: timeoutMs must be a finite number > 0, got ${timeoutMs}`);
    return this.medium.openStream(this.link(to.scope), to, timeoutMs);
  }

  // --- control surface ---

  /**
   * The host is gone (power cut, reboot): every link goes down (streams reset on both ends),
   * sockets and servers close, watchers stop, and the host id is free for a new EmulatedNet.
   * Every later call rejects with DeviceGoneError. Idempotent.
   */
  close(): void {
    if (this.gone) return;
    this.gone = true;
    this.medium.removeHost(this.host);
  }

  private alive(): void {
    if (this.gone) throw new DeviceGoneError('network stack', `emulated host ${this.hostId}`);
  }

  private link(name: string): Link {
    this.alive();
    const link = this.host.links.get(name);
    if (!link) {
      throw new DeviceMissingError(`network interface ${name}`, `emulated host ${this.hostId}`, `one of: ${[...this.host.links.keys()].join(', ') || 'none'}`);
    }
    return link;
  }

  private addressed(name: string, what: string): Link {
    const link = this.link(name);
    if (!link.addressed) {
      throw new HalError('EADDRNOTAVAIL', `${what} on ${name}: the interface has no link-local address yet (its link has never been up)`);
    }
    return link;
  }
}

/**
 * Make a camera's interface follow the world's docks: attached to `portSegment(port)` while the
 * camera sits in a bay of a powered station, detached otherwise. Returns a function that stops
 * following (the link stays as it is).
 */
export function dockLink(world: World, net: EmulatedNet, ifname: string): () => void {
  if (net.medium !== world.links) throw new Error(`dockLink: ${net.hostId}'s EmulatedNet is not on this world's link medium`);
  const sync = () => {
    const bay = world.docks.bayOf(net.hostId);
    const powered = bay !== undefined && world.docks.station(bay.station).powered;
    if (bay && powered) world.links.attach(net.hostId, ifname, portSegment(bay.port));
    else world.links.detach(net.hostId, ifname);
  };
  const onChange = (e: { device: string }) => { if (e.device === net.hostId) sync(); };
  world.docks.on('change', onChange);
  world.docks.on('power', sync);
  sync();
  return () => {
    world.docks.off('change', onChange);
    world.docks.off('power', sync);
  };
}

/**
 * Make a controller's port interface (default name `port<N>`) follow the docking station plugged
 * into port N: attached to `portSegment(port)` while that station exists and has power. Stations
 * added later are noticed at the next docks event. Returns a function that stops following.
 */
export function stationLink(world: World, net: EmulatedNet, port: number, ifname = portSegment(port)): () => void {
  if (net.medium !== world.links) throw new Error(`stationLink: ${net.hostId}'s EmulatedNet is not on this world's link medium`);
  const sync = () => {
    const station = world.docks.list().find((s) => s.port === port);
    if (station?.powered) world.links.attach(net.hostId, ifname, portSegment(port));
    else world.links.detach(net.hostId, ifname);
  };
  world.docks.on('change', sync);
  world.docks.on('power', sync);
  sync();
  return () => {
    world.docks.off('change', sync);
    world.docks.off('power', sync);
  };
}
