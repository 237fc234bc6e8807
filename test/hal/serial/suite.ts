/** Serial contract suite: every SerialBus implementation must pass it. */
import type { Test } from 'tap';
import type { SerialBus, SerialPort } from '../../../hal/serial/contract.js';
import { readChunks } from '../../../hal/serial/byte-stream.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../../../hal/errors.js';

/** The far end of one port: what the device does, driven by the test. */
export interface SerialDevice {
  /** The device sends `bytes` to the host. Resolves once they are on their way. */
  send(bytes: Uint8Array): Promise<void>;
  /** Resolve with exactly the next `n` bytes the host sent to the device. */
  receive(n: number): Promise<Uint8Array>;
  /** The device stops (true) or resumes (false) taking bytes from the host. */
  stall(stalled: boolean): Promise<void>;
  /** The port vanishes, as when a USB adapter is pulled out. */
  vanish(): Promise<void>;
}

export interface SerialHarness {
  bus: SerialBus;
  /** A port that exists and is not open; `device` is its far end. */
  path: string;
  device: SerialDevice;
  /** A path where there is no port. */
  missingPath: string;
  /** Wait until `cond()` holds; fails naming `what` after a few seconds. */
  until(cond: () => boolean, what: string): Promise<void>;
  cleanup(): Promise<void>;
}

const pattern = (n: number, seed: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return b;
};
const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
};
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
const code = (c: string) => (err: unknown) => err instanceof HalError && err.code === c;

/** Read from `port` until `n` bytes arrived. */
async function readExactly(port: SerialPort, n: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  for await (const c of readChunks(port)) {
    chunks.push(c);
    got += c.length;
    if (got >= n) break;
  }
  return concat(chunks);
}

/** Settle state of a promise without awaiting it. */
function track<T>(p: Promise<T>) {
  const s: { done: boolean; error: unknown; value: T | undefined } = { done: false, error: undefined, value: undefined };
  p.then((v) => { s.done = true; s.value = v; }, (e: unknown) => { s.done = true; s.error = e; });
  return s;
}

