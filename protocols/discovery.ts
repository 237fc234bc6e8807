/**
 * Dock discovery: Solicitation and Beacon, carried one per UDP datagram (unframed) on a
 * docking-station port's IPv6 link-local multicast group, and their checks.
 */
import { EnvelopeCodec } from './codec.js';
import { ProtocolError, invalidField } from './errors.js';
import { BOOT_ID_BYTES, IPV6_BYTES, NONCE_BYTES, emptyOrBytes, exactBytes, inRange, requiredText } from './fields.js';
import { messageType } from './schema.js';
import type { Json } from './wire.js';

/** Link-local multicast group controllers send Solicitations to, on each port interface. */
export const DISCOVERY_GROUP = 'ff02::b3c:1';
/** UDP port of the discovery group; Beacons go unicast to the Solicitation's source port. */
export const DISCOVERY_PORT = 47_810;
/** Largest discovery datagram a decoder needs to accept (fits an IPv6 minimum MTU). */
export const MAX_DATAGRAM_BYTES = 1_200;

export interface Solicitation {
  nonce: Uint8Array;
  controllerSerial: string;
  systemId: string;
}

export interface Beacon {
  /** The answered Solicitation's nonce, empty when unsolicited. */
  nonce: Uint8Array;
  cameraSerial: string;
  model: string;
  firmwareVersion: string;
  /** Empty while unadopted. */
  systemId: string;
  sessionPort: number;
  /** 16 bytes in fe80::/10. */
  linkLocalAddress: Uint8Array;
  /** 1-based bay, 0 when unknown. */
  bayHint: number;
  bootId: Uint8Array;
}

export type DiscoveryMessage = ({ kind: 'solicitation' } & Solicitation) | ({ kind: 'beacon' } & Beacon);

export function checkSolicitation(m: Solicitation, path: string): void {
  exactBytes(m.nonce, NONCE_BYTES, `${path}.nonce`);
  requiredText(m.controllerSerial, `${path}.controllerSerial`, 'the serial number of the soliciting controller');
  requiredText(m.systemId, `${path}.systemId`, 'the system the controller belongs to');
}

export function checkBeacon(m: Beacon, path: string): void {
  emptyOrBytes(m.nonce, NONCE_BYTES, `${path}.nonce`);
  requiredText(m.cameraSerial, `${path}.cameraSerial`, 'the camera serial number');
  requiredText(m.model, `${path}.model`, 'the camera model');
  requiredText(m.firmwareVersion, `${path}.firmwareVersion`, 'the firmware version');
  inRange(m.sessionPort, 1, 65_535, `${path}.sessionPort`);
  exactBytes(m.linkLocalAddress, IPV6_BYTES, `${path}.linkLocalAddress`);
  if (m.linkLocalAddress[0] !== 0xfe || (m.linkLocalAddress[1]! & 0xc0) !== 0x80) {
    throw invalidField(`${path}.linkLocalAddress`, 'an IPv6 link-local address (fe80::/10)', formatIpv6(m.linkLocalAddress));
  }
  exactBytes(m.bootId, BOOT_ID_BYTES, `${path}.bootId`);
}

/** True when `beacon` answers `solicitation` (echoes its nonce). */
export function answers(beacon: Beacon, solicitation: Solicitation): boolean {
  return beacon.nonce.length === NONCE_BYTES && beacon.nonce.every((b, i) => b === solicitation.nonce[i]);
}

/** 16 address bytes to RFC 5952 text (for messages and logs). */
export function formatIpv6(bytes: Uint8Array): string {
  if (bytes.length !== IPV6_BYTES) return `${bytes.length} bytes`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parses IPv6 text (no zone) to 16 bytes; throws EINVALID_FIELD naming `field`. */
export function parseIpv6(text: string, field = 'address'): Uint8Array {
  const bad = () => invalidField(field, 'an IPv6 address', JSON.stringify(text));
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const head = part(halves[0]!), tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) throw bad();
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad();
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

const discovery = new EnvelopeCodec<DiscoveryMessage>({
  wrapper: messageType('DiscoveryDatagram'),
  name: 'datagram',
  checks: { solicitation: checkSolicitation, beacon: checkBeacon },
});

/** One datagram's bytes to a checked message. Throws ProtocolError only (EFRAME_TOO_LARGE above MAX_DATAGRAM_BYTES). */
export function decodeDiscoveryDatagram(datagram: Uint8Array): DiscoveryMessage {
  if (datagram.length > MAX_DATAGRAM_BYTES) {
    throw new ProtocolError('EFRAME_TOO_LARGE', `discovery datagram of ${datagram.length} bytes exceeds ${MAX_DATAGRAM_BYTES} bytes`);
  }
  return discovery.decode(datagram);
}

/** A message to one datagram's bytes. Throws ProtocolError for a message the decoder would reject. */
export function encodeDiscoveryDatagram(message: DiscoveryMessage): Uint8Array {
  const bytes = discovery.encode(message);
  if (bytes.length > MAX_DATAGRAM_BYTES) {
    throw new ProtocolError('EFRAME_TOO_LARGE', `${message.kind} datagram of ${bytes.length} bytes exceeds ${MAX_DATAGRAM_BYTES} bytes`);
  }
  return bytes;
}

export function checkDiscoveryMessage(message: DiscoveryMessage): DiscoveryMessage {
  return discovery.check(message);
}

export function discoveryMessageToJson(message: DiscoveryMessage): { [key: string]: Json } {
  return discovery.toJson(message);
}

export function discoveryMessageFromJson(json: unknown): DiscoveryMessage {
  return discovery.fromJson(json);
}
