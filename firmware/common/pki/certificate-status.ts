/**
 * What a presented certificate means for this system, judged against the device Clock (not the
 * host's time, so virtual time rules in the emulated world): valid, about to expire (< 1 week),
 * expired (the camera goes to safe mode), not yet valid (clock mismatch), from another system
 * (Unknown camera), or malformed.
 */
import { X509Certificate } from 'node:crypto';

export const ABOUT_TO_EXPIRE_MS = 7 * 24 * 3600_000;

/** 'controller' when the subject carries O=bwc controller (see system-ca.ts), else 'camera'. */
export type CertificateRole = 'camera' | 'controller';

export type CertificateVerdict =
  | { kind: 'valid' | 'about-to-expire'; serial: string; systemId: string; role: CertificateRole; notAfter: number }
  | { kind: 'expired' | 'not-yet-valid'; serial: string; systemId: string; role: CertificateRole; notAfter: number; reason: string }
  | { kind: 'unknown-system'; serial: string; systemId: string; reason: string }
  | { kind: 'malformed'; reason: string };

const field = (subject: string, key: string) => new RegExp(`(?:^|\\n)${key}=([^\\n]*)`).exec(subject)?.[1] ?? '';

/** Judge `certPem` (PEM text or DER bytes) against this system's CA certificate at `now` (epoch ms). */
export function certificateStatus(cert: string | Uint8Array, caCertPem: string, now: number): CertificateVerdict {
  let x: X509Certificate;
  try {
    x = new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert));
  } catch (e) {
    return { kind: 'malformed', reason: `not an X.509 certificate: ${(e as Error).message}` };
  }
  const ca = new X509Certificate(caCertPem);
  const serial = field(x.subject, 'CN');
  const systemId = field(x.subject, 'OU');
  const role: CertificateRole = field(x.subject, 'O') === 'bwc controller' ? 'controller' : 'camera';
  if (x.issuer !== ca.subject || !x.verify(ca.publicKey)) {
    return { kind: 'unknown-system', serial, systemId, reason: `certificate of ${serial || 'an unnamed device'} is issued by "${x.issuer.replaceAll('\n', ', ')}", not by this system's CA` };
  }
  if (x.ca) return { kind: 'unknown-system', serial, systemId, reason: 'a CA certificate is not a device certificate' };
  const notBefore = Date.parse(x.validFrom), notAfter = Date.parse(x.validTo);
  if (now < notBefore) return { kind: 'not-yet-valid', serial, systemId, role, notAfter, reason: `valid from ${new Date(notBefore).toISOString()}, but the clock says ${new Date(now).toISOString()}: check the system time` };
  if (now >= notAfter) return { kind: 'expired', serial, systemId, role, notAfter, reason: `expired ${new Date(notAfter).toISOString()}` };
  return { kind: notAfter - now < ABOUT_TO_EXPIRE_MS ? 'about-to-expire' : 'valid', serial, systemId, role, notAfter };
}
