/**
 * Enrollment (adoption, "Add cameras"): the four messages by which a controller gives an
 * unadopted camera its certificate in the system, and their checks.
 */
import { boundedBytes, exactBytes, requiredText, required } from './fields.js';
import { checkFailure, type Failure } from './session.js';

export const MAX_PUBLIC_KEY_BYTES = 2048;
export const MAX_CERTIFICATE_BYTES = 8192;
export const EVIDENCE_PUBLIC_KEY_BYTES = 32;

export interface EnrollmentRequest {
  systemId: string;
}

export interface EnrollmentKey {
  /** SubjectPublicKeyInfo DER of the camera's key. */
  publicKey: Uint8Array;
}

export interface Enrollment {
  systemId: string;
  /** X.509 DER, issued by the system CA for the camera's key. */
  certificate: Uint8Array;
  /** X.509 DER of the system CA. */
  caCertificate: Uint8Array;
  /** X25519 public key that recording keys are sealed to. */
  evidencePublicKey: Uint8Array;
}

export type EnrollmentResult =
  | { accepted: true; error?: undefined }
  | { accepted: false; error: Failure };

export function checkEnrollmentRequest(m: EnrollmentRequest, path: string): void {
  requiredText(m.systemId, `${path}.systemId`, 'the adopting system');
}

export function checkEnrollmentKey(m: EnrollmentKey, path: string): void {
  boundedBytes(m.publicKey, MAX_PUBLIC_KEY_BYTES, `${path}.publicKey`);
}

export function checkEnrollment(m: Enrollment, path: string): void {
  requiredText(m.systemId, `${path}.systemId`, 'the adopting system');
  boundedBytes(m.certificate, MAX_CERTIFICATE_BYTES, `${path}.certificate`);
  boundedBytes(m.caCertificate, MAX_CERTIFICATE_BYTES, `${path}.caCertificate`);
  exactBytes(m.evidencePublicKey, EVIDENCE_PUBLIC_KEY_BYTES, `${path}.evidencePublicKey`);
}

export function checkEnrollmentResult(m: EnrollmentResult, path: string): void {
  if (!m.accepted) {
    required(m.error, `${path}.error`, 'a Failure saying why the camera refused');
    checkFailure(m.error, `${path}.error`);
  }
}
