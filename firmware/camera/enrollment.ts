/**
 * The camera's side of adoption: it makes its own key pair (the private key never leaves it),
 * sends the public key when a controller asks to adopt it, checks the credentials it gets back
 * (certificate for its own key, chained to the CA it was sent, valid on its clock), and keeps
 * them durably. A camera adopted by one system refuses another until it is reset.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { Clock } from '../../hal/clock/contract.js';
import type { Storage } from '../../hal/storage/contract.js';
import type { SessionMessage } from '../../protocols/index.js';
import { generateDeviceKey, type KeyPair } from '../common/pki/keys.js';
import { certificateStatus } from '../common/pki/certificate-status.js';
import type { Log } from '../common/log.js';

export const CREDENTIALS_PATH = 'identity/credentials.json';
/** The camera's own key pair, made once at first boot; the private key never leaves the camera. */
export const DEVICE_KEY_PATH = 'identity/device-key.json';

export interface CameraCredentials {
  systemId: string;
  keyPem: string;
  certPem: string;
  caCertPem: string;
  /** X25519 public key recording keys are sealed to, hex. */
  evidencePublicKey: string;
}

const pemOf = (bytes: Uint8Array) => new X509Certificate(Buffer.from(bytes)).toString();

export class CameraEnrollment {
  private credentials: CameraCredentials | undefined;
  private pending: { systemId: string } | undefined;
  private key: Promise<KeyPair> | undefined;

  constructor(private readonly o: { storage: Storage; clock: Clock; serial: string; log: Log }) {}

  /**
   * Restore stored credentials (a damaged file is reported and the camera stays unadopted), and
   * load the device key, or start making it in the background (first boot) without delaying boot.
   */
  async load(): Promise<void> {
    this.key = this.loadOrMakeKey();
    this.key.catch((e) => this.o.log.warn('adoption', `device key unavailable: ${(e as Error).message}`));
    await this.loadCredentials();
  }

  /** Resolves when the device key exists (at once after the first boot). */
  async ready(): Promise<void> {
    await this.key;
  }

  private async loadOrMakeKey(): Promise<KeyPair> {
    try {
      const k = JSON.parse(new TextDecoder().decode(await this.o.storage.read(DEVICE_KEY_PATH))) as KeyPair;
      createPublicKey(k.publicKeyPem);
      return k;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') this.o.log.warn('adoption', `${DEVICE_KEY_PATH} unusable (${(e as Error).message}): making a new device key`);
    }
    const k = await generateDeviceKey();
    await this.o.storage.writeAtomic(DEVICE_KEY_PATH, new TextEncoder().encode(JSON.stringify(k)));
    return k;
  }

  private async loadCredentials(): Promise<void> {
    let text: string;
    try {
      text = new TextDecoder().decode(await this.o.storage.read(CREDENTIALS_PATH));
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') this.o.log.warn('adoption', `credentials unreadable (${(e as Error).message}): camera is unadopted until adopted again`);
      return;
    }
    try {
      const c = JSON.parse(text) as CameraCredentials;
      for (const k of ['systemId', 'keyPem', 'certPem', 'caCertPem', 'evidencePublicKey'] as const) {
        if (typeof c[k] !== 'string' || c[k] === '') throw new Error(`field ${k} is missing`);
      }
      new X509Certificate(c.certPem);
      this.credentials = c;
    } catch (e) {
      this.o.log.warn('adoption', `${CREDENTIALS_PATH} is malformed (${(e as Error).message}): camera is unadopted until adopted again`);
    }
  }

  /** The system this camera belongs to, '' while unadopted. */
  get systemId(): string {
    return this.credentials?.systemId ?? '';
  }

  get current(): CameraCredentials | undefined {
    return this.credentials;
  }

  /** Forget the system (evaluation-mode reset): the camera is unadopted; its device key stays. */
  async forget(): Promise<void> {
    this.credentials = undefined;
    this.pending = undefined;
    await this.o.storage.remove(CREDENTIALS_PATH).catch((e: { code?: string }) => { if (e.code !== 'ENOENT') throw e; });
    this.o.log.info('adoption', 'system forgotten: the camera is unadopted');
  }

  /** Answer an enrollment message, or undefined when `m` is not one. */
  async answer(m: SessionMessage): Promise<SessionMessage[] | undefined> {
    switch (m.kind) {
      case 'enrollmentRequest': {
        if (this.credentials && this.credentials.systemId !== m.systemId) {
          return [refuse('ERROR_CODE_OTHER_SYSTEM', `camera ${this.o.serial} belongs to system ${this.credentials.systemId}; reset it before adding it to ${m.systemId}`)];
        }
        if (!this.key) return [refuse('ERROR_CODE_BAD_REQUEST', 'camera identity not loaded yet')];
        const key = await this.key;
        this.pending = { systemId: m.systemId };
        const spki = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
        return [{ kind: 'enrollmentKey', publicKey: new Uint8Array(spki) }];
      }
      case 'enrollment': {
        const p = this.pending;
        if (!p || !this.key || p.systemId !== m.systemId) return [refuse('ERROR_CODE_BAD_REQUEST', `no enrollment into ${m.systemId} was asked for`)];
        const key = await this.key;
        let certPem: string, caCertPem: string;
        try {
          certPem = pemOf(m.certificate);
          caCertPem = pemOf(m.caCertificate);
        } catch (e) {
          return [refuse('ERROR_CODE_BAD_REQUEST', `enrollment certificates are not X.509: ${(e as Error).message}`)];
        }
        if (!new X509Certificate(certPem).publicKey.equals(createPublicKey(key.publicKeyPem))) {
          return [refuse('ERROR_CODE_BAD_REQUEST', 'the certificate is not for this camera\'s key')];
        }
        if (this.credentials && !new X509Certificate(caCertPem).raw.equals(new X509Certificate(this.credentials.caCertPem).raw)) {
          return [refuse('ERROR_CODE_OTHER_SYSTEM', `a renewal must come from the CA of system ${this.credentials.systemId}; reset the camera to move it to another CA`)];
        }
        const verdict = certificateStatus(certPem, caCertPem, this.o.clock.now());
        if (verdict.kind !== 'valid' && verdict.kind !== 'about-to-expire') {
          return [refuse('ERROR_CODE_BAD_REQUEST', `certificate refused: ${verdict.kind}${'reason' in verdict ? ` (${verdict.reason})` : ''}`)];
        }
        const renewal = this.credentials !== undefined;
        const credentials: CameraCredentials = { systemId: m.systemId, keyPem: key.privateKeyPem, certPem, caCertPem, evidencePublicKey: Buffer.from(m.evidencePublicKey).toString('hex') };
        await this.o.storage.writeAtomic(CREDENTIALS_PATH, new TextEncoder().encode(JSON.stringify(credentials)));
        this.credentials = credentials;
        this.pending = undefined;
        this.o.log.info('adoption', `${renewal ? 'certificate renewed' : `adopted into system ${m.systemId}`}; certificate valid until ${new Date(verdict.notAfter).toISOString()}`);
        return [{ kind: 'enrollmentResult', accepted: true }];
      }
      default:
        return undefined;
    }
  }
}

function refuse(code: 'ERROR_CODE_OTHER_SYSTEM' | 'ERROR_CODE_BAD_REQUEST', message: string): SessionMessage {
  return { kind: 'enrollmentResult', accepted: false, error: { code, message } };
}

