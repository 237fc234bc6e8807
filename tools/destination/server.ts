/**
 * The reference content destination: the Swift subset of shared/DESIGN.md on a directory, for
 * the simulator and for integrators to test against. Not a mock: it checks tokens, container and
 * object names, required metadata and clocks, answers the spec's status codes, and stores every
 * object durably (temp file, fsync, rename) with its metadata in a sidecar JSON file.
 *
 * On disk: `<root>/AUTH_<user>/<container>/<object>` (object names %-encoded, never a leading
 * dot), `<container>/.container.json` (container metadata) and `<container>/.meta/<object>.json`
 * ({ etag, bytes, contentType, timestamp, metadata }). An object exists once its sidecar does.
 */
import http from 'node:http';
import https from 'node:https';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CAPABILITIES_OBJECT, SYSTEM_CONTAINERS, formatCompactUtc, parseRecordingContainerName, parseRecordingObjectName } from '../../firmware/controller/destination/names.js';
import { Refusal, checkContainerMetadata, checkObjectMetadata } from './rules.js';

export interface CapabilitiesDocument {
  Read?: Record<string, boolean>;
  Store?: Record<string, boolean>;
  StoreAndRead?: Record<string, boolean>;
}

export const DEFAULT_CAPABILITIES: CapabilitiesDocument = {
  Read: {},
  Store: { StoreBookmarks: true, StoreGNSSTrackRecording: true },
  StoreAndRead: { StoreReadSystemID: true },
};

export interface DestinationServerOptions {
  /** Directory holding the accounts; created if missing. */
  root: string;
  /** TCP port (default 0: any free port). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Accounts: user name -> key. Each gets the account `AUTH_<name>`. */
  users: Record<string, string>;
  /** Written to `System/Capabilities.json` of every account at start; null writes none. */
  capabilities?: CapabilitiesDocument | null;
  /** After this many stored bytes in all, object PUTs answer 507 (destination full). */
  fullAfterBytes?: number;
  /** Objects allowed in `Users` and `Devices` each before a new one answers 402 (out of licences). */
  licences?: { users?: number; devices?: number };
  /** The destination's clock is this far from the host's (ms): models a destination with a wrong clock. */
  clockSkewMs?: number;
  /**
   * The clock rule: a storage request whose `X-Timestamp` (Swift, epoch seconds) or else `Date`
   * differs from the destination's clock by more than this (default 300 000 ms) gets 400, and so
   * does a recording container whose TriggerOnTime is later than the destination's now plus this.
   */
  maxClockSkewMs?: number;
  /** Token lifetime (default 24 h, like tempauth). */
  tokenTtlMs?: number;
  /** Serve HTTPS with this certificate chain and key (PEM); the connection file then pins the CA. */
  tls?: { cert: string; key: string };
  /** Host wall clock (default Date.now). */
  now?: () => number;
  log?: (line: string) => void;
}

export interface Fault {
  /** Answer this status instead of serving the request. */
  status?: number;
  retryAfterSeconds?: number;
  /** Serve the request but send a wrong Etag (GET/HEAD/PUT). */
  corruptEtag?: boolean;
  /** Only requests with this method / whose path matches. */
  method?: string;
  path?: RegExp;
}

/** Fault injection for tests: overrides that apply to the next matching storage requests, then fall back. */
export class Faults {
  private queue: Fault[] = [];
  /** Answer `status` to the next matching storage request (after auth and name checks). */
  next(status: number, opts: Omit<Fault, 'status'> = {}): this { this.queue.push({ ...opts, status }); return this; }
  /** Send a wrong Etag on the next matching request. */
  corruptEtag(opts: Omit<Fault, 'corruptEtag' | 'status'> = {}): this { this.queue.push({ ...opts, corruptEtag: true }); return this; }
  clear(): void { this.queue = []; }
  get pending(): number { return this.queue.length; }
  /** @internal */
  take(method: string, path: string): Fault | undefined {
    const i = this.queue.findIndex((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)));
    return i < 0 ? undefined : this.queue.splice(i, 1)[0];
  }
}

