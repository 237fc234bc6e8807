/**
 * The controller's client for a content destination (the Swift subset in shared/DESIGN.md):
 * auth, capabilities, recording containers with metadata, and clip objects streamed from a
 * source with an MD5 check of what the destination stored. Any standard OpenStack Swift with
 * tempauth works, as does the reference server in tools/destination/.
 */
import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock, Timer } from '../../../hal/clock/contract.js';
import type { ConnectionFile } from './connection-file.js';
import { CAPABILITIES_OBJECT, encodeMetaValue, metaHeader } from './names.js';
import { DestinationError, errorForStatus, parseRetryAfter, type DestinationErrorKind } from './errors.js';

export interface SwiftClientOptions {
  connection: Pick<ConnectionFile, 'authenticationTokenUris' | 'httpsCertificates' | 'blobApiUserName' | 'blobApiKey' | 'fullStoreAndReadSupport'>;
  clock: Clock;
  /** How far the destination's `Date` may be from our clock before uploads stop (default 5 min). */
  maxClockSkewMs?: number;
  /** How long a PUT waits for `100 Continue` before sending its body anyway (default 1 s, on `clock`). */
  continueTimeoutMs?: number;
}

export interface Session {
  token: string;
  /** `X-Storage-Url` without a trailing slash, e.g. `http://127.0.0.1:8080/v1/AUTH_alice`. */
  storageUrl: string;
  /** The AuthenticationTokenURI that answered. */
  authUri: string;
  /** Monotonic ms after which the token is renewed before use (from X-Auth-Token-Expires). */
  renewAt: number | undefined;
}

/** The destination's capabilities. Missing, malformed or corrupt (bad Etag) means nothing supported. */
export interface Capabilities {
  source: 'file' | 'missing' | 'malformed' | 'corrupt';
  fullStoreAndReadSupport: boolean;
  read: Record<string, boolean>;
  store: Record<string, boolean>;
  storeAndRead: Record<string, boolean>;
}

/** Whether the destination supports a capability (e.g. `StoreGNSSTrackRecording`). */
export function hasCapability(c: Capabilities, name: string): boolean {
  return c.fullStoreAndReadSupport || c.read[name] === true || c.store[name] === true || c.storeAndRead[name] === true;
}

/** Object content: a Node Readable, an async generator, or chunks in memory. Consumed once. */
export type ObjectBody = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
export type Metadata = Record<string, string | number>;

export interface ObjectInfo {
  etag: string;
  bytes: number;
  /** Metadata keys lower-cased (HTTP headers are case-insensitive): `starttime`, `containertype`. */
  metadata: Record<string, string>;
}

export interface ContainerInfo {
  objectCount: number;
  bytesUsed: number;
  metadata: Record<string, string>;
}

interface Answer {
  res: IncomingMessage;
  /** Whether any of the request body was read from its source (then it cannot be sent again). */
  bodyStarted: boolean;
  md5: string;
  bytes: number;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;

function metaHeaders(of: 'Object' | 'Container', metadata: Metadata): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) h[metaHeader(of, k)] = encodeMetaValue(String(v));
  return h;
}

function metaOf(of: 'object' | 'container', res: IncomingMessage): Record<string, string> {
  const prefix = `x-${of}-meta-`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (k.startsWith(prefix) && typeof v === 'string') out[k.slice(prefix.length)] = v;
  return out;
}

const unquote = (etag: string | undefined) => etag?.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
const objectPath = (container: string, object?: string) => `/${encodeURIComponent(container)}${object === undefined ? '' : `/${object.split('/').map(encodeURIComponent).join('/')}`}`;

export class SwiftClient {
  /** The current session; undefined before the first request or after a 401. */
  session: Session | undefined;
  /** Destination `Date` minus our clock, in ms, from the last response that had one. */
  lastSkewMs: number | undefined;
  private readonly clock: Clock;
  private readonly conn: SwiftClientOptions['connection'];
  private readonly maxSkewMs: number;
  private readonly continueTimeoutMs: number;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent: https.Agent;

