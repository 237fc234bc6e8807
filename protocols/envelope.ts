/**
 * Session messages: every message of a camera<->controller session as one discriminated union,
 * with one decoder that dispatches them (bwc.v1.Envelope) and the framed form for TCP.
 */
import { EnvelopeCodec } from './codec.js';
import { checkChunkRequest, checkChunkResponse, type ChunkRequest, type ChunkResponse } from './chunk.js';
import { checkCustodyAck, type CustodyAck } from './custody.js';
import {
  checkEnrollment, checkEnrollmentKey, checkEnrollmentRequest, checkEnrollmentResult,
  type Enrollment, type EnrollmentKey, type EnrollmentRequest, type EnrollmentResult,
} from './enrollment.js';
import { ProtocolError } from './errors.js';
import { checkCameraAssignment, checkCameraAssignmentResult, type CameraAssignment, type CameraAssignmentResult } from './assignment.js';
import { DEFAULT_MAX_FRAME_BYTES, checkMaxFrameBytes, readLengthPrefix, type FramingOptions } from './framing.js';
import { checkManifest, checkManifestRequest, type Manifest, type ManifestRequest } from './manifest.js';
import { messageType } from './schema.js';
import { checkGoodbye, checkHello, checkHelloResult, type Goodbye, type Hello, type HelloResult } from './session.js';
import { PROTOCOL_MAJOR } from './session.js';
import { toWire, type Json } from './wire.js';

type Distribute<K extends string, T> = T extends unknown ? { kind: K } & T : never;

export type SessionMessage =
  | ({ kind: 'hello' } & Hello)
  | Distribute<'helloResult', HelloResult>
  | ({ kind: 'goodbye' } & Goodbye)
  | ({ kind: 'manifestRequest' } & ManifestRequest)
  | ({ kind: 'manifest' } & Manifest)
  | ({ kind: 'chunkRequest' } & ChunkRequest)
  | Distribute<'chunkResponse', ChunkResponse>
  | ({ kind: 'custodyAck' } & CustodyAck)
  | ({ kind: 'enrollmentRequest' } & EnrollmentRequest)
  | ({ kind: 'enrollmentKey' } & EnrollmentKey)
  | ({ kind: 'enrollment' } & Enrollment)
  | Distribute<'enrollmentResult', EnrollmentResult>
  | ({ kind: 'cameraAssignment' } & CameraAssignment)
  | Distribute<'cameraAssignmentResult', CameraAssignmentResult>;

export type SessionKind = SessionMessage['kind'];

const Envelope = messageType('Envelope');

const session = new EnvelopeCodec<SessionMessage>({
  wrapper: Envelope,
  name: 'envelope',
  frozen: ['hello', 'helloResult'],
  checks: {
    hello: checkHello,
    helloResult: checkHelloResult as (m: object, path: string) => void,
    goodbye: checkGoodbye,
    manifestRequest: checkManifestRequest,
    manifest: checkManifest,
    chunkRequest: checkChunkRequest,
    chunkResponse: checkChunkResponse as (m: object, path: string) => void,
    custodyAck: checkCustodyAck,
    enrollmentRequest: checkEnrollmentRequest,
    enrollmentKey: checkEnrollmentKey,
    enrollment: checkEnrollment,
    enrollmentResult: checkEnrollmentResult as (m: object, path: string) => void,
    cameraAssignment: checkCameraAssignment,
    cameraAssignmentResult: checkCameraAssignmentResult as (m: object, path: string) => void,
  },
});

/** Every session message kind, in Envelope field order. */
export const SESSION_KINDS = session.kinds as readonly SessionKind[];

/** One Envelope's bytes (a frame's payload) to a checked message. Throws ProtocolError only. */
export function decodeSessionMessage(envelope: Uint8Array): SessionMessage {
  return session.decode(envelope);
}

/** A message to Envelope bytes (unframed). Throws ProtocolError for a message the decoder would reject. */
export function encodeSessionMessage(message: SessionMessage): Uint8Array {
  return session.encode(message);
}

/** Checks a message as the decoder would; returns it with defaults filled. */
export function checkSessionMessage(message: SessionMessage): SessionMessage {
  return session.check(message);
}

/**
 * A message to one frame: varint length prefix + Envelope bytes, encoded in one pass.
 * Throws ProtocolError EFRAME_TOO_LARGE when the Envelope exceeds `maxFrameBytes`.
 */
export function frameSessionMessage(message: SessionMessage, options: FramingOptions = {}): Uint8Array {
  const max = checkMaxFrameBytes(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  const { kind, ...body } = session.check(message) as unknown as { kind: string } & Record<string, unknown>;
  const type = Envelope.fields[kind]!.resolvedType as typeof Envelope;
  const framed = Envelope.encodeDelimited({ major: PROTOCOL_MAJOR, [kind]: toWire(type, body) }).finish();
  const prefix = readLengthPrefix(framed);
  if (prefix.length > max) {
    throw new ProtocolError('EFRAME_TOO_LARGE', `${kind} message: frame of ${prefix.length} bytes exceeds the maximum frame size of ${max} bytes`);
  }
  return framed;
}

/** A message to its canonical JSON (the test vectors' form). */
export function sessionMessageToJson(message: SessionMessage): { [key: string]: Json } {
  return session.toJson(message);
}

/** Canonical JSON to a checked message. Throws ProtocolError naming the field. */
export function sessionMessageFromJson(json: unknown): SessionMessage {
  return session.fromJson(json);
}
