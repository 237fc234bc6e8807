/**
 * Linux Net driver: real UDP/TCP sockets on scoped IPv6 link-local addresses, interface state
 * from sysfs. Node has no netlink without a native addon, so link changes are seen by polling
 * sysfs every `linkPollMs` (default 200 ms) with the Clock given.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Clock, Timer } from '../clock/contract.js';
import { DeviceMissingError, HalError } from '../errors.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS, formatEndpoint, missingInterface, type Datagram, type Endpoint, type MulticastSocket,
  type Net, type NetInterface, type Stream, type StreamServer,
} from './contract.js';
import { canonicalIPv6, checkEndpoint, checkPort, isInterfaceName, isLinkLocalMulticast } from './address.js';
import { AcceptQueue } from './accept-queue.js';
import { DEFAULT_SOURCES, interfaceNames, readInterface, readInterfaces, type InterfaceSources } from './sysfs.js';

export interface LinuxNetOptions {
  clock: Clock;
  /** Where interfaces are listed. Default `/sys/class/net` (tests point it at a fake tree). */
  sysfsRoot?: string;
  /** The kernel's IPv6 address table. Default `/proc/net/if_inet6`. */
  inet6Path?: string;
  /**
   * Period of sysfs polling for watchLink and for resetting streams when their link goes down.
   * Default 200 ms: a dock or undock is seen within about that long; shorter flaps can go unseen.
   */
  linkPollMs?: number;
}

/** Maps a socket error code to a HalError that names the endpoint and says what happened. */
function socketError(op: string, to: Endpoint, err: NodeJS.ErrnoException): HalError {
  const code = err.code ?? 'EIO';
  const why: Record<string, string> = {
    ECONNREFUSED: `${to.address} answered but nobody listens on port ${to.port} (connection refused)`,
    ETIMEDOUT: 'no answer (timed out)',
    EHOSTUNREACH: `no host answers for ${to.address} on ${to.scope} (host unreachable)`,
    ENETUNREACH: `link ${to.scope} is down (network unreachable)`,
    EINVAL: `the kernel rejected the address; expected a link-local address on an IPv6 interface ${to.scope}`,
    EADDRNOTAVAIL: `${to.scope} has no usable IPv6 address (address not available)`,
    EADDRINUSE: `port ${to.port} is already taken`,
    EACCES: `port ${to.port} needs privileges`,
  };
  return new HalError(code, `${op} ${formatEndpoint(to)}: ${why[code] ?? err.message}`, { cause: err });
}

const scoped = (address: string, scope: string) => `${address}%${scope}`;

/** Endpoint of a Node address string, which carries the zone of a link-local address. */
function endpointOf(address: string, port: number, scope: string): Endpoint {
  const bare = address.split('%')[0]!;
  return { address: canonicalIPv6(bare) ?? bare, port, scope };
}

function asStream(socket: net.Socket, peer: Endpoint): Stream {
  Object.defineProperty(socket, 'peer', { value: peer, enumerable: true });
  return socket as net.Socket & { readonly peer: Endpoint };
}

interface LinkWatch {
  listeners: Set<(i: NetInterface) => void>;
  last: NetInterface | undefined;
  timer: Timer;
  busy: boolean;
}

const sameLink = (a: NetInterface, b: NetInterface) =>
  a.up === b.up && a.linkLocal === b.linkLocal && a.index === b.index && a.mac === b.mac;

export class LinuxNet implements Net {
  private readonly clock: Clock;
  private readonly src: InterfaceSources;
  private readonly pollMs: number;
  private watches = new Map<string, LinkWatch>();
  /** Streams by the interface they run over, reset when it goes down. */
  private streams = new Map<string, { set: Set<net.Socket>; stop: () => void }>();

  constructor(options: LinuxNetOptions) {
    this.clock = options.clock;
    this.src = { sysfsRoot: options.sysfsRoot ?? DEFAULT_SOURCES.sysfsRoot, inet6Path: options.inet6Path ?? DEFAULT_SOURCES.inet6Path };
    this.pollMs = options.linkPollMs ?? 200;
    if (!Number.isFinite(this.pollMs) || this.pollMs <= 0) throw new RangeError(`linkPollMs must be a finite number > 0, got ${options.linkPollMs}`);
  }

  interfaces(): Promise<NetInterface[]> {
    return readInterfaces(this.src);
  }

