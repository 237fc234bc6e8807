/** A PTY pair made by socat: one end for the driver under test, the other played as the device. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialDevice } from './suite.js';

export const socatMissing: string | false =
  spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0 ? false : 'needs socat (Debian package socat) to make a PTY pair';

export interface PtyPair {
  dir: string;
  /** The end the driver opens. */
  host: string;
  /** The end the test plays the device on. */
  far: string;
  socat: ChildProcess;
  kill(): Promise<void>;
}

/** Start socat with two raw PTYs linked as `<dir>/host` and `<dir>/far`. */
export async function ptyPair(): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-serial-'));
  const host = join(dir, 'host'), far = join(dir, 'far');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${far}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start a PTY pair within 5 s: ${log}`)), 5000);
    socat.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('starting data transfer loop')) { clearTimeout(timer); resolve(); }
    });
    socat.once('exit', (code) => { clearTimeout(timer); reject(new Error(`socat exited (${code}) before the PTY pair was up: ${log}`)); });
  });
  socat.stderr!.resume();
  const kill = async () => {
    if (socat.exitCode === null && socat.signalCode === null) { socat.kill('SIGKILL'); await exited; }
  };
  return { dir, host, far, socat, kill };
}

/**
 * Play the device on the far end with plain fs reads and writes. Reads are non-blocking and
 * polled: a blocking read of a PTY parks a libuv threadpool thread until data comes, and a few
 * of those starve the pool the serial driver's own reads and closes run on.
 */
export async function farDevice(pair: PtyPair): Promise<SerialDevice & { close(): Promise<void> }> {
  const fh: FileHandle = await open(pair.far, constants.O_RDWR | constants.O_NOCTTY);
  const rh: FileHandle = await open(pair.far, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  let total = 0, taken = 0;
  const wakers = new Set<() => void>();
  let stalled = false, closed = false, pumping = false;
  let timer: NodeJS.Timeout | undefined;
  const pump = async (): Promise<void> => {
    if (pumping || closed || stalled) return;
    pumping = true;
    try {
      for (;;) {
        if (closed || stalled) return;
        const buf = Buffer.allocUnsafe(65536);
        let n: number;
        try {
          n = (await rh.read(buf, 0, buf.length, null)).bytesRead;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN' && !closed) timer = setTimeout(() => void pump(), 5);
          return; // EAGAIN: poll again soon; EIO: socat is gone
        }
        if (n === 0) { timer = setTimeout(() => void pump(), 5); return; }
        chunks.push(buf.subarray(0, n));
        total += n;
        for (const w of wakers) w();
      }
    } finally {
      pumping = false;
    }
  };
  void pump();
  return {
    async send(bytes) {
      await fh.write(bytes);
    },
    async receive(n) {
      while (total - taken < n) await new Promise<void>((r) => { wakers.add(r); setTimeout(r, 50); }).finally(() => wakers.clear());
      const all = Buffer.concat(chunks);
      chunks.length = 0;
      chunks.push(all.subarray(taken + n));
      const out = new Uint8Array(all.subarray(taken, taken + n));
      total -= taken + n; taken = 0;
      return out;
    },
    async stall(on) {
      stalled = on;
      if (!on) void pump();
    },
    async vanish() {
      await pair.kill();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await pair.kill();
      await fh.close().catch(() => {});
      await rh.close().catch(() => {});
      await rm(pair.dir, { recursive: true, force: true });
    },
  };
}
