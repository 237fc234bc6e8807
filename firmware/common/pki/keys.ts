/** Device key pairs: RSA-2048 made natively (node-forge signs certificates, and it speaks RSA). */
import { generateKeyPair } from 'node:crypto';

export interface KeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A new RSA-2048 key pair, generated off the main thread. */
export function generateDeviceKey(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }, (err, publicKeyPem, privateKeyPem) => {
      if (err) reject(err);
      else resolve({ publicKeyPem, privateKeyPem });
    });
  });
}
