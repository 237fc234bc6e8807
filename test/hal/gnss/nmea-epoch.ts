/** NMEA lines of one receiver epoch (RMC, GGA, GSA), for tests that play a receiver by hand. */
import { nmeaLine } from '../../../hal/gnss/nmea/parser.js';

const pad = (n: number, w: number) => String(Math.floor(n)).padStart(w, '0');
const angle = (deg: number, lon: boolean) => {
  const a = Math.abs(deg), d = Math.floor(a);
  return `${pad(d, lon ? 3 : 2)}${((a - d) * 60).toFixed(6).padStart(9, '0')},${lon ? (deg < 0 ? 'W' : 'E') : (deg < 0 ? 'S' : 'N')}`;
};

export function epochLines(place: { latitude: number; longitude: number } | null, timeMs: number): string {
  const d = new Date(timeMs);
  const time = `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds() / 10, 2)}`;
  const date = `${pad(d.getUTCDate(), 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCFullYear() % 100, 2)}`;
  if (!place) {
    return nmeaLine(`GPRMC,${time},V,,,,,,,${date},,,N`) + nmeaLine(`GPGGA,${time},,,,,0,00,99.99,,,,,,`) + nmeaLine('GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99');
  }
  const lat = angle(place.latitude, false), lon = angle(place.longitude, true);
  return nmeaLine(`GPRMC,${time},A,${lat},${lon},0.10,45.00,${date},,,A`) +
    nmeaLine(`GPGGA,${time},${lat},${lon},1,08,1.10,35.0,M,47.0,M,,`) +
    nmeaLine('GPGSA,A,3,02,05,12,13,15,18,24,25,,,,,1.80,1.10,1.40');
}
