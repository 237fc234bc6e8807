/**
 * An emulated GNSS receiver: the device on the far end of an EmulatedSerial port. Powered while
 * the host has the port open, it sends RMC, VTG, GGA, GSA and GSV once a second of virtual time,
 * following a track, with outages and a time to first fix that assistance ($PBWCEPH) shortens.
 * Its control surface (setTrack, setPosition, follow, setSky, addOutage) is for tests, rigs and
 * the simulator.
 */
import type { Clock, Timer } from '../clock/contract.js';
import type { EmulatedSerial } from '../serial/emulated.js';
import { ASSISTANCE_FRESH_MS, decodeAssistancePiece } from './assistance-sentence.js';
import { nmeaLine } from './nmea/parser.js';

/** A place: WGS 84 degrees, or metres east (x) and north (y) of the receiver's origin. */
export type Place = { latitude: number; longitude: number } | { x: number; y: number };
/** A waypoint: where the receiver is at monotonic time `atMs`; between waypoints it moves in a straight line. */
export type Waypoint = Place & { atMs: number };
export type Sky = 'open' | 'blocked';

export interface EmulatedGnssReceiverOptions {
  serial: EmulatedSerial;
  /** Where it is plugged in, e.g. `/dev/ttyGNSS0`. The receiver plugs the port in itself. */
  path: string;
  /** True (unskewed) time: GNSS time is UTC whatever the camera's clock believes. */
  clock: Clock;
  /** What x/y metres are measured from. Default 51.5007 N, 0.1246 W. */
  origin?: { latitude: number; longitude: number };
  /** Time to first fix from power-on without help. Default 30 s. */
  coldStartMs?: number;
  /** ... with fresh assistance (< 4 h old). Default 5 s. */
  assistedStartMs?: number;
  /** ... when it had a fix within 4 h before power-off (its own ephemeris). Default 2 s; set it to coldStartMs to make every start cold. */
  hotStartMs?: number;
  /** Talker of GGA/RMC/VTG/GSA (GSV is always per constellation, GP). Default GN. */
  talker?: 'GP' | 'GN';
  /** Satellites used when the sky is open. Default 9. */
  satellites?: number;
  /** HDOP when the sky is open. Default 0.9. */
  hdop?: number;
  /** Altitude above mean sea level in metres. Default 35. */
  altitudeM?: number;
}

const R = 6_371_008.8;
const DEG = 180 / Math.PI;
const pad = (n: number, w: number) => String(Math.floor(n)).padStart(w, '0');

/** `ddmm.mmmmm,N` / `dddmm.mmmmm,E` */
function nmeaAngle(deg: number, lonLike: boolean): string {
  const a = Math.abs(deg);
  let d = Math.floor(a);
  let m = Number(((a - d) * 60).toFixed(5));
  if (m >= 60) { d += 1; m = 0; }
  const hemi = lonLike ? (deg < 0 ? 'W' : 'E') : (deg < 0 ? 'S' : 'N');
  return `${pad(d, lonLike ? 3 : 2)}${m.toFixed(5).padStart(8, '0')},${hemi}`;
}

export class EmulatedGnssReceiver {
  readonly path: string;
  private readonly serial: EmulatedSerial;
  private readonly clock: Clock;
  private readonly origin: { latitude: number; longitude: number };
  private readonly opts: Required<Pick<EmulatedGnssReceiverOptions, 'coldStartMs' | 'assistedStartMs' | 'hotStartMs' | 'talker' | 'satellites' | 'hdop' | 'altitudeM'>>;
  private track: Waypoint[] = [];
  private follower: (() => Place | undefined) | undefined;
  private sky: Sky = 'open';
  private outages: { fromMs: number; toMs: number }[] = [];
  private timer: Timer | undefined;
  private stopListening: () => void;
  // Power and acquisition
  private powered = false;
  private acquiredMs = 0;
  private ttffMs = 0;
  private hasFix = false;
  private lastFixWallMs = -Infinity;
  private assistance: { validAtMs: number; bytes: Uint8Array } | undefined;
  private pieces: { count: number; validAtMs: number; got: Map<number, Uint8Array> } | undefined;
  private rx = '';
  /** Fixes sent and epochs sent without a fix, since creation (for tests and rigs). */
  readonly sent = { fixes: 0, noFix: 0 };
  /** Monotonic time of the first fix since the last power-on, or undefined. */
  firstFixAtMs: number | undefined;
  /** Monotonic time of the last power-on, or undefined while off. */
  poweredAtMs: number | undefined;

