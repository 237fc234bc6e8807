/**
 * What makes a controller the authority of its body-worn system: the system CA (issues camera
 * certificates at adoption and renewal) and the evidence key pair (X25519) that every camera
 * seals its recording keys to. Made once, kept durably in the controller's storage.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import type { Storage } from '../../hal/storage/contract.js';
import { generateDeviceKey } from '../common/pki/keys.js';
import { createSystemCa, issueDeviceCertificate, type IssuedCertificate, type SystemCa } from '../common/pki/system-ca.js';

export const AUTHORITY_PATH = 'pki/system-authority.json';

interface Stored {
  ca: SystemCa;
  evidencePrivateKeyPem: string;
}

export class SystemAuthority {
  /** Raw 32-byte X25519 public key cameras seal recording keys to. */
  readonly evidencePublicKey: Uint8Array;
  /** Raw 32-byte X25519 private key, to unseal recording keys. */
  readonly evidencePrivateKey: Uint8Array;
  /** The CA certificate as X.509 DER, as enrollment sends it. */
  readonly caCertificateDer: Uint8Array;

  private constructor(readonly ca: SystemCa, evidencePrivateKeyPem: string) {
    const privateKey = createPrivateKey(evidencePrivateKeyPem);
    this.evidencePrivateKey = new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
    this.evidencePublicKey = new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url'));
    this.caCertificateDer = new Uint8Array(new X509Certificate(ca.certPem).raw);
  }

  /** Load this system's authority from `storage`, or make it (first boot of the system). */
  static async open(storage: Storage, systemId: string, now: number): Promise<SystemAuthority> {
    try {
      const s = JSON.parse(new TextDecoder().decode(await storage.read(AUTHORITY_PATH))) as Stored;
      if (s.ca?.systemId !== systemId) throw new Error(`${AUTHORITY_PATH} belongs to system ${s.ca?.systemId}, not ${systemId}`);
      new X509Certificate(s.ca.certPem);
      return new SystemAuthority(s.ca, s.evidencePrivateKeyPem);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw new Error(`system authority in ${storage.name}/${AUTHORITY_PATH} is unusable: ${(e as Error).message}`, { cause: e });
    }
    const ca = createSystemCa(systemId, await generateDeviceKey(), now);
    const evidence = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await storage.writeAtomic(AUTHORITY_PATH, new TextEncoder().encode(JSON.stringify({ ca, evidencePrivateKeyPem: evidence } satisfies Stored)));
    return new SystemAuthority(ca, evidence);
  }

  get systemId(): string {
    return this.ca.systemId;
  }

  /** A camera certificate for the SubjectPublicKeyInfo DER `spki`. */
  issueCamera(serial: string, spki: Uint8Array, now: number): IssuedCertificate {
    const publicKeyPem = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;
    return issueDeviceCertificate(this.ca, { serial, publicKeyPem }, now);
  }
}
