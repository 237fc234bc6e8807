/**
 * Linux buttons from an evdev device (`/dev/input/eventN`, e.g. gpio-keys): EV_KEY records
 * mapped through a keymap, kernel times mapped onto the Clock's monotonic scale.
 *
 * It reads the node non-blocking (see nonblocking-reader.ts), so a FIFO or file of records works
 * as well as a device (tests, HIL rigs replaying captures), no threadpool thread is ever held by
 * an idle device, and close() releases the file descriptor at once.
 */
import { stat } from 'node:fs/promises';
import type { Clock } from '../clock/contract.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../errors.js';
import { ButtonEdges } from './button-edges.js';
import { NonBlockingReader } from './nonblocking-reader.js';
import type { ButtonEvent, Buttons } from './contract.js';
import {
  checkKeymap, DEFAULT_KEYMAP, EV_KEY, EV_SYN, InputEventDecoder, KEY_AUTOREPEAT, KEY_PRESS, KEY_RELEASE,
  nativeRecordSize, SYN_DROPPED, SYN_REPORT, type InputEvent, type RecordSize,
} from './evdev.js';

const WHAT = 'button input device';
const EXPECTED = 'an evdev device (/dev/input/eventN)';

export interface EvdevButtonsOptions {
  /** The evdev node, e.g. `/dev/input/event0` or `/dev/input/by-path/platform-gpio-keys-event`. */
  path: string;
  /** Device clock (a SystemClock on real boards). Event times are mapped onto its monotonic scale. */
  clock: Clock;
  /** Key code → button name. Default DEFAULT_KEYMAP: 167 KEY_RECORD, 116 KEY_POWER, 148 KEY_PROG1. */
  keymap?: Record<number | string, string>;
  /** Bytes per record: 24 on 64-bit userland, 16 on 32-bit. Default: this process's. */
  recordSize?: RecordSize;
  /** Namespaced log lines; silent when omitted. */
  log?: (namespace: string, message: string) => void;
}

/** What the driver saw and did not turn into events. */
export interface EvdevStats {
  /** Button events delivered. */
  delivered: number;
  /** EV_KEY records of codes not in the keymap. */
  unknownKeys: number;
  /** Autorepeat records (value 2) of mapped keys. */
  repeats: number;
  /** Edges dropped because they broke press/release alternation. */
  unpaired: number;
  /** SYN_DROPPED reports (the kernel's buffer overflowed). */
  dropped: number;
}

export class EvdevButtons implements Buttons {
  readonly name: string;
  readonly buttons: readonly string[];
  /** Bytes per evdev record this driver decodes (16 or 24). */
  readonly recordSize: RecordSize;
  private readonly edges = new ButtonEdges();
  private readonly decoder: InputEventDecoder;
  /** EV_KEY records of the frame until its SYN_REPORT. */
  private frame: InputEvent[] = [];
  /** After SYN_DROPPED: records are discarded up to the next SYN_REPORT. */
  private dropping = false;
  private counts = { unknownKeys: 0, repeats: 0, dropped: 0 };

  /** Open the evdev node. Rejects DeviceMissingError when there is none at `path`. */
  static async open(options: EvdevButtonsOptions): Promise<EvdevButtons> {
    if (typeof options !== 'object' || options === null) throw new TypeError('EvdevButtons.open: options must be an object with path and clock');
    const { path, clock } = options;
    if (typeof path !== 'string' || path.length === 0) throw new TypeError(`EvdevButtons: path must name ${EXPECTED}, got ${JSON.stringify(path)}`);
    if (!clock || typeof clock.monotonic !== 'function') throw new TypeError('EvdevButtons: clock must be a Clock (a SystemClock on real boards)');
    const keymap = checkKeymap(options.keymap ?? DEFAULT_KEYMAP);
    const size = options.recordSize ?? nativeRecordSize();
    if (size !== 16 && size !== 24) throw new RangeError(`EvdevButtons: recordSize must be 16 or 24 bytes, got ${String(size)}`);
    try {
      if ((await stat(path)).isDirectory()) throw new HalError('EISDIR', `${WHAT} ${path} is a directory; expected ${EXPECTED}`);
    } catch (err) {
      throw openError(path, err);
    }
    const stream = await NonBlockingReader.open(path, size * 64).catch((err: unknown) => { throw openError(path, err); });
    return new EvdevButtons(path, clock, keymap, size, stream, options.log ?? (() => {}));
  }

