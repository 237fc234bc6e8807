/**
 * What makes a controller the authority of its body-worn system: the system CA (issues camera
 * certificates at adoption and renewal), the evidence key pair (X25519) that every camera
 * seals its recording keys to, and the controller's own TLS credentials for camera sessions.
 * Made once, kept durably in the controller's storage.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import type { Storage } from '../../hal/storage/contract.js';
import { generateDeviceKey } from '../common/pki/keys.js';
import { certificateStatus } from '../common/pki/certificate-status.js';
import type { DeviceCredentials } from '../common/pki/secure-session.js';
import { createSystemCa, issueDeviceCertificate, type IssuedCertificate, type SystemCa } from '../common/pki/system-ca.js';

export const AUTHORITY_PATH = 'pki/system-authority.json';
/** The controller's own key pair and current certificate (re-derivable: rewritten if unusable). */
export const CONTROLLER_CREDENTIALS_PATH = 'pki/controller-credentials.json';
/** The controller's certificate lives as long as a camera's... */
export const CONTROLLER_CERT_LIFETIME_MS = 8 * 7 * 24 * 3600_000;
/** ...and is renewed when less than this is left, so cameras never see it about to expire. */
export const CONTROLLER_RENEW_BEFORE_MS = 2 * 7 * 24 * 3600_000;

interface StoredController {
  serial: string;
  keyPem: string;
  publicKeyPem: string;
  certPem: string;
}

interface Stored {
  ca: SystemCa;
  evidencePrivateKeyPem: string;
  /** The system's wireless broadcast key, hex (32 bytes); added to older files on open. */
  wirelessBroadcastKeyHex?: string;
}

/** Bytes of the wireless broadcast key (libsodium crypto_auth key size). */
export const WIRELESS_BROADCAST_KEY_LENGTH = 32;

export class SystemAuthority {
  /** Raw 32-byte X25519 public key cameras seal recording keys to. */
  readonly evidencePublicKey: Uint8Array;
  /** Raw 32-byte X25519 private key, to unseal recording keys. */
  readonly evidencePrivateKey: Uint8Array;
  /** The CA certificate as X.509 DER, as enrollment sends it. */
  readonly caCertificateDer: Uint8Array;
  /**
   * The system's wireless broadcast key: cameras authenticate broadcasts and privacy-zone frames
   * with it. Given to cameras only inside mutual TLS (CameraAssignment); the manual's
   * "Show key" hands it to activation kits.
   */
  readonly wirelessBroadcastKey: Uint8Array;

  #controller: Promise<StoredController | undefined> | undefined;
  #issuing: Promise<DeviceCredentials> | undefined;

