/** Emulated RFID reader: tests and the simulator tap tags on it; it can be unplugged. */
import type { Clock } from '../clock/contract.js';
import { DeviceGoneError, type HalError } from '../errors.js';
import type { RfidReader, RfidStats, TagRead } from './contract.js';
import { MAX_TAG_CHARS } from './keyboard-wedge.js';
import { TagListeners } from './tag-listeners.js';

export class EmulatedRfidReader implements RfidReader {
  readonly name: string;
  readonly #listeners = new TagListeners();

  constructor(private readonly o: { clock: Clock; device: string }) {
    this.name = `emulated:${o.device} rfid`;
  }

  get stats(): RfidStats { return { ...this.#listeners.stats }; }
  get connected(): boolean { return !this.#listeners.ended; }

  /** A tag held to the reader: delivered as the reader would type it (upper case). */
  tap(tag: string): void {
    if (!/^[0-9A-Fa-f]+$/.test(tag) || tag.length > MAX_TAG_CHARS) {
      throw new RangeError(`tap: a tag number is 1-${MAX_TAG_CHARS} digits or hex letters A-F, got ${JSON.stringify(tag)}`);
    }
    this.#listeners.deliver({ tag: tag.toUpperCase(), atMs: this.o.clock.monotonic() });
  }

  /** Unplug the reader: it ends with DeviceGoneError. */
  disconnect(): void {
    this.#listeners.end(new DeviceGoneError('RFID reader', this.name));
  }

  onTag(listener: (read: TagRead) => void): () => void { return this.#listeners.onTag(listener); }
  onClose(listener: (error: HalError | undefined) => void): () => void { return this.#listeners.onClose(listener); }

  async close(): Promise<void> {
    this.#listeners.end(undefined);
  }
}
