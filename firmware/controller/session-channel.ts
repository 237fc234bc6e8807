/**
 * Requests and their answers on an established session: the camera answers requests in the
 * order they came, so answers are matched to a FIFO of waiters; several requests may be in
 * flight (chunk pipelining). One reader loop; a wrong or late answer ends the session.
 */
import type { Clock, Timer } from '../../hal/clock/contract.js';
import type { SessionMessage, SessionStream } from '../../protocols/index.js';

type Kind = SessionMessage['kind'];
type Of<K extends Kind> = Extract<SessionMessage, { kind: K }>;

interface Waiter {
  kind: Kind;
  resolve: (m: SessionMessage) => void;
  reject: (e: Error) => void;
  timer: Timer;
}

/** The session ended while a request waited; `reason` says why. */
export class SessionClosedError extends Error {
  readonly code = 'ESESSION_CLOSED';
  constructor(readonly reason: string) {
    super(`session closed: ${reason}`);
    this.name = 'SessionClosedError';
  }
}

export class SessionChannel {
  private readonly waiters: Waiter[] = [];
  private ended: string | undefined;
  private readonly closedPromise: Promise<string>;
  private resolveClosed!: (reason: string) => void;

  constructor(private readonly session: SessionStream, private readonly clock: Clock, private readonly where: string) {
    this.closedPromise = new Promise((r) => { this.resolveClosed = r; });
    void this.readLoop();
  }

  /** Resolves with the reason once the session ended. */
  get closed(): Promise<string> { return this.closedPromise; }
  get isOpen(): boolean { return this.ended === undefined; }
  /** Requests waiting for their answer. */
  get inFlight(): number { return this.waiters.length; }

  /**
   * Send `message` and wait for the answer of kind `answer` (in order with earlier requests).
   * No answer within `timeoutMs` ends the session. Rejects SessionClosedError when it ends.
   */
  request<K extends Kind>(message: SessionMessage, answer: K, timeoutMs: number): Promise<Of<K>> {
    if (this.ended !== undefined) return Promise.reject(new SessionClosedError(this.ended));
    return new Promise<Of<K>>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.close(`no ${answer} from ${this.where} within ${timeoutMs} ms`), timeoutMs);
      this.waiters.push({ kind: answer, resolve: resolve as (m: SessionMessage) => void, reject, timer });
      this.session.send(message).catch((e: Error) => this.close(`sending ${message.kind} to ${this.where} failed: ${e.message}`));
    });
  }

  /** Send a message that has no answer (a custody ack). */
  async tell(message: SessionMessage): Promise<void> {
    if (this.ended !== undefined) throw new SessionClosedError(this.ended);
    await this.session.send(message);
  }

  /** End the session (goodbye first when `goodbye`); every waiter is rejected with `reason`. */
  close(reason: string, goodbye = false): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    for (const w of this.waiters.splice(0)) {
      w.timer.cancel();
      w.reject(new SessionClosedError(reason));
    }
    if (goodbye) {
      this.session.send({ kind: 'goodbye' }).catch(() => undefined).finally(() => this.session.destroy());
    } else {
      this.session.destroy();
    }
    this.resolveClosed(reason);
  }

  private async readLoop(): Promise<void> {
    try {
      for (;;) {
        const m = await this.session.read();
        if (this.ended !== undefined) return;
        if (!m) return this.close(`${this.where} closed the session`);
        if (m.kind === 'goodbye') return this.close(`${this.where} said goodbye${m.reason ? `: ${m.reason.message}` : ''}`);
        const w = this.waiters.shift();
        if (!w) return this.close(`${this.where} sent ${m.kind} when nothing was asked`);
        w.timer.cancel();
        if (m.kind !== w.kind) {
          w.reject(new SessionClosedError(`${this.where} sent ${m.kind} where ${w.kind} was expected`));
          return this.close(`${this.where} sent ${m.kind} where ${w.kind} was expected`);
        }
        w.resolve(m);
      }
    } catch (e) {
      this.close(`session with ${this.where} failed: ${(e as Error).message}`);
    }
  }
}
