/** Emulated power's activity model: drain follows what is on, time left, levels at undock and dock. */
import t from 'tap';
import { Timeline } from '../../../hal/clock/emulated.js';
import { ACTIVITY_DRAIN_PCT_PER_MIN, activityDrainPctPerMin, EmulatedPower } from '../../../hal/power/emulated.js';
import { DEFAULT_DRAIN_PCT_PER_MIN } from '../../../hal/power/battery-model.js';
import { Docks } from '../../../hal/world/docks.js';

const MIN = 60_000;
const H = 60 * MIN;

/** Hours from full to empty with these activities, run in virtual time. */
async function hoursFromFull(activities: Parameters<EmulatedPower['setActivities']>[0]): Promise<number> {
  const timeline = new Timeline();
  const p = new EmulatedPower({ clock: timeline.clock(), level: 100, activities });
  let hours = 0;
  while ((await p.read()).level > 0 && hours < 100) {
    await timeline.advance(H / 4);
    hours += 0.25;
  }
  return hours;
}

t.test('operating time depends on what is on', async (t) => {
  t.equal(await hoursFromFull({ mode: 'idle' }), 12, 'idle with prebuffer: about 12 h');
  t.equal(await hoursFromFull({ mode: 'recording' }), 9, 'continuous recording: about 9 h');
  t.equal(await hoursFromFull({ mode: 'standby' }), 20, 'standby: about 20 h');
  const loc = await hoursFromFull({ mode: 'idle', location: true });
  t.ok(loc > 10 && loc < 11, `location shortens idle to ~10.5 h (got ${loc})`);
  const streaming = await hoursFromFull({ mode: 'recording', wireless: true });
  t.ok(streaming > 7 && streaming < 8, `recording while streaming ~7.4 h (got ${streaming})`);
  t.equal(activityDrainPctPerMin({ mode: 'off', location: true, wireless: true }), 0, 'off drains nothing');
  t.ok(Math.abs(ACTIVITY_DRAIN_PCT_PER_MIN.idle - DEFAULT_DRAIN_PCT_PER_MIN) < 0.002, 'idle is about the default drain (12 h)');
});

t.test('setActivities changes the drain from now on; time left follows', async (t) => {
  const timeline = new Timeline();
  const p = new EmulatedPower({ clock: timeline.clock(), level: 90, drainPctPerMin: 1 });
  t.equal(p.activities(), undefined, 'fixed drain until activities are set');
  t.equal(p.timeLeftMinutes(), 90);
  await timeline.advance(10 * MIN);
  t.equal((await p.read()).level, 80, 'the fixed rate applied so far');
  p.setActivities({ mode: 'recording' });
  t.same(p.activities(), { mode: 'recording', location: false, wireless: false });
  t.ok(Math.abs(p.timeLeftMinutes()! - 80 / (100 / 540)) < 1e-6, 'time left at the recording drain');
  await timeline.advance(54 * MIN);
  t.equal((await p.read()).level, 70, '10 % in 54 min of recording');
  p.setActivities({ location: true });
  t.same(p.activities(), { mode: 'recording', location: true, wireless: false }, 'fields not given are kept');
  p.setActivities({ mode: 'standby', location: false });
  t.ok(p.timeLeftMinutes()! > 0.5 * 20 * 60 * 0.99, 'standby: about 70 % of 20 h');
  p.setDrainRate(0.5);
  t.equal(p.activities(), undefined, 'a fixed drain rate replaces the activities');
  t.throws(() => p.setActivities({ mode: 'dancing' as 'idle' }), /activity mode must be off, standby, idle or recording, got "dancing"/);
});

t.test('levels at undock and dock; no time left while charging', async (t) => {
  const timeline = new Timeline();
  const docks = new Docks();
  docks.addStation('ds1', 1);
  const p = new EmulatedPower({ clock: timeline.clock(), device: 'cam1', docks, level: 50, chargePctPerMin: 1, activities: { mode: 'recording' } });
  docks.dock('cam1', 'ds1', 1);
  t.same(p.dockLevels(), { atDock: 50 });
  t.equal(p.timeLeftMinutes(), undefined, 'charging: no time-left estimate');
  await timeline.advance(30 * MIN);
  docks.undock('cam1');
  t.same(p.dockLevels(), { atDock: 50, atUndock: 80 });
  await timeline.advance(54 * MIN);
  docks.dock('cam1', 'ds1', 1);
  t.same(p.dockLevels(), { atDock: 70, atUndock: 80 });
  p.detach();
});
