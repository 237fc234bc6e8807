/**
 * Mutually authenticated sessions: TLS over any stream the net driver gives (real TCP or the
 * emulated link). TLS proves each side holds the key of its certificate; whether that
 * certificate is acceptable is judged by certificateStatus against the device Clock, so expiry
 * follows virtual time in the emulated world and the rules (Unknown camera, safe mode) stay ours.
 */
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Clock } from '../../../hal/clock/contract.js';
import { certificateStatus, type CertificateVerdict } from './certificate-status.js';

export interface DeviceCredentials {
  keyPem: string;
  certPem: string;
  /** The system CA this device trusts. */
  caCertPem: string;
}

/**
 * Decides on a peer whose certificate is of this system and in date: true to go on, false or a
 * reason (e.g. "a camera certificate, expected the controller's") to refuse it.
 */
export type PeerCheck = (v: AcceptableVerdict) => boolean | string;
export type AcceptableVerdict = Extract<CertificateVerdict, { kind: 'valid' | 'about-to-expire' }>;

/** The peer's certificate was not acceptable; `verdict` says why (unknown-system, expired, ...). */
export class PeerRejectedError extends Error {
  readonly code = 'EPEER';
  constructor(readonly verdict: CertificateVerdict, where: string, refusal?: string) {
    super(`${where}: peer certificate refused (${refusal ?? `${verdict.kind}${'reason' in verdict ? `: ${verdict.reason}` : ''}`})`);
    this.name = 'PeerRejectedError';
  }
}

/** The TLS handshake did not complete: 'timeout', 'closed' by the peer, 'not-tls' (the peer sent something else), or another 'tls' failure. */
export class TlsHandshakeError extends Error {
  readonly code = 'ETLS';
  constructor(readonly reason: 'timeout' | 'closed' | 'not-tls' | 'tls', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsHandshakeError';
  }
}

export interface SecureStream {
  socket: tls.TLSSocket;
  peer: AcceptableVerdict;
}

export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Only the controller's certificate (a camera's certificate cannot pass for the controller). */
export const acceptController: PeerCheck = (v) => v.role === 'controller' || `${v.serial} holds a camera certificate, expected the controller's`;

/** Only a camera certificate, and if `serial` is given, that camera's (the serial its hello named). */
export function acceptCamera(serial?: string): PeerCheck {
  return (v) => {
    if (v.role !== 'camera') return `${v.serial} holds a controller certificate, expected a camera's`;
    if (serial !== undefined && v.serial !== serial) return `the certificate names camera ${v.serial}, but the session is with ${serial}`;
    return true;
  };
}

// OpenSSL's words for records that are not TLS (plaintext where a handshake was expected).
const NOT_TLS = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|UNKNOWN_PROTOCOL|RECORD_LENGTH_MISMATCH|UNEXPECTED_RECORD|BAD_RECORD_TYPE|UNSUPPORTED_PROTOCOL/;

function settle(socket: tls.TLSSocket, event: 'secure' | 'secureConnect', clock: Clock, creds: DeviceCredentials, where: string, accept: PeerCheck, timeoutMs: number): Promise<SecureStream> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => fail(new TlsHandshakeError('timeout', `${where}: TLS handshake did not finish within ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    const fail = (e: Error) => { if (settled) return; settled = true; timer.cancel(); socket.destroy(); reject(e); };
    socket.once('error', (e: Error & { code?: string }) => {
      const notTls = NOT_TLS.test(`${e.code ?? ''} ${e.message}`);
      fail(notTls
        ? new TlsHandshakeError('not-tls', `${where}: the peer did not speak TLS where the handshake was expected (${e.message.trim()}); it may not support the secure session upgrade`, { cause: e })
        : new TlsHandshakeError('tls', `${where}: TLS failed: ${e.message}`, { cause: e }));
    });
    socket.once('close', () => fail(new TlsHandshakeError('closed', `${where}: the peer closed the connection during the TLS handshake (it may have refused this device's certificate)`)));
    socket.once(event, () => {
      if (settled) return;
      timer.cancel();
      const peer = socket.getPeerCertificate();
      if (!peer?.raw) return fail(new PeerRejectedError({ kind: 'malformed', reason: 'no certificate presented' }, where));
      const verdict = certificateStatus(peer.raw, creds.caCertPem, clock.now());
      if (verdict.kind !== 'valid' && verdict.kind !== 'about-to-expire') return fail(new PeerRejectedError(verdict, where));
      const decision = accept(verdict);
      if (decision !== true) return fail(new PeerRejectedError(verdict, where, typeof decision === 'string' ? decision : undefined));
      settled = true;
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      resolve({ socket, peer: verdict });
    });
  });
}

const options = (c: DeviceCredentials) => ({
  key: c.keyPem, cert: c.certPem, ca: [c.caCertPem],
  // Our own check (certificateStatus, on the device Clock) decides; TLS still proves key possession.
  rejectUnauthorized: false, minVersion: 'TLSv1.3' as const,
});

/** The initiating side (the controller) over `stream`. */
export function secureClient(stream: Duplex, creds: DeviceCredentials, clock: Clock, where: string, accept: PeerCheck = () => true, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<SecureStream> {
  const socket = tls.connect({ ...options(creds), socket: stream, checkServerIdentity: () => undefined });
  return settle(socket, 'secureConnect', clock, creds, where, accept, timeoutMs);
}

/** The answering side (the camera) over `stream`; it asks the peer for its certificate. */
export function secureServer(stream: Duplex, creds: DeviceCredentials, clock: Clock, where: string, accept: PeerCheck = () => true, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<SecureStream> {
  const socket = new tls.TLSSocket(stream, { ...options(creds), isServer: true, requestCert: true });
  return settle(socket, 'secure', clock, creds, where, accept, timeoutMs);
}
