/**
 * Emulated power for one device: a battery model in virtual time, charged while the device sits
 * in a powered docking bay of the shared world (or while a test says it has dock contact), and
 * drained otherwise. Control surface: set the level and rates, dock contact, inject faults.
 */
import type { Clock, Timer } from '../clock/contract.js';
import { DeviceGoneError } from '../errors.js';
import type { Docks, DockEvent } from '../world/docks.js';
import { EmulatedBattery, type BatteryModelOptions } from './battery-model.js';
import { powerChanged, type ChargingState, type Power, type PowerListener, type PowerState } from './contract.js';

/**
 * Faults a rig can inject.
 * - `gauge-gone`: the fuel gauge stops answering: reads reject with DeviceGoneError.
 * - `no-charge`: docked in a powered bay but the battery takes no charge (dirty pogo pins, bad
 *   charger): dock contact true, charging `not-charging`, level held (the manual's "Unable to charge").
 */
export type PowerFault = 'gauge-gone' | 'no-charge';

export interface EmulatedPowerOptions extends BatteryModelOptions {
  /** The device's clock (a VirtualClock in the world). */
  clock: Clock;
  /** Device id in the docks; required with `docks`, and names the driver in messages. */
  device?: string;
  /** The world's docks (`world.docks`). Without them dock contact is set with setDockContact(). */
  docks?: Docks;
  /** Battery temperature reported, °C. Default 25. */
  temperatureC?: number;
}

interface Watcher {
  listener: PowerListener;
  last?: PowerState;
  lastError?: string;
}

export class EmulatedPower implements Power {
  readonly name: string;
  readonly pollMs = 0;
  private readonly clock: Clock;
  private readonly device: string | undefined;
  private readonly docks: Docks | undefined;
  private readonly battery: EmulatedBattery;
  private contact = false;
  private fault: PowerFault | null = null;
  private temperatureC: number;
  private watchers = new Set<Watcher>();
  private timer: Timer | undefined;
  private evaluateQueued = false;
  private readonly onDockChange = (ev: DockEvent) => { if (ev.device === this.device) this.refresh(); };
  private readonly onStationPower = (station: string) => {
    if (this.device !== undefined && this.docks?.bayOf(this.device)?.station === station) this.refresh();
  };

  constructor(options: EmulatedPowerOptions) {
    if (options.docks && !options.device) throw new TypeError('emulated power: a device id is required with docks, to know which bay is ours');
    this.clock = options.clock;
    this.device = options.device;
    this.docks = options.docks;
    this.name = `emulated:${options.device ?? 'power'}`;
    this.temperatureC = options.temperatureC ?? 25;
    this.battery = new EmulatedBattery(options, this.clock.monotonic());
    if (this.docks) {
      this.docks.on('change', this.onDockChange);
      this.docks.on('power', this.onStationPower);
    }
    this.refresh();
  }

  // --- Power contract ---

  async read(): Promise<PowerState> {
    await tick();
    if (this.fault === 'gauge-gone') throw this.goneError();
    return this.stateNow();
  }

  watch(listener: PowerListener): () => void {
    const w: Watcher = { listener };
    this.watchers.add(w);
    this.queueEvaluate();
    return () => {
      if (!this.watchers.delete(w)) return;
      if (this.watchers.size === 0) this.cancelTimer();
    };
  }

  // --- control surface (tests, rigs, simulator) ---

  /** Set the battery level now (percent 0-100, fractions allowed; reports round to integers). */
  setLevel(pct: number): void {
    this.battery.setLevel(pct, this.clock.monotonic());
    this.queueEvaluate();
  }

  /** Percent per minute gained while charging (>= 0). */
  setChargeRate(pctPerMin: number): void {
    this.battery.setChargeRate(pctPerMin, this.clock.monotonic());
    this.queueEvaluate();
  }

  /** Percent per minute lost while on battery (>= 0). Later: derived from activity. */
  setDrainRate(pctPerMin: number): void {
    this.battery.setDrainRate(pctPerMin, this.clock.monotonic());
    this.queueEvaluate();
  }

