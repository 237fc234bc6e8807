/**
 * Serial: UART ports (GNSS receivers, external sensors) as a byte stream, modelled on
 * node-serialport's BindingInterface. Every serial driver keeps the behaviour stated here.
 */
import { DeviceMissingError, HalError } from '../errors.js';

/** A port the bus can open. Only `path` is guaranteed; the rest is there when the OS says so. */
export interface PortInfo {
  /** What `open()` takes, e.g. `/dev/ttyUSB0`. */
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  /** USB vendor id, 4 lowercase hex digits without `0x` (as serialport reports it). */
  vendorId?: string;
  /** USB product id, 4 lowercase hex digits without `0x`. */
  productId?: string;
}

export type DataBits = 5 | 6 | 7 | 8;
export type StopBits = 1 | 2;
export type Parity = 'none' | 'even' | 'odd';

export interface OpenOptions {
  /** Line speed in bits per second, an integer 50-4000000 (9600 and 115200 are usual). */
  baudRate: number;
  /** Default 8. */
  dataBits?: DataBits;
  /** Default 1. */
  stopBits?: StopBits;
  /** Default 'none'. */
  parity?: Parity;
}

/**
 * An open port. Reads are pulled (`read()`), not pushed: a slow consumer leaves bytes in the
 * driver and the OS instead of being flooded, and a GNSS NMEA reader consumes the port as a byte
 * stream (see `readChunks` in ./byte-stream.js).
 *
 * Ending: a port ends exactly once, either by `close()` or because the device went away
 * (unplugged, PTY peer gone, I/O error on the line). Then:
 * - reads and writes in flight reject: with HalError code `ECANCELED` after `close()`
 *   (serialport's `canceled: true`), or with the DeviceGoneError naming the path;
 * - later reads and writes reject at once: HalError `ECLOSED` after close(), the DeviceGoneError
 *   after the device went away;
 * - every `onClose` listener is called once, with `undefined` after close() or the
 *   DeviceGoneError.
 * A gone port still needs no `close()`, but calling it is harmless.
 */
export interface SerialPort {
  readonly path: string;
  /** The options it was opened with, defaults filled in. */
  readonly options: Readonly<Required<OpenOptions>>;
  /** True until the port ends (close() called or the device went away). */
  readonly isOpen: boolean;
  /**
   * Resolve with the bytes received and not yet read: at least 1 and at most `maxBytes`
   * (default 65536), in arrival order. Waits when nothing is buffered. Bytes received before the
   * device went away are still delivered before reads reject with the DeviceGoneError; bytes
   * not read when close() is called are discarded. Several reads may wait at once; they are
   * served in call order. Rejects with RangeError for a `maxBytes` that is not a positive integer.
   */
  read(maxBytes?: number): Promise<Uint8Array>;
  /**
   * Send `data` to the device. Writes go out in call order, never interleaved. Resolves when the
   * bytes have left the host (the OS output queue is drained, tcdrain), not merely queued; a
   * device that stops taking bytes (flow control, a peer not reading) keeps the write pending.
   * The caller may reuse `data` as soon as write() returns. Rejects with TypeError when `data` is
   * not a Uint8Array.
   */
  write(data: Uint8Array): Promise<void>;
  /** Close and release the device. Idempotent: every call resolves once the port is released. */
  close(): Promise<void>;
  /**
   * Call `listener` once when the port ends: `undefined` after close(), the DeviceGoneError when
   * the device went away. A listener added after the end is called on the next tick. Returns a
   * function that removes the listener.
   */
  onClose(listener: (error: HalError | undefined) => void): () => void;
}