  constructor(opts: SwiftClientOptions) {
    this.clock = opts.clock;
    this.conn = opts.connection;
    this.maxSkewMs = opts.maxClockSkewMs ?? 5 * 60_000;
    this.continueTimeoutMs = opts.continueTimeoutMs ?? 1000;
    const pinned = opts.connection.httpsCertificates;
    this.httpsAgent = new https.Agent({ keepAlive: true, ...(pinned.length > 0 ? { ca: pinned } : {}) });
  }

  /** Get a token from the first AuthenticationTokenURI that gives one. Throws by kind naming every URI tried. */
  async authenticate(): Promise<Session> {
    const failures: DestinationError[] = [];
    for (const uri of this.conn.authenticationTokenUris) {
      const url = new URL(uri);
      const request = `GET ${url.pathname} at ${url.host}`;
      try {
        const a = await this.send('GET', url, { 'X-Auth-User': this.conn.blobApiUserName, 'X-Auth-Key': this.conn.blobApiKey });
        const body = await readReply(a.res, request);
        const status = a.res.statusCode ?? 0;
        if (status < 200 || status > 299) { failures.push(this.statusError(request, a.res, body)); continue; }
        const token = a.res.headers['x-auth-token'];
        const storage = a.res.headers['x-storage-url'];
        if (typeof token !== 'string' || typeof storage !== 'string' || !/^https?:\/\//.test(storage)) {
          failures.push(new DestinationError('failed', request, `${status} without X-Auth-Token and an http(s) X-Storage-Url`, { status }));
          continue;
        }
        if (this.lastSkewMs !== undefined && Math.abs(this.lastSkewMs) > this.maxSkewMs) {
          throw new DestinationError('clock-mismatch', request, `the destination's clock is ${Math.round(this.lastSkewMs / 1000)} s from ours (allowed ${this.maxSkewMs / 1000} s): synchronise both clocks (same NTP server)`, { status, alert: 'clock-mismatch' });
        }
        const expires = Number(a.res.headers['x-auth-token-expires']);
        this.session = { token, storageUrl: storage.replace(/\/+$/, ''), authUri: uri, renewAt: Number.isFinite(expires) && expires > 0 ? this.clock.monotonic() + Math.max(0, expires - 30) * 1000 : undefined };
        return this.session;
      } catch (e) {
        if (e instanceof DestinationError && e.kind === 'clock-mismatch') throw e;
        failures.push(e instanceof DestinationError ? e : noAnswer(request, e));
      }
    }
    const kind: DestinationErrorKind = failures.some((f) => f.kind === 'retry-later') ? 'retry-later' : failures[0]?.kind ?? 'failed';
    throw new DestinationError(kind, 'GET auth', `no AuthenticationTokenURI gave a token: ${failures.map((f) => f.message).join('; ')}`, { status: failures.at(-1)?.status ?? 0 });
  }

  /** `GET System/Capabilities.json`, its Etag checked against the MD5 of the body. */
  async capabilities(): Promise<Capabilities> {
    const none = (source: Capabilities['source']): Capabilities => ({ source, fullStoreAndReadSupport: this.conn.fullStoreAndReadSupport, read: {}, store: {}, storeAndRead: {} });
    const { res, request } = await this.storage('GET', objectPath('System', CAPABILITIES_OBJECT), {});
    const body = await readReply(res, request);
    if (res.statusCode === 404) return none('missing');
    this.check(request, res, body);
    if (unquote(res.headers.etag) !== createHash('md5').update(body).digest('hex')) return none('corrupt');
    let json: unknown;
    try { json = JSON.parse(body.toString('utf8')); } catch { return none('malformed'); }
    const map = (v: unknown): Record<string, boolean> | undefined => {
      if (v === undefined) return {};
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
      const out: Record<string, boolean> = {};
      for (const [k, b] of Object.entries(v)) { if (typeof b !== 'boolean') return undefined; out[k] = b; }
      return out;
    };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return none('malformed');
    const o = json as Record<string, unknown>;
    const read = map(o.Read), store = map(o.Store), storeAndRead = map(o.StoreAndRead);
    if (!read || !store || !storeAndRead) return none('malformed');
    return { source: 'file', fullStoreAndReadSupport: this.conn.fullStoreAndReadSupport, read, store, storeAndRead };
  }

