/**
 * A recording's bookmarks as objects at the content destination: one small JSON object per
 * bookmark, named `bookmark_<Timestamp YYYYMMDDTHHMMSSZ>_<RecordingID>-<n>` (names.ts).
 */
import type { Recording } from '../../../protocols/manifest.js';
import { bookmarkObjectName } from '../destination/names.js';
import type { Metadata } from '../destination/swift-client.js';

/**
 * The body of a bookmark object (UTF-8 JSON). Field names follow the destination's
 * conventions (as in the GNSS trail):
 * - `Timestamp`: when the camera user pressed the recording button, RFC 3339 UTC with ms
 *   (`2026-11-23T08:00:12.345Z`).
 * - `SecondsFromStart`: seconds (ms precision) from the recording's StartTime, which includes the
 *   prebuffer, to the bookmark: where a player seeks.
 * - `RecordingID`: the recording's id (32 lowercase hex digits), as in the container's metadata.
 * - `BWCSerialNumber`, `UserID`: the camera and user, as in the container's name and metadata.
 * - `BookmarkNumber`: 1 for the recording's first bookmark, counting up in time order.
 */
export interface BookmarkDocument {
  Timestamp: string;
  SecondsFromStart: number;
  RecordingID: string;
  BWCSerialNumber: string;
  UserID: string;
  BookmarkNumber: number;
}

export interface BookmarkObject {
  name: string;
  body: Uint8Array;
  document: BookmarkDocument;
  /** Object metadata: FileType json, RecordingID, Timestamp in epoch seconds (rounded down). */
  metadata: Metadata;
}

/**
 * One object per bookmark of `manifest`, in time order. `bwcSerialNumber` and `userId` are the
 * container name's segments. The id `<RecordingID>-<n>` keeps two bookmarks in the same second
 * apart and names the same bookmark the same on every run, so uploading again converges.
 */
export function bookmarkObjects(manifest: Recording, ids: { recordingIdHex: string; bwcSerialNumber: string; userId: string }): BookmarkObject[] {
  return (manifest.bookmarkTimesMs ?? []).map((at, i) => {
    const document: BookmarkDocument = {
      Timestamp: new Date(at).toISOString(),
      SecondsFromStart: Math.max(0, at - manifest.startTimeMs) / 1000,
      RecordingID: ids.recordingIdHex,
      BWCSerialNumber: ids.bwcSerialNumber,
      UserID: ids.userId,
      BookmarkNumber: i + 1,
    };
    return {
      name: bookmarkObjectName({ timestamp: at, id: `${ids.recordingIdHex}-${i + 1}` }),
      body: Buffer.from(JSON.stringify(document)),
      document,
      metadata: { FileType: 'json', RecordingID: ids.recordingIdHex, Timestamp: Math.floor(at / 1000) },
    };
  });
}
