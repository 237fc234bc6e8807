/** SessionStream over real loopback TCP: exchange, backpressure both ways, truncation, resets, detach for an upgrade. */
import t from 'tap';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { SessionStream } from '../../protocols/stream.js';
import { frameSessionMessage, type SessionMessage } from '../../protocols/envelope.js';
import { duplexPair } from './duplex-pair.js';

async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection');
  const client = connect(port, '127.0.0.1');
  const [[peer]] = await Promise.all([accepted, once(client, 'connect')]);
  server.close();
  return [client, peer as Socket];
}

const id = new Uint8Array(16).fill(1);
const chunk = (index: number, size: number): SessionMessage => ({
  kind: 'chunkResponse', recordingId: id, index, data: { ciphertext: new Uint8Array(size).fill(index & 0xff), digest: new Uint8Array(32).fill(2), last: false },
});

t.test('messages cross in both directions and a clean end reads as undefined', async (t) => {
  const [a, b] = await socketPair();
  const controller = new SessionStream(a);
  const camera = new SessionStream(b);
  await controller.send({ kind: 'hello', role: 'ROLE_CONTROLLER', supported: [{ major: 1, minor: 0 }], deviceSerial: 'SC1', firmwareVersion: '1', systemId: 'S', nonce: id });
  const hello = await camera.read();
  t.equal(hello?.kind, 'hello');
  await camera.send({ kind: 'helloResult', accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: 'x' } });
  t.same(await controller.read(), { kind: 'helloResult', accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: 'x' } });
  const seen: number[] = [];
  const reading = (async () => { for await (const m of controller) if (m.kind === 'chunkResponse') seen.push(m.index); })();
  for (let i = 0; i < 5; i++) await camera.send(chunk(i, 1 << 20));
  await camera.end();
  await reading;
  t.same(seen, [0, 1, 2, 3, 4], 'every 1 MiB chunk arrived in order');
  t.equal(await controller.read(), undefined, 'still ended');
  await t.rejects(camera.send({ kind: 'goodbye' }), { code: 'ECLOSED' });
  controller.destroy();
});

t.test('send() waits while the reader does not read, and resumes when it does', async (t) => {
  const [a, b] = await socketPair();
  const camera = new SessionStream(a);
  const controller = new SessionStream(b);
  const total = 48;
  let sent = 0;
  const sending = (async () => { for (let i = 0; i < total; i++) { await camera.send(chunk(i, 1 << 20)); sent++; } })();
  t.equal((await controller.read())?.kind, 'chunkResponse', 'one message read, then the reader stops');
  // Wait until the sender stops making progress: the kernel buffers are full.
  let last = -1;
  while (sent !== last) { last = sent; await new Promise((r) => setTimeout(r, 100)); }
  t.ok(sent < total, `sender blocked after ${sent} of ${total} MiB`);
  t.ok(a.writableLength <= (1 << 20) + 64 * 1024, `sender buffers at most one frame beyond its socket (${a.writableLength} bytes)`);
  t.ok(b.readableLength <= 256 * 1024, `reader holds at most its socket high-water mark (${b.readableLength} bytes)`);
  let received = 1;
  while (received < total) { const m = await controller.read(); if (!m) break; received++; }
  await sending;
  t.equal(received, total, 'everything arrives once the reader reads');
  camera.destroy(); controller.destroy();
});

t.test('a peer that ends inside a frame is ETRUNCATED; garbage is a framing error', async (t) => {
  const [a, b] = await socketPair();
  const reader = new SessionStream(b);
  a.end(Uint8Array.of(10, 8, 1));
  await t.rejects(reader.read(), { code: 'ETRUNCATED', message: /got 2 of 10 bytes/ });
  t.equal(await reader.read(), undefined, 'after an error, reads end');
  reader.destroy();

  const [c, d] = await socketPair();
  const r2 = new SessionStream(d, { maxFrameBytes: 1000 });
  c.write(Uint8Array.of(0xe9, 0x07)); // 1001
  await t.rejects(r2.read(), { code: 'EFRAME_TOO_LARGE' });
  r2.destroy(); c.destroy();

  const [e, f] = await socketPair();
  const r3 = new SessionStream(f);
  e.write(Uint8Array.of(3, 0xff, 0xff, 0xff));
  await t.rejects(r3.read(), { code: 'EDECODE' });
  r3.destroy(); e.destroy();
});

t.test('a reset connection is ESTREAM; an invalid message is refused before anything is sent', async (t) => {
  const [a, b] = await socketPair();
  const reader = new SessionStream(b);
  const writer = new SessionStream(a);
  await t.rejects(writer.send({ kind: 'chunkRequest', recordingId: new Uint8Array(3), index: 0 }), { code: 'EINVALID_FIELD' });
  t.equal(a.bytesWritten, 0, 'nothing written');
  a.resetAndDestroy();
  await t.rejects(reader.read(), { code: 'ESTREAM', message: /ECONNRESET/ });
  await t.rejects(reader.send({ kind: 'goodbye' }), { code: 'ESTREAM' });
  reader.destroy();
});

t.test('destroy() ends pending reads quietly; a peer closing between frames ends them too', async (t) => {
  const [a, b] = await socketPair();
  const stream = new SessionStream(b);
  const pending = stream.read();
  stream.destroy();
  t.equal(await pending, undefined);
  t.equal(await stream.read(), undefined);
  await t.rejects(stream.send({ kind: 'goodbye' }), { code: 'ECLOSED' });
  a.destroy();

  const [c, d] = await socketPair();
  const s2 = new SessionStream(d);
  const p2 = s2.read();
  c.end();
  t.equal(await p2, undefined);
  s2.destroy();
});

