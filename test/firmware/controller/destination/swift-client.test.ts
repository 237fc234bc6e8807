/** The destination client against the reference server over loopback: auth, capabilities, uploads, and every status kind. */
import t from 'tap';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { SystemClock } from '../../../../hal/clock/linux.js';
import type { Clock } from '../../../../hal/clock/contract.js';
import { SwiftClient, hasCapability, withBackoff, backoffDelayMs } from '../../../../firmware/controller/destination/swift-client.js';
import { DestinationError } from '../../../../firmware/controller/destination/errors.js';
import { parseConnectionFile, connectionFileText } from '../../../../firmware/controller/destination/connection-file.js';
import { clipObjectName, recordingContainerName } from '../../../../firmware/controller/destination/names.js';
import { startDestinationServer, type DestinationServerOptions } from '../../../../tools/destination/server.js';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const container = recordingContainerName({ userId: 'u-1', bwcSerialNumber: 'W100-7', triggerOnTime: T0 });
const clip = clipObjectName({ startTime: T0 - 30_000, recordingId: 'r42', containerType: 'mkv' });
const clipMeta = { StartTime: (T0 - 30_000) / 1000, StopTime: (T0 + 60_000) / 1000, ContainerType: 'mkv', StartTimeISO: new Date(T0 - 30_000).toISOString() };

/** A system clock whose sleeps are recorded and return at once (no waiting in tests). */
function recordingClock(offsetMs = 0): Clock & { sleeps: number[] } {
  const sys = new SystemClock();
  const sleeps: number[] = [];
  return { sleeps, now: () => sys.now() + offsetMs, monotonic: () => sys.monotonic(), setTimeout: (fn, ms) => sys.setTimeout(fn, ms), setInterval: (fn, ms) => sys.setInterval(fn, ms), sleep: async (ms) => { sleeps.push(ms); } };
}

async function setup(t: { teardown(fn: () => unknown): void }, over: Partial<DestinationServerOptions> = {}, clock = recordingClock(), httpsCertificates: string[] = []) {
  const root = await mkdtemp(join(tmpdir(), 'bwc-dest-'));
  const server = await startDestinationServer({ root, users: { alice: 'secret' }, ...over });
  const connection = parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'alice', key: 'secret', httpsCertificates }));
  const client = new SwiftClient({ connection, clock });
  t.teardown(async () => { client.close(); await server.close(); await rm(root, { recursive: true, force: true }); });
  return { root, server, client, clock, connection };
}

async function* chunks(total: number, size = 65536): AsyncGenerator<Buffer> {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31) & 0xff;
  for (let sent = 0; sent < total; sent += size) yield buf.subarray(0, Math.min(size, total - sent));
}

/** The error a promise rejects with; a resolve is a test failure. */
const unexpected = (v: unknown): DestinationError => { throw new Error(`expected a DestinationError, got ${JSON.stringify(v)}`); };
const caught = (e: unknown): DestinationError => { if (e instanceof DestinationError) return e; throw e; };

async function readAll(s: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts);
}

t.test('authenticates, tries the next AuthenticationTokenURI when one is down', async (t) => {
  const { server, clock } = await setup(t);
  const connection = parseConnectionFile(connectionFileText({ authUri: ['http://127.0.0.1:1/auth/v1.0', server.authUrl], user: 'alice', key: 'secret' }));
  const client = new SwiftClient({ connection, clock });
  t.teardown(() => client.close());
  const s = await client.authenticate();
  t.equal(s.authUri, server.authUrl);
  t.match(s.storageUrl, /\/v1\/AUTH_alice$/);
  t.match(s.token, /^AUTH_tk/);
});

t.test('bad credentials are the unauthorized kind, naming the request and status', async (t) => {
  const { server, clock } = await setup(t);
  const client = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'alice', key: 'wrong' })), clock });
  t.teardown(() => client.close());
  const e = await client.authenticate().catch((x: unknown) => x);
  t.ok(e instanceof DestinationError);
  t.equal((e as DestinationError).kind, 'unauthorized');
  t.match((e as DestinationError).message, /GET \/auth\/v1\.0 .*401/);
});