/** The serial ports of a board. */
export interface SerialBus {
  /** Human-readable name for messages (`linux serial`, `emulated:cam1 serial`). */
  readonly name: string;
  /** The ports present now, sorted by path. Never throws for lack of udev or USB. */
  list(): Promise<PortInfo[]>;
  /**
   * Open `path` for exclusive use. Rejects with:
   * - TypeError / RangeError naming the bad parameter (path, baudRate, dataBits, stopBits,
   *   parity), before touching any device;
   * - DeviceMissingError naming the path when there is no such device;
   * - HalError `ENOTTY` when the path exists but is not a serial (tty) device;
   * - HalError `EBUSY` when the port is already open (here or in another process).
   */
  open(path: string, options: OpenOptions): Promise<SerialPort>;
}

export const MIN_BAUD_RATE = 50;
export const MAX_BAUD_RATE = 4_000_000;
export const DEFAULT_READ_BYTES = 65536;
/** What a serial path should be, for DeviceMissingError messages. */
export const EXPECTED_TTY = 'a serial tty device (e.g. /dev/ttyUSB0, /dev/ttyACM0, /dev/ttyAMA0)';

/**
 * Check open() arguments and fill the defaults. Throws TypeError or RangeError naming the
 * parameter and what was expected. Shared by every driver so they reject alike.
 */
export function checkOpenOptions(path: unknown, options: unknown): Required<OpenOptions> {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new TypeError(`serial open: path must be a non-empty string naming a tty device, got ${JSON.stringify(path) ?? String(path)}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`serial open ${path}: options must be an object with at least baudRate, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  const { baudRate, dataBits = 8, stopBits = 1, parity = 'none' } = o;
  if (typeof baudRate !== 'number') {
    throw new TypeError(`serial open ${path}: baudRate must be a number of bits per second (e.g. 9600), got ${typeof baudRate}`);
  }
  if (!Number.isInteger(baudRate) || baudRate < MIN_BAUD_RATE || baudRate > MAX_BAUD_RATE) {
    throw new RangeError(`serial open ${path}: baudRate must be an integer ${MIN_BAUD_RATE}-${MAX_BAUD_RATE}, got ${baudRate}`);
  }
  if (dataBits !== 5 && dataBits !== 6 && dataBits !== 7 && dataBits !== 8) {
    throw new RangeError(`serial open ${path}: dataBits must be 5, 6, 7 or 8, got ${String(dataBits)}`);
  }
  if (stopBits !== 1 && stopBits !== 2) {
    throw new RangeError(`serial open ${path}: stopBits must be 1 or 2, got ${String(stopBits)}`);
  }
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd') {
    throw new RangeError(`serial open ${path}: parity must be 'none', 'even' or 'odd', got ${JSON.stringify(parity) ?? String(parity)}`);
  }
  return { baudRate, dataBits, stopBits, parity };
}

/** Check a read() size, returning the default when omitted. */
export function checkReadSize(path: string, maxBytes: unknown): number {
  if (maxBytes === undefined) return DEFAULT_READ_BYTES;
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`serial read ${path}: maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  return maxBytes;
}

/** Check write() data. */
export function checkWriteData(path: string, data: unknown): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`serial write ${path}: data must be a Uint8Array (or Buffer), got ${data === null ? 'null' : typeof data}`);
  }
  return data;
}

/** The error of a read or write in flight when close() was called (serialport's `canceled`). */
export const canceledError = (op: 'read' | 'write', path: string) =>
  new HalError('ECANCELED', `serial ${op} on ${path} canceled: the port was closed while it was in flight`);

/** The error of a read or write on a port already closed. */
export const closedError = (op: 'read' | 'write', path: string) =>
  new HalError('ECLOSED', `serial ${op} on ${path}: the port is closed; expected an open port (open it again)`);

/** No such serial device. */
export const missingPort = (path: string, options?: { cause?: unknown }) =>
  new DeviceMissingError('serial port', path, EXPECTED_TTY, options);

/** The port is taken. */
export const busyPort = (path: string, options?: { cause?: unknown }) =>
  new HalError('EBUSY', `serial port ${path} is already open (locked); expected a port nobody else has open`, options);
