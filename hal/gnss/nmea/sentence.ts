/**
 * NMEA 0183 sentences the parser understands (GGA, RMC, GSA, GSV, VTG, GLL from GPS, GLONASS,
 * Galileo, BeiDou or combined talkers), as plain objects parsed straight from the line's bytes.
 */

/** Talker ids accepted: GPS, combined GNSS, GLONASS, Galileo, BeiDou (both spellings). */
export type Talker = 'GP' | 'GN' | 'GL' | 'GA' | 'GB' | 'BD';

/** Time of day in ms since 00:00 UTC, NaN when the field is empty. */
export type TimeOfDayMs = number;

/** GGA: position, fix quality (0 = no fix), satellites used, HDOP, altitude. */
export interface GgaSentence {
  type: 'GGA'; talker: Talker; timeOfDayMs: TimeOfDayMs;
  latitude: number; longitude: number;
  /** 0 no fix, 1 GPS, 2 DGPS, 3 PPS, 4 RTK, 5 float RTK, 6 estimated, 7 manual, 8 simulation. */
  quality: number;
  satellites: number; hdop: number; altitudeM: number;
}

/** RMC: recommended minimum: status (A valid / V void), position, speed, course, date. */
export interface RmcSentence {
  type: 'RMC'; talker: Talker; timeOfDayMs: TimeOfDayMs;
  valid: boolean;
  latitude: number; longitude: number;
  speedKnots: number; courseDeg: number;
  /** UTC midnight of the date field (ms since the Unix epoch), NaN when empty. */
  dateMs: number;
  /** NMEA 2.3 mode indicator byte (A autonomous, D differential, E estimated, N none...), '' when absent. */
  mode: string;
}

/** GSA: fix mode (1 none, 2 2D, 3 3D), DOPs. Satellite ids are not kept. */
export interface GsaSentence {
  type: 'GSA'; talker: Talker;
  fixMode: number; pdop: number; hdop: number; vdop: number;
}

/** GSV: satellites in view (one message of a group). Per-satellite data is not kept. */
export interface GsvSentence {
  type: 'GSV'; talker: Talker;
  messages: number; messageNumber: number; satellitesInView: number;
}

/** VTG: course and speed over ground. */
export interface VtgSentence {
  type: 'VTG'; talker: Talker;
  courseDeg: number; speedKmh: number;
}

/** GLL: position and time, status A valid / V void. */
export interface GllSentence {
  type: 'GLL'; talker: Talker; timeOfDayMs: TimeOfDayMs;
  latitude: number; longitude: number; valid: boolean;
}

export type NmeaSentence = GgaSentence | RmcSentence | GsaSentence | GsvSentence | VtgSentence | GllSentence;
