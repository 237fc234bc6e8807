/**
 * Protocol errors: every malformed, oversized or semantically invalid input becomes one
 * ProtocolError with a stable code, naming the field and what was expected.
 */

export type ProtocolErrorCode =
  /** A frame's length prefix exceeds the decoder's maximum frame size (rejected before buffering). */
  | 'EFRAME_TOO_LARGE'
  /** A length prefix varint is longer than 5 bytes, exceeds 32 bits or is not minimally encoded. */
  | 'EVARINT'
  /** The stream ended inside a frame. */
  | 'ETRUNCATED'
  /** The frame is not a valid protobuf encoding of the expected message. */
  | 'EDECODE'
  /** A required field or oneof member is absent. */
  | 'EMISSING_FIELD'
  /** A field is present with a value outside what the protocol allows. */
  | 'EINVALID_FIELD'
  /** The message's protocol major version is not one this decoder speaks. */
  | 'EVERSION'
  /** The underlying transport failed (reset, error) while reading or writing. */
  | 'ESTREAM'
  /** A write after the session stream was closed. */
  | 'ECLOSED';

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** The field path the error is about, e.g. `manifest.recordings[2].chunkDigests[5]`. */
  readonly field: string | undefined;
  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtocolError';
    this.code = code;
    this.field = options?.field;
  }
}

/** A required field is absent: `<field>: missing, expected <expected>`. */
export function missingField(field: string, expected: string): ProtocolError {
  return new ProtocolError('EMISSING_FIELD', `${field}: missing, expected ${expected}`, { field });
}

/** A field holds a disallowed value: `<field>: expected <expected>, got <got>`. */
export function invalidField(field: string, expected: string, got: string): ProtocolError {
  return new ProtocolError('EINVALID_FIELD', `${field}: expected ${expected}, got ${got}`, { field });
}

/** True for a ProtocolError (also across bundle copies, by name and code). */
export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError || (e instanceof Error && e.name === 'ProtocolError' && typeof (e as { code?: unknown }).code === 'string');
}