  /** Standalone only: the device is (or is no longer) in a powered bay. With docks, dock it there. */
  setDockContact(on: boolean): void {
    if (this.docks) throw new Error(`${this.name}: dock contact follows the world's docks; use docks.dock()/undock()/setPower() instead`);
    this.contact = on;
    this.refresh();
  }

  /** Inject a fault, or clear it with null. */
  forceFault(fault: PowerFault | null): void {
    this.fault = fault;
    this.refresh();
  }

  setTemperature(celsius: number): void {
    if (!Number.isFinite(celsius)) throw new RangeError(`${this.name}: temperature must be a finite number of °C, got ${celsius}`);
    this.temperatureC = celsius;
  }

  /** The fractional level now, as the model holds it. */
  preciseLevel(): number {
    return this.battery.levelAt(this.clock.monotonic());
  }

  /** Stop listening to the docks and drop timers (the device left the world). */
  detach(): void {
    this.docks?.off('change', this.onDockChange);
    this.docks?.off('power', this.onStationPower);
    this.watchers.clear();
    this.cancelTimer();
  }

  // --- model ---

  private hasContact(): boolean {
    if (!this.docks || this.device === undefined) return this.contact;
    const bay = this.docks.bayOf(this.device);
    return bay !== undefined && this.docks.station(bay.station).powered;
  }

  /** Recompute the battery mode after a change in contact or fault, and tell watchers. */
  private refresh(): void {
    const contact = this.hasContact();
    const mode = !contact ? 'drain' : this.fault === 'no-charge' ? 'hold' : 'charge';
    this.battery.setMode(mode, this.clock.monotonic());
    this.queueEvaluate();
  }

  private stateNow(): PowerState {
    const at = this.clock.monotonic();
    const level = this.battery.reportedLevel(at);
    const dockContact = this.hasContact();
    let charging: ChargingState;
    if (!dockContact) charging = 'discharging';
    else if (this.fault === 'no-charge') charging = 'not-charging';
    else charging = this.battery.levelAt(at) >= 100 ? 'full' : 'charging';
    const state: PowerState = {
      level,
      charging,
      dockContact,
      voltageV: Math.round((3.4 + 0.8 * this.battery.levelAt(at) / 100) * 1000) / 1000,
      temperatureC: this.temperatureC,
      at,
    };
    const tte = this.battery.minutesToEmpty(at);
    if (tte !== undefined) state.minutesToEmpty = tte;
    return state;
  }

  private goneError(): DeviceGoneError {
    return new DeviceGoneError('battery gauge', this.name);
  }

  private queueEvaluate(): void {
    if (this.evaluateQueued || this.watchers.size === 0) return;
    this.evaluateQueued = true;
    process.nextTick(() => {
      this.evaluateQueued = false;
      this.evaluate();
    });
  }

  /** Report to each watcher what changed for it, then arm a timer for the next level change. */
  private evaluate(): void {
    this.cancelTimer();
    if (this.watchers.size === 0) return;
    if (this.fault === 'gauge-gone') {
      const error = this.goneError();
      for (const w of [...this.watchers]) {
        if (w.lastError === error.message || !this.watchers.has(w)) continue;
        w.lastError = error.message;
        w.listener({ kind: 'error', error });
      }
      return;
    }
    const state = this.stateNow();
    for (const w of [...this.watchers]) {
      if (!this.watchers.has(w)) continue;
      if (w.last === undefined || w.lastError !== undefined || powerChanged(w.last, state)) {
        w.last = state;
        w.lastError = undefined;
        w.listener({ kind: 'state', state });
      }
    }
    const now = this.clock.monotonic();
    const next = this.battery.nextChangeAt(now);
    if (next !== undefined && this.watchers.size > 0) {
      this.timer = this.clock.setTimeout(() => { this.timer = undefined; this.evaluate(); }, next - now);
    }
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));
