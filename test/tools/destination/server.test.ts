/** The reference destination over raw HTTP: auth, names, metadata, clocks, listings, durability, faults, CLI. */
import t from 'tap';
import { mkdtemp, rm, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startDestinationServer, type DestinationServerOptions } from '../../../tools/destination/server.js';
import { runDestinationCli, USAGE } from '../../../tools/destination/main.js';
import { parseConnectionFile } from '../../../firmware/controller/destination/connection-file.js';

const REC = 'u-1_W100-7_20261123T080000Z';
const CLIP = '20261123T075930Z_r1.mkv';
const start = Date.UTC(2026, 10, 23, 7, 59, 30) / 1000;
const clipHeaders = { 'X-Object-Meta-StartTime': String(start), 'X-Object-Meta-StopTime': String(start + 90), 'X-Object-Meta-ContainerType': 'mkv' };

async function setup(t: { teardown(fn: () => unknown): void }, over: Partial<DestinationServerOptions> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'bwc-refdest-'));
  const server = await startDestinationServer({ root, users: { alice: 'secret', bob: 'pw' }, ...over });
  t.teardown(async () => { await server.close(); await rm(root, { recursive: true, force: true }); });
  const auth = await fetch(server.authUrl, { headers: { 'X-Auth-User': 'alice', 'X-Auth-Key': 'secret' } });
  const token = auth.headers.get('x-auth-token')!;
  const storage = auth.headers.get('x-storage-url')!;
  const req = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => fetch(`${storage}${path}`, { method, headers: { 'X-Auth-Token': token, ...headers }, ...(body !== undefined ? { body } : {}) });
  return { root, server, token, storage, req };
}

t.test('auth: 401 without or with wrong credentials; token, storage URL and expiry with them', async (t) => {
  const { server, storage, token } = await setup(t);
  t.equal((await fetch(server.authUrl)).status, 401);
  t.equal((await fetch(server.authUrl, { headers: { 'X-Auth-User': 'alice', 'X-Auth-Key': 'nope' } })).status, 401);
  const tempauthStyle = await fetch(server.authUrl, { headers: { 'X-Storage-User': 'test:alice', 'X-Storage-Pass': 'secret' } });
  t.equal(tempauthStyle.status, 200, 'tempauth account:user form accepted');
  t.match(token, /^AUTH_tk[0-9a-f]{32}$/);
  t.equal(storage, `${server.url}/v1/AUTH_alice`);
  t.equal((await fetch(`${storage}/System`)).status, 401, 'no token');
  t.equal((await fetch(`${storage}/System`, { headers: { 'X-Auth-Token': 'AUTH_tkforged' } })).status, 401, 'unknown token');
  t.equal((await fetch(`${server.url}/v1/AUTH_bob/System`, { headers: { 'X-Auth-Token': token } })).status, 403, "another account's token");
  server.expireTokens();
  t.equal((await fetch(`${storage}/System`, { headers: { 'X-Auth-Token': token } })).status, 401, 'expired');
});

t.test('capabilities are served with the MD5 of the body as Etag', async (t) => {
  const { req } = await setup(t);
  const r = await req('GET', '/System/Capabilities.json');
  const body = Buffer.from(await r.arrayBuffer());
  t.equal(r.status, 200);
  t.equal(r.headers.get('etag'), createHash('md5').update(body).digest('hex'));
  t.match(JSON.parse(body.toString()), { Store: { StoreGNSSTrackRecording: true } });
});

