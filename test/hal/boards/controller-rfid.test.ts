/** The controller boards' optional RFID reader: absent by default, the Linux device path checked and named, the emulated one tappable. */
import t from 'tap';
import { checkConfig } from '../../../hal/boards/config.js';
import { board as linuxBoard } from '../../../hal/boards/linux-controller.js';
import { board as emulatedBoard, openEmulatedController } from '../../../hal/boards/emulated-controller.js';
import { ConfigError } from '../../../hal/errors.js';
import { World } from '../../../hal/world/world.js';

const check = (extra: Record<string, unknown>) => checkConfig<Record<string, unknown>>({ serial: 'W800-0001', systemId: 's', ...extra }, linuxBoard.schema, 'config file ctl.json');
const problems = (extra: Record<string, unknown>): string => {
  try { check(extra); } catch (e) { if (e instanceof ConfigError) return e.message; throw e; }
  throw new Error('expected a ConfigError');
};

t.test('linux-controller: rfid is optional, its device must be an input node', async (t) => {
  t.notOk('rfid' in check({}), 'no reader unless configured');
  t.same(check({ rfid: { device: '/dev/input/by-id/usb-reader-event-kbd' } }).rfid, { device: '/dev/input/by-id/usb-reader-event-kbd' });
  t.match(problems({ rfid: { device: '/dev/ttyUSB0' } }), /rfid\.device: expected a string matching .*, got "\/dev\/ttyUSB0"/);
  t.match(problems({ rfid: {} }), /rfid\.device: missing/);
  t.match(problems({ rfid: '/dev/input/event3' }), /rfid: expected an object/);
  t.match(problems({ rfid: { device: '/dev/input/event3', baud: 9600 } }), /rfid\.baud: unknown setting/);
});

t.test('emulated-controller: rfid: true gives a reader the emulators can tap', async (t) => {
  const world = new World({ epoch: Date.UTC(2026, 10, 23) });
  const plain = await openEmulatedController(checkConfig({ serial: 'W800-0001', systemId: 's' }, emulatedBoard.schema, 't'), world);
  t.equal(plain.rfid, undefined);
  await plain.close();
  const hal = await openEmulatedController(checkConfig({ serial: 'W800-0002', systemId: 's', rfid: true }, emulatedBoard.schema, 't'), world);
  t.equal(hal.rfid, hal.emulators.rfid);
  const got: string[] = [];
  hal.rfid!.onTag((r) => got.push(r.tag));
  hal.emulators.rfid!.tap('1d1ac750');
  await Promise.resolve();
  t.same(got, ['1D1AC750']);
  await hal.close();
});
