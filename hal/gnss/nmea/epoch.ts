/**
 * Epoch assembler: the sentences a receiver sends for one second (RMC, VTG, GGA, GSA, GSV, GLL in
 * any order) become one GnssFix, or null when that second has no fix (GGA quality 0, RMC or GLL
 * status V, GSA fix mode 1).
 */
import type { FixQuality, GnssFix } from '../contract.js';
import type { NmeaSentence } from './sentence.js';

const QUALITIES: (FixQuality | undefined)[] = [undefined, 'gps', 'dgps', 'pps', 'rtk', 'float-rtk', 'estimated', 'manual', 'simulation'];
const DAY_MS = 86_400_000;
/** Metres of horizontal error per unit of HDOP when the receiver gives no error estimate. */
export const UERE_M = 5;

export interface EpochOptions {
  /**
   * Wall-clock ms to take the date from until an RMC gives one (receivers that send GGA only).
   * Default: no date until an RMC comes, and fixes before that are reported as null.
   */
  today?: () => number;
}

/**
 * Emits an epoch as soon as both its GGA and RMC are in (most receivers send both every second),
 * else when a sentence of a later second begins it (then a GGA-only or RMC-only receiver's fix
 * comes one second late). Sentences without a time (GSA, VTG, GSV) join the epoch in progress.
 */
export class EpochAssembler {
  private time = NaN;
  private gga: Extract<NmeaSentence, { type: 'GGA' }> | undefined;
  private rmc: Extract<NmeaSentence, { type: 'RMC' }> | undefined;
  private gll: Extract<NmeaSentence, { type: 'GLL' }> | undefined;
  private gsaNoFix = false;
  private gsaHdop = NaN;
  private vtgSpeedKmh = NaN;
  private vtgCourse = NaN;
  private emitted = true;
  private dateMs = NaN;

  constructor(private readonly options: EpochOptions = {}) {}

  /**
   * Take one sentence. A GGA, RMC or GLL of another second, or a second one of the same kind,
   * ends the epoch in progress. Returns the fix (or null for "no fix") of an epoch it completed, else
   * undefined.
   */
  push(s: NmeaSentence): GnssFix | null | undefined {
    let done: GnssFix | null | undefined;
    if (s.type === 'GGA' || s.type === 'RMC' || s.type === 'GLL') {
      // A receiver without time yet (cold start) sends empty time fields: they share key -1.
      const key = Number.isNaN(s.timeOfDayMs) ? -1 : s.timeOfDayMs;
      const repeated = s.type === 'GGA' ? this.gga : s.type === 'RMC' ? this.rmc : this.gll;
      if (key !== this.time || repeated !== undefined) {
        if (!this.emitted) done = this.assemble();
        this.begin(key);
      }
      if (s.type === 'GGA') this.gga = s;
      else if (s.type === 'RMC') { this.rmc = s; if (!Number.isNaN(s.dateMs)) this.dateMs = s.dateMs; }
      else this.gll = s;
      if (this.gga && this.rmc && !this.emitted) done = this.assemble();
      return done;
    }
    if (this.emitted && !Number.isNaN(this.time) && s.type !== 'GSV') {
      // A GSA/VTG after the epoch went out (e.g. GGA, RMC, then GSA): it belongs to that epoch, which is already reported.
      return undefined;
    }
    if (s.type === 'GSA') { this.gsaNoFix = s.fixMode === 1; this.gsaHdop = s.hdop; }
    else if (s.type === 'VTG') { this.vtgSpeedKmh = s.speedKmh; this.vtgCourse = s.courseDeg; }
    return undefined;
  }

  /** The input stopped: report the epoch in progress, if any. */
  flush(): GnssFix | null | undefined {
    return this.emitted ? undefined : this.assemble();
  }

  private begin(time: number): void {
    this.time = time;
    this.gga = this.rmc = this.gll = undefined;
    this.gsaNoFix = false;
    this.gsaHdop = this.vtgSpeedKmh = this.vtgCourse = NaN;
    this.emitted = false;
  }

  private assemble(): GnssFix | null {
    this.emitted = true;
    const { gga, rmc, gll } = this;
    if (this.gsaNoFix) return null;
    if (gga && gga.quality === 0) return null;
    if (rmc && !rmc.valid) return null;
    if (!gga && !rmc && gll && !gll.valid) return null;
    const pos = gga ?? rmc ?? gll;
    if (!pos) return null;
    let date = this.dateMs;
    if (Number.isNaN(date) && this.options.today) {
      const now = this.options.today();
      date = now - (now % DAY_MS);
      // Just after midnight the receiver's time of day may still belong to yesterday.
      if (this.time - (now - date) > DAY_MS / 2) date -= DAY_MS;
    }
    if (Number.isNaN(date) || this.time < 0) return null;
    const hdop = gga && !Number.isNaN(gga.hdop) ? gga.hdop : this.gsaHdop;
    const fix: GnssFix = {
      timeMs: date + this.time,
      latitude: pos.latitude,
      longitude: pos.longitude,
      accuracyM: Number.isNaN(hdop) ? 50 : hdop * UERE_M,
      hdop,
      satellites: gga && !Number.isNaN(gga.satellites) ? gga.satellites : 0,
      quality: gga ? QUALITIES[gga.quality] ?? 'gps' : rmc?.mode === 'D' ? 'dgps' : rmc?.mode === 'E' ? 'estimated' : 'gps',
    };
    if (gga && !Number.isNaN(gga.altitudeM)) fix.altitudeM = gga.altitudeM;
    const knots = rmc?.speedKnots ?? NaN;
    if (!Number.isNaN(knots)) fix.speedMps = knots * 1852 / 3600;
    else if (!Number.isNaN(this.vtgSpeedKmh)) fix.speedMps = this.vtgSpeedKmh / 3.6;
    const course = rmc && !Number.isNaN(rmc.courseDeg) ? rmc.courseDeg : this.vtgCourse;
    if (!Number.isNaN(course)) fix.courseDeg = course;
    return fix;
  }
}
