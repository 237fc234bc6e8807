/**
 * One session from the controller to a docked camera: connect to its scoped link-local address,
 * exchange hellos (version negotiation), read its manifest. Offload grows here next.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import type { Clock } from '../../hal/clock/contract.js';
import { formatEndpoint, type Net } from '../../hal/net/contract.js';
import type { DeviceIdentity } from '../../hal/boards/contract.js';
import { ASSIGNMENT_MINOR, SUPPORTED_VERSIONS, SessionStream, type ProtocolVersion, type Recording, type SessionMessage } from '../../protocols/index.js';
import type { AssignmentVerdict, CameraAssignments } from './assignments.js';
import type { PairingStore } from './pairing/pairing-store.js';
import { applyPairingReport, pairingsForCamera } from './pairing/dock-exchange.js';
import { SessionChannel } from './session-channel.js';
import { upgradeToTlsClient } from '../common/pki/session-upgrade.js';
import { PeerRejectedError, acceptCamera } from '../common/pki/secure-session.js';
import { CAMERA_CERT_LIFETIME_MS } from '../common/pki/system-ca.js';
import { FIRMWARE_VERSION } from '../common/version.js';
import type { DockedCamera } from './dock-table.js';
import type { SystemAuthority } from './system-authority.js';

/** The camera belongs to another system (its certificate chains to another CA): no offload. */
export class UnknownCameraError extends Error {
  readonly code = 'EUNKNOWN_CAMERA';
  constructor(readonly serial: string, readonly systemId: string, ours: string) {
    super(`Unknown camera ${serial}: it belongs to system ${systemId}, not to ${ours}; reset it and add it to this system to use it`);
    this.name = 'UnknownCameraError';
  }
}

/**
 * The camera's certificate is no longer acceptable (expired, not yet valid, malformed): the
 * manual's "In safe mode". Its recordings stay on it; no offload until it is let back in.
 */
export class SafeModeCameraError extends Error {
  readonly code = 'ESAFE_MODE';
  constructor(readonly serial: string, readonly verdict: string, cause: Error) {
    super(`Camera ${serial} is in safe mode: its certificate is not valid (${verdict}); its recordings stay on it until it is allowed back into the system`, { cause });
    this.name = 'SafeModeCameraError';
  }
}

/** 'member' of this system, 'renewed' (a member whose certificate was renewed now), 'adopted' just now, or 'unadopted' (adoption off). */
export type Membership = 'member' | 'renewed' | 'adopted' | 'unadopted';
/** A camera certificate older than this is renewed when the camera docks. */
export const RENEW_AFTER_MS = 24 * 3600_000;

export const HELLO_TIMEOUT_MS = 5_000;
/** Adoption makes a key on the camera and signs a certificate here: it gets longer. */
export const ENROLL_TIMEOUT_MS = 30_000;
/** The manifest is asked for again this often: news for offload, and proof the camera is there. */
export const MANIFEST_POLL_MS = 10_000;
/** A poll unanswered for this long ends the session. */
export const POLL_TIMEOUT_MS = 5_000;
/** A manifest longer than this many pages is refused (a camera holds far fewer recordings). */
export const MAX_MANIFEST_PAGES = 10_000;

export interface CameraSession {
  membership: Membership;
  version: ProtocolVersion;
  cameraFirmware: string;
  recordings: number;
  /** The camera's answer to its assignment this session (undefined: none sent). */
  assignment: AssignmentVerdict | undefined;
  /** Requests on the session (offload). */
  channel: SessionChannel;
  /** Every manifest read (at open and each poll), all pages: returns an unsubscribe. */
  onManifest(listener: (recordings: Recording[]) => void): () => void;
  /** Read the manifest now (undefined when a read is under way or the session ended). */
  pollNow(): Promise<Recording[] | undefined>;
  /** Resolves with the reason when the session ends. */
  closed: Promise<string>;
  close(): Promise<void>;
}

