/**
 * The camera's side of docking: while the dock link is up, answer the controller's
 * solicitations with a beacon (and announce itself once when the link comes up), and serve
 * sessions on TCP: hello with version negotiation, enrollment, then offload (manifest pages,
 * chunks, custody acks) to a controller of the camera's own system.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../hal/clock/contract.js';
import type { MulticastSocket, Net, Stream, StreamServer } from '../../hal/net/contract.js';
import type { DeviceIdentity } from '../../hal/boards/contract.js';
import {
  DISCOVERY_GROUP, DISCOVERY_PORT, SUPPORTED_VERSIONS, SessionStream, decodeDiscoveryDatagram, encodeDiscoveryDatagram,
  isProtocolError, negotiateVersion, parseIpv6, type Beacon, type CameraAssignment, type CameraAssignmentResult, type SessionMessage,
} from '../../protocols/index.js';
import { FIRMWARE_VERSION } from '../common/version.js';
import type { Log } from '../common/log.js';
import type { Storage } from '../../hal/storage/contract.js';
import type { CameraEnrollment } from './enrollment.js';
import { OffloadSession, type OffloadOptions } from './offload.js';
import { upgradeToTlsServer } from '../common/pki/session-upgrade.js';
import { acceptController } from '../common/pki/secure-session.js';

/** A session whose peer says nothing for this long is closed. */
export const SESSION_IDLE_MS = 30_000;

export interface DockResponderOptions {
  net: Net;
  clock: Clock;
  dockInterface: string;
  identity: DeviceIdentity;
  /** Adoption state: the system id beacons carry, and answers to enrollment messages. */
  enrollment: CameraEnrollment;
  /** The camera's recordings, offloaded in sessions; see CameraSessionOptions.storage. */
  storage?: Storage;
  recordingsRoot?: string;
  log: Log;
  /** Take the system's assignment (user, profile, evaluation mode, broadcast key); see assignment.ts. */
  assign?: (m: CameraAssignment) => Promise<CameraAssignmentResult>;
}

export interface DockResponder {
  readonly linkUp: boolean;
  readonly sessions: number;
  stop(): Promise<void>;
}

export interface CameraSessionOptions {
  clock: Clock;
  identity: DeviceIdentity;
  enrollment: CameraEnrollment;
  /** The camera's recordings; without it the manifest is empty and chunk requests are NOT_FOUND. */
  storage?: Storage;
  /** Folder of recordings on storage (default the evidence store's). */
  recordingsRoot?: string;
  log: Log;
  /** Who is at the other end, for messages. */
  peer?: string;
  /** Close a session whose peer says nothing for this long (default SESSION_IDLE_MS). */
  idleMs?: number;
  /** Take the system's assignment; only ever called inside mutual TLS with the camera's own system. */
  assign?: (m: CameraAssignment) => Promise<CameraAssignmentResult>;
}

/**
 * Serve one session with the controller until goodbye, the end of the stream or a protocol
 * error: hello, enrollment, manifest pages, chunks and custody acks (see offload.ts). Works on
 * any SessionStream (plain TCP today, mutual TLS later). Never throws; ends and destroys nothing
 * but the session it was given (ended on goodbye, destroyed on idle or protocol error).
 */
