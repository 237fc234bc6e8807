/**
 * The offload baseline: a plain file copied socket to socket over loopback TCP into a file,
 * fdatasync every 8 MiB and at the end (as the buffer syncs every 8 chunks of 1 MiB).
 */
import { createReadStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';

const SYNC_EVERY = 8 * 2 ** 20;

/** A file of `bytes` bytes (1 MiB blocks of a fixed pattern) to copy. */
export async function writeSourceFile(path: string, bytes: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    const block = Buffer.alloc(2 ** 20);
    for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
    for (let done = 0; done < bytes; done += block.length) await fh.write(block, 0, Math.min(block.length, bytes - done));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Copy `from` to `to` over TCP on `host`; resolves with wall ms from connect to the final fsync. */
export async function rawTcpCopy(from: string, to: string, host = '127.0.0.1'): Promise<{ ms: number; bytes: number }> {
  await writeFile(to, '');
  const out = await open(to, 'w');
  let bytes = 0;
  let unsynced = 0;
  let received!: Promise<void>;
  const server = createServer((s: Socket) => {
    received = (async () => {
      for await (const piece of s) {
        const b = piece as Buffer;
        await out.write(b);
        bytes += b.length;
        unsynced += b.length;
        if (unsynced >= SYNC_EVERY) { await out.datasync(); unsynced = 0; }
      }
      await out.datasync();
    })();
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  try {
    const port = (server.address() as { port: number }).port;
    const t0 = performance.now();
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    await new Promise<void>((resolve, reject) => {
      createReadStream(from, { highWaterMark: 2 ** 20 }).on('error', reject).pipe(socket).on('error', reject).on('finish', resolve);
    });
    while (!received) await new Promise((r) => setImmediate(r));
    await received;
    return { ms: performance.now() - t0, bytes };
  } finally {
    await out.close();
    await new Promise((r) => server.close(r));
  }
}
