/**
 * GNSS: a satellite receiver's position fixes, whatever carries them (NMEA 0183 over a serial
 * port, gpsd's JSON over TCP, an emulated receiver playing a track). Every GNSS driver keeps the
 * behaviour stated here.
 */
import type { HalError } from '../errors.js';

/** How the position was obtained (NMEA GGA fix quality 1-8; 0 = no fix is never a GnssFix). */
export type FixQuality = 'gps' | 'dgps' | 'pps' | 'rtk' | 'float-rtk' | 'estimated' | 'manual' | 'simulation';

/** One position fix. Latitude and longitude are WGS 84 degrees, north and east positive. */
export interface GnssFix {
  /** UTC time of the fix as the receiver gives it (ms since the Unix epoch). */
  timeMs: number;
  latitude: number;
  longitude: number;
  /** Metres above mean sea level, when the receiver says. */
  altitudeM?: number;
  /** Horizontal accuracy estimate in metres (from the receiver's error estimate, else HDOP × 5 m). */
  accuracyM: number;
  /** Horizontal dilution of precision; NaN when unknown. */
  hdop: number;
  /** Satellites used in the fix; 0 when unknown. */
  satellites: number;
  quality: FixQuality;
  /** Speed over ground, m/s, when known. */
  speedMps?: number;
  /** Course over ground, degrees true, when known. */
  courseDeg?: number;
}

/**
 * What the receiver reports, about once a second while running: a fix, or `null` when it has
 * none (no sky view, before the first fix). Listeners run synchronously; they must not throw.
 */
export type FixListener = (fix: GnssFix | null) => void;

/** Ephemeris (and time) data that shortens the time to first fix (Assisted GNSS). */
export interface GnssAssistance {
  /** Opaque ephemeris data as the assistance service gave it (1 .. 64 KiB). */
  ephemeris: Uint8Array;
  /** When the data was valid (ms since the Unix epoch); stale data (> 4 h) is not used. */
  validAtMs: number;
}

/** Counters of what came in, for diagnostics. Never reset while the driver is open. */
export interface GnssStats {
  /** Sentences (or messages) accepted. */
  sentences: number;
  /** Sentences dropped: bad checksum, malformed fields, over-long or partial lines. */
  dropped: number;
  /** Fixes reported to listeners. */
  fixes: number;
}

export interface Gnss {
  /** Human-readable name for messages (`nmea /dev/ttyS1`, `gpsd [::1]:2947`, `emulated:cam1 gnss`). */
  readonly name: string;
  /** True between a successful start() and stop(), close() or the device going away. */
  readonly running: boolean;
  /**
   * Power the receiver and start reporting. Idempotent. Rejects with DeviceMissingError when the
   * receiver is not there, HalError `ECLOSED` after close().
   */
  start(): Promise<void>;
  /** Stop reporting and power the receiver down (saves battery). Idempotent. */
  stop(): Promise<void>;
  /** Subscribe to reports; returns a function that unsubscribes. */
  onFix(listener: FixListener): () => void;
  /** The newest fix reported since start(), or undefined. */
  lastFix(): GnssFix | undefined;
  /**
   * Hand assistance data to the receiver. Resolves true when the receiver took it, false when
   * this receiver cannot use assistance (gpsd, a plain NMEA receiver). Rejects with RangeError
   * for data out of bounds.
   */
  assist(data: GnssAssistance): Promise<boolean>;
  stats(): GnssStats;
  /**
   * Call `listener` once when the driver ends: `undefined` after close(), the DeviceGoneError
   * when the receiver went away (serial unplugged, gpsd gone). Returns an unsubscribe function.
   */
  onClose(listener: (error: HalError | undefined) => void): () => void;
  /** Release the receiver. Idempotent. */
  close(): Promise<void>;
}
