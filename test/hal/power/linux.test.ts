/** Linux power_supply driver: finding supplies, parsing their files, errors, real-time polling. */
import t from 'tap';
import { cameraSupplies, fakeSupplies } from './fake-sysfs.js';
import { passWithIo } from '../step-with-io.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { LinuxPower } from '../../../hal/power/linux.js';
import type { PowerReport } from '../../../hal/power/contract.js';
import { DeviceMissingError } from '../../../hal/errors.js';

const clock = new Timeline().clock();

t.test('finds the battery by its type and the dock supply by Mains, whatever their names', async (t) => {
  const f = await fakeSupplies();
  t.teardown(() => f.cleanup());
  await f.add('axp20x-usb', 'USB', { online: '0\n' });
  await f.add('battery', 'Battery', { capacity: '57\n', status: 'Not charging\n' });
  await f.add('dock', 'Mains', { online: '1\n' });
  const p = await LinuxPower.open({ clock, root: f.root });
  const s = await p.read();
  t.same([s.level, s.charging, s.dockContact], [57, 'not-charging', true], 'Mains is preferred over USB');
  t.match(p.name, /battery battery, dock dock/);
  const usb = await LinuxPower.open({ clock, root: f.root, dock: 'axp20x-usb' });
  t.equal((await usb.read()).dockContact, false, 'a named dock supply is used');
});

t.test('a missing root, battery or dock supply is a DeviceMissingError naming path and expectation', async (t) => {
  const f = await fakeSupplies();
  t.teardown(() => f.cleanup());
  await t.rejects(LinuxPower.open({ clock, root: `${f.root}/nope` }), DeviceMissingError);
  await t.rejects(LinuxPower.open({ clock, root: f.root }), /battery supply not found at .*bwc-power-.*: expected a supply whose type file says Battery \(found: no supplies\)/);
  await f.add('BAT0', 'Battery', { capacity: '50\n', status: 'Discharging\n' });
  await t.rejects(LinuxPower.open({ clock, root: f.root }), /dock-contact supply not found .*expected a supply whose type file says Mains or USB \(found: BAT0=Battery\)/);
  await t.rejects(LinuxPower.open({ clock, root: f.root, battery: 'BAT1', dock: 'AC' }), /battery supply BAT1 not found at .*BAT1: expected a power_supply directory with type Battery and capacity, status files/);
  await f.add('AC', 'Mains', {});
  await t.rejects(LinuxPower.open({ clock, root: f.root }), /dock-contact supply attribute online not found at .*AC\/online/);
  await t.rejects(LinuxPower.open({ clock, root: f.root, battery: 'AC', dock: 'AC' }), /AC\/type says Mains: expected Battery for the battery supply/);
  await t.rejects(LinuxPower.open({ clock, root: f.root, pollMs: 0 }), RangeError);
});

t.test('malformed files are a HalError naming the file and the expected form', async (t) => {
  const f = await cameraSupplies(50);
  t.teardown(() => f.cleanup());
  const p = await LinuxPower.open({ clock, root: f.root });
  await f.write('BAT0', 'capacity', 'lots\n');
  await t.rejects(p.read(), { code: 'EMALFORMED', message: /BAT0\/capacity holds "lots\\n": expected an integer percentage 0-100/ });
  await f.write('BAT0', 'capacity', '101\n');
  t.equal((await p.read()).level, 100, 'a gauge overshooting 100 is clamped');
  await f.write('BAT0', 'status', 'Exploding\n');
  await t.rejects(p.read(), /BAT0\/status holds "Exploding\\n": expected one of Charging, Discharging, Full, Not charging, Unknown/);
  await f.write('BAT0', 'status', 'Discharging\n');
  await f.write('AC', 'online', 'yes\n');
  await t.rejects(p.read(), /AC\/online holds "yes\\n": expected 0 \(offline\) or 1\/2 \(online\)/);
  await f.write('AC', 'online', '0\n');
  await f.write('BAT0', 'voltage_now', '3.9V\n');
  await t.rejects(p.read(), /voltage_now holds "3.9V\\n": expected an integer number of microvolts/);
});

t.test('Unknown status follows the dock contact; optional voltage, temperature, time to empty', async (t) => {
  const f = await cameraSupplies(40);
  t.teardown(() => f.cleanup());
  const p = await LinuxPower.open({ clock, root: f.root });
  let s = await p.read();
  t.same([s.voltageV, s.temperatureC, s.minutesToEmpty], [undefined, undefined, undefined], 'absent when the gauge lacks them');
  await f.write('BAT0', 'status', 'Unknown\n');
  t.equal((await p.read()).charging, 'discharging');
  await f.write('AC', 'online', '1\n');
  t.equal((await p.read()).charging, 'not-charging');
  await f.write('BAT0', 'voltage_now', '3874000\n');
  await f.write('BAT0', 'temp', '312\n');
  await f.write('BAT0', 'time_to_empty_now', '5400\n');
  s = await p.read();
  t.same([s.voltageV, s.temperatureC, s.minutesToEmpty], [3.874, 31.2, 90]);
});

t.test('a supply that vanishes while watched is an error report, not a crash; so is a missing file', async (t) => {
  const f = await cameraSupplies(70);
  t.teardown(() => f.cleanup());
  const timeline = new Timeline();
  const p = await LinuxPower.open({ clock: timeline.clock(), root: f.root, pollMs: 50 });
  const reports: PowerReport[] = [];
  const stop = p.watch((r) => reports.push(r));
  t.teardown(stop);
  const pass = (ms: number) => passWithIo(timeline, ms, () => p.settled());
  await pass(0);
  await f.remove('AC');
  await pass(50);
  t.match(reports.at(-1), { kind: 'error', error: { code: 'EGONE', message: /dock-contact supply at .*AC went away/ } });
  await f.add('AC', 'Mains', { online: '1\n' });
  await pass(50);
  t.match(reports.at(-1), { kind: 'state', state: { dockContact: true } });
  await f.remove('BAT0');
  await f.add('BAT0', 'Battery', { status: 'Charging\n' });
  await pass(50);
  t.match(reports.at(-1), { kind: 'error', error: { code: 'ENODEV', message: /battery supply attribute capacity not found at .*BAT0\/capacity/ } });
  await f.write('BAT0', 'capacity', '71\n');
  await pass(50);
  t.match(reports.at(-1), { kind: 'state', state: { level: 71, charging: 'charging' } });
  t.equal(reports.length, 5);
});

t.test('with the system clock, a change is reported by real polling', async (t) => {
  const f = await cameraSupplies(20);
  t.teardown(() => f.cleanup());
  const p = await LinuxPower.open({ clock: new SystemClock(), root: f.root, pollMs: 20 });
  const levels: number[] = [];
  let seen: () => void = () => {};
  const got19 = new Promise<void>((resolve) => { seen = resolve; });
  const stop = p.watch((r) => { if (r.kind === 'state') { levels.push(r.state.level); if (r.state.level === 19) seen(); } });
  t.teardown(stop);
  await f.write('BAT0', 'capacity', '19\n');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
  t.not(await Promise.race([got19, timeout]), 'timeout', 'reported within 3 s of real time');
  t.same(levels.slice(-1), [19]);
  stop();
  await p.settled();
});
