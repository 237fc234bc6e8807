/**
 * gpsd JSON messages as gpsd documents them (gpsd_json(5), protocol 3.x): VERSION on connect,
 * DEVICES and WATCH after ?WATCH, then TPV and SKY each cycle. Positions are substituted per test.
 */
export const GPSD_FIXTURE = {
  version: '{"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14}',
  devices: '{"class":"DEVICES","devices":[{"class":"DEVICE","path":"/dev/pts/1","driver":"NMEA0183","activated":"2026-01-01T00:00:00.000Z","flags":1,"native":0,"bps":9600,"parity":"N","stopbits":1,"cycle":1.00}]}',
  watch: '{"class":"WATCH","enable":true,"json":true,"nmea":false,"raw":0,"scaled":false,"timing":false,"split24":false,"pps":false}',
  /** The gpsd_json(5) TPV example (a 3D fix with error estimates). */
  tpv: '{"class":"TPV","device":"/dev/pts/1","time":"2005-06-08T10:34:48.283Z","ept":0.005,"lat":46.498293369,"lon":7.567411672,"alt":1343.127,"eph":36.000,"epv":32.321,"track":10.3788,"speed":0.091,"climb":-0.085,"mode":3}',
  /** A TPV of gpsd 3.22 with epx/epy and altMSL, no eph. */
  tpv322: '{"class":"TPV","device":"/dev/pts/1","status":2,"mode":3,"time":"2026-01-01T00:00:05.000Z","ept":0.005,"lat":51.500700000,"lon":-0.124600000,"altHAE":82.000,"altMSL":35.000,"alt":35.000,"epx":3.5,"epy":4.2,"epv":9.2,"track":45.0,"magtrack":45.8,"speed":0.051,"climb":0.000,"eps":9.64,"epc":18.4}',
  /** No fix yet: mode 1 and no position. */
  tpvNoFix: '{"class":"TPV","device":"/dev/pts/1","mode":1}',
  /** The gpsd_json(5) SKY example: 5 of 8 satellites used. */
  sky: '{"class":"SKY","device":"/dev/pts/1","time":"2005-07-08T11:28:07.114Z","xdop":1.55,"hdop":1.24,"pdop":1.99,"satellites":[{"PRN":23,"el":6,"az":84,"ss":0,"used":false},{"PRN":28,"el":7,"az":160,"ss":0,"used":false},{"PRN":8,"el":66,"az":189,"ss":44,"used":true},{"PRN":29,"el":13,"az":273,"ss":0,"used":false},{"PRN":10,"el":51,"az":304,"ss":29,"used":true},{"PRN":4,"el":15,"az":199,"ss":36,"used":true},{"PRN":2,"el":34,"az":241,"ss":43,"used":true},{"PRN":27,"el":71,"az":76,"ss":43,"used":true}]}',
};

/** The documented TPV with its position and time replaced. */
export function gpsdTpv(place: { latitude: number; longitude: number }, timeMs: number): string {
  const tpv = JSON.parse(GPSD_FIXTURE.tpv) as Record<string, unknown>;
  return JSON.stringify({ ...tpv, lat: place.latitude, lon: place.longitude, time: new Date(timeMs).toISOString() });
}
