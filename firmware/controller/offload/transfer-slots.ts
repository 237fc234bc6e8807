/**
 * A bound on concurrent recording transfers across every docked camera, with a waiting line that
 * lets prioritized users' recordings go first (then first come, first served).
 */

export interface SlotRequest {
  prioritized: boolean;
  /** For messages. */
  label: string;
}

interface Waiting { request: SlotRequest; seq: number; grant: (release: () => void) => void; reject: (e: Error) => void }

export class TransferSlots {
  private busy = 0;
  private seq = 0;
  private waiting: Waiting[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrent transfers must be a whole number >= 1, got ${max}`);
  }

  get inUse(): number { return this.busy; }
  get queued(): number { return this.waiting.length; }

  /** Wait for a slot; resolves with its release function (call it once). `signal` withdraws the request. */
  acquire(request: SlotRequest, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new Error(`transfer of ${request.label} withdrawn`));
    return new Promise((grant, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) { this.waiting.splice(i, 1); reject(new Error(`transfer of ${request.label} withdrawn`)); }
      };
      // The abort listener lives only while waiting (one signal serves a whole session's requests).
      const w: Waiting = { request, seq: this.seq++, grant: (release) => { signal?.removeEventListener('abort', onAbort); grant(release); }, reject };
      this.waiting.push(w);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  private pump(): void {
    while (this.busy < this.max && this.waiting.length) {
      this.waiting.sort((a, b) => Number(b.request.prioritized) - Number(a.request.prioritized) || a.seq - b.seq);
      const w = this.waiting.shift()!;
      this.busy++;
      let released = false;
      w.grant(() => {
        if (released) return;
        released = true;
        this.busy--;
        this.pump();
      });
    }
  }
}
