/**
 * Session opening and closing messages (Hello, HelloResult, Goodbye), their checks, the
 * protocol version constants and version negotiation.
 */
import { enumType } from './schema.js';
import { invalidField, missingField } from './errors.js';
import { NONCE_BYTES, exactBytes, required, requiredEnum, requiredText } from './fields.js';

/** The wire-incompatible revision this code speaks: package bwc.v1, `Envelope.major`. */
export const PROTOCOL_MAJOR = 1;
/** The highest compatible revision of PROTOCOL_MAJOR this code speaks. */
export const PROTOCOL_MINOR = 1;
/** What this code offers in a Hello. */
export const SUPPORTED_VERSIONS: readonly ProtocolVersion[] = Object.freeze([{ major: PROTOCOL_MAJOR, minor: PROTOCOL_MINOR }]);

if (enumType('ProtocolMajor').values.PROTOCOL_MAJOR_V1 !== PROTOCOL_MAJOR) throw new Error('PROTOCOL_MAJOR disagrees with envelope.proto');

export type Role = 'ROLE_CAMERA' | 'ROLE_CONTROLLER';

export type ErrorCode =
  | 'ERROR_CODE_VERSION_UNSUPPORTED'
  | 'ERROR_CODE_OTHER_SYSTEM'
  | 'ERROR_CODE_NOT_ADOPTED'
  | 'ERROR_CODE_BAD_REQUEST'
  | 'ERROR_CODE_NOT_FOUND'
  | 'ERROR_CODE_OUT_OF_RANGE'
  | 'ERROR_CODE_STORAGE'
  | 'ERROR_CODE_BUSY'
  | 'ERROR_CODE_SHUTTING_DOWN'
  | 'ERROR_CODE_INTERNAL';

export interface ProtocolVersion {
  major: number;
  minor: number;
}

export interface Failure {
  code: ErrorCode;
  message: string;
}

export interface Hello {
  role: Role;
  supported: ProtocolVersion[];
  /** Unset in the initiator's Hello; the responder's choice in its answer. */
  chosen?: ProtocolVersion;
  deviceSerial: string;
  firmwareVersion: string;
  /** Empty for an unadopted camera. */
  systemId: string;
  nonce: Uint8Array;
}

export type HelloResult =
  | { accepted: true; negotiated: ProtocolVersion; error?: undefined }
  | { accepted: false; negotiated?: ProtocolVersion; error: Failure };

export interface Goodbye {
  /** Unset for an orderly end. */
  reason?: Failure;
}

/**
 * The version two peers use: the highest major both list, with the lower of their minors for
 * it; undefined when they share no major.
 */
export function negotiateVersion(ours: readonly ProtocolVersion[], theirs: readonly ProtocolVersion[]): ProtocolVersion | undefined {
  let best: ProtocolVersion | undefined;
  for (const a of ours) {
    const b = theirs.find((v) => v.major === a.major);
    if (b && (!best || a.major > best.major)) best = { major: a.major, minor: Math.min(a.minor, b.minor) };
  }
  return best;
}

export function checkProtocolVersion(v: ProtocolVersion, field: string): void {
  if (v.major === 0) throw missingField(`${field}.major`, 'a major version >= 1');
}

export function checkFailure(f: Failure, field: string): void {
  requiredEnum(f.code, `${field}.code`, 'an ErrorCode other than ERROR_CODE_UNSPECIFIED');
}

export function checkHello(m: Hello, path: string): void {
  requiredEnum(m.role, `${path}.role`, 'ROLE_CAMERA or ROLE_CONTROLLER');
  if (m.supported.length === 0) throw missingField(`${path}.supported`, 'at least one ProtocolVersion');
  const majors = new Set<number>();
  m.supported.forEach((v, i) => {
    checkProtocolVersion(v, `${path}.supported[${i}]`);
    if (majors.has(v.major)) throw invalidField(`${path}.supported[${i}].major`, 'one entry per major', `major ${v.major} twice`);
    majors.add(v.major);
  });
  if (m.chosen) {
    checkProtocolVersion(m.chosen, `${path}.chosen`);
    if (!majors.has(m.chosen.major)) throw invalidField(`${path}.chosen.major`, `a major the sender lists in supported (${[...majors].join(', ')})`, String(m.chosen.major));
  }
  requiredText(m.deviceSerial, `${path}.deviceSerial`, 'the device serial number');
  requiredText(m.firmwareVersion, `${path}.firmwareVersion`, 'the firmware version');
  exactBytes(m.nonce, NONCE_BYTES, `${path}.nonce`);
}

export function checkHelloResult(m: HelloResult, path: string): void {
  if (m.accepted) {
    required(m.negotiated, `${path}.negotiated`, 'the negotiated ProtocolVersion when accepted');
    checkProtocolVersion(m.negotiated, `${path}.negotiated`);
    if (m.error !== undefined) throw invalidField(`${path}.error`, 'no error when accepted', 'an error');
  } else {
    required(m.error, `${path}.error`, 'a Failure saying why the session was refused');
    checkFailure(m.error, `${path}.error`);
    if (m.negotiated) checkProtocolVersion(m.negotiated, `${path}.negotiated`);
  }
}

export function checkGoodbye(m: Goodbye, path: string): void {
  if (m.reason) checkFailure(m.reason, `${path}.reason`);
}
