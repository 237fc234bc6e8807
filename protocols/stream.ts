/**
 * A session over a byte stream (a TCP or TLS socket, or an emulated Duplex): an async reader of
 * session messages and a writer that waits for the socket to drain, so neither side buffers
 * without bound. No timers: session timeouts belong to the caller's Clock.
 */
import type { Duplex } from 'node:stream';
import { ProtocolError, isProtocolError } from './errors.js';
import { decodeSessionMessage, frameSessionMessage, type SessionMessage } from './envelope.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, checkMaxFrameBytes, type FramingOptions } from './framing.js';

export type SessionStreamOptions = FramingOptions;

function streamFailure(what: string, cause: unknown): ProtocolError {
  if (isProtocolError(cause)) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProtocolError('ESTREAM', `session stream ${what} failed: ${reason}`, { cause });
}

export class SessionStream {
  readonly maxFrameBytes: number;
  readonly #socket: Duplex;
  readonly #reader: AsyncGenerator<SessionMessage, void, undefined>;
  readonly #decoder: FrameDecoder;
  /** Frames decoded from bytes already read but not yet handed to read(). */
  #pending: Uint8Array[] = [];
  readonly #onError = (e: unknown) => { this.#failure ??= streamFailure('transport', e); };
  #failure: ProtocolError | undefined;
  #ending = false;
  #destroyed = false;
  #detached = false;
  #reading = false;
  #draining: Promise<void> | undefined;

