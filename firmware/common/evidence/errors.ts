/**
 * Evidence errors: one class with a stable code for every way a recording, chunk, sealed key or
 * state file can be wrong. Messages name the recording or chunk and what was expected.
 */

export type EvidenceErrorCode =
  /** A chunk failed authentication: tampered, from another recording, or at another index. */
  | 'EAUTH'
  /** A chunk expected to be a closed recording's last one was sealed as not last: the end was cut off. */
  | 'ETRUNCATED'
  /** A chunk sealed as the recording's last one is followed by more chunks, or is not at the end. */
  | 'EEXTENDED'
  /** A sealed recording key does not open with this key pair (other system, or damaged). */
  | 'EKEY'
  /** A recording state file is malformed: not the expected JSON shape or values out of range. */
  | 'ESTATE'
  /** Stored chunk bytes do not match their digest (bit rot, torn write) or their frame is malformed. */
  | 'ECORRUPT'
  /** No such recording or chunk. */
  | 'ENOTFOUND'
  /** An operation the recording's current status does not allow (append after close, delete while open). */
  | 'EBADSTATE';

export class EvidenceError extends Error {
  readonly code: EvidenceErrorCode;
  constructor(code: EvidenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EvidenceError';
    this.code = code;
  }
}
