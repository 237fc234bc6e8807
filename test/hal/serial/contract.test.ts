import t from 'tap';
import { serialContract, type SerialHarness } from './suite.js';
import { EmulatedSerial } from '../../../hal/serial/emulated.js';
import { LinuxSerial } from '../../../hal/serial/linux.js';
import { farDevice, ptyPair, socatMissing } from './pty-pair.js';

/** Poll `cond` on the macrotask queue; real I/O settles between polls. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

serialContract(t, 'emulated serial', async (): Promise<SerialHarness> => {
  const bus = new EmulatedSerial({ name: 'contract' });
  const path = '/dev/ttyUSB0';
  bus.createPort(path, { manufacturer: 'u-blox AG', vendorId: '1546', productId: '01a7' });
  let taken = 0;
  return {
    bus,
    path,
    missingPath: '/dev/ttyUSB9',
    device: {
      async send(bytes) { bus.emitData(path, bytes); },
      async receive(n) {
        await until(() => bus.received(path).length - taken >= n, `${n} bytes at the device`);
        const out = bus.received(path).slice(taken, taken + n);
        taken += n;
        return out;
      },
      async stall(stalled) { bus.stall(path, stalled); },
      async vanish() { bus.remove(path); },
    },
    until,
    cleanup: async () => {},
  };
});

if (socatMissing) {
  t.test('linux serial: serial contract', { skip: socatMissing }, async () => {});
} else {
  serialContract(t, 'linux serial (socat PTY pair)', async (): Promise<SerialHarness> => {
    const pair = await ptyPair();
    const device = await farDevice(pair);
    return {
      bus: new LinuxSerial(),
      path: pair.host,
      missingPath: `${pair.dir}/missing`,
      device,
      until,
      cleanup: () => device.close(),
    };
  });
}
