/**
 * Clip encryption for a destination that wants it (WantEncryption): a random AES-256 key per
 * clip, the clip object encrypted with it, and a `.key` object holding that key wrapped to the
 * destination's RSA public key (PublicKey, PublicKeyId).
 *
 * Format (documented in README.md):
 * - clip object = AES-256-GCM ciphertext of the clip, then the 16-byte GCM tag; 12-byte random IV;
 *   no associated data. Streamed: the tag is the last 16 bytes of the object.
 * - key object = UTF-8 JSON `{ "Format": "bwc-clip-key/1", "KeyId", "Algorithm": "AES-256-GCM",
 *   "IV" (base64, 12 bytes), "TagBytes": 16, "TagPosition": "end", "KeyWrapping": "RSA-OAEP-SHA256",
 *   "WrappedKey" (base64: RSA-OAEP, SHA-256 and MGF1-SHA-256, of the 32-byte key), "Object" }`.
 */
import { createCipheriv, createDecipheriv, constants, privateDecrypt, publicEncrypt, randomBytes, type KeyLike } from 'node:crypto';

export const CLIP_KEY_FORMAT = 'bwc-clip-key/1';
export const CLIP_CIPHER = 'AES-256-GCM';
export const CLIP_KEY_WRAPPING = 'RSA-OAEP-SHA256';
export const CLIP_IV_BYTES = 12;
export const CLIP_TAG_BYTES = 16;

/** What the `.key` object holds. */
export interface ClipKeyDocument {
  Format: typeof CLIP_KEY_FORMAT;
  KeyId: string;
  Algorithm: typeof CLIP_CIPHER;
  IV: string;
  TagBytes: typeof CLIP_TAG_BYTES;
  TagPosition: 'end';
  KeyWrapping: typeof CLIP_KEY_WRAPPING;
  WrappedKey: string;
  /** The clip object this key opens. */
  Object: string;
}

/** A fresh per-clip key. */
export interface ClipKey {
  key: Buffer;
  iv: Buffer;
}

export function newClipKey(): ClipKey {
  return { key: randomBytes(32), iv: randomBytes(CLIP_IV_BYTES) };
}

/** The key object's content: `clipKey` wrapped to the destination's public key. */
export function clipKeyDocument(clipKey: ClipKey, publicKeyPem: string, publicKeyId: string, clipObject: string): ClipKeyDocument {
  const wrapped = publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, clipKey.key);
  return {
    Format: CLIP_KEY_FORMAT, KeyId: publicKeyId, Algorithm: CLIP_CIPHER, IV: clipKey.iv.toString('base64'),
    TagBytes: CLIP_TAG_BYTES, TagPosition: 'end', KeyWrapping: CLIP_KEY_WRAPPING, WrappedKey: wrapped.toString('base64'), Object: clipObject,
  };
}

/** `body` encrypted with AES-256-GCM, the tag appended; streams (memory: one piece). */
export async function* encryptClip(body: AsyncIterable<Uint8Array>, clipKey: ClipKey): AsyncGenerator<Uint8Array> {
  const cipher = createCipheriv('aes-256-gcm', clipKey.key, clipKey.iv, { authTagLength: CLIP_TAG_BYTES });
  for await (const piece of body) {
    const out = cipher.update(piece);
    if (out.length) yield out;
  }
  const rest = cipher.final();
  if (rest.length) yield rest;
  yield cipher.getAuthTag();
}

/**
 * What the destination does (and tests check): unwrap the key with the private key and decrypt
 * the whole object. Throws when the key does not unwrap or the tag does not verify.
 */
export function decryptClip(object: Uint8Array, keyDocument: ClipKeyDocument, privateKey: KeyLike): Buffer {
  if (keyDocument.Format !== CLIP_KEY_FORMAT || keyDocument.Algorithm !== CLIP_CIPHER || keyDocument.KeyWrapping !== CLIP_KEY_WRAPPING) {
    throw new TypeError(`key object: expected Format ${CLIP_KEY_FORMAT}, ${CLIP_CIPHER}, ${CLIP_KEY_WRAPPING}, got ${keyDocument.Format}, ${keyDocument.Algorithm}, ${keyDocument.KeyWrapping}`);
  }
  const key = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(keyDocument.WrappedKey, 'base64'));
  const n = object.length - CLIP_TAG_BYTES;
  if (n < 0) throw new TypeError(`clip object of ${object.length} bytes: expected at least the ${CLIP_TAG_BYTES}-byte tag`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(keyDocument.IV, 'base64'), { authTagLength: CLIP_TAG_BYTES });
  decipher.setAuthTag(object.subarray(n));
  return Buffer.concat([decipher.update(object.subarray(0, n)), decipher.final()]);
}