t.test('capabilities: the file, and none when missing or its Etag is wrong', async (t) => {
  const { server, client } = await setup(t, { capabilities: { Store: { StoreGNSSTrackRecording: true, StoreBookmarks: false } } });
  const caps = await client.capabilities();
  t.equal(caps.source, 'file');
  t.ok(hasCapability(caps, 'StoreGNSSTrackRecording'));
  t.notOk(hasCapability(caps, 'StoreBookmarks'));
  server.faults.corruptEtag({ path: /Capabilities\.json$/ });
  const bad = await client.capabilities();
  t.equal(bad.source, 'corrupt');
  t.notOk(hasCapability(bad, 'StoreGNSSTrackRecording'), 'a wrong Etag means nothing is supported');

  const none = await setup(t, { capabilities: null });
  const missing = await none.client.capabilities();
  t.equal(missing.source, 'missing');
  t.notOk(hasCapability(missing, 'StoreGNSSTrackRecording'));
});

t.test('FullStoreAndReadSupport supports everything even without the file', async (t) => {
  const { server, clock } = await setup(t, { capabilities: null });
  const client = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'alice', key: 'secret', fullStoreAndReadSupport: true })), clock });
  t.teardown(() => client.close());
  t.ok(hasCapability(await client.capabilities(), 'StoreBookmarks'));
});

t.test('a recording: container, metadata, clip streamed and verified, read back, Status Complete', async (t) => {
  const { client, root } = await setup(t);
  await client.createContainer(container, { Status: 'Transferring' });
  await client.postContainerMetadata(container, { BWCSerialNumber: 'W100-7', SCUSerialNumber: 'SCU-1', FirmwareVersion: '1.2.3', UserID: 'u-1', TriggerOn: 'Button', TriggerOnTime: T0 / 1000, TriggerOnTimeISO: new Date(T0).toISOString(), BWCModel: 'W100', TimeZone: 'Europe/Stockholm', TriggerOff: 'Button' });
  const size = 3 * 1024 * 1024 + 17;
  const put = await client.putObject(container, clip, chunks(size), { metadata: clipMeta, contentType: 'video/x-matroska' });
  const expected = createHash('md5').update(await readAll(chunks(size))).digest('hex');
  t.same(put, { etag: expected, bytes: size });
  const head = await client.headObject(container, clip);
  t.equal(head?.etag, expected);
  t.equal(head?.bytes, size);
  t.equal(head?.metadata.containertype, 'mkv');
  const got = await client.getObject(container, clip);
  t.equal(createHash('md5').update(await readAll(got.body)).digest('hex'), expected, 'read back byte for byte');
  await client.postContainerMetadata(container, { Status: 'Complete' });
  const c = await client.headContainer(container);
  t.equal(c?.objectCount, 1);
  t.equal(c?.bytesUsed, size);
  t.equal(c?.metadata.status, 'Complete');
  t.equal(c?.metadata.userid, 'u-1');
  t.equal(await client.headObject(container, 'nope.mkv'), undefined);
  const sidecar = JSON.parse(await readFile(join(root, 'AUTH_alice', container, '.meta', `${clip}.json`), 'utf8')) as { etag: string };
  t.equal(sidecar.etag, expected, 'stored with its sidecar on disk');
});

t.test('with Content-Length known the body is sent un-chunked', async (t) => {
  const { client } = await setup(t);
  await client.createContainer(container);
  const r = await client.putObject(container, clip, [Buffer.from('hello '), Buffer.from('world')], { metadata: clipMeta, contentLength: 11 });
  t.equal(r.etag, createHash('md5').update('hello world').digest('hex'));
});

