/**
 * The controller's upload loop: takes complete recordings from the buffer's UploadQueue
 * (prioritized first), uploads a bounded number at once, and acts on each failure by kind:
 * back off and retry, stop and alert (destination full, out of licences), keep as "not
 * transferred" (400), alert on a clock mismatch. A recording is released from the buffer only
 * after the destination accepted its Status Complete.
 */
import type { Clock, Timer } from '../../../hal/clock/contract.js';
import type { SystemKeyPair } from '../../common/evidence/index.js';
import { EvidenceError } from '../../common/evidence/errors.js';
import type { BufferedRecording, UploadQueue } from '../buffer/contract.js';
import type { ConnectionFile } from '../destination/connection-file.js';
import { DestinationError } from '../destination/errors.js';
import { backoffDelayMs, type SwiftClient } from '../destination/swift-client.js';
import { uploadRecording, type UploadProgress, type UploadResult } from './upload-recording.js';

/** Why uploads are held back; each is raised once and cleared when an upload succeeds again. */
export type UploadAlertKind =
  /** 507: the destination is full. Uploads stop; everything is kept. */
  | 'destination-full'
  /** 402: the destination is out of licences. Uploads stop; everything is kept. */
  | 'out-of-licences'
  /** The manual's "Can't transfer recordings": the destination's clock differs from ours. */
  | 'clock-mismatch'
  /** The destination refuses BlobAPIUserName/BlobAPIKey. */
  | 'unauthorized'
  /** The manual's "Connection to [content destination] failed": no answer or 5xx several times in a row. */
  | 'connection-failed'
  /** The connection file asks for something this controller cannot do (ContainerType mp4, ...). */
  | 'unsupported-setting'
  /** Any other refusal (403, 404, a malformed reply): retried after `failedRetryMs`. */
  | 'upload-failed'
  /** A recording in the buffer does not open (foreign key, corrupt chunk): kept as not transferred. */
  | 'unreadable-recording';

export interface UploadAlert {
  kind: UploadAlertKind;
  message: string;
  /** The recording it arose from, when one. */
  idHex?: string;
}

export type UploaderEvent =
  | { type: 'started'; idHex: string; prioritized: boolean }
  | ({ type: 'progress' } & UploadProgress)
  | { type: 'uploaded'; idHex: string; result: UploadResult; ms: number }
  | { type: 'retry'; idHex: string; kind: string; delayMs: number; message: string }
  | { type: 'not-transferred'; idHex: string; reason: string }
  | { type: 'alert'; alert: UploadAlert }
  | { type: 'alert-cleared'; kind: UploadAlertKind }
  | { type: 'paused'; untilMonotonic: number; reason: UploadAlertKind }
  | { type: 'resumed' };

export interface UploaderOptions {
  queue: UploadQueue;
  client: SwiftClient;
  /** The connection file (ContainerType, WantEncryption, PublicKey, PublicKeyId). */
  destination: Pick<ConnectionFile, 'containerType' | 'wantEncryption' | 'publicKey' | 'publicKeyId'>;
  systemKeys: SystemKeyPair;
  /** SCUSerialNumber. */
  controllerSerial: string;
  clock: Clock;
  /** Uploads at once (default 1, at most 4). */
  concurrency?: number;
  /** Back-off of a recording after retry-later/corrupt: first delay, doubling, capped (default 2 s .. 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Per-request retries inside one upload (default 3 attempts from 1 s). */
  requestAttempts?: number;
  /** After 507/402: wait this long before trying again unless resume() (default 15 min). */
  stopRetryMs?: number;
  /** After a clock mismatch or refused credentials: wait this long (default 1 min). */
  alertRetryMs?: number;
  /** After any other failure: wait this long before that recording again (default 10 min). */
  failedRetryMs?: number;
  /** Consecutive retry-later failures before the connection-failed alert (default 3). */
  connectionAlertAfter?: number;
  /** Look at the queue this often even without onComplete (default 60 s). */
  pollMs?: number;
}

export interface UploaderStats {
  uploadedRecordings: number;
  uploadedBytes: number;
  notTransferred: number;
  retries: number;
  inFlight: number;
  pausedUntil: number | undefined;
  activeAlerts: UploadAlertKind[];
}

export class Uploader {
  private readonly o: Required<Omit<UploaderOptions, 'queue' | 'client' | 'destination' | 'systemKeys' | 'controllerSerial' | 'clock'>> & UploaderOptions;
  private readonly listeners = new Set<(e: UploaderEvent) => void>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Per recording: retry attempts so far and the monotonic time before which it waits. */
  private readonly backoff = new Map<string, { attempts: number; until: number }>();
  private readonly alerts = new Map<UploadAlertKind, UploadAlert>();
  private pausedUntil: number | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** Set by wake(): something changed since the loop last looked (no wake-up is lost). */
  private woken = false;
  private unsubscribe: (() => void) | undefined;
  private consecutiveRetryLater = 0;
  private counts = { uploadedRecordings: 0, uploadedBytes: 0, notTransferred: 0, retries: 0 };

