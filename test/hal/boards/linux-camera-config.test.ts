/** The linux-camera board's sensor settings (gnss, imu, radio): defaults, absence, and errors that name the key and the expected form. */
import t from 'tap';
import { checkConfig, describeSchema } from '../../../hal/boards/config.js';
import { board } from '../../../hal/boards/linux-camera.js';
import { ConfigError } from '../../../hal/errors.js';

const check = (extra: Record<string, unknown>) => checkConfig<Record<string, unknown>>({ serial: 'W100-0001', ...extra }, board.schema, 'config file cam.json');
const problems = (extra: Record<string, unknown>): string => {
  try { check(extra); } catch (e) { if (e instanceof ConfigError) return e.message; throw e; }
  throw new Error('expected a ConfigError');
};

t.test('no sensor settings: no gnss, imu or radio (a camera without them)', async (t) => {
  const c = check({});
  t.notOk('gnss' in c);
  t.notOk('imu' in c);
  t.notOk('radio' in c);
  t.ok('power' in c, 'ordinary objects still get their defaults');
});

t.test('each sensor with its defaults filled', async (t) => {
  t.same(check({ gnss: { kind: 'nmea-serial', path: '/dev/ttyS1' } }).gnss, { kind: 'nmea-serial', path: '/dev/ttyS1', baudRate: 9600 });
  t.same(check({ gnss: { kind: 'nmea-serial', path: '/dev/ttyACM0', baudRate: 115200 } }).gnss, { kind: 'nmea-serial', path: '/dev/ttyACM0', baudRate: 115200 });
  t.same(check({ gnss: { kind: 'gpsd' } }).gnss, { kind: 'gpsd', host: '127.0.0.1', port: 2947, connectTimeoutMs: 5000 });
  t.same(check({ gnss: { kind: 'gpsd', host: '::1', port: 2948 } }).gnss, { kind: 'gpsd', host: '::1', port: 2948, connectTimeoutMs: 5000 });
  t.same(check({ imu: {} }).imu, { root: '/sys/bus/iio/devices', device: '', gyroDevice: '' });
  t.same(check({ imu: { device: 'lsm6dsl' } }).imu, { root: '/sys/bus/iio/devices', device: 'lsm6dsl', gyroDevice: '' });
  t.same(check({ radio: { interface: 'wlan0' } }).radio, { interface: 'wlan0', port: 47811 });
});

t.test('wrong kind, missing kind, a setting of the other kind', async (t) => {
  t.match(problems({ gnss: { kind: 'ublox', path: '/dev/ttyS1' } }), /gnss\.kind: expected one of "nmea-serial", "gpsd", got "ublox"/);
  t.match(problems({ gnss: { path: '/dev/ttyS1' } }), /gnss\.kind: missing, expected one of "nmea-serial", "gpsd"/);
  t.match(problems({ gnss: { kind: 'gpsd', path: '/dev/ttyS1' } }), /gnss\.path: unknown setting; expected one of kind, host, port, connectTimeoutMs/);
  t.match(problems({ gnss: '/dev/ttyS1' }), /gnss: expected an object with kind one of "nmea-serial", "gpsd", got "\/dev\/ttyS1"/);
});

t.test('missing or malformed path, bad baud rate, bad ports, radio without interface', async (t) => {
  t.match(problems({ gnss: { kind: 'nmea-serial' } }), /gnss\.path: missing, expected a string matching .* \(the receiver's serial port, e\.g\. \/dev\/ttyS1/);
  t.match(problems({ gnss: { kind: 'nmea-serial', path: 'ttyS1' } }), /gnss\.path: expected a string matching .*, got "ttyS1"/);
  t.match(problems({ gnss: { kind: 'nmea-serial', path: '/dev/ttyS1', baudRate: 9600.5 } }), /gnss\.baudRate: expected an integer 1200-921600, got 9600\.5/);
  t.match(problems({ gnss: { kind: 'gpsd', port: 70000 } }), /gnss\.port: expected an integer 1-65535, got 70000/);
  t.match(problems({ radio: { interface: 'wlan0', port: 0 } }), /radio\.port: expected an integer 1-65535, got 0/);
  t.match(problems({ radio: {} }), /radio\.interface: missing, expected a string matching .* \(network interface the broadcast link is on/);
  t.match(problems({ radio: { interface: 'wlan0', group: 'ff02::1' } }), /radio\.group: unknown setting; expected one of interface, port/);
  t.match(problems({ imu: { iioDevice: '/sys/bus/iio/devices/iio:device0' } }), /imu\.iioDevice: unknown setting; expected one of root, device, gyroDevice/);
  const all = problems({ gnss: { kind: 'nmea-serial' }, radio: { port: 'x' } });
  t.match(all, /3 invalid settings/, 'every problem at once');
});

t.test('--help describes the sensor settings', async (t) => {
  const text = describeSchema(board.schema).join('\n');
  t.match(text, /gnss: an object with kind one of "nmea-serial", "gpsd" \(optional; absent: none\)/);
  t.match(text, /gnss\{kind:"nmea-serial"\}\.path: a string matching .* \(required\)/);
  t.match(text, /gnss\{kind:"gpsd"\}\.port: an integer 1-65535 \(default 2947\)/);
  t.match(text, /imu: .*\(optional; absent: none\)/);
  t.match(text, /radio\.interface: .*\(required\)/);
});
