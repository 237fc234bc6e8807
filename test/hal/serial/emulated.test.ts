import t from 'tap';
import { EmulatedSerial } from '../../../hal/serial/emulated.js';
import { DeviceGoneError } from '../../../hal/errors.js';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const ticks = async (n = 3) => { for (let i = 0; i < n; i++) await new Promise((r) => process.nextTick(r)); };

t.test('control surface: plug in, list, hear host writes, answer as the device', async (t) => {
  const bus = new EmulatedSerial({ name: 'cam1' });
  t.equal(bus.name, 'emulated:cam1 serial');
  bus.createPort('/dev/ttyUSB1', { manufacturer: 'Prolific' });
  bus.createPort('/dev/ttyAMA0');
  t.same(await bus.list(), [{ path: '/dev/ttyAMA0' }, { path: '/dev/ttyUSB1', manufacturer: 'Prolific' }]);
  t.throws(() => bus.createPort('/dev/ttyAMA0'), /already plugged in at \/dev\/ttyAMA0/);
  t.throws(() => bus.emitData('/dev/ttyX', 'a'), /no device plugged in at \/dev\/ttyX; plugged in: \/dev\/ttyAMA0, \/dev\/ttyUSB1/);

  // A tiny device model: answers every command line with an ACK.
  bus.onReceive('/dev/ttyAMA0', (bytes) => { if (text(bytes).endsWith('\r\n')) bus.emitData('/dev/ttyAMA0', 'ACK\r\n'); });
  const port = await bus.open('/dev/ttyAMA0', { baudRate: 38400 });
  t.ok(bus.isOpen('/dev/ttyAMA0'));
  t.same(bus.openOptions('/dev/ttyAMA0'), { baudRate: 38400, dataBits: 8, stopBits: 1, parity: 'none' });
  const w = port.write(new TextEncoder().encode('$PUBX,40*00\r\n'));
  t.equal(bus.lastWrite('/dev/ttyAMA0'), undefined, 'a write does not complete synchronously');
  await w;
  t.equal(text(bus.lastWrite('/dev/ttyAMA0')), '$PUBX,40*00\r\n');
  t.equal(text(await port.read()), 'ACK\r\n', 'the device answered');
  await port.write(new TextEncoder().encode('second'));
  t.equal(text(bus.received('/dev/ttyAMA0')), '$PUBX,40*00\r\nsecond', 'the received log keeps every byte in order');
  bus.clearReceived('/dev/ttyAMA0');
  t.equal(bus.received('/dev/ttyAMA0').length, 0);
  await port.close();
  t.notOk(bus.isOpen('/dev/ttyAMA0'));
  t.equal(bus.openOptions('/dev/ttyAMA0'), undefined);
});

t.test('bytes sent while the port is closed are lost, as on a real line', async (t) => {
  const bus = new EmulatedSerial();
  bus.createPort('/dev/ttyS0');
  bus.emitData('/dev/ttyS0', 'lost');
  await ticks();
  const port = await bus.open('/dev/ttyS0', { baudRate: 9600 });
  bus.emitData('/dev/ttyS0', 'kept');
  t.equal(text(await port.read()), 'kept');
  await port.close();
});

t.test('bytes that arrived before an unplug are still read, then DeviceGoneError', async (t) => {
  const bus = new EmulatedSerial();
  bus.createPort('/dev/ttyUSB0');
  const port = await bus.open('/dev/ttyUSB0', { baudRate: 9600 });
  bus.emitData('/dev/ttyUSB0', '$GPGLL');
  bus.remove('/dev/ttyUSB0');
  await ticks();
  t.equal(text(await port.read()), '$GPGLL');
  await t.rejects(port.read(), DeviceGoneError);
  t.same(await bus.list(), [], 'unplugged');
  await t.rejects(bus.open('/dev/ttyUSB0', { baudRate: 9600 }), { code: 'ENODEV' });
  bus.createPort('/dev/ttyUSB0');
  const again = await bus.open('/dev/ttyUSB0', { baudRate: 9600 });
  t.ok(again.isOpen, 'plugged in again, it opens as a new port');
  t.notOk(port.isOpen, 'the old port stays gone');
  await again.close();
});

t.test('a stalled device holds writes in order until it takes bytes again', async (t) => {
  const bus = new EmulatedSerial();
  bus.createPort('/dev/ttyUSB0');
  const port = await bus.open('/dev/ttyUSB0', { baudRate: 9600 });
  bus.stall('/dev/ttyUSB0', true);
  let done = 0;
  const a = port.write(new TextEncoder().encode('a')).then(() => done++);
  const b = port.write(new TextEncoder().encode('b')).then(() => done++);
  await ticks(5);
  t.equal(done, 0, 'pending while stalled');
  bus.stall('/dev/ttyUSB0', false);
  await Promise.all([a, b]);
  t.equal(text(bus.received('/dev/ttyUSB0')), 'ab');
  await port.close();
});
