/**
 * The Uploader loop against the reference destination: prioritized first and released only after
 * Status Complete; 503 backs off and succeeds; 507 stops with an alert, keeps everything and goes on
 * after resume(); 400 marks the recording not transferred and never releases it; a destination
 * clock far from ours is the manual's "Can't transfer recordings"; refused credentials alert.
 */
import t from 'tap';
import { generateSystemKeyPair } from '../../../../firmware/common/evidence/index.js';
import { Uploader, type UploaderEvent, type UploaderOptions } from '../../../../firmware/controller/upload/index.js';
import { SwiftClient } from '../../../../firmware/controller/destination/swift-client.js';
import { buffered, MemoryQueue, startDestination, writeRecording, type Destination } from './helpers.js';

const system = await generateSystemKeyPair();
const recA = await writeRecording(system, { loops: 1 });
const recB = await writeRecording(system, { loops: 2 });

function setup(t: { teardown(fn: () => unknown): void }, d: Destination, over: Partial<UploaderOptions> = {}) {
  const queue = new MemoryQueue();
  const uploader = new Uploader({
    queue, client: d.client, destination: d.connection, systemKeys: system, controllerSerial: 'SCU-1', clock: d.clock,
    retryBaseMs: 5, retryMaxMs: 20, requestAttempts: 1, ...over,
  });
  const events: UploaderEvent[] = [];
  const waiters: { match: (e: UploaderEvent) => boolean; ok: (e: UploaderEvent) => void }[] = [];
  uploader.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) if (w.match(e)) { waiters.splice(waiters.indexOf(w), 1); w.ok(e); }
  });
  const next = <K extends UploaderEvent['type']>(type: K, extra: (e: Extract<UploaderEvent, { type: K }>) => boolean = () => true) =>
    new Promise<Extract<UploaderEvent, { type: K }>>((ok) => {
      const found = events.find((e) => e.type === type && extra(e as Extract<UploaderEvent, { type: K }>));
      if (found) { ok(found as Extract<UploaderEvent, { type: K }>); return; }
      waiters.push({ match: (e) => e.type === type && extra(e as Extract<UploaderEvent, { type: K }>), ok: ok as (e: UploaderEvent) => void });
    });
  t.teardown(() => uploader.stop());
  return { queue, uploader, events, next };
}

t.test('prioritized first; each released once, only after Status Complete; progress and a summary', async (t) => {
  const d = await startDestination(t);
  const { queue, uploader, events, next } = setup(t, d);
  const a = buffered(recA.reader);
  const b = { ...buffered(recB.reader), prioritized: true, receivedAt: 1 };
  queue.add(a);
  queue.add(b);
  uploader.start();
  await next('uploaded', (e) => e.idHex === a.idHex);
  await uploader.idle();
  t.same(events.filter((e) => e.type === 'started').map((e) => (e as { idHex: string }).idHex), [b.idHex, a.idHex], 'the prioritized recording first');
  t.same(queue.released, [b.idHex, a.idHex]);
  t.ok(events.some((e) => e.type === 'progress'), 'progress events');
  const s = uploader.stats();
  t.equal(s.uploadedRecordings, 2);
  t.ok(s.uploadedBytes > 10_000, `${s.uploadedBytes} bytes uploaded`);
  t.same(s.activeAlerts, []);
  // Released only after Complete: at the time of each release the container said Complete.
  for (const id of queue.released) {
    const r = id === a.idHex ? a : b;
    const container = (events.find((e) => e.type === 'uploaded' && e.idHex === id) as { result: { container: string } }).result.container;
    t.equal((await d.client.headContainer(container))?.metadata.status, 'Complete', `${r.idHex.slice(0, 8)}: Complete at the destination`);
  }
});

