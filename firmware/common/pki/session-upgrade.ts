/**
 * STARTTLS for sessions: after the plaintext hello (or enrollment) on a SessionStream, both
 * sides switch the same connection to mutual TLS; everything after flows inside it.
 */
import type { Clock } from '../../../hal/clock/contract.js';
import { SessionStream } from '../../../protocols/stream.js';
import { HANDSHAKE_TIMEOUT_MS, secureClient, secureServer, type AcceptableVerdict, type DeviceCredentials, type PeerCheck, type SecureStream } from './secure-session.js';

export interface SecureSession {
  /** The session inside TLS (same maximum frame size as the plaintext one). */
  session: SessionStream;
  /** The peer's certificate verdict: its serial, system, role and expiry. */
  peer: AcceptableVerdict;
}

type Handshake = typeof secureClient;

async function upgrade(handshake: Handshake, session: SessionStream, creds: DeviceCredentials, clock: Clock, where: string, accept: PeerCheck | undefined, timeoutMs: number): Promise<SecureSession> {
  let raw;
  try {
    raw = await session.detach();
  } catch (e) {
    session.destroy();
    throw e;
  }
  let secure: SecureStream;
  try {
    secure = await handshake(raw, creds, clock, where, accept, timeoutMs);
  } catch (e) {
    raw.destroy();
    throw e;
  }
  return { session: new SessionStream(secure.socket, { maxFrameBytes: session.maxFrameBytes }), peer: secure.peer };
}

/**
 * The controller's side: call right after reading the camera's last plaintext message
 * (helloResult, or enrollmentResult when adopting). Throws (and closes the connection):
 * ProtocolError when the camera already sent more, PeerRejectedError (verdict: unknown-system,
 * expired, not-yet-valid, malformed, or refused by `accept`), TlsHandshakeError (timeout on
 * `clock`, closed, not-tls, tls).
 */
export function upgradeToTlsClient(session: SessionStream, creds: DeviceCredentials, clock: Clock, where: string, accept?: PeerCheck, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<SecureSession> {
  return upgrade(secureClient, session, creds, clock, where, accept, timeoutMs);
}

/**
 * The camera's side: call right after sending its last plaintext message (helloResult, or
 * enrollmentResult), without reading again first. Throws as upgradeToTlsClient.
 */
export function upgradeToTlsServer(session: SessionStream, creds: DeviceCredentials, clock: Clock, where: string, accept?: PeerCheck, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<SecureSession> {
  return upgrade(secureServer, session, creds, clock, where, accept, timeoutMs);
}
