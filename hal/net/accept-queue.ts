/**
 * Hands accepted streams to a server's connection listeners; streams accepted before the first
 * listener wait for it (a stream that fails while waiting is dropped, not thrown).
 */
import type { Stream } from './contract.js';

export class AcceptQueue {
  private listeners: ((s: Stream) => void)[] = [];
  private waiting: { stream: Stream; drop: () => void }[] = [];

  listen(listener: (s: Stream) => void): void {
    this.listeners.push(listener);
    const waiting = this.waiting;
    this.waiting = [];
    if (waiting.length === 0) return;
    process.nextTick(() => {
      for (const w of waiting) {
        w.stream.off('error', w.drop);
        listener(w.stream);
      }
    });
  }

  accept(stream: Stream): void {
    if (this.listeners.length > 0) {
      for (const l of this.listeners) l(stream);
      return;
    }
    const entry = { stream, drop: () => { this.waiting = this.waiting.filter((w) => w !== entry); } };
    stream.once('error', entry.drop);
    this.waiting.push(entry);
  }
}
