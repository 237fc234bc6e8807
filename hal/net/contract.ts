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
  /** The interface's link-local address (fe80::...) without scope, or undefined before DAD ends. */
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
  /** Port the socket is bound to. */
  readonly port: number;
  /**
   * Send a datagram to `to`, or to the group on this socket's port when `to` is omitted.
   * Resolves once handed to the link; delivery is not guaranteed (UDP).
   */
  send(data: Uint8Array, to?: Endpoint): Promise<void>;
  /** Called for each datagram from another host; own datagrams are not looped back. */
  onMessage(listener: (d: Datagram) => void): void;
  /** Leave the group and close. Idempotent. */
  close(): Promise<void>;
}

/** A TCP stream. Node's Duplex semantics: backpressure through write()'s return and 'drain'. */
export interface Stream extends Duplex {
  /** The peer, with the scope this stream runs on. */
  readonly peer: Endpoint;
}

export interface StreamServer {
  readonly port: number;
  /** Called for each accepted connection. */
  onConnection(listener: (s: Stream) => void): void;
  /** Stop accepting; open streams stay open. Idempotent. */
  close(): Promise<void>;
}

export interface Net {
  /** Interfaces of this host. Unknown names never throw here; use `interface()` for one. */
  interfaces(): Promise<NetInterface[]>;
  /**
   * One interface by name. Rejects with DeviceMissingError naming the interface when it does not
   * exist.
   */
  interface(name: string): Promise<NetInterface>;
  /**
   * Watch link state: the listener gets the interface each time it goes up or down (and once
   * now). Returns a function that stops watching.
   */
  watchLink(name: string, listener: (i: NetInterface) => void): () => void;
  /**
   * Join link-local multicast `group` (ff02::/16) on interface `name`, bound to `port` (0 picks
   * one). Datagrams sent to the group reach every other host on that link only.
   */
  joinMulticast(name: string, group: string, port: number): Promise<MulticastSocket>;
  /** Listen for TCP on the link-local address of interface `name` (port 0 picks one). */
  listen(name: string, port: number): Promise<StreamServer>;
  /**
   * Connect over TCP to a scoped endpoint. Rejects with a HalError (code ECONNREFUSED,
   * ETIMEDOUT or ENETUNREACH) naming the endpoint when nobody answers.
   */
  connect(to: Endpoint, timeoutMs?: number): Promise<Stream>;
}

/** `fe80::1%port1`, the form humans and `ping` use. */
export const formatEndpoint = (e: Endpoint) => `[${e.address}%${e.scope}]:${e.port}`;
