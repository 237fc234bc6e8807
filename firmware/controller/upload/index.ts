/** The controller's uploader to the content destination: one recording, and the loop over the buffer. */
export {
  NO_USER_SEGMENT, containerMetadata, containerNameOf, nameSegment, triggerName, uploadRecording,
  type UploadProgress, type UploadRecordingOptions, type UploadResult,
} from './upload-recording.js';
export { Uploader, type UploadAlert, type UploadAlertKind, type UploaderEvent, type UploaderOptions, type UploaderStats } from './uploader.js';
export {
  CLIP_CIPHER, CLIP_IV_BYTES, CLIP_KEY_FORMAT, CLIP_KEY_WRAPPING, CLIP_TAG_BYTES, clipKeyDocument, decryptClip, encryptClip, newClipKey,
  type ClipKey, type ClipKeyDocument,
} from './clip-encryption.js';
export { clipBody, openBufferedChunk, wholeClipPrefixLength, type ClipBodyOptions } from './clip-body.js';
export { WholeElementPrefix } from './whole-prefix.js';
export { bookmarkObjects, type BookmarkDocument, type BookmarkObject } from './bookmark-objects.js';
export { gnssTrailDocument, gnssTrailObject, locationMetadata, recordingLocation, type GnssTrailDocument, type GnssTrailObject } from './location-objects.js';
