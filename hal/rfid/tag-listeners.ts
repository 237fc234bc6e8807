/** Listener bookkeeping shared by the RFID drivers: tag delivery, the end, stats. */
import type { HalError } from '../errors.js';
import { emptyRfidStats, type RfidStats, type TagRead } from './contract.js';

export class TagListeners {
  readonly stats: RfidStats = emptyRfidStats();
  #tags = new Set<(read: TagRead) => void>();
  #close = new Set<(error: HalError | undefined) => void>();
  #ended: { error: HalError | undefined } | undefined;

  get ended(): boolean { return this.#ended !== undefined; }

  onTag(listener: (read: TagRead) => void): () => void {
    this.#tags.add(listener);
    return () => this.#tags.delete(listener);
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    const end = this.#ended;
    if (end) {
      let removed = false;
      setImmediate(() => { if (!removed) listener(end.error); });
      return () => { removed = true; };
    }
    this.#close.add(listener);
    return () => this.#close.delete(listener);
  }

  /** Deliver a tag on a later turn to the listeners present then (nothing after the end). */
  deliver(read: TagRead): void {
    if (this.#ended) return;
    this.stats.tags++;
    queueMicrotask(() => {
      if (this.#ended) return;
      for (const l of [...this.#tags]) l(read);
    });
  }

  end(error: HalError | undefined): void {
    if (this.#ended) return;
    this.#ended = { error };
    this.#tags.clear();
    const listeners = [...this.#close];
    this.#close.clear();
    queueMicrotask(() => { for (const l of listeners) l(error); });
  }
}