t.test('503 twice: backs off and then succeeds', async (t) => {
  const d = await startDestination(t);
  d.server.faults.next(503, { method: 'PUT', path: /\.mkv$/ }).next(503, { method: 'PUT', path: /\.mkv$/, retryAfterSeconds: 0 });
  const { queue, uploader, events, next } = setup(t, d);
  const a = buffered(recA.reader);
  queue.add(a);
  uploader.start();
  await next('uploaded');
  const retries = events.filter((e) => e.type === 'retry');
  t.equal(retries.length, 2, 'two retries');
  t.ok(retries.every((e) => e.type === 'retry' && e.kind === 'retry-later'));
  t.equal(d.server.statusCounts[503], 2);
  await uploader.idle();
  t.same(queue.released, [a.idHex]);
});

t.test('507 destination full: alert, stop, keep everything; resume() uploads it', async (t) => {
  const d = await startDestination(t);
  d.server.faults.next(507, { method: 'PUT', path: /\.mkv$/ });
  const { queue, uploader, events, next } = setup(t, d);
  const a = buffered(recA.reader);
  const b = buffered(recB.reader);
  queue.add(a);
  queue.add(b);
  uploader.start();
  const alert = await next('alert');
  t.equal(alert.alert.kind, 'destination-full');
  t.match(alert.alert.message, /content destination is full; uploads stopped, every recording is kept/);
  await next('paused');
  await uploader.idle();
  t.same(queue.released, [], 'nothing released');
  t.equal((await queue.pending()).length, 2, 'both kept');
  t.equal(events.filter((e) => e.type === 'started').length, 1, 'no other upload started while stopped');
  t.ok(uploader.stats().pausedUntil !== undefined);
  uploader.resume();
  await next('uploaded', (e) => e.idHex === b.idHex);
  await uploader.idle();
  t.same(queue.released.sort(), [a.idHex, b.idHex].sort());
  t.ok(events.some((e) => e.type === 'alert-cleared' && e.kind === 'destination-full'), 'the alert is cleared once uploads go through');
});

t.test('400: not transferred, kept, never released, not retried', async (t) => {
  const d = await startDestination(t);
  d.server.faults.next(400, { method: 'PUT', path: /\.mkv$/ });
  const { queue, uploader, events, next } = setup(t, d);
  const a = buffered(recA.reader);
  queue.add(a);
  uploader.start();
  const nt = await next('not-transferred');
  t.equal(nt.idHex, a.idHex);
  t.match(nt.reason, /400 Bad Request/);
  await uploader.idle();
  t.same(queue.released, []);
  t.ok(queue.recordings.has(a.idHex), 'still in the buffer');
  t.same(queue.marked.map((m) => m.idHex), [a.idHex]);
  t.equal(events.filter((e) => e.type === 'started').length, 1, 'tried once');
});

t.test("a destination clock 10 min off: \"Can't transfer recordings\", nothing released", async (t) => {
  const d = await startDestination(t, { server: { clockSkewMs: 10 * 60_000 } });
  const { queue, uploader, next } = setup(t, d);
  queue.add(buffered(recA.reader));
  uploader.start();
  const alert = await next('alert');
  t.equal(alert.alert.kind, 'clock-mismatch');
  t.match(alert.alert.message, /^Can't transfer recordings: the date and time in the content destination differ/);
  await uploader.idle();
  t.same(queue.released, []);
  t.same(queue.marked, [], 'not marked not transferred: it waits for the clocks');
});

t.test('refused credentials: an alert, the recording kept', async (t) => {
  const d = await startDestination(t);
  const bad = new SwiftClient({ connection: { ...d.connection, blobApiKey: 'wrong' }, clock: d.clock });
  t.teardown(() => bad.close());
  const { queue, uploader, next } = setup(t, d, { client: bad });
  queue.add(buffered(recA.reader));
  uploader.start();
  const alert = await next('alert');
  t.equal(alert.alert.kind, 'unauthorized');
  await uploader.idle();
  t.same(queue.released, []);
  t.same(queue.marked, []);
});
