/**
 * GpsdGnss: the Gnss contract over gpsd's JSON protocol on TCP (`?WATCH={"enable":true,"json":true};`,
 * then TPV and SKY reports; TPV mode 0/1 = no fix). For boards where gpsd owns the receiver.
 * It talks to a local daemon with node:net directly: the Net contract is for dock links.
 */
import { Socket } from 'node:net';
import { DeviceEnd } from '../device-end.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../errors.js';
import type { FixListener, FixQuality, Gnss, GnssAssistance, GnssFix, GnssStats } from './contract.js';
import { checkAssistance } from './assistance-sentence.js';
import { FixFanout } from './fix-fanout.js';
import { UERE_M } from './nmea/epoch.js';

const LOG = 'bw:hal:gnss';
export const GPSD_DEFAULT_PORT = 2947;
/** Longest JSON line taken (a SKY with many satellites is a few KB). */
const MAX_LINE = 65536;

export interface GpsdGnssOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 2947. */
  port?: number;
  /** Give up connecting after this many ms. Default 5000. */
  connectTimeoutMs?: number;
  log?: (namespace: string, message: string) => void;
}

/** gpsd's TPV `status` field: 2 DGPS, 3 RTK fixed, 4 RTK float, 5 dead reckoning, 6 GNSS+DR, 7 time only, 8 simulated. */
const STATUS_QUALITY: Record<number, FixQuality> = { 1: 'gps', 2: 'dgps', 3: 'rtk', 4: 'float-rtk', 5: 'estimated', 6: 'estimated', 8: 'simulation' };
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One TPV report as a fix, or null for "no fix" (mode 0 or 1, or no position). */
export function fixFromTpv(tpv: Record<string, unknown>, sky: { hdop: number; used: number }): GnssFix | null {
  const mode = num(tpv.mode) ?? 0;
  const lat = num(tpv.lat), lon = num(tpv.lon);
  if (mode < 2 || lat === undefined || lon === undefined) return null;
  const timeMs = typeof tpv.time === 'string' ? Date.parse(tpv.time) : NaN;
  if (!Number.isFinite(timeMs)) return null;
  const epx = num(tpv.epx), epy = num(tpv.epy), eph = num(tpv.eph);
  const accuracyM = eph ?? (epx !== undefined && epy !== undefined ? Math.hypot(epx, epy) : Number.isFinite(sky.hdop) ? sky.hdop * UERE_M : 50);
  const fix: GnssFix = {
    timeMs, latitude: lat, longitude: lon, accuracyM, hdop: sky.hdop, satellites: sky.used,
    quality: STATUS_QUALITY[num(tpv.status) ?? 1] ?? 'gps',
  };
  const alt = num(tpv.altMSL) ?? num(tpv.alt);
  if (mode === 3 && alt !== undefined) fix.altitudeM = alt;
  const speed = num(tpv.speed), track = num(tpv.track);
  if (speed !== undefined) fix.speedMps = speed;
  if (track !== undefined) fix.courseDeg = track;
  return fix;
}

export class GpsdGnss implements Gnss {
  readonly name: string;
  private readonly host: string;
  private readonly port: number;
  private socket: Socket | undefined;
  private opening: Promise<void> | undefined;
  private readonly end = new DeviceEnd();
  private readonly fanout = new FixFanout((e) => this.log(LOG, `${this.name}: a fix listener threw: ${e.message}`));
  private sky = { hdop: NaN, used: 0 };
  private counts = { sentences: 0, dropped: 0, fixes: 0 };
  private closed = false;
  private readonly log: (namespace: string, message: string) => void;

  constructor(private readonly options: GpsdGnssOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? GPSD_DEFAULT_PORT;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) throw new RangeError(`GpsdGnss: port must be an integer 1-65535, got ${this.port}`);
    this.name = `gpsd ${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
    this.log = options.log ?? (() => {});
  }

  get running(): boolean { return this.socket !== undefined && !this.end.ended; }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new HalError('ECLOSED', `${this.name}: start() after close(); expected an open driver`));
    if (this.end.ended) return Promise.reject(this.end.error);
    if (this.socket) return Promise.resolve();
    this.opening ??= this.connect().finally(() => { this.opening = undefined; });
    return this.opening;
  }

  async stop(): Promise<void> {
    if (this.opening) await this.opening.catch(() => {});
    const s = this.socket;
    this.socket = undefined;
    if (s && !s.destroyed) await new Promise<void>((resolve) => { s.once('close', () => resolve()); s.end('?WATCH={"enable":false};\n'); s.destroySoon(); });
  }

  onFix(listener: FixListener): () => void { return this.fanout.add(listener); }

  lastFix(): GnssFix | undefined { return this.fanout.lastFix; }

  /** gpsd has no way to pass ephemeris to the receiver: always false. */
  async assist(data: GnssAssistance): Promise<boolean> {
    checkAssistance(data);
    return false;
  }

  stats(): GnssStats { return { ...this.counts }; }

  onClose(listener: (error: HalError | undefined) => void): () => void { return this.end.add(listener); }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    this.end.end(undefined);
  }

  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const s = new Socket();
      const timeoutMs = this.options.connectTimeoutMs ?? 5000;
      const timer = setTimeout(() => { s.destroy(); reject(new HalError('ETIMEDOUT', `${this.name}: no answer within ${timeoutMs} ms; expected gpsd listening there`)); }, timeoutMs);
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DeviceMissingError('gpsd', `${this.host}:${this.port}`, `gpsd listening there (gpsd -S ${this.port}); ${err.code ?? err.message}`, { cause: err }));
      });
      s.connect(this.port, this.host, () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        if (this.closed) { s.destroy(); reject(new HalError('ECLOSED', `${this.name}: closed while starting`)); return; }
        this.socket = s;
        this.fanout.forget();
        this.attach(s);
        s.write('?WATCH={"enable":true,"json":true};\n');
        this.log(LOG, `${this.name}: watching`);
        resolve();
      });
    });
  }

  private attach(s: Socket): void {
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (text: string) => {
      buf += text;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) this.message(line, s);
      }
      if (buf.length > MAX_LINE) { this.counts.dropped++; buf = ''; }
    });
    s.on('error', (err) => { this.log(LOG, `${this.name}: ${err.message}`); });
    s.on('close', () => {
      if (this.socket !== s) return; // stop() or close()
      this.socket = undefined;
      const gone = new DeviceGoneError('gpsd', `${this.host}:${this.port}`);
      this.log(LOG, `${this.name}: ${gone.message}`);
      this.end.end(gone);
    });
  }

  private message(line: string, s: Socket): void {
    let m: unknown;
    try { m = JSON.parse(line); } catch { this.counts.dropped++; return; }
    if (typeof m !== 'object' || m === null || typeof (m as { class?: unknown }).class !== 'string') { this.counts.dropped++; return; }
    this.counts.sentences++;
    const msg = m as Record<string, unknown>;
    if (msg.class === 'SKY') {
      const sats = Array.isArray(msg.satellites) ? msg.satellites as { used?: unknown }[] : undefined;
      const used = num(msg.uSat) ?? (sats ? sats.filter((x) => x?.used === true).length : undefined);
      this.sky = { hdop: num(msg.hdop) ?? this.sky.hdop, used: used ?? this.sky.used };
    } else if (msg.class === 'TPV') {
      if (this.socket !== s) return;
      const fix = fixFromTpv(msg, this.sky);
      if (fix) this.counts.fixes++;
      this.fanout.report(fix);
    } else if (msg.class === 'ERROR') {
      this.log(LOG, `${this.name}: gpsd says ${String(msg.message)}`);
    }
  }
}