t.test('sends that are not awaited still queue behind the drain, in order', async (t) => {
  const [a, b] = await socketPair();
  const camera = new SessionStream(a);
  const controller = new SessionStream(b);
  const sends = Array.from({ length: 24 }, (_, i) => camera.send(chunk(i, 1 << 20)));
  await new Promise((r) => setTimeout(r, 200));
  t.ok(a.writableLength <= (1 << 20) + 64 * 1024, `socket holds at most one frame beyond its buffer (${a.writableLength} bytes)`);
  const order: number[] = [];
  for (let i = 0; i < 24; i++) { const m = await controller.read(); if (m?.kind === 'chunkResponse') order.push(m.index); }
  await Promise.all(sends);
  t.same(order, Array.from({ length: 24 }, (_, i) => i));
  camera.destroy(); controller.destroy();
});


const hello = (serial: string): SessionMessage => ({ kind: 'hello', role: 'ROLE_CONTROLLER', supported: [{ major: 1, minor: 0 }], deviceSerial: serial, firmwareVersion: '1', systemId: 'S', nonce: id });

for (const transport of ['tcp', 'duplex'] as const) {
  t.test(`detach() after a plaintext exchange hands back the ${transport} socket for a new reader; bytes that waited are kept`, async (t) => {
    const [a, b] = transport === 'tcp' ? await socketPair() : duplexPair();
    const errorListeners = b.listenerCount('error');
    const controller = new SessionStream(a);
    const camera = new SessionStream(b);
    await controller.send(hello('SC1'));
    t.equal((await camera.read())?.kind, 'hello');
    await camera.send({ kind: 'helloResult', accepted: true, negotiated: { major: 1, minor: 0 } });
    t.equal((await controller.read())?.kind, 'helloResult');
    // The controller starts the "upgrade" at once: its first bytes reach the camera before it detaches.
    const rawA = await controller.detach();
    rawA.write('upgrade-bytes:');
    await new Promise((r) => setTimeout(r, 20));
    const rawB = await camera.detach();
    t.equal(rawB, b, 'the same socket, not a copy');
    t.equal(rawB.listenerCount('readable'), 0, 'the reader left no readable listener');
    t.equal(rawB.listenerCount('error'), errorListeners, 'nor its error listener');
    t.notOk(rawB.destroyed, 'still open');
    // A 'data' reader (as a TLSSocket is) gets what waited and what comes next.
    const received: Buffer[] = [];
    rawB.on('data', (d: Buffer) => received.push(d));
    rawA.write('more');
    for (let i = 0; i < 400 && Buffer.concat(received).length < 18; i++) await new Promise((r) => setTimeout(r, 5));
    t.equal(Buffer.concat(received).toString(), 'upgrade-bytes:more', 'the new reader got every byte in order');
    // The detached streams are inert; a new SessionStream on the sockets works.
    t.equal(await camera.read(), undefined);
    await t.rejects(camera.send({ kind: 'goodbye' }), { code: 'ECLOSED', message: /after detach/ });
    camera.destroy();
    await camera.end();
    t.notOk(rawB.destroyed, 'destroy() of a detached stream leaves the socket to its new owner');
    rawB.removeAllListeners('data');
    rawB.pause();
    const next = new SessionStream(rawB);
    const peer = new SessionStream(rawA);
    await peer.send({ kind: 'goodbye' });
    t.same(await next.read(), { kind: 'goodbye' });
    await t.rejects(camera.detach(), { code: 'ECLOSED', message: /twice/ });
    next.destroy(); peer.destroy();
  });
}

t.test('detach() refuses when the peer already sent more than was read, or a read is pending', async (t) => {
  const [a, b] = await socketPair();
  const reader = new SessionStream(b);
  a.on('error', () => {}); // closing the reader with bytes unread resets the writer
  // Two messages in one write: one read leaves the second decoded but unread.
  a.write(Buffer.concat([frameSessionMessage(hello('A')), frameSessionMessage({ kind: 'goodbye' })]));
  t.equal((await reader.read())?.kind, 'hello');
  await t.rejects(reader.detach(), { code: 'ESTREAM', message: /peer already sent 1 more message\(s\).*after the last message read/ });
  t.equal((await reader.read())?.kind, 'goodbye', 'a refused detach leaves the stream as it was');
  // Part of a frame.
  a.write(Uint8Array.of(20, 1, 2));
  const pending = reader.read();
  await t.rejects(reader.detach(), { code: 'ESTREAM', message: /while a read\(\) is pending/ });
  reader.destroy();
  t.equal(await pending, undefined);

  const [c, d] = await socketPair();
  const r2 = new SessionStream(d);
  c.on('error', () => {});
  c.write(Buffer.concat([frameSessionMessage(hello('B')), Uint8Array.of(9, 1)]));
  t.equal((await r2.read())?.kind, 'hello');
  await t.rejects(r2.detach(), { code: 'ESTREAM', message: /part of a message/ });
  r2.destroy(); a.destroy(); c.destroy();
});

t.test('detach() before any read hands the socket over untouched', async (t) => {
  const [a, b] = await socketPair();
  const s = new SessionStream(b);
  a.write('x');
  const raw = await s.detach();
  const [d] = await once(raw, 'data') as [Buffer];
  t.equal(d.toString(), 'x');
  raw.destroy(); a.destroy();
});
