/**
 * RFID reader: the self-assign tag reader on the system controller's USB connector. Reports
 * each tag read as the reader gives its number (hex or decimal digits); matching is firmware's.
 */
import type { HalError } from '../errors.js';

export interface TagRead {
  /** The tag's number as the reader typed it (digits 0-9 and hex letters A-F, upper case). */
  tag: string;
  /** When the reader finished typing it (Enter), in ms on the device Clock's monotonic scale. */
  atMs: number;
}

/** Reads the driver saw and did not turn into tags, by reason. */
export interface RfidStats {
  /** Tags delivered. */
  tags: number;
  /** Enter with nothing typed before it. */
  empty: number;
  /** A key that is neither a digit, a hex letter, Shift nor Enter in the middle of a tag. */
  garbled: number;
  /** More than MAX_TAG_CHARS characters before Enter. */
  tooLong: number;
  /** Characters with no Enter within TAG_GAP_MS of the last one (a cut read). */
  partial: number;
  /** The kernel dropped events (SYN_DROPPED) in the middle of a tag. */
  dropped: number;
}

/**
 * An RFID reader. Rules every driver keeps:
 * - Tags are delivered in the order read, asynchronously (never inside the call that caused
 *   them), to every listener present at delivery. Tags with no listener are dropped.
 * - A read that is cut, garbled or too long is dropped and counted in `stats`, never delivered
 *   in part.
 * - When the reader is unplugged the reader ends with a DeviceGoneError; close() ends it with
 *   undefined. Nothing is delivered after the end.
 */
export interface RfidReader {
  /** Human-readable name for messages (an evdev path, `emulated:SC1 rfid`). */
  readonly name: string;
  readonly stats: RfidStats;
  /** Call `listener` with every tag read from now on. Returns a function that removes it. */
  onTag(listener: (read: TagRead) => void): () => void;
  /** Call `listener` once at the end (undefined after close(), DeviceGoneError when unplugged). */
  onClose(listener: (error: HalError | undefined) => void): () => void;
  /** Stop reading and release the device. Idempotent. */
  close(): Promise<void>;
}

export const emptyRfidStats = (): RfidStats => ({ tags: 0, empty: 0, garbled: 0, tooLong: 0, partial: 0, dropped: 0 });
