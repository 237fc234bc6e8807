/** An evdev byte stream through a FIFO: the test writes kernel records, the real driver reads. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EV_KEY, EV_SYN, SYN_REPORT, encodeInputEvents, type InputEvent, type RecordSize } from '../../../hal/buttons/evdev.js';
import { EvdevButtons, type EvdevButtonsOptions } from '../../../hal/buttons/linux.js';
import { SystemClock } from '../../../hal/clock/linux.js';

export const key = (code: number, value: number, timeMs = Date.now()): InputEvent => ({ timeMs, type: EV_KEY, code, value });
export const syn = (timeMs = Date.now()): InputEvent => ({ timeMs, type: EV_SYN, code: SYN_REPORT, value: 0 });

export interface EvdevFifo {
  dir: string;
  path: string;
  buttons: EvdevButtons;
  /** Write raw bytes to the FIFO. */
  writeBytes(bytes: Uint8Array): Promise<void>;
  /** Write records as the kernel would. */
  write(events: InputEvent[]): Promise<void>;
  /** Close the writing end: the driver sees end of input. */
  closeWriter(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Make a FIFO and open the real driver on it (with a SystemClock unless given). */
export async function evdevFifo(options: Partial<EvdevButtonsOptions> = {}): Promise<EvdevFifo> {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-evdev-'));
  const path = join(dir, 'event0');
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${made.stderr}`);
  // Opening a FIFO blocks until both ends are there: open both together.
  const [buttons, writer] = await Promise.all([
    EvdevButtons.open({ clock: new SystemClock(), ...options, path }),
    open(path, 'w') as Promise<FileHandle>,
  ]);
  const size: RecordSize = buttons.recordSize;
  let writerOpen = true;
  const closeWriter = async () => { if (writerOpen) { writerOpen = false; await writer.close(); } };
  return {
    dir,
    path,
    buttons,
    async writeBytes(bytes) { await writer.write(bytes); },
    async write(events) {
      // Hardware does not care whether anyone reads: after the driver closed, the FIFO has no
      // reader and writes fail with EPIPE, which the kernel side of a real device never sees.
      await writer.write(encodeInputEvents(events, size)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE') throw err; });
    },
    closeWriter,
    async cleanup() {
      await buttons.close();
      await closeWriter();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
