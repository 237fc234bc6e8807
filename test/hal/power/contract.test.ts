import t from 'tap';
import { powerContract, type PowerHarness } from './suite.js';
import { cameraSupplies } from './fake-sysfs.js';
import { passWithIo } from '../step-with-io.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { LinuxPower } from '../../../hal/power/linux.js';
import { EmulatedPower } from '../../../hal/power/emulated.js';
import { Docks } from '../../../hal/world/docks.js';

// The Linux driver reads a temp dir shaped like sysfs; the test plays the kernel's charger and
// gauge by writing its files. Virtual time, stepped with the driver's reads settled in between.
powerContract(t, 'linux power_supply', async (): Promise<PowerHarness> => {
  const fake = await cameraSupplies(80);
  const timeline = new Timeline();
  const power = await LinuxPower.open({ clock: timeline.clock(), root: fake.root, pollMs: 100 });
  let level = 80;
  let docked = false;
  const status = () => fake.write('BAT0', 'status', docked ? (level >= 100 ? 'Full\n' : 'Charging\n') : 'Discharging\n');
  return {
    power,
    pass: (ms) => passWithIo(timeline, ms, () => power.settled()),
    setLevel: async (pct) => { level = pct; await fake.write('BAT0', 'capacity', `${pct}\n`); await status(); },
    dock: async () => { docked = true; await fake.write('AC', 'online', '1\n'); await status(); },
    undock: async () => { docked = false; await fake.write('AC', 'online', '0\n'); await status(); },
    vanish: () => fake.remove('BAT0'),
    restore: async () => {
      await fake.add('BAT0', 'Battery', { capacity: `${level}\n`, status: 'Discharging\n' });
      await status();
    },
    cleanup: () => fake.cleanup(),
  };
});

// Standalone: no world, dock contact set directly (tests and rigs use it like this).
powerContract(t, 'emulated power (standalone)', async (): Promise<PowerHarness> => {
  const timeline = new Timeline();
  const power = new EmulatedPower({ clock: timeline.clock(), level: 80 });
  return {
    power,
    pass: (ms) => timeline.advance(ms),
    setLevel: async (pct) => power.setLevel(pct),
    dock: async () => power.setDockContact(true),
    undock: async () => power.setDockContact(false),
    vanish: async () => power.forceFault('gauge-gone'),
    restore: async () => power.forceFault(null),
    cleanup: async () => power.detach(),
  };
});

// In the world's docks: contact comes from a bay of a powered docking station.
powerContract(t, 'emulated power (world docks)', async (): Promise<PowerHarness> => {
  const timeline = new Timeline();
  const docks = new Docks();
  docks.addStation('ds1', 1);
  const power = new EmulatedPower({ clock: timeline.clock(), device: 'cam1', docks, level: 80 });
  return {
    power,
    pass: (ms) => timeline.advance(ms),
    setLevel: async (pct) => power.setLevel(pct),
    dock: async () => { if (!docks.bayOf('cam1')) docks.dock('cam1', 'ds1', 3); },
    undock: async () => docks.undock('cam1'),
    vanish: async () => power.forceFault('gauge-gone'),
    restore: async () => power.forceFault(null),
    cleanup: async () => power.detach(),
  };
});
