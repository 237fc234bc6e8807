/** The World's emulated IMUs: one per device, found again by name, replaced after it ends. */
import t from 'tap';
import { World } from '../../../hal/world/world.js';
import { emulatedImuFor, imuOf, imusOf } from '../../../hal/imu/world-imus.js';

t.test('one IMU per device, found by name; a new one after the old ended keeps the wearer\'s baseline', async (t) => {
  const world = new World();
  const clock = world.timeline.clock();
  const a = emulatedImuFor(world, 'cam1', clock);
  t.equal(emulatedImuFor(world, 'cam1', clock), a, 'the same one again');
  t.equal(a.name, 'emulated:cam1 imu');
  t.equal(imuOf(world, 'cam1'), a);
  t.same([...imusOf(world).keys()], ['cam1']);
  t.throws(() => imuOf(world, 'cam9'), { message: 'no emulated IMU for device cam9: devices with one are cam1' });
  a.setBaseline({ activity: 'lying' });
  await a.close();
  const b = emulatedImuFor(world, 'cam1', clock);
  t.not(b, a, 'replaced after close');
  t.same(b.baseline(), { activity: 'lying' }, 'the wearer still lies there');
  t.equal(imusOf(new World()).size, 0, 'per world');
});