  /**
   * Wraps `socket`. Reading pulls bytes only as messages are read (the socket's own flow
   * control pushes back on the peer). The stream keeps an 'error' listener so a socket error
   * never goes unhandled; it surfaces as ESTREAM from read() or send().
   */
  constructor(socket: Duplex, options: SessionStreamOptions = {}) {
    this.maxFrameBytes = checkMaxFrameBytes(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.#socket = socket;
    socket.on('error', this.#onError);
    this.#decoder = new FrameDecoder({ maxFrameBytes: this.maxFrameBytes });
    this.#reader = this.#messages();
  }

  async *#messages(): AsyncGenerator<SessionMessage, void, undefined> {
    const decoder = this.#decoder;
    try {
      for await (const chunk of this.#socket.iterator({ destroyOnReturn: false })) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        this.#pending = decoder.push(bytes);
        while (this.#pending.length > 0) yield decodeSessionMessage(this.#pending.shift()!);
      }
    } catch (e) {
      if (this.#destroyed) return;
      throw streamFailure('read', e);
    }
    if (this.#destroyed || this.#detached) return;
    decoder.end();
  }

  /**
   * The next message, or undefined when the peer ended the stream between frames. Throws
   * ProtocolError: ETRUNCATED (ended inside a frame), a framing or decode code for malformed
   * input, ESTREAM when the transport failed. After a throw, later reads return undefined.
   */
  async read(): Promise<SessionMessage | undefined> {
    if (this.#detached) return undefined;
    this.#reading = true;
    try {
      const next = await this.#reader.next();
      return next.done ? undefined : next.value;
    } finally {
      this.#reading = false;
    }
  }

  /** Reads messages until the peer ends the stream. */
  [Symbol.asyncIterator](): AsyncIterator<SessionMessage> {
    return { next: async () => {
      const value = await this.read();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    } };
  }

  /**
   * Sends one message. Resolves when the socket accepted it without exceeding its buffer, or
   * after it drained. Throws ProtocolError: a check code for an invalid message (nothing is
   * sent), EFRAME_TOO_LARGE, ECLOSED after end() or close, ESTREAM when the transport failed.
   */
  async send(message: SessionMessage): Promise<void> {
    const frame = frameSessionMessage(message, { maxFrameBytes: this.maxFrameBytes });
    // Sends issued while the socket drains wait their turn, in order, so the socket never holds
    // more than its high-water mark plus one frame even when callers do not await.
    while (this.#draining) await this.#draining.catch(() => undefined);
    this.#assertWritable();
    if (this.#socket.write(frame)) return;
    this.#draining = this.#drained().finally(() => { this.#draining = undefined; });
    await this.#draining;
  }

  #assertWritable(): void {
    if (this.#failure) throw this.#failure;
    const s = this.#socket;
    if (this.#detached) throw new ProtocolError('ECLOSED', 'session stream: send() after detach(); send on the upgraded session instead');
    if (this.#ending || s.destroyed || s.writableEnded) throw new ProtocolError('ECLOSED', 'session stream: send() after the stream was ended or closed');
  }

  #drained(): Promise<void> {
    const s = this.#socket;
    return new Promise<void>((resolve, reject) => {
      const done = (error?: ProtocolError) => {
        s.off('drain', onDrain); s.off('close', onClose); s.off('error', onError);
        if (error) reject(error); else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(this.#failure ?? new ProtocolError('ECLOSED', 'session stream closed while a send waited for the socket to drain'));
      const onError = (e: unknown) => done(streamFailure('write', e));
      s.on('drain', onDrain); s.on('close', onClose); s.on('error', onError);
    });
  }

  /** Ends the writing side after what was sent is flushed; resolves when it is. Idempotent. */
  async end(): Promise<void> {
    const s = this.#socket;
    if (this.#detached) return;
    if (this.#ending || s.writableFinished || s.destroyed) { this.#ending = true; return; }
    this.#ending = true;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: ProtocolError) => {
        s.off('finish', onFinish); s.off('close', onFinish); s.off('error', onError);
        if (error) reject(error); else resolve();
      };
      const onFinish = () => done();
      const onError = (e: unknown) => done(streamFailure('end', e));
      s.on('finish', onFinish); s.on('close', onFinish); s.on('error', onError);
      s.end();
    });
  }

  /** Closes both directions at once (e.g. after a protocol error); pending and later reads resolve undefined. */
  destroy(): void {
    this.#ending = true;
    this.#destroyed = true;
    if (!this.#detached) this.#socket.destroy();
  }

  /**
   * Stops reading and hands the socket back, open and untouched, for an upgrade in place (TLS
   * after the plaintext hello or enrollment). Bytes the peer sent after the last message read
   * stay in the socket for the new owner. Call it with no read() pending, once the last
   * plaintext message was read or sent; waits for sends still draining. Afterwards this stream
   * is inert: read() resolves undefined, send() throws ECLOSED, end() and destroy() leave the
   * socket alone. Throws ProtocolError (the stream stays as it was; destroy it): ESTREAM when
   * the decoder already holds bytes beyond the last message read (the peer spoke before the
   * upgrade) or a read() is pending, ECLOSED when already detached or closed, or the
   * transport's failure.
   */
  async detach(): Promise<Duplex> {
    if (this.#detached) throw new ProtocolError('ECLOSED', 'session stream: detach() called twice');
    if (this.#reading) throw new ProtocolError('ESTREAM', 'session stream: detach() while a read() is pending; detach only between messages, after the last plaintext message');
    while (this.#draining) await this.#draining.catch(() => undefined);
    if (this.#failure) throw this.#failure;
    const s = this.#socket;
    if (this.#destroyed || s.destroyed) throw new ProtocolError('ECLOSED', 'session stream: detach() after the stream was closed');
    const early = this.#pending.reduce((n, f) => n + f.length + 1, 0) + this.#decoder.buffered;
    if (this.#pending.length > 0 || !this.#decoder.idle) {
      throw new ProtocolError('ESTREAM', `session stream: cannot upgrade, the peer already sent ${this.#pending.length > 0 ? `${this.#pending.length} more message(s)` : 'part of a message'} (about ${early} bytes) after the last message read; expected it to wait for the upgrade`);
    }
    this.#detached = true;
    this.#ending = true;
    // Ends the socket iterator between chunks: it removes its 'readable' listener (else a
    // reader that uses 'data', like a TLSSocket, would never get bytes) and its end-of-stream watch.
    await this.#reader.return(undefined);
    // Let the stream notice that no 'readable' listener is left before a new owner resumes it.
    await new Promise<void>((resolve) => process.nextTick(resolve));
    s.off('error', this.#onError);
    return s;
  }
}