export interface DestinationServer {
  /** `http://host:port` (https with `tls`) */
  url: string;
  /** `http://host:port/auth/v1.0`: the AuthenticationTokenURI. */
  authUrl: string;
  root: string;
  faults: Faults;
  /** Make every issued token expired (the next storage request gets 401). */
  expireTokens(): void;
  /** Bytes of all stored objects. */
  storedBytes(): number;
  /** Counts by status code of the answers given, for tests and summaries. */
  statusCounts: Record<number, number>;
  close(): Promise<void>;
}

interface ObjectSidecar { etag: string; bytes: number; contentType: string; timestamp: number; metadata: Record<string, string> }
interface ContainerSidecar { created: number; metadata: Record<string, string> }

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 411: 'Length Required', 422: 'Unprocessable Entity', 503: 'Service Unavailable', 507: 'Insufficient Storage' };
const encodeName = (name: string) => encodeURIComponent(name).replace(/^\./, '%2E');
/** Swift's header title-casing: `x-object-meta-starttime` -> `Starttime`. */
const titleKey = (k: string) => k.split('-').map((p) => (p ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p)).join('-');
const metaFrom = (of: 'object' | 'container', req: IncomingMessage): Record<string, string> => {
  const prefix = `x-${of}-meta-`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (!k.startsWith(prefix) || typeof v !== 'string') continue;
    const key = titleKey(k.slice(prefix.length));
    if (key.length > 128 || v.length > 256) throw new Refusal(400, `metadata ${k}: expected a name of at most 128 and a value of at most 256 characters`);
    out[key] = v;
  }
  if (Object.keys(out).length > 90) throw new Refusal(400, 'metadata: expected at most 90 items');
  return out;
};

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/** Write `data` to `path` atomically and durably. */
async function writeDurably(path: string, tmpDir: string, data: string): Promise<void> {
  const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try { await fh.writeFile(data); await fh.sync(); } finally { await fh.close(); }
  await rename(tmp, path);
}

