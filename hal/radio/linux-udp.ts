/**
 * Linux Radio driver: broadcast frames as UDP datagrams to an IPv6 link-local multicast group on
 * one named interface (a Wi-Fi ad-hoc/mesh or any shared link the cameras are on), node:dgram.
 *
 * Why IPv6 link-local multicast: every camera has a link-local address on every interface without
 * any configuration (no DHCP, no IPv4 plan), the group `ff02::b3c:2` never leaves the link (the
 * kernel does not route ff02::/16), and the scope names the interface, like dock discovery does.
 *
 * Strength: Linux cannot set transmit power per packet without privileges (iw/nl80211), so the
 * strength is only checked; every datagram leaves with hop limit 1 (one link). On a real radio
 * the lead's board sets the interface's power from the profile; the emulation models the reach.
 * RSSI is not known per datagram: frames carry no rssiDbm.
 */
import dgram from 'node:dgram';
import { HalError, DeviceMissingError } from '../errors.js';
import type { Clock } from '../clock/contract.js';
import { checkFrame, MAX_RADIO_FRAME_BYTES, RadioListeners, type FrameListener, type Radio, type RadioStrength } from './contract.js';

/** Link-local multicast group of wireless broadcast frames (dock discovery is ff02::b3c:1). */
export const RADIO_GROUP = 'ff02::b3c:2';
/** UDP port of the group (dock discovery is 47810). */
export const RADIO_PORT = 47_811;

export interface LinuxUdpRadioOptions {
  /** Interface name, e.g. `wlan0`. */
  interface: string;
  clock: Clock;
  /** Defaults RADIO_GROUP / RADIO_PORT (tests may pick others). */
  group?: string;
  port?: number;
}

const scoped = (address: string, scope: string) => `${address}%${scope}`;

function bind(socket: dgram.Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port, exclusive: false }, () => { socket.off('error', reject); resolve(); });
  });
}

export class LinuxUdpRadio implements Radio {
  readonly name: string;
  private listeners = new RadioListeners();

  private constructor(private readonly options: LinuxUdpRadioOptions, private readonly rx: dgram.Socket, private readonly tx: dgram.Socket) {
    this.name = `udp radio ${options.interface}`;
    rx.on('message', (msg) => {
      // Own datagrams do not loop back (multicast loop off); a second radio of this host on the
      // same link would be heard, as a neighbour.
      if (msg.length < 1 || msg.length > MAX_RADIO_FRAME_BYTES) return;
      this.listeners.deliver({ bytes: new Uint8Array(msg), atMs: options.clock.monotonic() });
    });
    const fail = (e: Error) => this.end(new HalError('EIO', `${this.name}: socket failed: ${e.message}`, { cause: e }));
    rx.on('error', fail);
    tx.on('error', () => {}); // errors of single datagrams: send() reports its own
  }

  /** Join the group on `options.interface`. Rejects with DeviceMissingError when there is no such interface. */
  static async open(options: LinuxUdpRadioOptions): Promise<LinuxUdpRadio> {
    const group = options.group ?? RADIO_GROUP, port = options.port ?? RADIO_PORT;
    const name = options.interface;
    const rx = dgram.createSocket({ type: 'udp6', reuseAddr: true });
    const tx = dgram.createSocket({ type: 'udp6', reuseAddr: true });
    try {
      // Bound to the scoped group address: only datagrams to the group on this interface arrive.
      await bind(rx, scoped(group, name), port);
      rx.addMembership(group, scoped('::', name));
      await bind(tx, '::', 0);
      tx.setMulticastInterface(scoped('::', name));
      tx.setMulticastLoopback(false);
      tx.setMulticastTTL(1);
    } catch (e) {
      rx.close(); tx.close();
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENODEV' || err.code === 'EINVAL' || err.code === 'EADDRNOTAVAIL') {
        throw new DeviceMissingError('radio interface', name, 'an up network interface with an IPv6 link-local address', { cause: e });
      }
      throw new HalError(err.code ?? 'EIO', `udp radio ${name}: cannot join ${group} port ${port}: ${err.message}`, { cause: e });
    }
    return new LinuxUdpRadio({ ...options, group, port }, rx, tx);
  }

  send(frame: Uint8Array, strength: RadioStrength): Promise<void> {
    try { checkFrame(this.name, frame, strength); } catch (e) { return Promise.reject(e); }
    if (this.listeners.closed) return Promise.reject(new HalError('ECLOSED', `${this.name}: send after close; expected an open radio`));
    const { group, port, interface: name } = this.options;
    return new Promise((resolve, reject) => {
      this.tx.send(frame, port!, scoped(group!, name), (e) => {
        if (e) reject(new HalError((e as NodeJS.ErrnoException).code ?? 'EIO', `${this.name}: send failed: ${e.message}`, { cause: e }));
        else resolve();
      });
    });
  }

  onFrame(listener: FrameListener): () => void { return this.listeners.onFrame(listener); }

  onClose(listener: (error: HalError | undefined) => void): () => void { return this.listeners.onClose(listener); }

  async close(): Promise<void> {
    this.end(undefined);
  }

  private end(error: HalError | undefined): void {
    if (this.listeners.closed) return;
    this.listeners.end(error);
    for (const s of [this.rx, this.tx]) { try { s.close(); } catch { /* already closed */ } }
  }
}
