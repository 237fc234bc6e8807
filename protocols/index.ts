/**
 * The bwc.v1 wire protocol between cameras and system controllers: discovery datagrams,
 * framed session messages, their checks, canonical JSON and the session stream.
 */
export { ProtocolError, isProtocolError, type ProtocolErrorCode } from './errors.js';
export {
  RECORDING_ID_BYTES, NONCE_BYTES, BOOT_ID_BYTES, IPV6_BYTES, DIGEST_BYTES, MAX_CHUNK_BYTES, MAX_SEALED_KEY_BYTES,
} from './fields.js';
export {
  DEFAULT_MAX_FRAME_BYTES, MAX_PREFIX_BYTES, FrameDecoder, encodeFrame, encodeLengthPrefix, readLengthPrefix,
  checkMaxFrameBytes, type FramingOptions,
} from './framing.js';
export {
  PROTOCOL_MAJOR, PROTOCOL_MINOR, SUPPORTED_VERSIONS, negotiateVersion,
  type Role, type ErrorCode, type ProtocolVersion, type Failure, type Hello, type HelloResult, type Goodbye,
} from './session.js';
export { type TriggerReason, type DigestAlgorithm, type Clip, type Recording, type ManifestRequest, type Manifest } from './manifest.js';
export { checkChunkRequestFor, checkChunkResponseFor, type ChunkRequest, type ChunkData, type ChunkResponse } from './chunk.js';
export { releasesCustody, type CustodyAck } from './custody.js';
export {
  EVIDENCE_PUBLIC_KEY_BYTES, MAX_CERTIFICATE_BYTES, MAX_PUBLIC_KEY_BYTES,
  type EnrollmentRequest, type EnrollmentKey, type Enrollment, type EnrollmentResult,
} from './enrollment.js';
export {
  ASSIGNMENT_MINOR, MAX_PROFILE_JSON_BYTES, WIRELESS_BROADCAST_KEY_BYTES, type CameraAssignment, type CameraAssignmentResult,
} from './assignment.js';
export {
  SESSION_KINDS, decodeSessionMessage, encodeSessionMessage, frameSessionMessage, checkSessionMessage,
  sessionMessageToJson, sessionMessageFromJson, type SessionMessage, type SessionKind,
} from './envelope.js';
export {
  DISCOVERY_GROUP, DISCOVERY_PORT, MAX_DATAGRAM_BYTES, answers, formatIpv6, parseIpv6,
  decodeDiscoveryDatagram, encodeDiscoveryDatagram, checkDiscoveryMessage, discoveryMessageToJson, discoveryMessageFromJson,
  type Solicitation, type Beacon, type DiscoveryMessage,
} from './discovery.js';
export { MAX_HOLSTER_SENSORS, encodeHolsterPairings, decodeHolsterPairings, encodeHolsterPairingReport, decodeHolsterPairingReport, type HolsterPairings, type HolsterPairing, type HolsterPairingReport, type HolsterPairingOutcome, type HolsterPairingStatus } from './pairing.js';
export { SessionStream, type SessionStreamOptions } from './stream.js';
export { toHex, fromHex, type Json } from './wire.js';
export { BROADCAST_KEY_BYTES, BROADCAST_RECORDING_STARTED, BROADCAST_PRIVACY_ZONE, MAX_BROADCAST_FRAME_BYTES, BroadcastVerifier, broadcastCryptoReady, sealBroadcast, parseBroadcast, type BroadcastMessage, type BroadcastCounts, type RejectReason, type Verdict } from './broadcast.js';
