/**
 * Linux serial driver over @serialport/bindings-cpp. The native addon is imported only when a
 * port is listed or opened, so bundles that never use real serial never load it. Listing falls
 * back to sysfs where udev is missing; an I/O error on an open port means the device went away.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { BindingInterface, BindingPortInterface } from '@serialport/bindings-cpp';
import { DeviceGoneError, HalError } from '../errors.js';
import {
  busyPort, canceledError, checkOpenOptions, checkReadSize, checkWriteData, closedError, EXPECTED_TTY, missingPort,
  type OpenOptions, type PortInfo, type SerialBus, type SerialPort,
} from './contract.js';
import { ReceiveBuffer } from './port-state.js';
import { DeviceEnd } from '../device-end.js';
import { DEFAULT_SYSFS_PORT_SOURCES, listSysfsPorts } from './sysfs-ports.js';

/** How often an open port checks its device node still exists. */
export const VANISH_CHECK_MS = 1000;

const LOG = 'bw:hal:serial';

export interface LinuxSerialOptions {
  /** Try udev (`udevadm`, through bindings-cpp) before sysfs. Default true; false lists from sysfs only. */
  udev?: boolean;
  /** Default `/sys/class/tty` (tests point it at a fake tree). */
  sysClassTty?: string;
  /** Where device nodes of listed ports live. Default `/dev`. */
  devDir?: string;
  /**
   * Bytes a port buffers while nobody reads (default 1 MiB). Beyond it the driver stops reading
   * from the OS, whose buffers and the line's flow control take over; a device that vanishes
   * meanwhile is noticed at the next read.
   */
  bufferBytes?: number;
  /** Namespaced log lines; silent when omitted. */
  log?: (namespace: string, message: string) => void;
}

let bindingLoad: Promise<BindingInterface> | undefined;

/** The platform binding of bindings-cpp, loaded (native addon included) on first use. */
function loadBinding(): Promise<BindingInterface> {
  bindingLoad ??= import('@serialport/bindings-cpp').then(
    (m) => m.autoDetect() as BindingInterface,
    (err: unknown) => {
      throw new HalError('ENOTSUP', `linux serial: the @serialport/bindings-cpp native addon did not load (${(err as Error).message}); expected a prebuild for ${process.platform}-${process.arch} next to the program`, { cause: err });
    },
  );
  return bindingLoad;
}

const bySerialPath = (a: PortInfo, b: PortInfo) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** A bindings-cpp port description without its undefined fields and platform extras. */
function portInfo(p: { path: string; manufacturer?: string | undefined; serialNumber?: string | undefined; vendorId?: string | undefined; productId?: string | undefined }): PortInfo {
  const info: PortInfo = { path: p.path };
  if (p.manufacturer) info.manufacturer = p.manufacturer;
  if (p.serialNumber) info.serialNumber = p.serialNumber;
  if (p.vendorId) info.vendorId = p.vendorId.toLowerCase();
  if (p.productId) info.productId = p.productId.toLowerCase();
  return info;
}

/** Maps a bindings-cpp open failure (it has only a message) to a public error. */
function openError(path: string, err: unknown): HalError {
  const message = err instanceof Error ? err.message : String(err);
  if (/cannot lock port|resource temporarily unavailable|busy/i.test(message)) return busyPort(path, { cause: err });
  if (/no such file|no such device/i.test(message)) return missingPort(path, { cause: err });
  if (/inappropriate ioctl/i.test(message)) return notTty(path, 'it does not answer tty requests', err);
  if (/permission denied/i.test(message)) {
    return new HalError('EACCES', `serial port ${path}: permission denied; expected read and write access (root or the dialout group)`, { cause: err });
  }
  return new HalError('EIO', `cannot open serial port ${path}: ${message}`, { cause: err });
}

const notTty = (path: string, why: string, cause?: unknown) =>
  new HalError('ENOTTY', `${path} is not a serial port (${why}); expected ${EXPECTED_TTY}`, cause === undefined ? undefined : { cause });

export class LinuxSerial implements SerialBus {
  readonly name = 'linux serial';
  private udev: boolean;
  private readonly sources;
  private readonly bufferBytes: number;
  private readonly log: (namespace: string, message: string) => void;

  constructor(options: LinuxSerialOptions = {}) {
    this.udev = options.udev ?? true;
    this.sources = {
      sysClassTty: options.sysClassTty ?? DEFAULT_SYSFS_PORT_SOURCES.sysClassTty,
      devDir: options.devDir ?? DEFAULT_SYSFS_PORT_SOURCES.devDir,
    };
    this.bufferBytes = options.bufferBytes ?? 1 << 20;
    if (!Number.isInteger(this.bufferBytes) || this.bufferBytes < 1) {
      throw new RangeError(`LinuxSerial: bufferBytes must be a positive integer, got ${options.bufferBytes}`);
    }
    this.log = options.log ?? (() => {});
  }

  async list(): Promise<PortInfo[]> {
    if (this.udev) {
      try {
        const ports = await (await loadBinding()).list();
        return ports.map(portInfo).sort(bySerialPath);
      } catch (err) {
        // Measured: without udev, bindings-cpp's list() rejects with `spawn udevadm ENOENT`.
        this.udev = false;
        this.log(LOG, `udev listing failed (${(err as Error).message}); listing ports from ${this.sources.sysClassTty}`);
      }
    }
    return (await listSysfsPorts(this.sources)).sort(bySerialPath);
  }

