/**
 * Net: IPv6 on named interfaces, as a docked camera and a controller port see it. Addresses on
 * a dock link are link-local (fe80::/64), so every address travels with its interface (scope).
 * Discovery uses link-local multicast on one interface; sessions use TCP to a scoped address.
 */
import type { Duplex } from 'node:stream';

/** An IPv6 endpoint. `scope` is the interface name a link-local address is reached through. */
export interface Endpoint {
  address: string;
  port: number;
  scope: string;
}

export interface NetInterface {
  name: string;
  /** Kernel interface index (the numeric scope id); emulated drivers number their own. */
  index: number;
  /** True when the link is up (carrier present): a camera is docked on it / a station answers. */
  up: boolean;
  /**
   * The interface's link-local address (fe80::...) without scope, canonical RFC 5952 text, or
   * undefined until the link has first come up and DAD has ended. Like Linux, it stays when the
   * carrier goes away later (undock), so sockets bound to it survive a re-dock.
   */
  linkLocal: string | undefined;
  /** 48-bit hardware address, `aa:bb:cc:dd:ee:ff`. */
  mac: string;
}

export interface Datagram {
  data: Uint8Array;
  from: Endpoint;
}

/** A UDP socket joined to one link-local multicast group on one interface. */
export interface MulticastSocket {
  /** Port the socket is bound to (its datagrams leave from it; unicast replies reach it). */
  readonly port: number;
  /**
   * Send a datagram to `to`, or to the group on this socket's port when `to` is omitted.
   * Resolves once handed to the link; delivery is not guaranteed (UDP): while the link is down a
   * datagram is dropped, or rejected with HalError ENETUNREACH. `to.scope` must be this socket's
   * interface (HalError EINVAL otherwise). `to` may be another multicast group.
   */
  send(data: Uint8Array, to?: Endpoint): Promise<void>;
  /**
   * Called for each datagram from another host to the group, or unicast to this socket's port on
   * the interface's link-local address; `from.scope` is this socket's interface. Own datagrams are
   * not looped back. Datagrams that arrive before any listener is added are dropped.
   */
  onMessage(listener: (d: Datagram) => void): void;
  /** Leave the group and close. Idempotent. */
  close(): Promise<void>;
}

/**
 * A TCP stream. Node's Duplex semantics: backpressure through write()'s return and 'drain'.
 * Like net.Socket's default, it is not half-open: when the peer ends, this end ends too.
 * When this host's link under the stream goes down (undock), the stream is destroyed with a
 * HalError ECONNRESET naming the link. The peer's end fails later on real Linux (when its TCP or
 * the session's heartbeat gives up) and at once in the emulated world.
 */
export interface Stream extends Duplex {
  /** The peer, with the scope this stream runs on. */
  readonly peer: Endpoint;
}

export interface StreamServer {
  readonly port: number;
  /**
   * Called for each accepted connection. Connections accepted before the first listener is added
   * are kept and handed to it.
   */
  onConnection(listener: (s: Stream) => void): void;
  /** Stop accepting; open streams stay open. Idempotent. */
  close(): Promise<void>;
}

export interface Net {
  /** Interfaces of this host, by index. Unknown names never throw here; use `interface()` for one. */
  interfaces(): Promise<NetInterface[]>;
  /**
   * One interface by name. Rejects with DeviceMissingError naming the interface when it does not
   * exist.
   */
  interface(name: string): Promise<NetInterface>;
  /**
   * Watch link state: the listener gets the interface once soon after the call (never
   * synchronously inside it) and again each time it goes up or down or its link-local address
   * appears or changes. An interface that does not exist (yet, or any more) is reported down with
   * index 0, mac `00:00:00:00:00:00` and no link-local address. Real drivers may poll: a flap
   * shorter than their period can go unseen. Returns a function that stops watching (idempotent).
   */
  watchLink(name: string, listener: (i: NetInterface) => void): () => void;
  /**
   * Join link-local multicast `group` (ffX2::/16, e.g. ff02::1:bc) on interface `name`, bound to
   * `port` (0 picks one) on that interface only. Datagrams sent to the group reach every other
   * host on that link only, never another interface of this host. Rejects with
   * DeviceMissingError for an unknown interface, HalError EADDRNOTAVAIL when it has no link-local
   * address yet, TypeError/RangeError for a group or port that is not one.
   */
  joinMulticast(name: string, group: string, port: number): Promise<MulticastSocket>;
  /**
   * Listen for TCP on the link-local address of interface `name` (port 0 picks one). Rejects
   * like joinMulticast, and with HalError EADDRINUSE when the port is taken on that address.
   */
  listen(name: string, port: number): Promise<StreamServer>;
  /**
   * Connect over TCP to a scoped endpoint within `timeoutMs` (default
   * DEFAULT_CONNECT_TIMEOUT_MS). Rejects with a HalError naming the endpoint: ECONNREFUSED when
   * the host answers but nobody listens, ETIMEDOUT when nothing answers in time, EHOSTUNREACH when
   * no host has the address on that link, ENETUNREACH when the link is down. An unknown scope
   * rejects with DeviceMissingError; a malformed endpoint with TypeError.
   */
  connect(to: Endpoint, timeoutMs?: number): Promise<Stream>;
}

/** How long connect() waits for an answer unless told otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** `[fe80::1%port1]:4000`, the form humans and `ping` use. */
export const formatEndpoint = (e: Endpoint) => `[${e.address}%${e.scope}]:${e.port}`;

/** The interface as watchLink reports it while it does not exist. */
export const missingInterface = (name: string): NetInterface =>
  ({ name, index: 0, up: false, linkLocal: undefined, mac: '00:00:00:00:00:00' });