  /** `PUT <container>` (201 created, 202 already there), with optional `X-Container-Meta-*`. */
  async createContainer(container: string, metadata: Metadata = {}): Promise<void> {
    const { res, request } = await this.storage('PUT', objectPath(container), { ...metaHeaders('Container', metadata), 'Content-Length': '0' });
    this.check(request, res, await readReply(res, request));
  }

  /** `POST <container>` with `X-Container-Meta-*` (adds or replaces those keys). */
  async postContainerMetadata(container: string, metadata: Metadata): Promise<void> {
    const { res, request } = await this.storage('POST', objectPath(container), { ...metaHeaders('Container', metadata), 'Content-Length': '0' });
    this.check(request, res, await readReply(res, request));
  }

  /** `POST <container>/<object>`: replaces the object's metadata. */
  async postObjectMetadata(container: string, object: string, metadata: Metadata): Promise<void> {
    const { res, request } = await this.storage('POST', objectPath(container, object), { ...metaHeaders('Object', metadata), 'Content-Length': '0' });
    this.check(request, res, await readReply(res, request));
  }

  /**
   * `PUT <container>/<object>` streaming `body` (never held whole in memory), with
   * `X-Object-Meta-*`. Resolves once the destination's Etag equals the MD5 of what was sent;
   * a different Etag is a `corrupt` error. `contentLength` avoids chunked encoding when known.
   */
  async putObject(container: string, object: string, body: ObjectBody, opts: { metadata?: Metadata; contentType?: string; contentLength?: number } = {}): Promise<{ etag: string; bytes: number }> {
    const headers: Record<string, string> = { ...metaHeaders('Object', opts.metadata ?? {}), 'Content-Type': opts.contentType ?? 'application/octet-stream' };
    if (opts.contentLength !== undefined) headers['Content-Length'] = String(opts.contentLength);
    else headers['Transfer-Encoding'] = 'chunked';
    const { res, request, answer } = await this.storage('PUT', objectPath(container, object), headers, body);
    this.check(request, res, await readReply(res, request));
    const etag = unquote(res.headers.etag);
    if (etag === undefined) throw new DestinationError('failed', request, `${res.statusCode} without an Etag: cannot verify what was stored`, { status: res.statusCode ?? 0 });
    if (etag !== answer.md5) throw new DestinationError('corrupt', request, `stored Etag ${etag} is not the MD5 ${answer.md5} of the ${answer.bytes} bytes sent`, { status: res.statusCode ?? 0 });
    return { etag, bytes: answer.bytes };
  }

  /** `HEAD <container>`; undefined when it does not exist. */
  async headContainer(container: string): Promise<ContainerInfo | undefined> {
    const { res, request } = await this.storage('HEAD', objectPath(container), {});
    await readReply(res, request);
    if (res.statusCode === 404) return undefined;
    this.check(request, res, Buffer.alloc(0));
    return { objectCount: Number(res.headers['x-container-object-count'] ?? 0), bytesUsed: Number(res.headers['x-container-bytes-used'] ?? 0), metadata: metaOf('container', res) };
  }

  /** `HEAD <container>/<object>`; undefined when it does not exist. */
  async headObject(container: string, object: string): Promise<ObjectInfo | undefined> {
    const { res, request } = await this.storage('HEAD', objectPath(container, object), {});
    await readReply(res, request);
    if (res.statusCode === 404) return undefined;
    this.check(request, res, Buffer.alloc(0));
    return { etag: unquote(res.headers.etag) ?? '', bytes: Number(res.headers['content-length'] ?? 0), metadata: metaOf('object', res) };
  }

