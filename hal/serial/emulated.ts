/**
 * Emulated serial bus, like serialport's MockBinding: the SerialBus contract for firmware, and a
 * control surface for tests, rigs and device emulators (a GNSS receiver feeding NMEA) that plug
 * ports in, send bytes as the device, hear what the host wrote, stall and unplug ports.
 * Operations complete on the nextTick queue, never synchronously.
 */
import { DeviceGoneError, HalError } from '../errors.js';
import {
  busyPort, canceledError, checkOpenOptions, checkReadSize, checkWriteData, closedError, missingPort,
  type OpenOptions, type PortInfo, type SerialBus, type SerialPort,
} from './contract.js';
import { ReceiveBuffer } from './port-state.js';
import { DeviceEnd } from '../device-end.js';

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

/** One plugged-in device and the line to it. */
interface Line {
  info: PortInfo;
  host: EmulatedSerialPort | undefined;
  /** Every chunk the host wrote, in order (what the device received). */
  received: Uint8Array[];
  stalled: boolean;
  deviceListeners: Set<(bytes: Uint8Array) => void>;
}

export interface EmulatedSerialOptions {
  /** Used in the bus name, e.g. the device id `cam1`. */
  name?: string;
}

export class EmulatedSerial implements SerialBus {
  readonly name: string;
  private lines = new Map<string, Line>();

  constructor(options: EmulatedSerialOptions = {}) {
    this.name = `emulated:${options.name ?? 'board'} serial`;
  }

  async list(): Promise<PortInfo[]> {
    await tick();
    return [...this.lines.values()].map((l) => ({ ...l.info })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async open(path: string, options: OpenOptions): Promise<SerialPort> {
    const opts = checkOpenOptions(path, options);
    await tick();
    const line = this.lines.get(path);
    if (!line) throw missingPort(path);
    if (line.host) throw busyPort(path);
    const port = new EmulatedSerialPort(path, opts, line);
    line.host = port;
    return port;
  }

  // --- control surface (tests, HIL rigs, device emulators) ---

  /** Plug in a device at `path` (e.g. `/dev/ttyUSB0`). Throws if one is already there. */
  createPort(path: string, info: Omit<PortInfo, 'path'> = {}): void {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError(`createPort: path must be a non-empty string, got ${JSON.stringify(path)}`);
    if (this.lines.has(path)) throw new Error(`createPort: a device is already plugged in at ${path}; remove() it first`);
    this.lines.set(path, { info: { ...info, path }, host: undefined, received: [], stalled: false, deviceListeners: new Set() });
  }

  /**
   * The device sends `bytes` to the host. They arrive on the next tick; bytes sent while no host
   * has the port open are lost, as on a real line. Throws when no device is at `path`.
   */
  emitData(path: string, bytes: Uint8Array | string): void {
    const line = this.line(path, 'emitData');
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes.slice();
    process.nextTick(() => line.host?.arrive(data));
  }

  /** Every byte the host wrote to the device at `path` since it was plugged in or cleared. */
  received(path: string): Uint8Array {
    const chunks = this.line(path, 'received').received;
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  /** The bytes of the host's last write to `path`, or undefined when it wrote nothing yet. */
  lastWrite(path: string): Uint8Array | undefined {
    const chunks = this.line(path, 'lastWrite').received;
    return chunks[chunks.length - 1]?.slice();
  }

  /** Forget what the host wrote so far. */
  clearReceived(path: string): void {
    this.line(path, 'clearReceived').received = [];
  }

  /**
   * The device hears each host write as it arrives (a device emulator answering commands).
   * Returns a function that stops listening.
   */
  onReceive(path: string, listener: (bytes: Uint8Array) => void): () => void {
    const line = this.line(path, 'onReceive');
    line.deviceListeners.add(listener);
    return () => { line.deviceListeners.delete(listener); };
  }

  /**
   * The device stops taking bytes (`true`, as with flow control or a peer that does not read):
   * host writes stay pending until it takes them again (`false`).
   */
  stall(path: string, stalled: boolean): void {
    const line = this.line(path, 'stall');
    line.stalled = stalled;
    if (!stalled) line.host?.resume();
  }

  /** Unplug the device at `path`: an open port ends with DeviceGoneError on the next tick. */
  remove(path: string): void {
    const line = this.line(path, 'remove');
    this.lines.delete(path);
    process.nextTick(() => line.host?.vanish());
  }

  /** Whether the host has `path` open now. */
  isOpen(path: string): boolean {
    return this.lines.get(path)?.host !== undefined;
  }

  /** Options the host opened `path` with, or undefined when it is not open. */
  openOptions(path: string): Readonly<Required<OpenOptions>> | undefined {
    return this.lines.get(path)?.host?.options;
  }

  private line(path: string, op: string): Line {
    const line = this.lines.get(path);
    if (!line) throw new Error(`${op}: no device plugged in at ${path}; plugged in: ${[...this.lines.keys()].sort().join(', ') || 'none'}`);
    return line;
  }
}

interface PendingWrite {
  data: Uint8Array;
  resolve: () => void;
  reject: (err: HalError) => void;
}

class EmulatedSerialPort implements SerialPort {
  private readonly buffer = new ReceiveBuffer();
  private readonly end = new DeviceEnd();
  private writes: PendingWrite[] = [];
  private flushing = false;
  private closing: Promise<void> | undefined;

  constructor(readonly path: string, readonly options: Readonly<Required<OpenOptions>>, private readonly line: Line) {}

  get isOpen(): boolean { return !this.end.ended && !this.closing; }

  read(maxBytes?: number): Promise<Uint8Array> {
    let max: number;
    try { max = checkReadSize(this.path, maxBytes); } catch (err) { return Promise.reject(err); }
    return this.buffer.read(max);
  }

  write(data: Uint8Array): Promise<void> {
    let bytes: Uint8Array;
    try { bytes = checkWriteData(this.path, data).slice(); } catch (err) { return Promise.reject(err); }
    if (this.end.ended) return Promise.reject(this.end.error ?? closedError('write', this.path));
    if (this.closing) return Promise.reject(closedError('write', this.path));
    return new Promise((resolve, reject) => {
      this.writes.push({ data: bytes, resolve, reject });
      this.resume();
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.end.ended) {
        this.buffer.end(canceledError('read', this.path), closedError('read', this.path), false);
        for (const w of this.writes.splice(0)) w.reject(canceledError('write', this.path));
      }
      await tick();
      if (this.line.host === this) this.line.host = undefined;
      this.end.end(undefined);
    })();
    return this.closing;
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    return this.end.add(listener);
  }

  // --- called by the bus ---

  arrive(bytes: Uint8Array): void {
    if (this.isOpen) this.buffer.push(bytes);
  }

  /** Deliver queued writes on the next tick unless the device stalls. */
  resume(): void {
    if (this.flushing) return;
    this.flushing = true;
    process.nextTick(() => {
      this.flushing = false;
      while (this.writes.length > 0 && !this.line.stalled && this.isOpen) {
        const w = this.writes.shift()!;
        if (w.data.length > 0) {
          this.line.received.push(w.data);
          for (const l of [...this.line.deviceListeners]) l(w.data.slice());
        }
        w.resolve();
      }
    });
  }

  vanish(): void {
    if (!this.isOpen) return;
    const gone = new DeviceGoneError('serial port', this.path);
    this.buffer.end(gone, gone, true);
    for (const w of this.writes.splice(0)) w.reject(gone);
    this.line.host = undefined;
    this.end.end(gone);
  }
}