t.test('names: containers and objects that do not follow the spec get 400 naming the pattern', async (t) => {
  const { req } = await setup(t);
  const bad = await req('PUT', '/holiday-videos');
  t.equal(bad.status, 400);
  t.match(await bad.text(), /expected <UserID>_<BWCSerialNumber>_<TriggerOnTime YYYYMMDDTHHMMSSZ> or one of System, Users, Devices/);
  t.equal((await req('PUT', '/u-1_W100-7_20261199T080000Z')).status, 400, 'not a real time');
  t.equal((await req('PUT', `/${REC}`)).status, 201);
  t.equal((await req('PUT', `/${REC}`)).status, 202, 'already there');
  t.equal((await req('PUT', '/Users')).status, 201);
  const obj = await req('PUT', `/${REC}/movie.mkv`, clipHeaders, 'x');
  t.equal(obj.status, 400);
  t.match(await obj.text(), /object name "movie\.mkv": expected <StartTime YYYYMMDDTHHMMSSZ>_<RecordingID>\.mkv\|mp4\|key/);
  t.equal((await req('PUT', `/u-2_W100-7_20261123T080000Z/${CLIP}`, clipHeaders, 'x')).status, 404, 'no such container');
  const future = new Date(Date.now() + 3 * 3600_000);
  const stamp = `${future.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  const ahead = await req('PUT', `/u-1_W100-7_${stamp}`);
  t.equal(ahead.status, 400);
  t.match(await ahead.text(), /timestamp out of bounds: TriggerOnTime .* is later than the destination's time/);
});

t.test('metadata: clips need StartTime, StopTime after it, the right ContainerType; trails need FileType', async (t) => {
  const { req } = await setup(t);
  await req('PUT', `/${REC}`);
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...clipHeaders, 'X-Object-Meta-StartTime': '' }, /X-Object-Meta-StartTime: expected epoch seconds/],
    [{ 'X-Object-Meta-StartTime': String(start), 'X-Object-Meta-ContainerType': 'mkv' }, /X-Object-Meta-StopTime: expected epoch seconds/],
    [{ ...clipHeaders, 'X-Object-Meta-StopTime': String(start) }, /clip has no duration/],
    [{ ...clipHeaders, 'X-Object-Meta-ContainerType': 'mp4' }, /X-Object-Meta-ContainerType: expected "mkv" as the object name says, got "mp4"/],
    [{ ...clipHeaders, 'X-Object-Meta-StartTime': String(start + 3600), 'X-Object-Meta-StopTime': String(start + 3700) }, /but the object name says 20261123T075930Z/],
  ];
  for (const [headers, expected] of cases) {
    const r = await req('PUT', `/${REC}/${CLIP}`, headers, 'x');
    t.equal(r.status, 400);
    t.match(await r.text(), expected);
  }
  const trail = await req('PUT', `/${REC}/20261123T075930Z_r1_W100-7_gpstrail.json`, {}, '{}');
  t.match(await trail.text(), /X-Object-Meta-FileType: expected "json"/);
  t.equal((await req('PUT', `/${REC}/20261123T075930Z_r1_W100-7_gpstrail.json`, { 'X-Object-Meta-FileType': 'json' }, '{"CoordinateEntries":[]}')).status, 201);
  t.equal((await req('PUT', `/${REC}/bookmark_20261123T080012Z_r1-1`, { 'X-Object-Meta-FileType': 'json' }, '{"SecondsFromStart":42}')).status, 201, 'a bookmark object is accepted');
  const badBookmark = await req('PUT', `/${REC}/bookmark_20261399T080012Z_r1-1`, {}, '{}');
  t.equal(badBookmark.status, 400, 'a bookmark name with an impossible time is refused');
  t.match(await badBookmark.text(), /expected .*bookmark_<Timestamp>_<ID>/);
  const badEtag = await req('PUT', `/${REC}/${CLIP}`, { ...clipHeaders, Etag: 'ffffffffffffffffffffffffffffffff' }, 'x');
  t.equal(badEtag.status, 422, 'an Etag sent with the body is checked');
});

t.test('container metadata: Status values, name agreement, Complete needs the essentials and a clip', async (t) => {
  const { req } = await setup(t);
  await req('PUT', `/${REC}`, { 'X-Container-Meta-Status': 'Transferring' });
  const post = async (h: Record<string, string>) => { const r = await req('POST', `/${REC}`, h); return `${r.status} ${await r.text()}`; };
  t.match(await post({ 'X-Container-Meta-Status': 'Done' }), /^400 .*X-Container-Meta-Status: expected Transferring or Complete, got "Done"/);
  t.match(await post({ 'X-Container-Meta-UserID': 'u-9' }), /^400 .*X-Container-Meta-UserID: expected u-1 as the container name says/);
  t.match(await post({ 'X-Container-Meta-BWCSerialNumber': 'W100-8' }), /^400 .*BWCSerialNumber: expected W100-7/);
  t.match(await post({ 'X-Container-Meta-TriggerOnTime': '12' }), /^400 .*TriggerOnTime: expected epoch seconds matching 20261123T080000Z/);
  t.match(await post({ 'X-Container-Meta-Status': 'Complete' }), /^400 .*Status Complete: expected container metadata Bwcserialnumber, Userid, Triggerontime/);
  t.match(await post({ 'X-Container-Meta-UserID': 'u-1', 'X-Container-Meta-BWCSerialNumber': 'W100-7', 'X-Container-Meta-TriggerOnTime': String(Date.UTC(2026, 10, 23, 8) / 1000) }), /^204/);
  t.match(await post({ 'X-Container-Meta-Status': 'Complete' }), /^400 .*expected at least one clip object/);
  t.equal((await req('PUT', `/${REC}/${CLIP}`, clipHeaders, 'video')).status, 201);
  t.match(await post({ 'X-Container-Meta-Status': 'Complete' }), /^204/);
  const head = await req('HEAD', `/${REC}`);
  t.equal(head.headers.get('x-container-meta-status'), 'Complete');
  t.equal(head.headers.get('x-container-meta-userid'), 'u-1');
  t.equal(head.headers.get('x-container-object-count'), '1');
});

t.test('objects: stored durably with a sidecar, listed, read back, survive a restart, deleted', async (t) => {
  const { req, root, server } = await setup(t);
  await req('PUT', `/${REC}`);
  const put = await req('PUT', `/${REC}/${CLIP}`, clipHeaders, 'matroska bytes');
  t.equal(put.status, 201);
  t.equal(put.headers.get('etag'), createHash('md5').update('matroska bytes').digest('hex'));
  t.equal(await readFile(join(root, 'AUTH_alice', REC, CLIP), 'utf8'), 'matroska bytes');
  t.match(JSON.parse(await readFile(join(root, 'AUTH_alice', REC, '.meta', `${CLIP}.json`), 'utf8')), { bytes: 14, metadata: { Starttime: String(start), Containertype: 'mkv' } });
  t.same((await readdir(join(root, 'AUTH_alice', '.tmp'))), [], 'no temp files left');
  t.equal(await (await req('GET', '')).text(), `System\n${REC}\n`);
  t.match(await (await req('GET', '?format=json')).json(), [{ name: 'System', count: 1 }, { name: REC, count: 1, bytes: 14 }]);
  t.equal(await (await req('GET', `/${REC}`)).text(), `${CLIP}\n`);
  t.match(await (await req('GET', `/${REC}?format=json`)).json(), [{ name: CLIP, bytes: 14, hash: put.headers.get('etag') }]);
  const got = await req('GET', `/${REC}/${CLIP}`);
  t.equal(await got.text(), 'matroska bytes');
  t.equal(got.headers.get('x-object-meta-containertype'), 'mkv');

  const bytesBefore = server.storedBytes();
  const again = await startDestinationServer({ root, users: { alice: 'secret', bob: 'pw' } });
  t.teardown(() => again.close());
  t.equal(again.storedBytes(), bytesBefore, 'a restarted server counts what is stored');

  t.equal((await req('DELETE', `/${REC}`)).status, 409, 'not empty');
  t.equal((await req('DELETE', `/${REC}/${CLIP}`)).status, 204);
  t.equal((await req('GET', `/${REC}/${CLIP}`)).status, 404);
  t.equal((await req('DELETE', `/${REC}`)).status, 204);
});

t.test("clock rule: a request's Date or X-Timestamp more than maxClockSkewMs off gets 400", async (t) => {
  const { req } = await setup(t, { maxClockSkewMs: 60_000 });
  const off = await req('PUT', `/${REC}`, { Date: new Date(Date.now() - 3600_000).toUTCString() });
  t.equal(off.status, 400);
  t.match(await off.text(), /RequestTimeTooSkewed: the request's time .* is more than 60 s from the destination's/);
  t.equal((await req('PUT', `/${REC}`, { 'X-Timestamp': String(Date.now() / 1000 + 600) })).status, 400);
  t.equal((await req('PUT', `/${REC}`, { Date: new Date().toUTCString() })).status, 201, 'in time');
});

t.test('faults: the next matching request gets the injected status, then it falls back', async (t) => {
  const { req, server } = await setup(t);
  await req('PUT', `/${REC}`);
  server.faults.next(503, { retryAfterSeconds: 3, method: 'PUT' });
  const busy = await req('PUT', `/${REC}/${CLIP}`, clipHeaders, 'x');
  t.equal(busy.status, 503);
  t.equal(busy.headers.get('retry-after'), '3');
  t.equal(server.faults.pending, 0);
  t.equal((await req('PUT', `/${REC}/${CLIP}`, clipHeaders, 'x')).status, 201);
});

t.test('full and out of licences', async (t) => {
  const { req } = await setup(t, { fullAfterBytes: 1000, licences: { users: 1 } });
  await req('PUT', `/${REC}`);
  t.equal((await req('PUT', `/${REC}/${CLIP}`, clipHeaders, 'x'.repeat(2000))).status, 507);
  await req('PUT', '/Users');
  t.equal((await req('PUT', '/Users/user-1', { 'X-Object-Meta-Name': 'Ann' }, '')).status, 201);
  t.equal((await req('PUT', '/Users/user-1', { 'X-Object-Meta-Name': 'Ann B' }, '')).status, 201, 'updating an existing user needs no licence');
  const r = await req('PUT', '/Users/user-2', { 'X-Object-Meta-Name': 'Bo' }, '');
  t.equal(r.status, 402);
  t.match(await r.text(), /out of licences, 1 users allowed/);
});

t.test('CLI: --help, bad usage named, and a running server with its connection file', async (t) => {
  const out: string[] = [], err: string[] = [];
  const io = { out: (s: string) => { out.push(s); }, err: (s: string) => { err.push(s); } };
  t.equal(await runDestinationCli(['--help'], io), 0);
  t.equal(out.join(''), USAGE);
  t.equal(await runDestinationCli(['--root', '/tmp/x', '--user', 'nokey', '--port', 'abc'], io), 2);
  t.match(err.join(''), /--port: expected an integer >= 0, got "abc"; --user: expected NAME:KEY, got "nokey"/);
  const root = await mkdtemp(join(tmpdir(), 'bwc-refdest-cli-'));
  const file = join(root, 'connection.json');
  const server = await runDestinationCli(['--root', join(root, 'store'), '--port', '0', '--user', 'scu:k:ey', '--connection-file', file], io);
  if (typeof server === 'number') throw new Error(`exit ${server}: ${err.join('')}`);
  t.teardown(async () => { await server.close(); await rm(root, { recursive: true, force: true }); });
  t.match(out.at(-1), /^destination: listening on http:\/\/127\.0\.0\.1:\d+/);
  const conn = parseConnectionFile(await readFile(file, 'utf8'));
  t.same(conn.authenticationTokenUris, [server.authUrl]);
  t.equal(conn.blobApiKey, 'k:ey', 'the key may contain a colon');
  t.equal((await fetch(server.authUrl, { headers: { 'X-Auth-User': 'scu', 'X-Auth-Key': 'k:ey' } })).status, 200);
});
