/** Emulated power: the battery model in virtual time, the world's docks, faults. */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedPower } from '../../../hal/power/emulated.js';
import { EmulatedBattery } from '../../../hal/power/battery-model.js';
import type { PowerState } from '../../../hal/power/contract.js';
import { Docks } from '../../../hal/world/docks.js';

const MIN = 60_000;

function world() {
  const timeline = new Timeline();
  const docks = new Docks();
  docks.addStation('ds1', 1);
  return { timeline, docks };
}

function watchStates(p: EmulatedPower) {
  const states: PowerState[] = [];
  const stop = p.watch((r) => { if (r.kind === 'state') states.push(r.state); });
  return { states, stop };
}

t.test('battery model: charges, drains, holds, and says when the reported level next changes', async (t) => {
  const b = new EmulatedBattery({ level: 50, chargePctPerMin: 1, drainPctPerMin: 0.5 }, 0);
  t.equal(b.reportedLevel(10 * MIN), 45, 'drains 0.5 %/min by default mode');
  b.setMode('charge', 10 * MIN);
  t.equal(b.reportedLevel(20 * MIN), 55);
  t.equal(b.reportedLevel(200 * MIN), 100, 'clamped at 100');
  b.setMode('hold', 20 * MIN);
  t.equal(b.reportedLevel(500 * MIN), 55);
  t.equal(b.nextChangeAt(500 * MIN), undefined, 'nothing changes while held');
  b.setMode('drain', 500 * MIN);
  const next = b.nextChangeAt(500 * MIN)!;
  t.equal(next, 500 * MIN + 60_001, '55 -> 54 when the level falls below 54.5, one minute later');
  t.equal(b.reportedLevel(next), 54);
  t.equal(b.reportedLevel(next - 1), 55);
  t.throws(() => b.setLevel(120, 0), /battery level: expected a percentage 0-100, got 120/);
  t.throws(() => b.setDrainRate(-1, 0), /battery drain rate: expected a rate in percent per minute >= 0, got -1/);
  t.throws(() => new EmulatedBattery({ chargePctPerMin: NaN }), RangeError);
});

t.test('docked in a powered bay it charges until full, reporting each percent', async (t) => {
  const { timeline, docks } = world();
  const clock = timeline.clock();
  const p = new EmulatedPower({ clock, device: 'cam1', docks, level: 90, chargePctPerMin: 1 });
  const w = watchStates(p);
  t.teardown(w.stop);
  docks.dock('cam1', 'ds1', 1);
  await timeline.advance(0);
  t.match(w.states.at(-1), { level: 90, charging: 'charging', dockContact: true });
  await timeline.advance(20 * MIN);
  t.same(w.states.map((s) => s.level), [90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 100]);
  t.same(w.states.slice(-2).map((s) => s.charging), ['charging', 'full'], 'full once the battery reaches 100 %');
  t.equal(w.states.at(-1)!.at, 10 * MIN, 'full after 10 minutes at 1 %/min');
  t.equal(clock.pendingTimers, 0, 'no timer once nothing will change');
});

t.test('undocked it drains at the drain rate and stops at 0; a shift runs in a moment', async (t) => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const p = new EmulatedPower({ clock, level: 100, drainPctPerMin: 100 / (12 * 60) });
  const w = watchStates(p);
  t.teardown(w.stop);
  await timeline.advance(6 * 60 * MIN);
  t.equal(w.states.at(-1)?.level, 50, 'half empty after 6 h of a 12 h battery');
  t.equal((await p.read()).minutesToEmpty, 360, 'time to empty at the drain rate');
  await timeline.advance(7 * 60 * MIN);
  t.equal(w.states.at(-1)?.level, 0);
  t.equal(w.states.length, 101, 'one report per percent');
  t.equal(clock.pendingTimers, 0, 'no timers at 0 %');
});

t.test('no timers while nobody watches; reads are computed from the model', async (t) => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const p = new EmulatedPower({ clock, level: 80, drainPctPerMin: 1 });
  t.equal(clock.pendingTimers, 0);
  await timeline.advance(30 * MIN);
  t.equal((await p.read()).level, 50);
  t.equal(p.preciseLevel(), 50);
  p.setDrainRate(0);
  await timeline.advance(30 * MIN);
  t.equal((await p.read()).level, 50);
  let settled = false;
  void p.read().then(() => { settled = true; });
  t.notOk(settled, 'read completes asynchronously');
});

t.test('station power cut: no contact, drains; restored: charges again', async (t) => {
  const { timeline, docks } = world();
  const p = new EmulatedPower({ clock: timeline.clock(), device: 'cam1', docks, level: 50, chargePctPerMin: 1, drainPctPerMin: 1 });
  docks.dock('cam1', 'ds1', 2);
  const w = watchStates(p);
  t.teardown(w.stop);
  await timeline.advance(5 * MIN);
  t.match(w.states.at(-1), { level: 55, charging: 'charging', dockContact: true });
  docks.setPower('ds1', false);
  await timeline.advance(3 * MIN);
  t.match(w.states.at(-1), { level: 52, charging: 'discharging', dockContact: false });
  docks.setPower('ds1', true);
  await timeline.advance(0);
  t.match(w.states.at(-1), { charging: 'charging', dockContact: true });
});

t.test('other devices docking and other stations losing power are ignored', async (t) => {
  const { timeline, docks } = world();
  docks.addStation('ds2', 2);
  const p = new EmulatedPower({ clock: timeline.clock(), device: 'cam1', docks });
  docks.dock('cam1', 'ds1', 1);
  const w = watchStates(p);
  t.teardown(w.stop);
  await timeline.advance(0);
  docks.dock('cam2', 'ds1', 2);
  docks.dock('cam3', 'ds2', 1);
  docks.setPower('ds2', false);
  docks.undock('cam2');
  await timeline.advance(0);
  t.equal(w.states.length, 1);
  p.detach();
  docks.undock('cam1');
  t.equal(docks.listenerCount('change'), 0, 'detach stops listening to the docks');
});

t.test('fault no-charge: contact but not charging, level held; cleared: charges', async (t) => {
  const { timeline, docks } = world();
  const p = new EmulatedPower({ clock: timeline.clock(), device: 'cam1', docks, level: 30, chargePctPerMin: 1 });
  p.forceFault('no-charge');
  docks.dock('cam1', 'ds1', 1);
  await timeline.advance(30 * MIN);
  t.match(await p.read(), { level: 30, charging: 'not-charging', dockContact: true });
  p.forceFault(null);
  await timeline.advance(10 * MIN);
  t.match(await p.read(), { level: 40, charging: 'charging' });
});

t.test('bad control input is refused with a clear message', async (t) => {
  const { timeline, docks } = world();
  const p = new EmulatedPower({ clock: timeline.clock(), device: 'cam1', docks });
  t.throws(() => p.setDockContact(true), /dock contact follows the world's docks/);
  t.throws(() => p.setLevel(-3), /expected a percentage 0-100, got -3/);
  t.throws(() => p.setChargeRate(Infinity), /charge rate/);
  t.throws(() => p.setTemperature(NaN), /temperature/);
  t.throws(() => new EmulatedPower({ clock: timeline.clock(), docks }), /device id is required with docks/);
});