  /**
   * Names of the objects in `container` (`GET <container>`, plain listing, one name per line),
   * following Swift's 10 000-name pages with `marker`. Undefined when the container does not exist.
   */
  async listObjects(container: string): Promise<string[] | undefined> {
    const names: string[] = [];
    for (;;) {
      const marker = names.length ? `?marker=${encodeURIComponent(names[names.length - 1]!)}` : '';
      const { res, request } = await this.storage('GET', `${objectPath(container)}${marker}`, {});
      const body = await readReply(res, request);
      if (res.statusCode === 404) return undefined;
      this.check(request, res, body);
      const page = body.toString('utf8').split('\n').filter((l) => l.length > 0);
      names.push(...page);
      if (page.length < 10_000) return names;
    }
  }

  /** `GET <container>/<object>` as a stream (read it to the end or destroy it). */
  async getObject(container: string, object: string): Promise<ObjectInfo & { body: IncomingMessage }> {
    const { res, request } = await this.storage('GET', objectPath(container, object), {});
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) this.check(request, res, await readReply(res, request));
    return { etag: unquote(res.headers.etag) ?? '', bytes: Number(res.headers['content-length'] ?? 0), metadata: metaOf('object', res), body: res };
  }

  /** Close idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** A storage request with the token; a 401 re-authenticates once and retries (if the body was not started). */
  private async storage(method: string, path: string, headers: Record<string, string>, body?: ObjectBody): Promise<{ res: IncomingMessage; request: string; answer: Answer }> {
    for (let attempt = 0; ; attempt++) {
      let session = this.session;
      if (!session || (session.renewAt !== undefined && this.clock.monotonic() >= session.renewAt)) session = await this.authenticate();
      const url = new URL(session.storageUrl + path);
      const request = `${method} ${url.pathname}`;
      let answer: Answer;
      try {
        answer = await this.send(method, url, { ...headers, 'X-Auth-Token': session.token }, body);
      } catch (e) {
        if (e instanceof DestinationError) throw e;
        // A kept-alive connection the server closed meanwhile: a request without a body is sent again at once.
        const code = (e as NodeJS.ErrnoException).code;
        if (body === undefined && attempt === 0 && (code === 'ECONNRESET' || code === 'EPIPE')) continue;
        throw noAnswer(request, e);
      }
      if (answer.res.statusCode === 401 && attempt === 0 && !answer.bodyStarted) {
        await readReply(answer.res, request);
        this.session = undefined;
        continue;
      }
      if (answer.res.statusCode === 401) this.session = undefined;
      return { res: answer.res, request, answer };
    }
  }

  private statusError(request: string, res: IncomingMessage, body: Buffer): DestinationError {
    return errorForStatus(request, res.statusCode ?? 0, {
      retryAfterMs: parseRetryAfter(res.headers['retry-after'], this.clock.now()),
      skewMs: this.lastSkewMs,
      maxSkewMs: this.maxSkewMs,
      body: body.toString('utf8'),
    });
  }

  /** Throws the error of its kind unless the status is 2xx. */
  private check(request: string, res: IncomingMessage, body: Buffer): void {
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw this.statusError(request, res, body);
  }

  /**
   * One HTTP exchange. A body is sent after `100 Continue` (so a 401/507/400 costs no upload and
   * the source is still unread), or after `continueTimeoutMs` if the server never says it;
   * streaming stops as soon as the server answers.
   */
  private send(method: string, url: URL, headers: Record<string, string>, body?: ObjectBody): Promise<Answer> {
    const secure = url.protocol === 'https:';
    if (secure && this.conn.httpsCertificates.length === 0) throw new DestinationError('failed', `${method} ${url.pathname}`, 'https: URL but the connection file has no HTTPSCertificate to pin');
    const hash = createHash('md5');
    const answer = { bodyStarted: false, md5: '', bytes: 0 } as Answer;
    return new Promise<Answer>((resolve, reject) => {
      const options = { method, headers: { ...headers, Date: new Date(this.clock.now()).toUTCString(), ...(body ? { Expect: '100-continue' } : {}) }, agent: secure ? this.httpsAgent : this.httpAgent };
      const req = secure ? https.request(url, options) : http.request(url, options);
      let responded = false;
      let sourceError: unknown;
      let waitContinue: Timer | undefined;
      const pump = async () => {
        waitContinue?.cancel();
        if (answer.bodyStarted || responded || !body) return;
        answer.bodyStarted = true;
        try {
          for await (const chunk of body) {
            if (responded) break;
            const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
            hash.update(buf);
            answer.bytes += buf.length;
            if (!req.write(buf)) {
              await new Promise<void>((ok) => {
                const done = () => { req.off('drain', done); req.off('close', done); req.off('response', done); ok(); };
                req.on('drain', done); req.on('close', done); req.on('response', done);
              });
            }
            if (req.destroyed) return;
          }
          if (!responded) answer.md5 = hash.digest('hex');
          req.end();
        } catch (e) {
          sourceError = e;
          req.destroy(e as Error);
        }
      };
      req.on('response', (res) => {
        responded = true;
        waitContinue?.cancel();
        res.on('end', () => { if (!req.writableEnded) req.destroy(); });
        answer.res = res;
        resolve(answer);
      });
      req.on('error', (e) => { waitContinue?.cancel(); reject(sourceError ?? e); });
      if (body) {
        req.on('continue', () => void pump());
        waitContinue = this.clock.setTimeout(() => void pump(), this.continueTimeoutMs);
        req.flushHeaders();
      } else {
        req.end();
      }
    }).then((a) => {
      const date = a.res.headers.date;
      const at = date === undefined ? NaN : Date.parse(date);
      if (!Number.isNaN(at)) this.lastSkewMs = at - this.clock.now();
      return a;
    });
  }
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME|HOSTNAME/;

