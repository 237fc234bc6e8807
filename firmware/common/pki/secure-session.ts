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

/** The peer's certificate was not acceptable; `verdict` says why (unknown-system, expired, ...). */
export class PeerRejectedError extends Error {
  readonly code = 'EPEER';
  constructor(readonly verdict: CertificateVerdict, where: string) {
    super(`${where}: peer certificate refused (${verdict.kind}${'reason' in verdict ? `: ${verdict.reason}` : ''})`);
    this.name = 'PeerRejectedError';
  }
}

export interface SecureStream {
  socket: tls.TLSSocket;
  peer: Extract<CertificateVerdict, { kind: 'valid' | 'about-to-expire' }>;
}

export const HANDSHAKE_TIMEOUT_MS = 10_000;

function settle(socket: tls.TLSSocket, event: 'secure' | 'secureConnect', clock: Clock, creds: DeviceCredentials, where: string, accept: (v: CertificateVerdict) => boolean): Promise<SecureStream> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => fail(new Error(`${where}: TLS handshake did not finish within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
    let settled = false;
    const fail = (e: Error) => { if (settled) return; settled = true; timer.cancel(); socket.destroy(); reject(e); };
    socket.once('error', (e) => fail(new Error(`${where}: TLS failed: ${e.message}`, { cause: e })));
    socket.once('close', () => fail(new Error(`${where}: the peer closed the connection during the TLS handshake (it may have refused this device's certificate)`)));
    socket.once(event, () => {
      if (settled) return;
      timer.cancel();
      const peer = socket.getPeerCertificate();
      if (!peer?.raw) return fail(new PeerRejectedError({ kind: 'malformed', reason: 'no certificate presented' }, where));
      const verdict = certificateStatus(peer.raw, creds.caCertPem, clock.now());
      if ((verdict.kind !== 'valid' && verdict.kind !== 'about-to-expire') || !accept(verdict)) return fail(new PeerRejectedError(verdict, where));
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
export function secureClient(stream: Duplex, creds: DeviceCredentials, clock: Clock, where: string, accept: (v: CertificateVerdict) => boolean = () => true): Promise<SecureStream> {
  const socket = tls.connect({ ...options(creds), socket: stream, checkServerIdentity: () => undefined });
  return settle(socket, 'secureConnect', clock, creds, where, accept);
}

/** The answering side (the camera) over `stream`; it asks the peer for its certificate. */
export function secureServer(stream: Duplex, creds: DeviceCredentials, clock: Clock, where: string, accept: (v: CertificateVerdict) => boolean = () => true): Promise<SecureStream> {
  const socket = new tls.TLSSocket(stream, { ...options(creds), isServer: true, requestCert: true });
  return settle(socket, 'secure', clock, creds, where, accept);
}