  async open(path: string, options: OpenOptions): Promise<SerialPort> {
    const opts = checkOpenOptions(path, options);
    let kind;
    try {
      kind = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw missingPort(path, { cause: err });
      throw openError(path, err);
    }
    if (!kind.isCharacterDevice()) throw notTty(path, kind.isDirectory() ? 'it is a directory' : kind.isFIFO() ? 'it is a FIFO' : 'it is a regular file');
    const binding = await loadBinding();
    let port: BindingPortInterface;
    try {
      port = await binding.open({ path, ...opts, lock: true });
    } catch (err) {
      throw openError(path, err);
    }
    this.log(LOG, `opened ${path} at ${opts.baudRate} baud`);
    return new LinuxSerialPort(path, opts, port, this.bufferBytes, this.log);
  }
}

interface PendingWrite {
  data: Buffer;
  resolve: () => void;
  reject: (err: HalError) => void;
}

class LinuxSerialPort implements SerialPort {
  private readonly buffer = new ReceiveBuffer();
  private readonly end = new DeviceEnd();
  private writes: PendingWrite[] = [];
  private writing = false;
  private pumping = false;
  private closing: Promise<void> | undefined;
  private releasing: Promise<void> | undefined;
  /**
   * Checks every VANISH_CHECK_MS that the device node still exists: an unplugged USB adapter
   * (or a PTY whose other side died) is then noticed even when the OS read path stays silent.
   * A synchronous stat, so a busy libuv threadpool cannot delay it. Not virtual time: I/O pacing.
   */
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    readonly path: string,
    readonly options: Readonly<Required<OpenOptions>>,
    private readonly binding: BindingPortInterface,
    private readonly bufferBytes: number,
    private readonly log: (namespace: string, message: string) => void,
  ) {
    void this.pump();
    this.watchdog = setInterval(() => {
      if (this.isOpen && !existsSync(this.path)) this.gone(new Error(`${this.path} no longer exists`));
    }, VANISH_CHECK_MS);
    this.watchdog.unref();
  }

  get isOpen(): boolean { return !this.end.ended && !this.closing; }

  read(maxBytes?: number): Promise<Uint8Array> {
    let max: number;
    try { max = checkReadSize(this.path, maxBytes); } catch (err) { return Promise.reject(err); }
    const bytes = this.buffer.read(max);
    if (!this.pumping && this.isOpen) void this.pump();
    return bytes;
  }

  write(data: Uint8Array): Promise<void> {
    let copy: Buffer;
    try { copy = Buffer.from(checkWriteData(this.path, data)); } catch (err) { return Promise.reject(err); }
    if (this.end.ended) return Promise.reject(this.end.error ?? closedError('write', this.path));
    if (this.closing) return Promise.reject(closedError('write', this.path));
    return new Promise((resolve, reject) => {
      this.writes.push({ data: copy, resolve, reject });
      if (!this.writing) void this.sendWrites();
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.end.ended) {
        await this.releasing;
        return;
      }
      this.buffer.end(canceledError('read', this.path), closedError('read', this.path), false);
      for (const w of this.writes.splice(0)) w.reject(canceledError('write', this.path));
      await this.release();
      this.log(LOG, `closed ${this.path}`);
      this.end.end(undefined);
    })();
    return this.closing;
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    return this.end.add(listener);
  }

  /** Read from the OS into the buffer while the port is open and the buffer has room. */
  private async pump(): Promise<void> {
    this.pumping = true;
    const chunk = Buffer.allocUnsafe(65536);
    try {
      while (this.isOpen && this.buffer.bytes < this.bufferBytes) {
        let n: number;
        try {
          n = (await this.binding.read(chunk, 0, chunk.length)).bytesRead;
        } catch (err) {
          if (this.isOpen) this.gone(err);
          return;
        }
        if (!this.isOpen) return;
        this.buffer.push(new Uint8Array(chunk.subarray(0, n)));
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Send queued writes one at a time (bindings-cpp allows one write in flight), each drained. */
  private async sendWrites(): Promise<void> {
    this.writing = true;
    try {
      while (this.writes.length > 0 && this.isOpen) {
        const w = this.writes[0]!;
        try {
          await this.binding.write(w.data);
          if (w.data.length > 0) await this.binding.drain();
        } catch (err) {
          // After close() or a vanish the write was already rejected; otherwise the line failed.
          if (this.isOpen) this.gone(err);
          return;
        }
        if (!this.isOpen) return;
        this.writes.shift();
        w.resolve();
      }
    } finally {
      this.writing = false;
    }
  }

  /** The device went away: fail everything in flight with one DeviceGoneError and release the fd. */
  private gone(cause: unknown): void {
    if (!this.isOpen) return;
    const err = new DeviceGoneError('serial port', this.path, { cause });
    this.log(LOG, `${this.path} went away (${(cause as Error)?.message ?? String(cause)})`);
    this.buffer.end(err, err, true);
    for (const w of this.writes.splice(0)) w.reject(err);
    void this.release();
    this.end.end(err);
  }

  private release(): Promise<void> {
    clearInterval(this.watchdog);
    this.releasing ??= this.binding.close().catch(() => {});
    return this.releasing;
  }
}
