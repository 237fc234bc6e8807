/** Power contract suite: every Power implementation must pass it. */
import type { Test } from 'tap';
import { CHARGING_STATES, type Power, type PowerReport, type PowerState } from '../../../hal/power/contract.js';

export interface PowerHarness {
  power: Power;
  /** Let `ms` of the driver's clock pass, with every read it started finished. */
  pass(ms: number): Promise<void>;
  /** The gauge now says `pct` (an integer). */
  setLevel(pct: number): Promise<void>;
  /** Put the device in a bay that gives power (the charger charges, or says full at 100 %). */
  dock(): Promise<void>;
  /** Take it out: on battery. */
  undock(): Promise<void>;
  /** The battery gauge goes away (supply unregistered, gauge stops answering). */
  vanish(): Promise<void>;
  /** It comes back. */
  restore(): Promise<void>;
  cleanup(): Promise<void>;
}

function collect(power: Power) {
  const reports: PowerReport[] = [];
  const stop = power.watch((r) => reports.push(r));
  const states = () => reports.flatMap((r) => (r.kind === 'state' ? [r.state] : []));
  const errors = () => reports.flatMap((r) => (r.kind === 'error' ? [r.error] : []));
  const last = (): PowerState | undefined => states().at(-1);
  return { reports, stop, states, errors, last };
}

export function powerContract(t: Test, name: string, make: () => Promise<PowerHarness>): void {
  t.test(`${name}: power contract`, async (t) => {
    t.test('read gives an integer level, a charging state and dock contact', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(42);
      await h.undock();
      const s = await h.power.read();
      t.equal(s.level, 42);
      t.ok(Number.isInteger(s.level) && s.level >= 0 && s.level <= 100, 'level is an integer 0-100');
      t.ok(CHARGING_STATES.includes(s.charging));
      t.equal(s.charging, 'discharging');
      t.equal(s.dockContact, false);
      t.equal(typeof s.at, 'number');
      t.ok(typeof h.power.name === 'string' && h.power.name.length > 0, 'has a name for messages');
    });

    t.test('docked in a powered bay: contact, charging, full at 100 %', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(50);
      await h.dock();
      let s = await h.power.read();
      t.equal(s.dockContact, true);
      t.equal(s.charging, 'charging');
      await h.setLevel(100);
      s = await h.power.read();
      t.equal(s.level, 100);
      t.equal(s.charging, 'full');
      await h.undock();
      s = await h.power.read();
      t.equal(s.dockContact, false);
      t.equal(s.charging, 'discharging');
    });

    t.test('watch reports the state once now, never synchronously', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(70);
      const w = collect(h.power);
      t.teardown(w.stop);
      t.equal(w.reports.length, 0, 'nothing inside watch()');
      await h.pass(0);
      t.equal(w.reports.length, 1);
      t.equal(w.last()?.level, 70);
    });

    t.test('changes are reported within one poll period, each once', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(60);
      await h.undock();
      const w = collect(h.power);
      t.teardown(w.stop);
      await h.pass(0);
      await h.setLevel(59);
      await h.pass(h.power.pollMs);
      t.equal(w.last()?.level, 59, 'level change');
      await h.dock();
      await h.pass(h.power.pollMs);
      t.same([w.last()?.dockContact, w.last()?.charging], [true, 'charging'], 'dock');
      await h.undock();
      await h.pass(h.power.pollMs);
      t.same([w.last()?.dockContact, w.last()?.charging], [false, 'discharging'], 'undock');
      t.same(w.states().map((s) => [s.level, s.dockContact]), [[60, false], [59, false], [59, true], [59, false]], 'one report per change');
      t.same(w.errors(), []);
    });

    t.test('no report while nothing changes', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(33);
      const w = collect(h.power);
      t.teardown(w.stop);
      await h.pass(0);
      await h.pass(Math.max(5 * h.power.pollMs, 1000));
      t.equal(w.reports.length, 1);
    });

    t.test('unsubscribe stops one watcher, idempotently; others go on', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(80);
      const a = collect(h.power);
      const b = collect(h.power);
      t.teardown(b.stop);
      await h.pass(0);
      a.stop();
      a.stop();
      await h.setLevel(79);
      await h.pass(h.power.pollMs);
      t.equal(a.reports.length, 1, 'stopped watcher hears nothing more');
      t.same(b.states().map((s) => s.level), [80, 79]);
    });

    t.test('a battery that goes away is reported to watchers as an error, then recovers', async (t) => {
      const h = await make();
      t.teardown(() => h.cleanup());
      await h.setLevel(64);
      const w = collect(h.power);
      t.teardown(w.stop);
      await h.pass(0);
      await h.vanish();
      await h.pass(h.power.pollMs);
      await h.pass(3 * h.power.pollMs);
      t.equal(w.errors().length, 1, 'one error per outage, not one per poll');
      t.equal(w.errors()[0]?.code, 'EGONE');
      t.match(w.errors()[0]?.message ?? '', /went away/);
      await t.rejects(h.power.read(), { code: 'EGONE' });
      await h.restore();
      await h.pass(h.power.pollMs);
      t.equal(w.reports.at(-1)?.kind, 'state', 'state reported again after recovery');
      t.equal(w.last()?.level, 64);
    });
  });
}