  constructor(options: EmulatedGnssReceiverOptions) {
    this.serial = options.serial;
    this.path = options.path;
    this.clock = options.clock;
    this.origin = options.origin ?? { latitude: 51.5007, longitude: -0.1246 };
    this.opts = {
      coldStartMs: options.coldStartMs ?? 30_000,
      assistedStartMs: options.assistedStartMs ?? 5_000,
      hotStartMs: options.hotStartMs ?? 2_000,
      talker: options.talker ?? 'GN',
      satellites: options.satellites ?? 9,
      hdop: options.hdop ?? 0.9,
      altitudeM: options.altitudeM ?? 35,
    };
    for (const k of ['coldStartMs', 'assistedStartMs', 'hotStartMs'] as const) {
      const v = this.opts[k];
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`EmulatedGnssReceiver: ${k} must be a finite number of ms >= 0, got ${v}`);
    }
    this.serial.createPort(this.path, { manufacturer: 'u-blox AG', vendorId: '1546', productId: '01a8' });
    this.stopListening = this.serial.onReceive(this.path, (bytes) => this.hear(bytes));
    this.timer = this.clock.setInterval(() => this.second(), 1000);
    this.setPosition({ x: 0, y: 0 });
  }

  // --- control surface ---

  /** Follow timed waypoints (monotonic ms), sorted by time; before the first and after the last it stands still. */
  setTrack(points: readonly Waypoint[]): void {
    if (!Array.isArray(points) || points.length === 0) throw new RangeError('setTrack: expected at least one waypoint {atMs, latitude, longitude} or {atMs, x, y}');
    for (const p of points) this.checkPlace(p, 'setTrack');
    this.track = [...points].sort((a, b) => a.atMs - b.atMs);
    this.follower = undefined;
  }

  /** Stand still at `place`. */
  setPosition(place: Place): void {
    this.checkPlace(place, 'setPosition');
    this.track = [{ ...place, atMs: 0 } as Waypoint];
    this.follower = undefined;
  }

  /** Take the position from `where()` each second (e.g. `() => world.position('cam1')`); undefined keeps the last place. */
  follow(where: () => Place | undefined): void {
    this.follower = where;
  }

  /** Open sky, or blocked (indoors, tunnel): no fix while blocked. */
  setSky(sky: Sky): void {
    if (sky !== 'open' && sky !== 'blocked') throw new RangeError(`setSky: expected 'open' or 'blocked', got ${JSON.stringify(sky)}`);
    this.sky = sky;
  }

  /** No fix from monotonic `fromMs` until `toMs`. */
  addOutage(fromMs: number, toMs: number): void {
    if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) throw new RangeError(`addOutage: expected finite fromMs < toMs, got ${fromMs}, ${toMs}`);
    this.outages.push({ fromMs, toMs });
  }

  /** Whether the host has the port open (the receiver is powered). */
  get isPowered(): boolean { return this.powered; }

  /** Assistance the receiver holds, if any. */
  get assistanceValidAtMs(): number | undefined { return this.assistance?.validAtMs; }

  /** Where the receiver is now, in degrees. */
  place(): { latitude: number; longitude: number } {
    return this.at(this.clock.monotonic());
  }

  /** Degrees of a place (x/y metres are measured from the receiver's origin). */
  degreesOf(place: Place): { latitude: number; longitude: number } {
    this.checkPlace(place, 'degreesOf');
    return this.degrees(place);
  }

  /** Metres east (x) and north (y) of the receiver's origin of a place in degrees: the inverse of degreesOf. */
  metresOf(place: { latitude: number; longitude: number }): { x: number; y: number } {
    this.checkPlace(place, 'metresOf');
    const lat0 = this.origin.latitude;
    return {
      x: ((place.longitude - this.origin.longitude) / DEG) * R * Math.cos(lat0 / DEG),
      y: ((place.latitude - lat0) / DEG) * R,
    };
  }

  /** Unplug: stop sending and remove the port (an open driver sees the device go away). */
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.stopListening();
    try { this.serial.remove(this.path); } catch { /* already unplugged */ }
  }

  // --- the device ---

  private checkPlace(p: unknown, op: string): void {
    const q = p as Record<string, unknown>;
    const ok = typeof q === 'object' && q !== null && (
      (Number.isFinite(q.latitude) && Number.isFinite(q.longitude) && Math.abs(q.latitude as number) <= 90 && Math.abs(q.longitude as number) <= 180) ||
      (Number.isFinite(q.x) && Number.isFinite(q.y)));
    if (!ok) throw new RangeError(`${op}: expected {latitude (-90..90), longitude (-180..180)} or {x, y} metres, got ${JSON.stringify(p)}`);
    if (op === 'setTrack' && !Number.isFinite(q.atMs)) throw new RangeError(`setTrack: each waypoint needs a finite atMs, got ${JSON.stringify(p)}`);
  }

  private degrees(p: Place): { latitude: number; longitude: number } {
    if ('latitude' in p) return { latitude: p.latitude, longitude: p.longitude };
    const lat0 = this.origin.latitude;
    return {
      latitude: lat0 + (p.y / R) * DEG,
      longitude: this.origin.longitude + (p.x / (R * Math.cos(lat0 / DEG))) * DEG,
    };
  }

  private at(t: number): { latitude: number; longitude: number } {
    if (this.follower) {
      const p = this.follower();
      if (p) this.track = [{ ...p, atMs: 0 } as Waypoint];
    }
    const tr = this.track;
    if (t <= tr[0]!.atMs || tr.length === 1) return this.degrees(tr[0]!);
    for (let i = 1; i < tr.length; i++) {
      const b = tr[i]!;
      if (t <= b.atMs) {
        const a = this.degrees(tr[i - 1]!), bd = this.degrees(b);
        const f = (t - tr[i - 1]!.atMs) / (b.atMs - tr[i - 1]!.atMs);
        return { latitude: a.latitude + (bd.latitude - a.latitude) * f, longitude: a.longitude + (bd.longitude - a.longitude) * f };
      }
    }
    return this.degrees(tr[tr.length - 1]!);
  }

  private skyOpen(t: number): boolean {
    return this.sky === 'open' && !this.outages.some((o) => t >= o.fromMs && t < o.toMs);
  }

  private hear(bytes: Uint8Array): void {
    this.rx += new TextDecoder().decode(bytes);
    if (this.rx.length > 1_000_000) this.rx = this.rx.slice(-1000);
    let nl: number;
    while ((nl = this.rx.indexOf('\n')) >= 0) {
      const line = this.rx.slice(0, nl);
      this.rx = this.rx.slice(nl + 1);
      const piece = decodeAssistancePiece(line);
      if (!piece) continue;
      if (!this.pieces || this.pieces.count !== piece.count || this.pieces.validAtMs !== piece.validAtMs) {
        this.pieces = { count: piece.count, validAtMs: piece.validAtMs, got: new Map() };
      }
      this.pieces.got.set(piece.index, piece.bytes);
      if (this.pieces.got.size === this.pieces.count) {
        const parts = [...this.pieces.got.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
        const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) { bytes.set(p, o); o += p.length; }
        this.assistance = { validAtMs: this.pieces.validAtMs, bytes };
        this.pieces = undefined;
        if (this.powered && !this.hasFix && this.fresh()) this.ttffMs = Math.min(this.ttffMs, this.opts.assistedStartMs);
      }
    }
  }

  private fresh(): boolean {
    return this.assistance !== undefined && Math.abs(this.clock.now() - this.assistance.validAtMs) <= ASSISTANCE_FRESH_MS;
  }

  private second(): void {
    const open = this.serial.isOpen(this.path);
    if (!open) {
      if (this.powered) { this.powered = false; this.poweredAtMs = undefined; this.hasFix = false; }
      return;
    }
    const t = this.clock.monotonic();
    if (!this.powered) {
      this.powered = true;
      this.poweredAtMs = t;
      this.firstFixAtMs = undefined;
      this.acquiredMs = 0;
      const hot = this.clock.now() - this.lastFixWallMs <= ASSISTANCE_FRESH_MS;
      this.ttffMs = this.fresh() ? this.opts.assistedStartMs : hot ? this.opts.hotStartMs : this.opts.coldStartMs;
      return; // booting: the first sentences come a second later
    }
    const open_ = this.skyOpen(t);
    if (!this.hasFix && open_) {
      this.acquiredMs += 1000;
      if (this.acquiredMs >= this.ttffMs) { this.hasFix = true; this.firstFixAtMs = t; }
    }
    const fixed = this.hasFix && open_;
    if (fixed) this.lastFixWallMs = this.clock.now();
    this.emit(t, fixed);
  }

  private emit(t: number, fixed: boolean): void {
    const tk = this.opts.talker;
    const wall = this.clock.now();
    // Time comes once the receiver has had a fix (cold receivers send empty time fields).
    const knowsTime = this.hasFix || this.lastFixWallMs > -Infinity;
    const d = new Date(wall);
    const time = knowsTime ? `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds() / 10, 2)}` : '';
    const date = knowsTime ? `${pad(d.getUTCDate(), 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCFullYear() % 100, 2)}` : '';
    let out = '';
    if (fixed) {
      const here = this.at(t), next = this.at(t + 1000);
      const dy = (next.latitude - here.latitude) / DEG * R;
      const dx = (next.longitude - here.longitude) / DEG * R * Math.cos(here.latitude / DEG);
      const speed = Math.hypot(dx, dy);
      const course = speed > 0.05 ? (Math.atan2(dx, dy) * DEG + 360) % 360 : NaN;
      const lat = nmeaAngle(here.latitude, false), lon = nmeaAngle(here.longitude, true);
      const knots = (speed * 3600 / 1852).toFixed(3), cog = Number.isNaN(course) ? '' : course.toFixed(2);
      const { satellites, hdop, altitudeM } = this.opts;
      out += nmeaLine(`${tk}RMC,${time},A,${lat},${lon},${knots},${cog},${date},,,A`);
      out += nmeaLine(`${tk}VTG,${cog},T,,M,${knots},N,${(speed * 3.6).toFixed(3)},K,A`);
      out += nmeaLine(`${tk}GGA,${time},${lat},${lon},1,${pad(satellites, 2)},${hdop.toFixed(2)},${altitudeM.toFixed(1)},M,47.0,M,,`);
      out += nmeaLine(`${tk}GSA,A,3,02,05,12,13,15,18,24,25,29,,,,${(hdop * 1.6).toFixed(2)},${hdop.toFixed(2)},${(hdop * 1.3).toFixed(2)}`);
      out += nmeaLine('GPGSV,1,1,04,02,45,120,42,05,60,080,44,12,30,250,38,13,15,310,33');
      this.sent.fixes++;
    } else {
      out += nmeaLine(`${tk}RMC,${time},V,,,,,,,${date},,,N`);
      out += nmeaLine(`${tk}VTG,,,,,,,,,N`);
      out += nmeaLine(`${tk}GGA,${time},,,,,0,00,99.99,,,,,,`);
      out += nmeaLine(`${tk}GSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99`);
      out += nmeaLine('GPGSV,1,1,00');
      this.sent.noFix++;
    }
    this.serial.emitData(this.path, out);
  }
}