  async interface(name: string): Promise<NetInterface> {
    const found = isInterfaceName(name) ? await readInterface(this.src, name) : undefined;
    if (!found) {
      const names = await interfaceNames(this.src);
      throw new DeviceMissingError(`network interface ${JSON.stringify(name)}`, `${this.src.sysfsRoot}/${name}`, `one of: ${names.join(', ') || 'none'}`);
    }
    return found;
  }

  watchLink(name: string, listener: (i: NetInterface) => void): () => void {
    let w = this.watches.get(name);
    if (!w) {
      const watch: LinkWatch = { listeners: new Set(), last: undefined, busy: false, timer: this.clock.setInterval(() => void this.poll(name, watch), this.pollMs) };
      this.watches.set(name, watch);
      w = watch;
    }
    const watch = w;
    const own = (i: NetInterface) => listener(i); // a distinct entry, even for a listener added twice
    watch.listeners.add(own);
    void this.read(name).then((i) => {
      watch.last ??= i;
      if (watch.listeners.has(own)) listener(i);
    });
    return () => {
      if (!watch.listeners.delete(own) || watch.listeners.size > 0) return;
      watch.timer.cancel();
      if (this.watches.get(name) === watch) this.watches.delete(name);
    };
  }

  async joinMulticast(name: string, group: string, port: number): Promise<MulticastSocket> {
    if (typeof group !== 'string' || !isLinkLocalMulticast(group)) {
      throw new TypeError(`joinMulticast: group must be a link-local multicast address (ffX2::/16, e.g. ff02::1:bc), got ${JSON.stringify(group)}`);
    }
    checkPort(port, `joinMulticast ${group}`, true);
    const own = await this.addressed(name, `join ${group}`);
    const g = canonicalIPv6(group)!;
    // Two sockets, both tied to the interface by their scoped bind: one on our link-local
    // address (sends, unicast replies), one on the group (datagrams to the group on this link
    // only; a socket bound to :: would also get the group from every other port).
    const unicast = await bindUdp(own, port, name);
    const chosen = unicast.address().port;
    let grouped: dgram.Socket;
    try {
      grouped = await bindUdp(g, chosen, name);
      grouped.addMembership(g, scoped('::', name));
      unicast.setMulticastInterface(scoped('::', name));
      unicast.setMulticastLoopback(false);
    } catch (e) {
      unicast.close();
      throw e instanceof HalError ? e : socketError('join', { address: g, port: chosen, scope: name }, e as NodeJS.ErrnoException);
    }
    return new LinuxMulticastSocket(name, g, chosen, own, unicast, grouped);
  }

