/**
 * Reads a device node without ever blocking a libuv threadpool thread: the fd is opened
 * O_NONBLOCK and read until EAGAIN, then polled again after `pollMs`. A blocking read of an
 * input device would hold a thread until the next key press, and Node joins the threadpool at
 * exit, so a process holding one could never exit. Polling pace is I/O pacing on the real
 * clock; event times come from the kernel's timestamps, so they stay exact.
 */
import { EventEmitter } from 'node:events';
import { constants, promises as fs } from 'node:fs';

export const DEFAULT_POLL_MS = 10;

export class NonBlockingReader extends EventEmitter<{ data: [Buffer]; error: [Error]; end: [] }> {
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly fh: fs.FileHandle, private readonly chunkBytes: number, private readonly pollMs: number) {
    super();
  }

  /** Open `path` for non-blocking reads (a FIFO opens at once, with or without a writer). */
  static async open(path: string, chunkBytes: number, pollMs = DEFAULT_POLL_MS): Promise<NonBlockingReader> {
    const fh = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const reader = new NonBlockingReader(fh, chunkBytes, pollMs);
    process.nextTick(() => void reader.pump());
    return reader;
  }

  private async pump(): Promise<void> {
    while (!this.closed) {
      const buf = Buffer.allocUnsafe(this.chunkBytes);
      let n: number;
      try {
        n = (await this.fh.read(buf, 0, buf.length, null)).bytesRead;
      } catch (e) {
        if (this.closed) return;
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          this.timer = setTimeout(() => void this.pump(), this.pollMs);
          return;
        }
        this.emit('error', e as Error);
        return;
      }
      if (this.closed) return;
      if (n === 0) {
        this.emit('end');
        return;
      }
      this.emit('data', buf.subarray(0, n));
    }
  }

  /** Stop reading and close the fd. Idempotent; no event follows. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.removeAllListeners();
    this.fh.close().catch(() => {});
  }
}
