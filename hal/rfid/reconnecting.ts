/**
 * An RFID reader that survives being unplugged: the manual's setup moves the reader between the
 * system controller and a computer, so the controller keeps trying to open it again (and at
 * start, when it is not plugged in yet) every RECONNECT_MS. It ends only on close().
 */
import type { Clock, Timer } from '../clock/contract.js';
import type { HalError } from '../errors.js';
import { emptyRfidStats, type RfidReader, type RfidStats, type TagRead } from './contract.js';
import { TagListeners } from './tag-listeners.js';

export const RECONNECT_MS = 2_000;

export class ReconnectingRfidReader implements RfidReader {
  readonly name: string;
  readonly #listeners = new TagListeners();
  /** Stats of readers that ended (the live one's are added in `stats`). */
  readonly #past: RfidStats = emptyRfidStats();
  #reader: RfidReader | undefined;
  #timer: Timer | undefined;
  #closed = false;
  #opening: Promise<void> | undefined;
  /** Times the reader was opened again after going away or being absent. */
  reconnects = 0;

  constructor(private readonly o: { name: string; open: () => Promise<RfidReader>; clock: Clock; log?: (namespace: string, message: string) => void; retryMs?: number }) {
    this.name = o.name;
    this.#opening = this.#open(true);
  }

  /** Whether a reader is plugged in and open now. */
  get connected(): boolean { return this.#reader !== undefined; }

  /** Resolves once the first attempt to open the reader is over (opened or not). */
  ready(): Promise<void> { return this.#opening ?? Promise.resolve(); }

  get stats(): RfidStats {
    const live = this.#reader?.stats ?? emptyRfidStats();
    const out = emptyRfidStats();
    for (const k of Object.keys(out) as (keyof RfidStats)[]) out[k] = this.#past[k] + live[k];
    return out;
  }

  onTag(listener: (read: TagRead) => void): () => void { return this.#listeners.onTag(listener); }
  onClose(listener: (error: HalError | undefined) => void): () => void { return this.#listeners.onClose(listener); }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    await this.#opening;
    const r = this.#reader;
    this.#reader = undefined;
    await r?.close();
    this.#listeners.end(undefined);
  }

  async #open(first: boolean): Promise<void> {
    let reader: RfidReader;
    try {
      reader = await this.o.open();
    } catch (e) {
      if (first) this.o.log?.('bw:hal:rfid', `${this.name}: ${(e as Error).message}; trying again every ${this.o.retryMs ?? RECONNECT_MS} ms`);
      this.#retry();
      return;
    }
    if (this.#closed) { await reader.close(); return; }
    if (!first) {
      this.reconnects++;
      this.o.log?.('bw:hal:rfid', `${this.name}: connected again`);
    }
    this.#reader = reader;
    reader.onTag((read) => this.#listeners.deliver(read));
    reader.onClose((error) => {
      if (this.#reader !== reader) return;
      const s = reader.stats;
      for (const k of Object.keys(this.#past) as (keyof RfidStats)[]) this.#past[k] += s[k];
      this.#reader = undefined;
      if (this.#closed) return;
      this.o.log?.('bw:hal:rfid', `${this.name}: ${error?.message ?? 'closed'}; trying again every ${this.o.retryMs ?? RECONNECT_MS} ms`);
      this.#retry();
    });
  }

  #retry(): void {
    if (this.#closed) return;
    this.#timer = this.o.clock.setTimeout(() => { this.#opening = this.#open(false); }, this.o.retryMs ?? RECONNECT_MS);
  }
}