/** A request that got no HTTP answer: a certificate the pinned CA does not vouch for fails; anything else is retried later. */
function noAnswer(request: string, e: unknown): DestinationError {
  const code = String((e as NodeJS.ErrnoException).code ?? '');
  if (TLS_TRUST.test(code)) return new DestinationError('failed', request, `the destination's certificate is not trusted by HTTPSCertificate (${code}: ${(e as Error).message})`, { cause: e });
  return new DestinationError('retry-later', request, `no answer: ${(e as Error).message}`, { cause: e });
}

/** Read a (small) reply body; bounded so a misbehaving server cannot fill memory. */
function readReply(res: IncomingMessage, request: string): Promise<Buffer> {
  if (res.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    res.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_REPLY_BYTES) { res.destroy(); reject(new DestinationError('failed', request, `reply larger than ${MAX_REPLY_BYTES} bytes`)); return; }
      parts.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(parts)));
    res.on('error', (e) => reject(new DestinationError('retry-later', request, `reply cut short: ${e.message}`, { cause: e })));
  });
}

export interface BackoffOptions {
  /** Attempts in all, including the first (default 5). */
  attempts?: number;
  /** First back-off in ms, doubled each retry (default 1000), capped at `maxMs` (default 60000). */
  baseMs?: number;
  maxMs?: number;
  /** Kinds worth retrying (default `retry-later` and `corrupt`). */
  retryOn?: DestinationErrorKind[];
  onRetry?: (error: DestinationError, delayMs: number, attempt: number) => void;
}

/** The back-off before retry number `attempt` (0-based): the server's Retry-After when given, else exponential. */
export function backoffDelayMs(attempt: number, error: DestinationError, opts: BackoffOptions = {}): number {
  const max = opts.maxMs ?? 60_000;
  if (error.retryAfterMs !== undefined) return Math.min(max, error.retryAfterMs);
  return Math.min(max, (opts.baseMs ?? 1000) * 2 ** attempt);
}

/** Run `op` until it succeeds, sleeping on `clock` between retryable failures; rethrows others and the last. */
export async function withBackoff<T>(clock: Clock, op: (attempt: number) => Promise<T>, opts: BackoffOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const retryOn = opts.retryOn ?? ['retry-later', 'corrupt'];
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      if (!(e instanceof DestinationError) || !retryOn.includes(e.kind) || attempt + 1 >= attempts) throw e;
      const delay = backoffDelayMs(attempt, e, opts);
      opts.onRetry?.(e, delay, attempt);
      await clock.sleep(delay);
    }
  }
}