export function serialContract(t: Test, name: string, make: () => Promise<SerialHarness>): void {
  t.test(`${name}: serial contract`, async (t) => {
    const harness = async (t: Test) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      return h;
    };

    t.test('list returns port descriptions with a path each', async (t) => {
      const h = await harness(t);
      const ports = await h.bus.list();
      t.ok(Array.isArray(ports), 'an array');
      for (const p of ports) t.type(p.path, 'string');
      t.same(ports.map((p) => p.path), ports.map((p) => p.path).sort(), 'sorted by path');
    });

    t.test('open fills option defaults; data flows both ways intact and in order', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 115200 });
      t.teardown(() => port.close());
      t.equal(port.path, h.path);
      t.same(port.options, { baudRate: 115200, dataBits: 8, stopBits: 1, parity: 'none' });
      t.ok(port.isOpen);

      // host -> device: 300 kB in writes of uneven sizes issued together (order must hold)
      const out = pattern(300 * 1024, 1);
      const sizes = [1, 7, 4096, 65536, 100000];
      const writes: Promise<void>[] = [];
      for (let at = 0, i = 0; at < out.length; i++) {
        const n = Math.min(sizes[i % sizes.length]!, out.length - at);
        const piece = out.slice(at, at + n);
        writes.push(port.write(piece));
        piece.fill(0); // the caller may reuse its buffer once write() returned
        at += n;
      }
      const received = h.device.receive(out.length);
      await Promise.all(writes);
      t.ok(sameBytes(await received, out), `device received all ${out.length} bytes in order`);

      // device -> host: 300 kB
      const back = pattern(300 * 1024, 2);
      const reading = readExactly(port, back.length);
      await h.device.send(back);
      t.ok(sameBytes(await reading, back), `host read all ${back.length} bytes in order`);
    });

    t.test('read waits for data, honours maxBytes, serves waiting reads in order', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 9600 });
      t.teardown(() => port.close());
      const first = track(port.read(3));
      const second = track(port.read());
      await new Promise((r) => setImmediate(r));
      t.notOk(first.done, 'a read waits while nothing arrived');
      await h.device.send(new TextEncoder().encode('$GPGGA'));
      await h.until(() => first.done && second.done, 'both reads to resolve');
      t.equal(new TextDecoder().decode(first.value), '$GP', 'first read got at most 3 bytes');
      const rest = new TextDecoder().decode(second.value);
      t.ok('GGA'.startsWith(rest) && rest.length > 0, `second read continues where the first stopped (${rest})`);
      await t.rejects(port.write('text' as unknown as Uint8Array), TypeError, 'write takes bytes only');
      await t.rejects(port.read(0), RangeError, 'maxBytes must be positive');
    });

    t.test('close cancels reads in flight, is idempotent, and frees the port', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 9600 });
      const ends: unknown[] = [];
      port.onClose((e) => ends.push(e));
      const pending = port.read();
      const closing = port.close();
      t.notOk(port.isOpen, 'not open once close() was called');
      await t.rejects(pending, { code: 'ECANCELED' }, 'the read in flight rejects canceled');
      await Promise.all([closing, port.close()]);
      await port.close();
      t.same(ends, [undefined], 'onClose called once, without error');
      await t.rejects(port.read(), { code: 'ECLOSED' }, 'read after close');
      await t.rejects(port.write(new Uint8Array([1])), { code: 'ECLOSED' }, 'write after close');
      let late: unknown = 'not called';
      port.onClose((e) => { late = e; });
      await new Promise((r) => setImmediate(r));
      t.equal(late, undefined, 'a listener added after the end is still told');
      const again = await h.bus.open(h.path, { baudRate: 9600 });
      t.ok(again.isOpen, 'the port can be opened again');
      await again.close();
    });

    t.test('a write the device does not take stays pending, then rejects canceled on close', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 9600 });
      await h.device.stall(true);
      const w = track(port.write(pattern(4 << 20, 3)));
      await new Promise((r) => setTimeout(r, 100));
      t.notOk(w.done, 'write pending while the device is stalled');
      await port.close();
      await h.until(() => w.done, 'the write to settle');
      t.ok(code('ECANCELED')(w.error), `write rejected canceled (${String(w.error)})`);
    });

    t.test('readChunks ends quietly when the port is closed', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 9600 });
      const got: string[] = [];
      const consumer = (async () => { for await (const c of readChunks(port)) got.push(new TextDecoder().decode(c)); })();
      await h.device.send(new TextEncoder().encode('$GPRMC\r\n'));
      await h.until(() => got.join('') === '$GPRMC\r\n', 'the sentence to arrive');
      await port.close();
      await consumer;
      t.equal(got.join(''), '$GPRMC\r\n');
    });

    t.test('open of a missing path rejects DeviceMissingError naming it', async (t) => {
      const h = await harness(t);
      const err = await h.bus.open(h.missingPath, { baudRate: 9600 }).then(() => undefined, (e: unknown) => e);
      t.type(err, DeviceMissingError);
      t.match((err as Error).message, h.missingPath, 'names the path');
      t.match((err as Error).message, /expected a serial tty device/, 'says what was expected');
    });

    t.test('bad open options are rejected naming the parameter; nothing is opened', async (t) => {
      const h = await harness(t);
      await t.rejects(h.bus.open(h.path, { baudRate: 0 }), { name: 'RangeError', message: /baudRate must be an integer 50-4000000, got 0/ });
      await t.rejects(h.bus.open(h.path, { baudRate: 9600.5 }), RangeError);
      await t.rejects(h.bus.open(h.path, { baudRate: '9600' as unknown as number }), { name: 'TypeError', message: /baudRate/ });
      await t.rejects(h.bus.open(h.path, { baudRate: 9600, dataBits: 9 as 8 }), { name: 'RangeError', message: /dataBits/ });
      await t.rejects(h.bus.open(h.path, { baudRate: 9600, stopBits: 1.5 as 1 }), { name: 'RangeError', message: /stopBits/ });
      await t.rejects(h.bus.open(h.path, { baudRate: 9600, parity: 'mark' as 'odd' }), { name: 'RangeError', message: /parity/ });
      await t.rejects(h.bus.open('', { baudRate: 9600 }), { name: 'TypeError', message: /path/ });
      await t.rejects(h.bus.open(h.path, undefined as unknown as { baudRate: number }), TypeError);
      const port = await h.bus.open(h.path, { baudRate: 9600, dataBits: 7, stopBits: 2, parity: 'even' });
      t.same(port.options, { baudRate: 9600, dataBits: 7, stopBits: 2, parity: 'even' });
      await t.rejects(h.bus.open(h.path, { baudRate: 9600 }), { code: 'EBUSY' }, 'a second open of the same port is refused');
      await port.close();
    });

    t.test('a port that vanishes ends with DeviceGoneError naming the path', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 9600 });
      const ends: unknown[] = [];
      port.onClose((e) => ends.push(e));
      const pending = port.read().then(() => undefined, (e: unknown) => e);
      await h.device.vanish();
      const err = await pending;
      t.type(err, DeviceGoneError, 'the read in flight rejects with DeviceGoneError');
      t.match((err as Error).message, `serial port at ${h.path} went away`);
      await h.until(() => ends.length > 0, 'onClose');
      t.equal(ends[0], err, 'onClose gets the same error');
      t.notOk(port.isOpen);
      await t.rejects(port.write(new Uint8Array([1])), DeviceGoneError, 'writes reject after');
      await t.rejects(port.read(), DeviceGoneError, 'reads reject after');
      await port.close();
      t.equal(ends.length, 1, 'close after a vanish ends nothing twice');
    });

    t.test('a vanish is noticed with no read in flight', async (t) => {
      const h = await harness(t);
      const port = await h.bus.open(h.path, { baudRate: 9600 });
      let end: unknown;
      port.onClose((e) => { end = e; });
      await h.device.vanish();
      await h.until(() => end !== undefined, 'onClose after the vanish');
      t.type(end, DeviceGoneError);
      t.notOk(port.isOpen);
    });
  });
}