export async function startDestinationServer(opts: DestinationServerOptions): Promise<DestinationServer> {
  const hostNow = opts.now ?? Date.now;
  const now = () => hostNow() + (opts.clockSkewMs ?? 0);
  const maxSkew = opts.maxClockSkewMs ?? 300_000;
  const ttl = opts.tokenTtlMs ?? 24 * 3600_000;
  const log = opts.log ?? (() => {});
  const faults = new Faults();
  const tokens = new Map<string, { account: string; expiresAt: number }>();
  const statusCounts: Record<number, number> = {};
  const locks = new Map<string, Promise<unknown>>();
  for (const name of Object.keys(opts.users)) if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new TypeError(`users: a user name must be 1-64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(name)}`);
  const accounts = new Set(Object.keys(opts.users).map((u) => `AUTH_${u}`));
  await mkdir(opts.root, { recursive: true });

  /** Run `fn` after every earlier holder of `key` (read-modify-write of one container's metadata). */
  const locked = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => {});
    locks.set(key, tail);
    void tail.then(() => { if (locks.get(key) === tail) locks.delete(key); });
    return run;
  };

  const dirs = (account: string, container?: string) => {
    const acc = join(opts.root, account);
    const c = container === undefined ? '' : join(acc, encodeName(container));
    return { acc, tmp: join(acc, '.tmp'), container: c, meta: join(c, '.meta'), sidecar: join(c, '.container.json') };
  };
  const readJson = async <T>(path: string): Promise<T | undefined> => {
    try { return JSON.parse(await readFile(path, 'utf8')) as T; } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; throw e; }
  };
  const containerOf = (account: string, container: string) => readJson<ContainerSidecar>(dirs(account, container).sidecar);
  const objectOf = (account: string, container: string, object: string) => readJson<ObjectSidecar>(join(dirs(account, container).meta, `${encodeName(object)}.json`));
  const listObjects = async (account: string, container: string): Promise<{ name: string; meta: ObjectSidecar }[]> => {
    const d = dirs(account, container);
    const files = await readdir(d.meta).catch(() => [] as string[]);
    const out: { name: string; meta: ObjectSidecar }[] = [];
    for (const f of files.filter((f) => f.endsWith('.json')).sort()) {
      const meta = await readJson<ObjectSidecar>(join(d.meta, f));
      if (meta) out.push({ name: decodeURIComponent(f.slice(0, -5)), meta });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const listContainers = async (account: string): Promise<string[]> => {
    const entries = await readdir(dirs(account).acc, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => decodeURIComponent(e.name)).sort();
  };

  const clipCount = async (account: string, container: string) => (await listObjects(account, container)).filter((o) => parseRecordingObjectName(o.name)?.kind === 'clip').length;

  // Bytes stored, counted once at start and kept up to date.
  let stored = 0;
  for (const account of accounts) for (const c of await listContainers(account)) for (const o of await listObjects(account, c)) stored += o.meta.bytes;

  const ensureContainer = async (account: string, container: string, metadata: Record<string, string>): Promise<boolean> => {
    const d = dirs(account, container);
    await mkdir(d.tmp, { recursive: true });
    return locked(d.sidecar, async () => {
      const had = await containerOf(account, container);
      await mkdir(d.meta, { recursive: true });
      await writeDurably(d.sidecar, d.tmp, JSON.stringify({ created: had?.created ?? now(), metadata: { ...had?.metadata, ...metadata } } satisfies ContainerSidecar));
      if (!had) await fsyncDir(d.acc);
      return !had;
    });
  };

  /** Store a request body as an object: temp file, MD5, fsync, rename, sidecar. Never holds it whole. */
  const storeObject = async (account: string, container: string, object: string, req: IncomingMessage, metadata: Record<string, string>, limit: number | undefined): Promise<ObjectSidecar> => {
    const d = dirs(account, container);
    await mkdir(d.tmp, { recursive: true });
    const tmp = join(d.tmp, `${randomBytes(8).toString('hex')}.part`);
    const fh = await open(tmp, 'w');
    const hash = createHash('md5');
    let bytes = 0;
    let ok = false;
    try {
      // destroyOnReturn false: on a refusal the rest is drained, so the answer still reaches the client.
      for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (limit !== undefined && stored + bytes > limit) throw new Refusal(507, `destination full: ${limit} bytes allowed, ${stored + bytes} would be stored`);
        hash.update(chunk);
        await fh.write(chunk);
      }
      if (!req.complete) throw new Refusal(400, `request body ended early after ${bytes} bytes`);
      await fh.sync();
      ok = true;
    } finally {
      await fh.close();
      if (!ok) await rm(tmp, { force: true });
    }
    const etag = hash.digest('hex');
    const expected = req.headers.etag?.replace(/"/g, '').toLowerCase();
    if (expected !== undefined && expected !== etag) { await rm(tmp, { force: true }); throw new Refusal(422, `Etag ${expected} sent, MD5 of the body is ${etag}`); }
    const meta: ObjectSidecar = { etag, bytes, contentType: req.headers['content-type'] ?? 'application/octet-stream', timestamp: now(), metadata };
    await locked(`${d.container}/${object}`, async () => {
      const old = await objectOf(account, container, object);
      await rename(tmp, join(d.container, encodeName(object)));
      await writeDurably(join(d.meta, `${encodeName(object)}.json`), d.tmp, JSON.stringify(meta));
      await fsyncDir(d.container);
      await fsyncDir(d.meta);
      stored += bytes - (old?.bytes ?? 0);
    });
    return meta;
  };

  const send = (res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}) => {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://destination');
    res.setHeader('Date', new Date(now()).toUTCString());
    res.setHeader('X-Trans-Id', `tx${randomBytes(8).toString('hex')}`);
    const path = url.pathname;
    log(`${method} ${path}`);

    if (path === '/auth/v1.0' || path === '/auth/v1.0/') {
      req.resume();
      const user = (req.headers['x-auth-user'] ?? req.headers['x-storage-user']) as string | undefined;
      const key = (req.headers['x-auth-key'] ?? req.headers['x-storage-pass']) as string | undefined;
      const name = user?.includes(':') ? user.split(':')[1] : user;
      if (name === undefined || key === undefined || !Object.hasOwn(opts.users, name) || opts.users[name] !== key) return send(res, 401, 'Unauthorized: expected X-Auth-User and X-Auth-Key of a known user\n');
      const token = `AUTH_tk${randomBytes(16).toString('hex')}`;
      tokens.set(token, { account: `AUTH_${name}`, expiresAt: now() + ttl });
      const base = `${opts.tls ? 'https' : 'http'}://${req.headers.host ?? new URL(server.url).host}`;
      return send(res, 200, '', { 'X-Auth-Token': token, 'X-Storage-Token': token, 'X-Storage-Url': `${base}/v1/AUTH_${name}`, 'X-Auth-Token-Expires': String(Math.floor(ttl / 1000)) });
    }

    const parts = path.split('/');
    if (parts[1] !== 'v1' || !parts[2]) { req.resume(); return send(res, 404, `Not Found: expected /auth/v1.0 or /v1/<account>/..., got ${path}\n`); }
    const account = decodeURIComponent(parts[2]);
    const container = parts[3] ? decodeURIComponent(parts[3]) : undefined;
    const object = parts.length > 4 && parts.slice(4).join('/') ? decodeURIComponent(parts.slice(4).join('/')) : undefined;
    const isObjectPut = method === 'PUT' && object !== undefined;
    if (!isObjectPut) req.resume();

    const token = (req.headers['x-auth-token'] ?? req.headers['x-storage-token']) as string | undefined;
    const t = token === undefined ? undefined : tokens.get(token);
    if (!t || t.expiresAt <= now()) return send(res, 401, 'Unauthorized: expected a valid, unexpired X-Auth-Token\n');
    if (t.account !== account || !accounts.has(account)) return send(res, 403, `Forbidden: the token is for ${t.account}, not ${account}\n`);

    const stamp = req.headers['x-timestamp'] !== undefined ? Number(req.headers['x-timestamp']) * 1000 : req.headers.date !== undefined ? Date.parse(req.headers.date) : undefined;
    if (stamp !== undefined && (Number.isNaN(stamp) || Math.abs(stamp - now()) > maxSkew)) {
      return send(res, 400, `RequestTimeTooSkewed: the request's time ${Number.isNaN(stamp) ? 'is not a date' : new Date(stamp).toISOString()} is more than ${maxSkew / 1000} s from the destination's ${new Date(now()).toISOString()}\n`);
    }

    const fault = faults.take(method, path);
    if (fault?.status !== undefined) return send(res, fault.status, `${fault.status} ${STATUS_TEXT[fault.status] ?? ''} (injected)\n`, fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    const etagOf = (m: ObjectSidecar) => (fault?.corruptEtag ? createHash('md5').update(`corrupt${m.etag}`).digest('hex') : m.etag);

    if (container === undefined) {
      if (method !== 'GET' && method !== 'HEAD') return send(res, 405, `Method Not Allowed: ${method} on an account\n`);
      const names = await listContainers(account);
      const headers = { 'X-Account-Container-Count': String(names.length), 'X-Account-Bytes-Used': String(stored) };
      if (method === 'HEAD') return send(res, 204, '', headers);
      return url.searchParams.get('format') === 'json'
        ? send(res, 200, JSON.stringify(await Promise.all(names.map(async (name) => { const objs = await listObjects(account, name); return { name, count: objs.length, bytes: objs.reduce((s, o) => s + o.meta.bytes, 0) }; }))), { ...headers, 'Content-Type': 'application/json; charset=utf-8' })
        : send(res, 200, names.map((n) => `${n}\n`).join(''), headers);
    }

    if (object === undefined) {
      const isSystem = (SYSTEM_CONTAINERS as readonly string[]).includes(container);
      const rec = parseRecordingContainerName(container);
      if (method === 'PUT') {
        if (!isSystem && !rec) return send(res, 400, `container name ${JSON.stringify(container)}: expected <UserID>_<BWCSerialNumber>_<TriggerOnTime YYYYMMDDTHHMMSSZ> or one of ${SYSTEM_CONTAINERS.join(', ')}\n`);
        if (rec && rec.triggerOnTime > now() + maxSkew) return send(res, 400, `timestamp out of bounds: TriggerOnTime ${formatCompactUtc(rec.triggerOnTime)} is later than the destination's time ${formatCompactUtc(now())}\n`);
        const meta = metaFrom('container', req);
        const had = await containerOf(account, container);
        checkContainerMetadata(container, { ...had?.metadata, ...meta }, await clipCount(account, container));
        return send(res, (await ensureContainer(account, container, meta)) ? 201 : 202);
      }
      const had = await containerOf(account, container);
      if (!had) return send(res, 404, `Not Found: container ${container}\n`);
      if (method === 'POST') {
        const meta = metaFrom('container', req);
        const d = dirs(account, container);
        await locked(d.sidecar, async () => {
          const cur = (await containerOf(account, container)) ?? had;
          const merged = { ...cur.metadata, ...meta };
          for (const [k, v] of Object.entries(meta)) if (v === '') delete merged[k];
          checkContainerMetadata(container, merged, await clipCount(account, container));
          await writeDurably(d.sidecar, d.tmp, JSON.stringify({ created: cur.created, metadata: merged }));
        });
        return send(res, 204);
      }
      if (method === 'DELETE') {
        if ((await listObjects(account, container)).length > 0) return send(res, 409, `Conflict: container ${container} is not empty\n`);
        await rm(dirs(account, container).container, { recursive: true, force: true });
        return send(res, 204);
      }
      if (method !== 'GET' && method !== 'HEAD') return send(res, 405, `Method Not Allowed: ${method} on a container\n`);
      const objs = await listObjects(account, container);
      const headers: Record<string, string> = { 'X-Container-Object-Count': String(objs.length), 'X-Container-Bytes-Used': String(objs.reduce((s, o) => s + o.meta.bytes, 0)) };
      for (const [k, v] of Object.entries(had.metadata)) headers[`X-Container-Meta-${k}`] = v;
      if (method === 'HEAD') return send(res, 204, '', headers);
      return url.searchParams.get('format') === 'json'
        ? send(res, 200, JSON.stringify(objs.map((o) => ({ name: o.name, bytes: o.meta.bytes, hash: o.meta.etag, content_type: o.meta.contentType, last_modified: new Date(o.meta.timestamp).toISOString().slice(0, -1) }))), { ...headers, 'Content-Type': 'application/json; charset=utf-8' })
        : send(res, 200, objs.map((o) => `${o.name}\n`).join(''), headers);
    }

    // Objects.
    if (!(await containerOf(account, container))) { req.resume(); return send(res, 404, `Not Found: container ${container}\n`); }
    if (method === 'PUT') {
      if (object.length > 1024) return send(res, 400, 'object name: expected at most 1024 characters\n');
      const meta = metaFrom('object', req);
      checkObjectMetadata(container, object, meta);
      const limitOf = { Users: opts.licences?.users, Devices: opts.licences?.devices }[container];
      if (limitOf !== undefined && !(await objectOf(account, container, object)) && (await listObjects(account, container)).length >= limitOf) {
        return send(res, 402, `Payment Required: out of licences, ${limitOf} ${container.toLowerCase()} allowed\n`);
      }
      const length = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
      if (length === undefined && req.headers['transfer-encoding'] === undefined) return send(res, 411, 'Length Required: expected Content-Length or Transfer-Encoding: chunked\n');
      if (opts.fullAfterBytes !== undefined && stored + (length ?? 0) > opts.fullAfterBytes) return send(res, 507, `Insufficient Storage: ${stored} of ${opts.fullAfterBytes} bytes used\n`);
      if (expectsContinue) res.writeContinue();
      const stored1 = await storeObject(account, container, object, req, meta, opts.fullAfterBytes);
      return send(res, 201, '', { Etag: etagOf(stored1), 'Last-Modified': new Date(stored1.timestamp).toUTCString() });
    }
    const meta = await objectOf(account, container, object);
    if (!meta) return send(res, 404, `Not Found: object ${container}/${object}\n`);
    if (method === 'POST') {
      const m = metaFrom('object', req);
      checkObjectMetadata(container, object, m);
      const d = dirs(account, container);
      await locked(`${d.container}/${object}`, () => writeDurably(join(d.meta, `${encodeName(object)}.json`), d.tmp, JSON.stringify({ ...meta, metadata: m })));
      return send(res, 202);
    }
    if (method === 'DELETE') {
      const d = dirs(account, container);
      await locked(`${d.container}/${object}`, async () => {
        await rm(join(d.meta, `${encodeName(object)}.json`), { force: true });
        await rm(join(d.container, encodeName(object)), { force: true });
        stored -= meta.bytes;
      });
      return send(res, 204);
    }
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, `Method Not Allowed: ${method} on an object\n`);
    const headers: Record<string, string> = { Etag: etagOf(meta), 'Content-Type': meta.contentType, 'Content-Length': String(meta.bytes), 'Last-Modified': new Date(meta.timestamp).toUTCString(), 'X-Timestamp': (meta.timestamp / 1000).toFixed(5) };
    for (const [k, v] of Object.entries(meta.metadata)) headers[`X-Object-Meta-${k}`] = v;
    statusCounts[200] = (statusCounts[200] ?? 0) + 1;
    res.writeHead(200, headers);
    if (method === 'HEAD') { res.end(); return; }
    const file = join(dirs(account, container).container, encodeName(object));
    if ((await stat(file)).size !== meta.bytes) throw new Error(`object ${container}/${object}: file size differs from its sidecar`);
    createReadStream(file).on('error', (e) => res.destroy(e)).pipe(res);
  };

  const dispatch = (expectsContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, expectsContinue).catch((e: unknown) => {
      const status = e instanceof Refusal ? e.status : 500;
      if (!(e instanceof Refusal)) log(`error: ${(e as Error).stack ?? e}`);
      if (res.headersSent) { res.destroy(); return; }
      req.resume();
      res.setHeader('Connection', 'close');
      send(res, status, `${status} ${STATUS_TEXT[status] ?? 'Internal Server Error'}: ${(e as Error).message}\n`, e instanceof Refusal ? e.headers : {});
    });
  };
  const httpServer = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }) : http.createServer();
  httpServer.on('request', dispatch(false));
  httpServer.on('checkContinue', dispatch(true));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => { httpServer.off('error', reject); resolve(); });
  });
  const addr = httpServer.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const scheme = opts.tls ? 'https' : 'http';
  const server: DestinationServer = {
    url: `${scheme}://${host}:${addr.port}`,
    authUrl: `${scheme}://${host}:${addr.port}/auth/v1.0`,
    root: opts.root,
    faults,
    statusCounts,
    expireTokens: () => { for (const t of tokens.values()) t.expiresAt = 0; },
    storedBytes: () => stored,
    close: () => new Promise<void>((resolve) => { httpServer.close(() => resolve()); httpServer.closeAllConnections(); }),
  };

  // Every account gets its System container and, unless told not to, Capabilities.json.
  for (const account of accounts) {
    await ensureContainer(account, 'System', {});
    if (opts.capabilities !== null) {
      const caps = JSON.stringify(opts.capabilities ?? DEFAULT_CAPABILITIES);
      const d = dirs(account, 'System');
      const old = await objectOf(account, 'System', CAPABILITIES_OBJECT);
      await writeDurably(join(d.container, CAPABILITIES_OBJECT), d.tmp, caps);
      const meta: ObjectSidecar = { etag: createHash('md5').update(caps).digest('hex'), bytes: Buffer.byteLength(caps), contentType: 'application/json', timestamp: now(), metadata: {} };
      await writeDurably(join(d.meta, `${CAPABILITIES_OBJECT}.json`), d.tmp, JSON.stringify(meta));
      stored += meta.bytes - (old?.bytes ?? 0);
    }
  }
  return server;
}
