/** Evidence at rest, shared by camera and controller: envelope crypto, chunk store, clips. */
export { EvidenceError, type EvidenceErrorCode } from './errors.js';
export {
  CHUNK_DIGEST_BYTES, CHUNK_TAG_BYTES, DEFAULT_DIGEST_ALGORITHM, RECORDING_ID_BYTES, RECORDING_KEY_BYTES,
  chunkDigest, evidenceCryptoReady, generateSystemKeyPair, isLastChunk, newRecordingId, newRecordingKey, openChunk,
  openRecordingKey, sealChunk, type ChunkPlace, type RecordingKey, type SystemKeyPair,
} from './envelope.js';
export {
  STATE_FORMAT, decodeState, encodeState, type RecordingEnd, type RecordingMeta, type RecordingState, type RecordingStatus,
} from './state-file.js';
export { DEFAULT_RECORDINGS_ROOT } from './layout.js';
export { DEFAULT_CHUNK_SIZE, RecordingWriter, createRecording, type CreateRecordingOptions, type RecordingWriterStatus } from './recording-writer.js';
export {
  RecordingReader, deleteRecording, listRecordings, openRecording, type RecordingSummary, type StoredChunk,
} from './recording-reader.js';
export { recoverRecording, recoverRecordings, type RecoveredRecording, type RecoveryReport } from './recovery.js';
export {
  MatroskaMuxer, annexBToLengthPrefixed, avcDecoderConfiguration, setClipDuration, wholeClipLength,
  type MatroskaMuxerOptions, type MuxUnit,
} from './matroska.js';
export { ClipSplitter, clipSplitStart, splitClip, type ClipAction, type ClipEvent, type ClipLimits, type ClipSplitState } from './clips.js';