  private constructor(
    readonly path: string,
    private readonly clock: Clock,
    private readonly keymap: Map<number, string>,
    size: RecordSize,
    private readonly stream: NonBlockingReader,
    private readonly log: (namespace: string, message: string) => void,
  ) {
    this.name = path;
    this.buttons = [...new Set(keymap.values())].sort();
    this.recordSize = size;
    this.decoder = new InputEventDecoder(size);
    stream.on('data', (chunk) => this.receive(chunk));
    stream.on('error', (err) => this.gone(err));
    stream.on('end', () => this.gone(new Error('end of input: the device node returned no more events')));
  }

  get stats(): EvdevStats {
    return { ...this.edges.stats, ...this.counts };
  }

  onButton(listener: (event: ButtonEvent) => void): () => void { return this.edges.onButton(listener); }
  onClose(listener: (error: HalError | undefined) => void): () => void { return this.edges.onClose(listener); }
  isPressed(button: string): boolean { return this.edges.isPressed(button); }

  async close(): Promise<void> {
    if (this.edges.ended) return;
    this.stream.destroy();
    this.edges.end(undefined, this.clock.monotonic());
  }

  /**
   * Kernel times (CLOCK_REALTIME ms) onto the Clock's monotonic scale, no later than now. One
   * offset per chunk read, so edges read together keep their exact spacing.
   */
  private timeMapping(): (kernelMs: number) => number {
    const mono = this.clock.monotonic();
    const offset = mono - this.clock.now();
    return (kernelMs) => Math.min(mono, kernelMs + offset);
  }

  private receive(chunk: Buffer): void {
    const monotonicAt = this.timeMapping();
    for (const e of this.decoder.push(chunk)) {
      if (this.edges.ended) return;
      if (e.type === EV_SYN && e.code === SYN_DROPPED) {
        this.counts.dropped++;
        this.dropping = true;
        this.frame = [];
      } else if (e.type === EV_SYN && e.code === SYN_REPORT) {
        if (this.dropping) {
          // Lost edges cannot be recovered without EVIOCGKEY: release what we believe is held.
          this.dropping = false;
          this.log('bw:hal:buttons', `${this.path}: kernel dropped events; releasing held buttons`);
          this.edges.releaseAll(monotonicAt(e.timeMs));
        } else {
          this.commit(this.frame, monotonicAt);
        }
        this.frame = [];
      } else if (e.type === EV_KEY && !this.dropping) {
        this.frame.push(e);
      }
    }
  }

  private commit(frame: InputEvent[], monotonicAt: (kernelMs: number) => number): void {
    for (const e of frame) {
      const button = this.keymap.get(e.code);
      if (button === undefined) { this.counts.unknownKeys++; continue; }
      if (e.value === KEY_AUTOREPEAT) { this.counts.repeats++; continue; }
      if (e.value !== KEY_PRESS && e.value !== KEY_RELEASE) continue;
      this.edges.edge(button, e.value === KEY_PRESS ? 'press' : 'release', monotonicAt(e.timeMs));
    }
  }

  private gone(cause: unknown): void {
    if (this.edges.ended) return;
    const partial = this.decoder.pendingBytes;
    this.log('bw:hal:buttons', `${this.path} went away (${(cause as Error)?.message ?? String(cause)})${partial ? `; ${partial} bytes of a cut record discarded` : ''}`);
    this.stream.destroy();
    this.edges.end(new DeviceGoneError(WHAT, this.path, { cause }), this.clock.monotonic());
  }
}

/** Maps an open/stat failure to a public error naming the path. */
function openError(path: string, err: unknown): Error {
  if (err instanceof HalError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENODEV' || code === 'ENXIO') return new DeviceMissingError(WHAT, path, EXPECTED, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') {
    return new HalError('EACCES', `${WHAT} ${path}: permission denied; expected read access (root or the input group)`, { cause: err });
  }
  return new HalError(code ?? 'EIO', `cannot open ${WHAT} ${path}: ${(err as Error).message}; expected ${EXPECTED}`, { cause: err });
}