export async function serveCameraSession(session: SessionStream, o: CameraSessionOptions): Promise<void> {
  const idleMs = o.idleMs ?? SESSION_IDLE_MS;
  let current = session;
  let idle = o.clock.setTimeout(() => current.destroy(), idleMs);
  const offloadOptions: OffloadOptions = {
    storage: o.storage ?? emptyStorage, log: o.log, systemId: () => o.enrollment.systemId,
    maxFrameBytes: session.maxFrameBytes, ...(o.recordingsRoot !== undefined ? { root: o.recordingsRoot } : {}),
  };
  // Until the session is upgraded to mutual TLS with a controller of this camera's system, it
  // sees no recordings (empty manifest, chunk requests refused, custody acks ignored).
  let offload: OffloadSession | undefined;
  let secured = false;
  const where = `camera ${o.identity.serial}${o.peer ? ` (session from ${o.peer})` : ''}`;
  try {
    for (;;) {
      const m = await current.read();
      if (!m) break;
      idle.cancel();
      idle = o.clock.setTimeout(() => current.destroy(), idleMs);
      if (m.kind === 'hello') {
        if (offload) throw new Error('a second hello in one session: expected one hello first');
        offload = new OffloadSession(offloadOptions, '');
      }
      // An adopted camera takes enrollment (renewal) only inside mutual TLS with its own system.
      const enrolling = m.kind === 'enrollmentRequest' || m.kind === 'enrollment';
      const reply = m.kind === 'cameraAssignment'
        ? [await assignment(m, secured, o)]
        : enrolling && o.enrollment.current && !secured
        ? [{ kind: 'enrollmentResult', accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: `camera ${o.identity.serial} is adopted: its certificate is renewed only inside a mutually authenticated session` } } satisfies SessionMessage]
        : (await o.enrollment.answer(m)) ?? await answer(m, offload, o);
      for (const r of reply) await current.send(r);
      if (m.kind === 'goodbye') break;
      if (!secured && upgradeDue(m, reply, o.enrollment)) {
        const creds = o.enrollment.current!;
        const up = await upgradeToTlsServer(current, { keyPem: creds.keyPem, certPem: creds.certPem, caCertPem: creds.caCertPem }, o.clock, where, acceptController);
        current = up.session;
        secured = true;
        offload = new OffloadSession(offloadOptions, up.peer.systemId);
        o.log.info('session', `mutual TLS with controller ${up.peer.serial} of system ${up.peer.systemId}`);
      }
    }
    await current.end();
  } catch (e) {
    if (isProtocolError(e)) o.log.warn('session', `session${o.peer ? ` from ${o.peer}` : ''} ended: ${e.message}`);
    else o.log.warn('session', `session${o.peer ? ` from ${o.peer}` : ''} failed: ${(e as Error).message}`);
    current.destroy();
  } finally {
    idle.cancel();
  }
}

/** The answer to an assignment: taken only inside mutual TLS with the camera's own system. */
async function assignment(m: CameraAssignment, secured: boolean, o: CameraSessionOptions): Promise<SessionMessage> {
  const refuse = (message: string): SessionMessage => ({ kind: 'cameraAssignmentResult', accepted: false, error: { code: 'ERROR_CODE_BAD_REQUEST', message }, batteryPercent: 0, storageFreePercent: 0 });
  if (!secured) return refuse(`camera ${o.identity.serial} takes an assignment only inside a mutually authenticated session with its own system`);
  if (!o.assign) return refuse(`camera ${o.identity.serial} does not take assignments`);
  return { kind: 'cameraAssignmentResult', ...await o.assign(m) };
}

/**
 * The session turns into mutual TLS right after the camera accepted a hello from a controller of
 * its own system, or right after it accepted adoption (it has a certificate from then on).
 */
function upgradeDue(m: SessionMessage, reply: SessionMessage[], enrollment: CameraEnrollment): boolean {
  if (!enrollment.current) return false;
  if (m.kind === 'hello') return m.systemId === enrollment.systemId && reply.some((r) => r.kind === 'helloResult' && r.accepted);
  if (m.kind === 'enrollment') return reply.some((r) => r.kind === 'enrollmentResult' && r.accepted);
  return false;
}

async function answer(m: SessionMessage, offload: OffloadSession | undefined, o: CameraSessionOptions): Promise<SessionMessage[]> {
  switch (m.kind) {
    case 'hello': {
      const chosen = negotiateVersion(SUPPORTED_VERSIONS, m.supported);
      const hello: SessionMessage = {
        kind: 'hello', role: 'ROLE_CAMERA', supported: [...SUPPORTED_VERSIONS], deviceSerial: o.identity.serial,
        firmwareVersion: FIRMWARE_VERSION, systemId: o.enrollment.systemId, nonce: randomBytes(16), ...(chosen ? { chosen } : {}),
      };
      const result: SessionMessage = chosen
        ? { kind: 'helloResult', accepted: true, negotiated: chosen }
        : { kind: 'helloResult', accepted: false, error: { code: 'ERROR_CODE_VERSION_UNSUPPORTED', message: `no common protocol major: camera speaks ${SUPPORTED_VERSIONS.map((v) => v.major).join(', ')}` } };
      o.log.info('session', `hello from controller ${m.deviceSerial}: ${chosen ? `protocol ${chosen.major}.${chosen.minor}` : 'no common version'}`);
      return [hello, result];
    }
    case 'manifestRequest':
      if (!offload) return [{ kind: 'goodbye', reason: { code: 'ERROR_CODE_BAD_REQUEST', message: 'manifestRequest before hello: expected hello first' } }];
      return [{ kind: 'manifest', ...await offload.manifest(m) }];
    case 'chunkRequest':
      if (!offload) return [{ kind: 'goodbye', reason: { code: 'ERROR_CODE_BAD_REQUEST', message: 'chunkRequest before hello: expected hello first' } }];
      return [{ kind: 'chunkResponse', ...await offload.chunk(m) }];
    case 'custodyAck':
      // No reply: the camera deletes or keeps, and says so in its log.
      if (offload) await offload.custody(m);
      else o.log.warn('offload', 'custody ack before hello ignored: nothing deleted');
      return [];
    case 'goodbye':
      return [];
    default:
      return [{ kind: 'goodbye', reason: { code: 'ERROR_CODE_BAD_REQUEST', message: `a camera does not answer ${m.kind}` } }];
  }
}

