/**
 * NmeaGnss: the Gnss contract over an NMEA 0183 receiver on a serial port (a real UART/USB
 * receiver through LinuxSerial, or the emulated receiver through EmulatedSerial): one parsing
 * path everywhere. start() opens the port, stop() closes it (the emulated receiver is powered
 * while its port is open; a real board may also switch the receiver's supply).
 */
import { DeviceEnd } from '../device-end.js';
import { DeviceGoneError, HalError } from '../errors.js';
import { readChunks } from '../serial/byte-stream.js';
import type { SerialBus, SerialPort } from '../serial/contract.js';
import type { Clock } from '../clock/contract.js';
import type { FixListener, Gnss, GnssAssistance, GnssFix, GnssStats } from './contract.js';
import { ASSISTANCE_FRESH_MS, checkAssistance, encodeAssistance } from './assistance-sentence.js';
import { EpochAssembler } from './nmea/epoch.js';
import { FixFanout } from './fix-fanout.js';
import { NmeaParser, type NmeaCounts } from './nmea/parser.js';

const LOG = 'bw:hal:gnss';

export interface NmeaGnssOptions {
  serial: SerialBus;
  /** The receiver's port, e.g. `/dev/ttyACM0` or `/dev/ttyGNSS0`. */
  path: string;
  /** Line speed; u-blox receivers default to 9600 (UART) and ignore it on USB. */
  baudRate: number;
  /**
   * The device clock: dates GGA-only fixes until an RMC gives the date, and judges assistance
   * staleness. Without it those fixes are null and every assistance is sent.
   */
  clock?: Clock;
  log?: (namespace: string, message: string) => void;
}

export class NmeaGnss implements Gnss {
  readonly name: string;
  private port: SerialPort | undefined;
  private opening: Promise<void> | undefined;
  private readonly end = new DeviceEnd();
  private readonly fanout = new FixFanout((e) => this.log(LOG, `${this.name}: a fix listener threw: ${e.message}`));
  private fixes = 0;
  /** Counters of the ports opened before the current one. */
  private past: NmeaCounts = { sentences: 0, ignored: 0, badChecksum: 0, malformed: 0, tooLong: 0, partial: 0 };
  private parser: NmeaParser | undefined;
  private closed = false;
  private readonly log: (namespace: string, message: string) => void;

  constructor(private readonly options: NmeaGnssOptions) {
    if (typeof options?.path !== 'string' || options.path === '') throw new TypeError(`NmeaGnss: path must name the receiver's serial port, got ${JSON.stringify(options?.path)}`);
    this.name = `nmea ${options.path}`;
    this.log = options.log ?? (() => {});
  }

  get running(): boolean { return this.port !== undefined && !this.end.ended; }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new HalError('ECLOSED', `${this.name}: start() after close(); expected an open driver`));
    if (this.end.ended) return Promise.reject(this.end.error);
    if (this.port) return Promise.resolve();
    this.opening ??= (async () => {
      try {
        const port = await this.options.serial.open(this.options.path, { baudRate: this.options.baudRate });
        if (this.closed) { await port.close(); throw new HalError('ECLOSED', `${this.name}: closed while starting`); }
        this.port = port;
        this.fanout.forget();
        void this.pump(port);
        this.log(LOG, `${this.name}: started at ${this.options.baudRate} baud`);
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  async stop(): Promise<void> {
    if (this.opening) await this.opening.catch(() => {});
    const port = this.port;
    this.port = undefined;
    if (port) await port.close();
  }

  onFix(listener: FixListener): () => void { return this.fanout.add(listener); }

  lastFix(): GnssFix | undefined { return this.fanout.lastFix; }

  async assist(data: GnssAssistance): Promise<boolean> {
    checkAssistance(data);
    const clock = this.options.clock;
    if (clock && clock.now() - data.validAtMs > ASSISTANCE_FRESH_MS) {
      this.log(LOG, `${this.name}: assistance from ${new Date(data.validAtMs).toISOString()} is stale (> 4 h); not sent`);
      return false;
    }
    const port = this.port;
    if (!port || this.end.ended) throw new HalError('ESTOPPED', `${this.name}: assist() while the receiver is off; expected start() first`);
    // Written as $PBWCEPH lines (./assistance-sentence.ts); true once written.
    await port.write(new TextEncoder().encode(encodeAssistance(data)));
    return true;
  }

  stats(): GnssStats {
    const c = this.parser?.counts;
    const p = this.past;
    const dropped = p.badChecksum + p.malformed + p.tooLong + p.partial + (this.parser?.dropped ?? 0);
    return { sentences: p.sentences + (c?.sentences ?? 0), dropped, fixes: this.fixes };
  }

  /** Drop counts by reason (diagnostics beyond the contract's stats). */
  counts(): NmeaCounts {
    const c = this.parser?.counts;
    const out = { ...this.past };
    if (c) for (const k of Object.keys(out) as (keyof NmeaCounts)[]) out[k] += c[k];
    return out;
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    return this.end.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    this.end.end(undefined);
  }

  private report(fix: GnssFix | null): void {
    if (fix) this.fixes++;
    this.fanout.report(fix);
  }

  private async pump(port: SerialPort): Promise<void> {
    const assembler = new EpochAssembler(this.options.clock ? { today: () => this.options.clock!.now() } : {});
    if (this.parser) for (const k of Object.keys(this.past) as (keyof NmeaCounts)[]) this.past[k] += this.parser.counts[k];
    const parser = new NmeaParser((s) => {
      if (this.port !== port) return;
      const fix = assembler.push(s);
      if (fix !== undefined) this.report(fix);
    });
    this.parser = parser;
    try {
      for await (const chunk of readChunks(port)) parser.push(chunk);
      parser.end();
    } catch (err) {
      parser.end();
      if (this.port === port) this.port = undefined;
      const gone = err instanceof DeviceGoneError ? err : new DeviceGoneError('GNSS receiver', this.options.path, { cause: err });
      this.log(LOG, `${this.name}: ${gone.message}`);
      this.end.end(gone);
    }
  }
}