export interface SessionOptions {
  net: Net;
  clock: Clock;
  camera: DockedCamera;
  identity: DeviceIdentity;
  authority: SystemAuthority;
  /** "Add cameras" is on: enroll unadopted cameras into this system. */
  adopt: boolean;
  /** Users, profiles and evaluation mode, sent to each member inside mutual TLS. */
  assignments?: CameraAssignments;
  /** Holster sensors paired per user: sent with the assignment, outcomes taken from the answer. */
  pairings?: PairingStore;
}

export async function openCameraSession(o: SessionOptions): Promise<CameraSession> {
  const where = formatEndpoint(o.camera.endpoint);
  const stream = await o.net.connect(o.camera.endpoint, HELLO_TIMEOUT_MS);
  let session = new SessionStream(stream);
  let timer = o.clock.setTimeout(() => stream.destroy(new Error(`no hello from camera at ${where} within ${HELLO_TIMEOUT_MS} ms`)), HELLO_TIMEOUT_MS);
  const expect = async <K extends SessionMessage['kind']>(kind: K): Promise<Extract<SessionMessage, { kind: K }>> => {
    const m = await session.read();
    if (!m) throw new Error(`camera at ${where} closed the session while the controller expected ${kind}`);
    if (m.kind !== kind) throw new Error(`camera at ${where} sent ${m.kind} where the controller expected ${kind}`);
    return m as Extract<SessionMessage, { kind: K }>;
  };
  try {
    await session.send({
      kind: 'hello', role: 'ROLE_CONTROLLER', supported: [...SUPPORTED_VERSIONS], deviceSerial: o.identity.serial,
      firmwareVersion: FIRMWARE_VERSION, systemId: o.authority.systemId, nonce: randomBytes(16),
    });
    const hello = await expect('hello');
    const result = await expect('helloResult');
    if (!result.accepted) throw new Error(`camera ${hello.deviceSerial} refused the session: ${result.error.message}`);
    let membership: Membership = 'member';
    if (hello.systemId === '') {
      membership = o.adopt ? await enroll() : 'unadopted';
    } else if (hello.systemId !== o.authority.systemId) {
      await session.send({ kind: 'goodbye', reason: { code: 'ERROR_CODE_OTHER_SYSTEM', message: `this controller serves system ${o.authority.systemId}` } }).catch(() => {});
      throw new UnknownCameraError(hello.deviceSerial, hello.systemId, o.authority.systemId);
    }
    timer.cancel();
    if (membership !== 'unadopted') {
      // Members (and cameras adopted just now) continue inside mutual TLS.
      const creds = await o.authority.controllerCredentials(o.identity.serial, o.clock.now());
      try {
        let peer;
        ({ session, peer } = await upgradeToTlsClient(session, creds, o.clock, where, acceptCamera(hello.deviceSerial)));
        // The certificate is renewed at every dock (once a day at most), so only a camera kept
        // away from its docks for 8 weeks expires and falls into safe mode.
        if (membership === 'member' && peer.notAfter - o.clock.now() < CAMERA_CERT_LIFETIME_MS - RENEW_AFTER_MS) {
          await enroll();
          membership = 'renewed';
        }
      } catch (e) {
        if (e instanceof PeerRejectedError && e.verdict.kind === 'unknown-system') throw new UnknownCameraError(hello.deviceSerial, hello.systemId || '(unknown)', o.authority.systemId);
        if (e instanceof PeerRejectedError) throw new SafeModeCameraError(hello.deviceSerial, e.verdict.kind, e);
        throw e;
      }
    }
    let assignment: AssignmentVerdict | undefined;
    if (membership !== 'unadopted' && result.negotiated.minor >= ASSIGNMENT_MINOR && o.assignments) {
      const message = o.assignments.messageFor(hello.deviceSerial, o.authority.wirelessBroadcastKey);
      if (message && o.pairings && message.userId) {
        const holsterPairings = pairingsForCamera(o.pairings, message.userId);
        if (holsterPairings.sensors.length > 0) message.holsterPairings = holsterPairings;
      }
      if (message) {
        timer = o.clock.setTimeout(() => stream.destroy(new Error(`camera at ${where} did not answer its assignment within ${HELLO_TIMEOUT_MS} ms`)), HELLO_TIMEOUT_MS);
        await session.send({ kind: 'cameraAssignment', ...message });
        const answer = await expect('cameraAssignmentResult');
        timer.cancel();
        assignment = o.assignments.record(hello.deviceSerial, answer, o.clock.now());
        // Pairing outcomes are about the user the camera had; a report about another user is not applied.
        const report = answer.holsterReport;
        if (report && o.pairings && report.sensors.length > 0 && report.userId !== '') {
          await applyPairingReport(o.pairings, report.userId, report).catch((e: Error) => { assignment!.pairingError = e.message; });
        }
      }
    }
    const channel = new SessionChannel(session, o.clock, where);
    const manifestListeners = new Set<(recordings: Recording[]) => void>();
    const live = { membership, version: result.negotiated, cameraFirmware: hello.firmwareVersion, recordings: 0 };
    const fetchManifest = async (): Promise<Recording[]> => {
      const all: Recording[] = [];
      let after: Uint8Array = new Uint8Array(0);
      for (let page = 0; ; page++) {
        if (page > MAX_MANIFEST_PAGES) throw new Error(`camera at ${where} sent more than ${MAX_MANIFEST_PAGES} manifest pages`);
        const m = await channel.request({ kind: 'manifestRequest', afterRecordingId: after, maxRecordings: 0 }, 'manifest', POLL_TIMEOUT_MS);
        all.push(...m.recordings);
        const last = m.recordings[m.recordings.length - 1];
        if (!m.more || !last) break;
        after = last.recordingId;
      }
      live.recordings = all.length;
      for (const l of manifestListeners) l(all);
      return all;
    };
    await fetchManifest();
    let polling = false;
    const pollNow = async (): Promise<Recording[] | undefined> => {
      if (polling || !channel.isOpen) return undefined;
      polling = true;
      try {
        return await fetchManifest();
      } catch (e) {
        channel.close((e as Error).message);
        return undefined;
      } finally {
        polling = false;
      }
    };
    const poll = o.clock.setInterval(() => void pollNow(), MANIFEST_POLL_MS);
    const closed = channel.closed.then((reason) => { poll.cancel(); return reason; });
    return {
      get membership() { return live.membership; },
      get version() { return live.version; },
      get cameraFirmware() { return live.cameraFirmware; },
      get recordings() { return live.recordings; },
      assignment,
      channel,
      onManifest(listener) {
        manifestListeners.add(listener);
        return () => manifestListeners.delete(listener);
      },
      pollNow,
      closed,
      async close() {
        poll.cancel();
        channel.close('closed by the controller', true);
      },
    };
  } catch (e) {
    timer.cancel();
    stream.destroy();
    throw e;
  }

  /** Adoption: the camera's key in, a certificate of this system out. */
  async function enroll(): Promise<Membership> {
    timer.cancel();
    timer = o.clock.setTimeout(() => stream.destroy(new Error(`adoption of camera at ${where} did not finish within ${ENROLL_TIMEOUT_MS} ms`)), ENROLL_TIMEOUT_MS);
    await session.send({ kind: 'enrollmentRequest', systemId: o.authority.systemId });
    const key = await expect('enrollmentKey');
    const issued = o.authority.issueCamera(o.camera.serial, key.publicKey, o.clock.now());
    await session.send({
      kind: 'enrollment', systemId: o.authority.systemId, certificate: new Uint8Array(new X509Certificate(issued.certPem).raw),
      caCertificate: o.authority.caCertificateDer, evidencePublicKey: o.authority.evidencePublicKey,
    });
    const done = await expect('enrollmentResult');
    if (!done.accepted) throw new Error(`camera ${o.camera.serial} refused adoption: ${done.error.message}`);
    return 'adopted';
  }
}
