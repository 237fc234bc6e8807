/**
 * The body-worn system's certificate authority (node-forge): made once per system, it issues
 * each adopted camera a certificate for 8 weeks, renewed at every dock. A camera whose
 * certificate chains to another system's CA is an "Unknown camera".
 */
import forge from 'node-forge';
import { randomBytes } from 'node:crypto';
import type { KeyPair } from './keys.js';

/** A camera certificate lives 8 weeks; renewed at every dock. */
export const CAMERA_CERT_LIFETIME_MS = 8 * 7 * 24 * 3600_000;
/** The system CA lives 20 years. */
export const CA_LIFETIME_MS = 20 * 365 * 24 * 3600_000;
/** Certificates are back-dated this much, so a device whose clock is a little behind accepts them. */
export const BACKDATE_MS = 10 * 60_000;

export interface SystemCa {
  systemId: string;
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  notBefore: number;
  notAfter: number;
}

const serialNumber = () => `01${randomBytes(15).toString('hex')}`;

/** Make the CA of system `systemId` with its key pair, valid from `now` (device clock, epoch ms). */
export function createSystemCa(systemId: string, key: KeyPair, now: number): SystemCa {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(systemId)) throw new TypeError(`system id must be 1-64 letters, digits or '-', got ${JSON.stringify(systemId)}`);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + CA_LIFETIME_MS);
  const name = [{ name: 'commonName', value: `bwc system ${systemId} CA` }, { name: 'organizationalUnitName', value: systemId }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(key.privateKeyPem), forge.md.sha256.create());
  return { systemId, certPem: forge.pki.certificateToPem(cert), keyPem: key.privateKeyPem };
}

/** Which kind of device a certificate names: a camera's cannot pass for the controller's. */
export type DeviceRole = 'camera' | 'controller';

/** The subject organization that marks a controller certificate (camera certificates carry none). */
export const CONTROLLER_ORGANIZATION = 'bwc controller';

/**
 * Issue a device certificate to `serial` for `publicKeyPem`, valid from `now` for `lifetimeMs`
 * (8 weeks for cameras). The subject carries the serial (CN), the system id (OU) and, for the
 * controller, O=CONTROLLER_ORGANIZATION.
 */
export function issueDeviceCertificate(ca: SystemCa, device: { serial: string; publicKeyPem: string; role?: DeviceRole }, now: number, lifetimeMs = CAMERA_CERT_LIFETIME_MS): IssuedCertificate {
  if (!/^[A-Za-z0-9-]{1,32}$/.test(device.serial)) throw new TypeError(`device serial must be 1-32 letters, digits or '-', got ${JSON.stringify(device.serial)}`);
  let publicKey: forge.pki.PublicKey;
  try {
    publicKey = forge.pki.publicKeyFromPem(device.publicKeyPem);
  } catch (cause) {
    throw new TypeError(`device ${device.serial}: public key is not an RSA public key in PEM form`, { cause });
  }
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  const notBefore = now - BACKDATE_MS, notAfter = now + lifetimeMs;
  cert.validity.notBefore = new Date(notBefore);
  cert.validity.notAfter = new Date(notAfter);
  cert.setSubject([
    { name: 'commonName', value: device.serial }, { name: 'organizationalUnitName', value: ca.systemId },
    ...(device.role === 'controller' ? [{ name: 'organizationName', value: CONTROLLER_ORGANIZATION }] : []),
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), notBefore: Math.floor(notBefore / 1000) * 1000, notAfter: Math.floor(notAfter / 1000) * 1000 };
}