  private constructor(readonly ca: SystemCa, evidencePrivateKeyPem: string, wirelessBroadcastKeyHex: string, private readonly storage: Storage) {
    this.wirelessBroadcastKey = new Uint8Array(Buffer.from(wirelessBroadcastKeyHex, 'hex'));
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
      if (!/^[0-9a-f]{64}$/.test(s.wirelessBroadcastKeyHex ?? '')) {
        // A file from before wireless broadcast: the key is made once and kept with the rest.
        s.wirelessBroadcastKeyHex = randomBytes(WIRELESS_BROADCAST_KEY_LENGTH).toString('hex');
        await storage.writeAtomic(AUTHORITY_PATH, new TextEncoder().encode(JSON.stringify(s)));
      }
      return new SystemAuthority(s.ca, s.evidencePrivateKeyPem, s.wirelessBroadcastKeyHex!, storage);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw new Error(`system authority in ${storage.name}/${AUTHORITY_PATH} is unusable: ${(e as Error).message}`, { cause: e });
    }
    const ca = createSystemCa(systemId, await generateDeviceKey(), now);
    const evidence = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const wirelessBroadcastKeyHex = randomBytes(WIRELESS_BROADCAST_KEY_LENGTH).toString('hex');
    await storage.writeAtomic(AUTHORITY_PATH, new TextEncoder().encode(JSON.stringify({ ca, evidencePrivateKeyPem: evidence, wirelessBroadcastKeyHex } satisfies Stored)));
    return new SystemAuthority(ca, evidence, wirelessBroadcastKeyHex, storage);
  }

  get systemId(): string {
    return this.ca.systemId;
  }

  /** A camera certificate for the SubjectPublicKeyInfo DER `spki`. */
  issueCamera(serial: string, spki: Uint8Array, now: number): IssuedCertificate {
    const publicKeyPem = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;
    return issueDeviceCertificate(this.ca, { serial, publicKeyPem }, now);
  }

  /**
   * The controller's own credentials for mutual TLS with cameras: its key pair (made once, off
   * the main thread, on first use, kept in CONTROLLER_CREDENTIALS_PATH) and a certificate for
   * `serial` (marked as the controller's), re-issued when less than CONTROLLER_RENEW_BEFORE_MS
   * is left at `now` (device clock), when not yet valid at `now`, or when the serial or CA
   * changed. Concurrent calls share one generation. Throws when storage cannot keep them.
   */
  async controllerCredentials(serial: string, now: number): Promise<DeviceCredentials> {
    while (this.#issuing) await this.#issuing.catch(() => undefined);
    this.#issuing = this.#controllerCredentials(serial, now);
    try {
      return await this.#issuing;
    } finally {
      this.#issuing = undefined;
    }
  }

  async #controllerCredentials(serial: string, now: number): Promise<DeviceCredentials> {
    this.#controller ??= this.#loadController().catch((e: unknown) => { this.#controller = undefined; throw e; });
    let stored = await this.#controller;
    const verdict = stored && certificateStatus(stored.certPem, this.ca.certPem, now);
    const current = stored !== undefined && stored.serial === serial && verdict !== undefined
      && (verdict.kind === 'valid' || verdict.kind === 'about-to-expire') && verdict.role === 'controller'
      && verdict.notAfter - now >= CONTROLLER_RENEW_BEFORE_MS;
    if (!stored || !current) {
      const key = stored ? { publicKeyPem: stored.publicKeyPem, privateKeyPem: stored.keyPem } : await generateDeviceKey();
      const issued = issueDeviceCertificate(this.ca, { serial, publicKeyPem: key.publicKeyPem, role: 'controller' }, now, CONTROLLER_CERT_LIFETIME_MS);
      const next: StoredController = { serial, keyPem: key.privateKeyPem, publicKeyPem: key.publicKeyPem, certPem: issued.certPem };
      try {
        await this.storage.writeAtomic(CONTROLLER_CREDENTIALS_PATH, new TextEncoder().encode(JSON.stringify(next)));
      } catch (e) {
        throw new Error(`controller credentials could not be kept in ${this.storage.name}/${CONTROLLER_CREDENTIALS_PATH}: ${(e as Error).message}`, { cause: e });
      }
      stored = next;
      this.#controller = Promise.resolve(next);
    }
    return { keyPem: stored.keyPem, certPem: stored.certPem, caCertPem: this.ca.certPem };
  }

  /** The stored controller credentials, or undefined when absent or unusable (they are made again). */
  async #loadController(): Promise<StoredController | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.storage.read(CONTROLLER_CREDENTIALS_PATH);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw new Error(`controller credentials in ${this.storage.name}/${CONTROLLER_CREDENTIALS_PATH} are unreadable: ${(e as Error).message}`, { cause: e });
    }
    try {
      const s = JSON.parse(new TextDecoder().decode(bytes)) as StoredController;
      if (typeof s.serial !== 'string' || typeof s.certPem !== 'string' || typeof s.publicKeyPem !== 'string') return undefined;
      // The key must be a usable private key matching its public half.
      const pub = createPublicKey(createPrivateKey(s.keyPem)).export({ type: 'spki', format: 'pem' }) as string;
      return pub === createPublicKey(s.publicKeyPem).export({ type: 'spki', format: 'pem' }) ? s : undefined;
    } catch {
      return undefined;
    }
  }
}