  constructor(options: UploaderOptions) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4) throw new RangeError(`concurrency: expected an integer from 1 to 4, got ${concurrency}`);
    this.o = {
      concurrency, retryBaseMs: 2000, retryMaxMs: 5 * 60_000, requestAttempts: 3, stopRetryMs: 15 * 60_000,
      alertRetryMs: 60_000, failedRetryMs: 10 * 60_000, connectionAlertAfter: 3, pollMs: 60_000, ...options,
    };
  }

  /** Listen to progress, results and alerts; returns an unsubscribe. */
  subscribe(listener: (e: UploaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Start the loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.o.queue.onComplete(() => this.wake());
    this.loop = this.run();
  }

  /** Stop taking new uploads and wait for those in flight to end (nothing is released mid-way). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Try again now: lifts a stop (destination full, out of licences) and every back-off. */
  resume(): void {
    if (this.pausedUntil !== undefined) this.emit({ type: 'resumed' });
    this.pausedUntil = undefined;
    this.backoff.clear();
    this.wake();
  }

  /** Resolve once nothing is pending that could be uploaded now (for tests and the simulator's summary). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...this.inFlight.values()]);
      const ready = await this.ready();
      if (ready.length === 0 && this.inFlight.size === 0) return;
      await new Promise<void>((ok) => setImmediate(ok));
    }
  }

  stats(): UploaderStats {
    return { ...this.counts, inFlight: this.inFlight.size, pausedUntil: this.pausedUntil, activeAlerts: [...this.alerts.keys()] };
  }

  get activeAlerts(): UploadAlert[] { return [...this.alerts.values()]; }

  private emit(e: UploaderEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch { /* a listener's failure must not stop uploads */ }
    }
  }

  private wake(): void {
    this.woken = true;
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  /** Recordings that may start now: not in flight, not backing off, not while paused. */
  private async ready(): Promise<BufferedRecording[]> {
    if (this.pausedUntil !== undefined) {
      if (this.o.clock.monotonic() < this.pausedUntil) return [];
      this.pausedUntil = undefined;
      this.emit({ type: 'resumed' });
    }
    const now = this.o.clock.monotonic();
    const pending = await this.o.queue.pending();
    return pending.filter((r) => !this.inFlight.has(r.idHex) && (this.backoff.get(r.idHex)?.until ?? 0) <= now);
  }

  /** The earliest monotonic time something waiting becomes ready. */
  private nextDue(): number {
    const now = this.o.clock.monotonic();
    let due = now + this.o.pollMs;
    if (this.pausedUntil !== undefined) return Math.min(due, this.pausedUntil);
    for (const b of this.backoff.values()) if (b.until > now) due = Math.min(due, b.until);
    return due;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let ready: BufferedRecording[] = [];
      try {
        ready = this.inFlight.size < this.o.concurrency ? await this.ready() : [];
      } catch (e) {
        this.raise({ kind: 'upload-failed', message: `the buffer's pending list failed: ${(e as Error).message}` });
      }
      // pending() lists prioritized first; keep that order.
      for (const r of ready) {
        if (!this.running || this.inFlight.size >= this.o.concurrency) break;
        const task = this.upload(r).finally(() => { this.inFlight.delete(r.idHex); this.wake(); });
        this.inFlight.set(r.idHex, task);
      }
      if (!this.running) break;
      await this.sleepUntilWoken(this.nextDue());
    }
  }

  private async sleepUntilWoken(dueMonotonic: number): Promise<void> {
    if (this.woken) return;
    let timer: Timer | undefined;
    await new Promise<void>((ok) => {
      this.wakeUp = ok;
      timer = this.o.clock.setTimeout(() => this.wake(), Math.max(0, dueMonotonic - this.o.clock.monotonic()));
    });
    timer?.cancel();
  }

  private raise(alert: UploadAlert): void {
    const had = this.alerts.has(alert.kind);
    this.alerts.set(alert.kind, alert);
    if (!had) this.emit({ type: 'alert', alert });
  }

  private clearAlerts(): void {
    for (const kind of [...this.alerts.keys()]) {
      if (kind === 'unreadable-recording') continue; // stays until an operator downloads it
      this.alerts.delete(kind);
      this.emit({ type: 'alert-cleared', kind });
    }
  }

  private later(idHex: string, ms: number): number {
    const prev = this.backoff.get(idHex);
    const until = this.o.clock.monotonic() + ms;
    this.backoff.set(idHex, { attempts: (prev?.attempts ?? 0) + 1, until });
    return until;
  }

  private pause(ms: number, reason: UploadAlertKind): void {
    this.pausedUntil = this.o.clock.monotonic() + ms;
    this.emit({ type: 'paused', untilMonotonic: this.pausedUntil, reason });
  }

  private async upload(r: BufferedRecording): Promise<void> {
    const t0 = this.o.clock.monotonic();
    this.emit({ type: 'started', idHex: r.idHex, prioritized: r.prioritized });
    let result: UploadResult;
    try {
      result = await uploadRecording(this.o.client, r, {
        systemKeys: this.o.systemKeys, controllerSerial: this.o.controllerSerial, destination: this.o.destination, clock: this.o.clock,
        retry: { attempts: this.o.requestAttempts, onRetry: () => { this.counts.retries++; } },
        onProgress: (p) => this.emit({ type: 'progress', ...p }),
      });
    } catch (e) {
      await this.failed(r, e);
      return;
    }
    // The destination accepted Status Complete: only now may the buffer let the recording go.
    this.backoff.delete(r.idHex);
    this.consecutiveRetryLater = 0;
    this.counts.uploadedRecordings++;
    this.counts.uploadedBytes += result.bytes;
    this.clearAlerts();
    this.emit({ type: 'uploaded', idHex: r.idHex, result, ms: this.o.clock.monotonic() - t0 });
    try {
      await this.o.queue.release(r.idHex);
    } catch (e) {
      this.raise({ kind: 'upload-failed', idHex: r.idHex, message: `recording ${r.idHex} is at the destination but the buffer did not release it: ${(e as Error).message}` });
    }
  }

  private async failed(r: BufferedRecording, e: unknown): Promise<void> {
    const id = r.idHex;
    if (e instanceof EvidenceError) {
      await this.notTransferred(id, `cannot be opened for upload: ${e.message}`);
      this.raise({ kind: 'unreadable-recording', idHex: id, message: `Recording ${id} couldn't be transferred: it does not open (${e.code}); download it from the system controller` });
      return;
    }
    if (!(e instanceof DestinationError)) {
      const until = this.later(id, this.o.failedRetryMs);
      this.raise({ kind: 'upload-failed', idHex: id, message: `uploading recording ${id} failed: ${(e as Error).message}` });
      this.emit({ type: 'retry', idHex: id, kind: 'error', delayMs: until - this.o.clock.monotonic(), message: (e as Error).message });
      return;
    }
    if (e.kind !== 'retry-later') this.consecutiveRetryLater = 0;
    switch (e.kind) {
      case 'retry-later':
      case 'corrupt': {
        const attempts = this.backoff.get(id)?.attempts ?? 0;
        const delay = backoffDelayMs(attempts, e, { baseMs: this.o.retryBaseMs, maxMs: this.o.retryMaxMs });
        this.later(id, delay);
        this.counts.retries++;
        if (e.kind === 'retry-later' && ++this.consecutiveRetryLater >= this.o.connectionAlertAfter) {
          this.raise({ kind: 'connection-failed', message: `Connection to the content destination failed: ${e.message}` });
        }
        this.emit({ type: 'retry', idHex: id, kind: e.kind, delayMs: delay, message: e.message });
        return;
      }
      case 'never-storable':
        await this.notTransferred(id, e.message);
        return;
      case 'stop-and-alert': {
        const kind: UploadAlertKind = e.alert === 'out-of-licences' ? 'out-of-licences' : 'destination-full';
        const what = kind === 'out-of-licences' ? 'the content destination is out of licences' : 'the content destination is full';
        this.raise({ kind, idHex: id, message: `Problems transferring recordings: ${what}; uploads stopped, every recording is kept (${e.message})` });
        this.pause(this.o.stopRetryMs, kind);
        return;
      }
      case 'clock-mismatch':
        this.raise({ kind: 'clock-mismatch', idHex: id, message: `Can't transfer recordings: the date and time in the content destination differ from the body worn system's; synchronise both (same NTP server) (${e.message})` });
        this.pause(this.o.alertRetryMs, 'clock-mismatch');
        return;
      case 'unauthorized':
        this.raise({ kind: 'unauthorized', idHex: id, message: `Connection to the content destination failed: it refuses the connection file's credentials (${e.message})` });
        this.pause(this.o.alertRetryMs, 'unauthorized');
        return;
      case 'failed': {
        const setting = /^connection file /.test(e.request);
        const until = this.later(id, this.o.failedRetryMs);
        this.raise({ kind: setting ? 'unsupported-setting' : 'upload-failed', idHex: id, message: e.message });
        this.emit({ type: 'retry', idHex: id, kind: e.kind, delayMs: until - this.o.clock.monotonic(), message: e.message });
        return;
      }
    }
  }

  private async notTransferred(id: string, reason: string): Promise<void> {
    this.backoff.delete(id);
    try {
      await this.o.queue.markNotTransferred(id, reason);
    } catch (err) {
      this.raise({ kind: 'upload-failed', idHex: id, message: `recording ${id} could not be marked not transferred: ${(err as Error).message}` });
      this.later(id, this.o.failedRetryMs);
      return;
    }
    this.counts.notTransferred++;
    this.emit({ type: 'not-transferred', idHex: id, reason });
  }
}