t.test('an expired token (401) re-authenticates once and the request succeeds, body intact', async (t) => {
  const { client, server } = await setup(t);
  await client.createContainer(container);
  const before = client.session?.token;
  server.expireTokens();
  const r = await client.putObject(container, clip, chunks(200_000), { metadata: clipMeta });
  t.equal(r.bytes, 200_000, 'the body was not consumed by the refused attempt');
  t.not(client.session?.token, before, 'a new token');
  t.equal(server.statusCounts[401], 1);
});

t.test('503 is retry-later with the Retry-After hint; withBackoff sleeps on the clock and succeeds', async (t) => {
  const { client, server, clock } = await setup(t);
  await client.createContainer(container);
  server.faults.next(503, { retryAfterSeconds: 7, method: 'PUT' }).next(503, { method: 'PUT' });
  const retries: string[] = [];
  const r = await withBackoff(clock, () => client.putObject(container, clip, chunks(100_000), { metadata: clipMeta }), { baseMs: 500, onRetry: (e) => retries.push(`${e.kind}:${e.status}`) });
  t.equal(r.bytes, 100_000);
  t.same(retries, ['retry-later:503', 'retry-later:503']);
  t.same(clock.sleeps, [7000, 1000], 'Retry-After first, then exponential back-off (500 * 2^1)');
});

t.test('507 and 402 are stop-and-alert with the alert named; not retried by withBackoff', async (t) => {
  const { client, server, clock } = await setup(t, { fullAfterBytes: 150_000, licences: { devices: 1 } });
  await client.createContainer(container);
  await client.putObject(container, clip, chunks(100_000), { metadata: clipMeta });
  const full = await withBackoff(clock, () => client.putObject(container, clipObjectName({ startTime: T0, recordingId: 'r43', containerType: 'mkv' }), chunks(100_000), { metadata: { ...clipMeta, StartTime: T0 / 1000 } })).then(unexpected, caught);
  t.equal(full.kind, 'stop-and-alert');
  t.equal(full.alert, 'destination-full');
  t.equal(full.status, 507);
  t.match(full.message, /PUT \/v1\/AUTH_alice\/.*r43\.mkv: 507/);
  t.same(clock.sleeps, [], 'no retry');
  t.equal(server.storedBytes() < 150_000 + 2000, true, 'nothing of the refused clip was kept');

  await client.createContainer('Devices');
  await client.putObject('Devices', 'W100-7', [Buffer.from('')], { metadata: { Name: 'Cam 7', Model: 'W100', Active: 'True' } });
  const lic = await client.putObject('Devices', 'W100-8', [Buffer.from('')], { metadata: { Name: 'Cam 8' } }).then(unexpected, caught);
  t.equal(lic.kind, 'stop-and-alert');
  t.equal(lic.alert, 'out-of-licences');
  t.equal(lic.status, 402);
});

t.test('507 in the middle of a chunked upload reaches the client and stops the stream', async (t) => {
  const { client } = await setup(t, { fullAfterBytes: 1_000_000 });
  await client.createContainer(container);
  let produced = 0;
  async function* big() { for await (const c of chunks(20_000_000)) { produced += c.length; yield c; } }
  const e = await client.putObject(container, clip, big(), { metadata: clipMeta }).then(unexpected, caught);
  t.equal(e.kind, 'stop-and-alert');
  t.equal(e.alert, 'destination-full');
  t.ok(produced < 20_000_000, `the source was not read to the end (${produced} bytes)`);
});

t.test('400 is never-storable (keep, mark not transferred): bad names and bad metadata', async (t) => {
  const { client } = await setup(t);
  const badName = await client.createContainer('not-a-recording').then(unexpected, caught);
  t.equal(badName.kind, 'never-storable');
  t.match(badName.message, /PUT \/v1\/AUTH_alice\/not-a-recording: 400 .*expected <UserID>_<BWCSerialNumber>_<TriggerOnTime/);
  await client.createContainer(container);
  const noDuration = await client.putObject(container, clip, [Buffer.from('x')], { metadata: { ...clipMeta, StopTime: clipMeta.StartTime } }).then(unexpected, caught);
  t.equal(noDuration.kind, 'never-storable');
  t.match(noDuration.message, /clip has no duration/);
  const badObject = await client.putObject(container, 'clip.mkv', [Buffer.from('x')], { metadata: clipMeta }).then(unexpected, caught);
  t.equal(badObject.kind, 'never-storable');
  t.match(badObject.message, /object name "clip\.mkv"/);
  const early = await client.postContainerMetadata(container, { Status: 'Complete' }).then(unexpected, caught);
  t.equal(early.kind, 'never-storable');
  t.match(early.message, /Status Complete: expected container metadata/);
});

