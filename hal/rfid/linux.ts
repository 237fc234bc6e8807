/**
 * Linux RFID reader: a USB keyboard-wedge reader's evdev node (`/dev/input/by-id/usb-...-event-kbd`).
 * Records are decoded by hal/buttons/evdev.ts and assembled into tags by keyboard-wedge.ts; the
 * node is read non-blocking (hal/buttons/nonblocking-reader.ts), so a FIFO or file of records
 * works as well (tests, HIL rigs replaying captures). The node is not grabbed (EVIOCGRAB needs an
 * ioctl Node cannot make): on a controller with a console, keep the reader off it with a udev rule.
 */
import { stat } from 'node:fs/promises';
import type { Clock } from '../clock/contract.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../errors.js';
import { InputEventDecoder, nativeRecordSize, type RecordSize } from '../buttons/evdev.js';
import { NonBlockingReader } from '../buttons/nonblocking-reader.js';
import type { RfidReader, RfidStats, TagRead } from './contract.js';
import { TagAssembler } from './keyboard-wedge.js';
import { TagListeners } from './tag-listeners.js';

const WHAT = 'RFID reader';
const EXPECTED = 'the reader\'s evdev node (/dev/input/by-id/usb-...-event-kbd or /dev/input/eventN)';

export interface EvdevRfidOptions {
  path: string;
  /** Tag times are mapped onto its monotonic scale. */
  clock: Clock;
  /** Bytes per record: 24 on 64-bit userland, 16 on 32-bit. Default: this process's. */
  recordSize?: RecordSize;
  log?: (namespace: string, message: string) => void;
}

export class EvdevRfidReader implements RfidReader {
  readonly name: string;
  readonly #listeners = new TagListeners();
  readonly #assembler = new TagAssembler(this.#listeners.stats);
  readonly #decoder: InputEventDecoder;

  /** Open the node. Rejects DeviceMissingError when there is none at `path`. */
  static async open(options: EvdevRfidOptions): Promise<EvdevRfidReader> {
    const { path, clock } = options;
    if (typeof path !== 'string' || path.length === 0) throw new TypeError(`EvdevRfidReader: path must name ${EXPECTED}, got ${JSON.stringify(path)}`);
    const size = options.recordSize ?? nativeRecordSize();
    if (size !== 16 && size !== 24) throw new RangeError(`EvdevRfidReader: recordSize must be 16 or 24 bytes, got ${String(size)}`);
    try {
      if ((await stat(path)).isDirectory()) throw new HalError('EISDIR', `${WHAT} ${path} is a directory; expected ${EXPECTED}`);
    } catch (err) {
      throw openError(path, err);
    }
    const stream = await NonBlockingReader.open(path, size * 64).catch((err: unknown) => { throw openError(path, err); });
    return new EvdevRfidReader(path, clock, size, stream, options.log ?? (() => {}));
  }

  private constructor(
    readonly path: string,
    private readonly clock: Clock,
    size: RecordSize,
    private readonly stream: NonBlockingReader,
    private readonly log: (namespace: string, message: string) => void,
  ) {
    this.name = path;
    this.#decoder = new InputEventDecoder(size);
    stream.on('data', (chunk) => this.receive(chunk));
    stream.on('error', (err) => this.gone(err));
    stream.on('end', () => this.gone(new Error('end of input: the device node returned no more events')));
  }

  get stats(): RfidStats { return { ...this.#listeners.stats }; }

  onTag(listener: (read: TagRead) => void): () => void { return this.#listeners.onTag(listener); }
  onClose(listener: (error: HalError | undefined) => void): () => void { return this.#listeners.onClose(listener); }

  async close(): Promise<void> {
    if (this.#listeners.ended) return;
    this.stream.destroy();
    this.#assembler.finish();
    this.#listeners.end(undefined);
  }

  private receive(chunk: Buffer): void {
    // Kernel times (CLOCK_REALTIME) onto the monotonic scale, one offset per chunk, never later than now.
    const mono = this.clock.monotonic();
    const offset = mono - this.clock.now();
    for (const e of this.#decoder.push(chunk)) {
      if (this.#listeners.ended) return;
      const read = this.#assembler.push(e);
      if (read) this.#listeners.deliver({ tag: read.tag, atMs: Math.min(mono, read.timeMs + offset) });
    }
  }

  private gone(cause: unknown): void {
    if (this.#listeners.ended) return;
    this.log('bw:hal:rfid', `${this.path} went away (${(cause as Error)?.message ?? String(cause)})`);
    this.stream.destroy();
    this.#assembler.finish();
    this.#listeners.end(new DeviceGoneError(WHAT, this.path, { cause }));
  }
}

function openError(path: string, err: unknown): Error {
  if (err instanceof HalError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENODEV' || code === 'ENXIO') return new DeviceMissingError(WHAT, path, EXPECTED, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new HalError('EACCES', `${WHAT} ${path}: permission denied; expected read access (root or the input group)`, { cause: err });
  return new HalError(code ?? 'EIO', `cannot open ${WHAT} ${path}: ${(err as Error).message}; expected ${EXPECTED}`, { cause: err });
}