/** Storage with nothing on it, for a responder given none. */
const emptyStorage: Storage = {
  name: 'none',
  writeAtomic: () => Promise.reject(new Error('no storage')),
  openAppend: () => Promise.reject(new Error('no storage')),
  read: () => Promise.reject(new Error('no storage')),
  readRange: () => Promise.reject(new Error('no storage')),
  size: () => Promise.resolve(undefined),
  list: () => Promise.resolve([]),
  rename: () => Promise.reject(new Error('no storage')),
  remove: () => Promise.reject(new Error('no storage')),
  space: () => Promise.reject(new Error('no storage')),
};

export function startDockResponder(o: DockResponderOptions): DockResponder {
  const bootId = randomBytes(16);
  let socket: MulticastSocket | undefined;
  let server: StreamServer | undefined;
  let up = false;
  let stopped = false;
  let sessions = 0;
  const streams = new Set<Stream>();
  let transition = Promise.resolve();

  const beacon = (address: string, nonce: Uint8Array): Beacon => ({
    nonce, cameraSerial: o.identity.serial, model: o.identity.model, firmwareVersion: FIRMWARE_VERSION,
    systemId: o.enrollment.systemId, sessionPort: server!.port, linkLocalAddress: parseIpv6(address), bayHint: 0, bootId,
  });

  async function linkUp(address: string): Promise<void> {
    server = await o.net.listen(o.dockInterface, 0);
    server.onConnection((s) => void serveSession(s));
    socket = await o.net.joinMulticast(o.dockInterface, DISCOVERY_GROUP, DISCOVERY_PORT);
    socket.onMessage(({ data, from }) => {
      let m;
      try {
        m = decodeDiscoveryDatagram(data);
      } catch (e) {
        o.log.debug('dock', `ignored a malformed discovery datagram from ${from.address}: ${(e as Error).message}`);
        return;
      }
      if (m.kind !== 'solicitation') return;
      socket?.send(encodeDiscoveryDatagram({ kind: 'beacon', ...beacon(address, m.nonce) }), from).catch((e) => o.log.debug('dock', `beacon not sent: ${e.message}`));
    });
    // Announce at once so enumeration does not wait for the next solicitation.
    await socket.send(encodeDiscoveryDatagram({ kind: 'beacon', ...beacon(address, new Uint8Array(0)) })).catch(() => {});
    o.log.info('dock', `docked: link up on ${o.dockInterface} as ${address}, sessions on port ${server.port}`);
  }

  async function linkDown(): Promise<void> {
    const s = socket, v = server;
    socket = undefined;
    server = undefined;
    await s?.close();
    await v?.close();
    for (const st of streams) st.destroy();
    o.log.info('dock', `undocked: link down on ${o.dockInterface}`);
  }

  async function serveSession(stream: Stream): Promise<void> {
    streams.add(stream);
    sessions++;
    const session = new SessionStream(stream);
    try {
      await serveCameraSession(session, { ...o, peer: stream.peer.address });
    } finally {
      streams.delete(stream);
      sessions--;
      stream.destroy();
    }
  }

  const unwatch = o.net.watchLink(o.dockInterface, (i) => {
    if (stopped) return;
    const nowUp = i.up && i.linkLocal !== undefined;
    if (nowUp === up) return;
    up = nowUp;
    const address = i.linkLocal;
    transition = transition.then(() => (nowUp && address ? linkUp(address) : linkDown())).catch((e) => o.log.warn('dock', `dock link ${nowUp ? 'up' : 'down'} handling failed: ${(e as Error).message}`));
  });

  return {
    get linkUp() { return up; },
    get sessions() { return sessions; },
    async stop() {
      stopped = true;
      unwatch();
      await transition;
      if (up) await linkDown();
    },
  };
}