t.test('clock mismatch: the destination refuses, and the client says so instead of never-storable', async (t) => {
  const skewed = await setup(t, { clockSkewMs: 2 * 3600_000 });
  const e = await skewed.client.authenticate().then(unexpected, caught);
  t.equal(e.kind, 'clock-mismatch');
  t.equal(e.alert, 'clock-mismatch');
  t.match(e.message, /clock is 7(199|200) s from ours/);

  // A client that tolerates any skew still meets the destination's own rule: 400 with a skewed Date.
  const { server } = await setup(t, { clockSkewMs: 2 * 3600_000 });
  const lax = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'alice', key: 'secret' })), clock: recordingClock(), maxClockSkewMs: Number.MAX_SAFE_INTEGER });
  t.teardown(() => lax.close());
  const refused = await lax.createContainer(container).then(unexpected, caught);
  t.equal(refused.status, 400);
  t.match(refused.message, /RequestTimeTooSkewed/);
});

t.test('an Etag that is not the MD5 of what was sent is corrupt (retryable)', async (t) => {
  const { client, server } = await setup(t);
  await client.createContainer(container);
  server.faults.corruptEtag({ method: 'PUT' });
  const e = await client.putObject(container, clip, chunks(1000), { metadata: clipMeta }).then(unexpected, caught);
  t.equal(e.kind, 'corrupt');
  t.match(e.message, /stored Etag [0-9a-f]{32} is not the MD5/);
});

t.test('back-off delays are pure and capped', async (t) => {
  const e = new DestinationError('retry-later', 'PUT /x', '503', { status: 503 });
  t.same([0, 1, 2, 3, 10].map((a) => backoffDelayMs(a, e, { baseMs: 1000, maxMs: 5000 })), [1000, 2000, 4000, 5000, 5000]);
  t.equal(backoffDelayMs(0, new DestinationError('retry-later', 'PUT /x', '503', { retryAfterMs: 120_000 }), { maxMs: 60_000 }), 60_000);
});

t.test('a destination that is down is retry-later', async (t) => {
  const client = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri: 'http://127.0.0.1:1/auth/v1.0', user: 'a', key: 'b' })), clock: recordingClock() });
  t.teardown(() => client.close());
  const e = await client.createContainer(container).then(unexpected, caught);
  t.equal(e.kind, 'retry-later');
  t.match(e.message, /no AuthenticationTokenURI gave a token: .*127\.0\.0\.1:1/);
});

t.test('HTTPS with the pinned CA from HTTPSCertificate; a certificate it does not vouch for fails', async (t) => {
  const { makePki } = await import('./tls.js');
  const pki = makePki();
  const { server, clock, client } = await setup(t, { tls: { cert: pki.serverCertPem, key: pki.serverKeyPem } }, recordingClock(), [pki.caPem]);
  t.match(server.authUrl, /^https:/);
  await client.createContainer(container);
  const r = await client.putObject(container, clip, chunks(70_000), { metadata: clipMeta });
  t.equal(r.bytes, 70_000);
  t.match(client.session?.storageUrl, /^https:/);

  const stranger = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'alice', key: 'secret', httpsCertificates: [pki.otherCaPem] })), clock });
  t.teardown(() => stranger.close());
  const e = await stranger.authenticate().then(unexpected, caught);
  t.equal(e.kind, 'failed');
  t.match(e.message, /certificate is not trusted by HTTPSCertificate/);
});