  async listen(name: string, port: number): Promise<StreamServer> {
    checkPort(port, `listen on ${name}`, true);
    const own = await this.addressed(name, 'listen');
    const server = net.createServer({ allowHalfOpen: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(socketError('listen on', { address: own, port, scope: name }, e)));
      server.listen({ host: scoped(own, name), port, exclusive: true }, () => resolve());
    });
    server.on('error', () => {}); // after listening, errors concern single accepts only
    const wrapped = new LinuxStreamServer(server, (s) => {
      const stream = asStream(s, endpointOf(s.remoteAddress ?? '::', s.remotePort ?? 0, name));
      this.supervise(name, s);
      return stream;
    });
    return wrapped;
  }

  async connect(to: Endpoint, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<Stream> {
    checkEndpoint(to, 'connect');
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`connect to ${formatEndpoint(to)}: timeoutMs must be a finite number > 0, got ${timeoutMs}`);
    const iface = await this.interface(to.scope);
    const peer = endpointOf(to.address, to.port, to.scope);
    if (!iface.up) throw new HalError('ENETUNREACH', `connect to ${formatEndpoint(peer)}: link ${to.scope} is down`);
    return new Promise<Stream>((resolve, reject) => {
      const socket = net.connect({ host: scoped(peer.address, to.scope), port: to.port, allowHalfOpen: false });
      const timer = this.clock.setTimeout(() => {
        socket.destroy();
        reject(new HalError('ETIMEDOUT', `connect to ${formatEndpoint(peer)}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (e: NodeJS.ErrnoException) => {
        timer.cancel();
        reject(socketError('connect to', peer, e));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        timer.cancel();
        socket.off('error', onError);
        this.supervise(to.scope, socket);
        resolve(asStream(socket, peer));
      });
    });
  }

  private async read(name: string): Promise<NetInterface> {
    return (isInterfaceName(name) ? await readInterface(this.src, name) : undefined) ?? missingInterface(name);
  }

  private async poll(name: string, w: LinkWatch): Promise<void> {
    if (w.busy) return;
    w.busy = true;
    try {
      const i = await this.read(name);
      if (w.last && sameLink(w.last, i)) return;
      w.last = i;
      for (const l of [...w.listeners]) l({ ...i });
    } finally {
      w.busy = false;
    }
  }

  private async addressed(name: string, what: string): Promise<string> {
    const iface = await this.interface(name);
    if (!iface.linkLocal) {
      throw new HalError('EADDRNOTAVAIL', `${what} on ${name}: the interface has no usable link-local address yet (link never up, or DAD still running)`);
    }
    return iface.linkLocal;
  }

  /** Reset `socket` with ECONNRESET when the link `scope` goes down. */
  private supervise(scope: string, socket: net.Socket): void {
    let entry = this.streams.get(scope);
    if (!entry) {
      const set = new Set<net.Socket>();
      const stop = this.watchLink(scope, (i) => {
        if (i.up) return;
        for (const s of [...set]) {
          const peer = (s as unknown as Stream).peer;
          s.destroy(new HalError('ECONNRESET', `link ${scope} went down: stream to ${peer ? formatEndpoint(peer) : 'peer'} reset`));
        }
      });
      entry = { set, stop };
      this.streams.set(scope, entry);
    }
    const e = entry;
    e.set.add(socket);
    socket.once('close', () => {
      e.set.delete(socket);
      if (e.set.size === 0 && this.streams.get(scope) === e) {
        e.stop();
        this.streams.delete(scope);
      }
    });
  }
}

function bindUdp(address: string, port: number, scope: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp6', reuseAddr: true });
    const onError = (e: NodeJS.ErrnoException) => {
      s.close();
      reject(socketError('bind', { address, port, scope }, e));
    };
    s.once('error', onError);
    s.bind({ address: scoped(address, scope), port, exclusive: false }, () => {
      s.off('error', onError);
      s.on('error', () => {}); // UDP errors after bind concern single datagrams; send reports its own
      resolve(s);
    });
  });
}

class LinuxMulticastSocket implements MulticastSocket {
  private listeners: ((d: Datagram) => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly name: string, private readonly group: string, readonly port: number,
    own: string, private readonly unicast: dgram.Socket, private readonly grouped: dgram.Socket,
  ) {
    const receive = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      const from = endpointOf(rinfo.address, rinfo.port, name);
      if (from.address === own && from.port === port) return; // our own, looped back anyway
      const d: Datagram = { data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), from };
      for (const l of this.listeners) l(d);
    };
    unicast.on('message', receive);
    grouped.on('message', receive);
  }

  send(data: Uint8Array, to?: Endpoint): Promise<void> {
    const dest = to ?? { address: this.group, port: this.port, scope: this.name };
    return new Promise((resolve, reject) => {
      if (this.closing) return reject(new HalError('EBADF', `multicast socket ${this.group} on ${this.name} is closed`));
      if (!(data instanceof Uint8Array)) return reject(new TypeError(`send: data must be a Uint8Array, got ${typeof data}`));
      try {
        checkEndpoint(dest, 'send');
      } catch (e) {
        return reject(e);
      }
      if (dest.scope !== this.name) {
        return reject(new HalError('EINVAL', `multicast socket on ${this.name} cannot send to ${formatEndpoint(dest)}: expected scope ${this.name}`));
      }
      this.unicast.send(data, dest.port, scoped(dest.address, dest.scope), (err) => {
        if (err) reject(socketError('send to', dest, err));
        else resolve();
      });
    });
  }

  onMessage(listener: (d: Datagram) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([
      new Promise<void>((r) => this.grouped.close(() => r())),
      new Promise<void>((r) => this.unicast.close(() => r())),
    ]).then(() => {});
    return this.closing;
  }
}

class LinuxStreamServer implements StreamServer {
  private queue = new AcceptQueue();
  private closed = false;
  readonly port: number;

  constructor(private readonly server: net.Server, wrap: (s: net.Socket) => Stream) {
    this.port = (server.address() as net.AddressInfo).port;
    server.on('connection', (s) => this.queue.accept(wrap(s)));
  }

  onConnection(listener: (s: Stream) => void): void {
    this.queue.listen(listener);
  }

  close(): Promise<void> {
    // net.Server.close() would wait for every open stream; the contract keeps them open.
    if (!this.closed) {
      this.closed = true;
      this.server.close();
    }
    return new Promise((resolve) => process.nextTick(resolve));
  }
}
