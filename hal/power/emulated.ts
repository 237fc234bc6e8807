/**
 * Emulated power for one device: a battery model in virtual time, charged while the device sits
 * in a powered docking bay of the shared world (or while a test says it has dock contact), and
 * drained otherwise. Control surface: set the level and rates, dock contact, inject faults.
 */
import type { Clock, Timer } from '../clock/contract.js';
import { DeviceGoneError } from '../errors.js';
import type { Docks, DockEvent } from '../world/docks.js';
import { EmulatedBattery, type BatteryModelOptions } from './battery-model.js';
import { powerChanged, type ChargingState, type Power, type PowerListener, type PowerLoad, type PowerState } from './contract.js';

/**
 * Faults a rig can inject.
 * - `gauge-gone`: the fuel gauge stops answering: reads reject with DeviceGoneError.
 * - `no-charge`: docked in a powered bay but the battery takes no charge (dirty pogo pins, bad
 *   charger): dock contact true, charging `not-charging`, level held (the manual's "Unable to charge").
 */
export type PowerFault = 'gauge-gone' | 'no-charge';

/**
 * What is on, for the battery model: the drain rate follows it once activities are set.
 * - `mode`: `off` (powered off, no drain), `standby` (sensor off), `idle` (sensor on,
 *   prebuffering), `recording` (postbuffer included).
 * - `location`: GNSS on. `wireless`: Wi-Fi/LTE/broadcast radio active (live stream, Body Worn Live).
 */
export interface PowerActivities {
  mode: 'off' | 'standby' | 'idle' | 'recording';
  location: boolean;
  wireless: boolean;
}

/**
 * Drain in percent per minute for each activity (our figures, from a full battery):
 * idle with prebuffer ~12 h (0.139 %/min, the default drain), continuous recording ~9 h,
 * standby ~20 h; location adds 0.02 %/min (idle ~10.5 h), wireless adds 0.04 %/min
 * (recording while streaming ~7.4 h). Off drains nothing.
 */
export const ACTIVITY_DRAIN_PCT_PER_MIN = {
  off: 0,
  standby: 100 / (20 * 60),
  idle: 100 / (12 * 60),
  recording: 100 / (9 * 60),
  location: 0.02,
  wireless: 0.04,
} as const;

/** The drain rate (percent per minute) for what is on. */
export function activityDrainPctPerMin(a: PowerActivities): number {
  const r = ACTIVITY_DRAIN_PCT_PER_MIN;
  if (a.mode === 'off') return 0;
  return r[a.mode] + (a.location ? r.location : 0) + (a.wireless ? r.wireless : 0);
}

/** Battery levels (integer percent) when the device last left and last entered a powered bay. */
export interface DockLevels {
  atUndock?: number;
  atDock?: number;
}

export interface EmulatedPowerOptions extends BatteryModelOptions {
  /**
   * Derive the drain rate from what is on (see ACTIVITY_DRAIN_PCT_PER_MIN); overrides
   * `drainPctPerMin`. Missing fields: mode idle, location and wireless off. Without it the
   * fixed drain rate applies until setActivities() is called.
   */
  activities?: Partial<PowerActivities>;
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
  private current: PowerActivities | undefined;
  private lastContact: boolean | undefined;
  private levels: DockLevels = {};
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
    if (options.activities) this.current = withDefaults(options.activities);
    const model = this.current ? { ...options, drainPctPerMin: activityDrainPctPerMin(this.current) } : options;
    this.battery = new EmulatedBattery(model, this.clock.monotonic());
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

  /** Percent per minute lost while on battery (>= 0). Replaces an activity-derived rate until setActivities(). */
  setDrainRate(pctPerMin: number): void {
    this.current = undefined;
    this.battery.setDrainRate(pctPerMin, this.clock.monotonic());
    this.queueEvaluate();
  }

  /**
   * Say what is on; the drain rate follows (ACTIVITY_DRAIN_PCT_PER_MIN). Fields not given keep
   * their current value (idle, location and wireless off the first time).
   */
  /** The device says what is on (Power.load): the battery drains by it. */
  load(load: PowerLoad): void {
    this.setActivities({ mode: load.mode, location: load.location ?? false, wireless: load.wireless ?? false });
  }

  setActivities(activities: Partial<PowerActivities>): void {
    if (activities.mode !== undefined && !['off', 'standby', 'idle', 'recording'].includes(activities.mode)) {
      throw new RangeError(`${this.name}: activity mode must be off, standby, idle or recording, got ${JSON.stringify(activities.mode)}`);
    }
    this.current = withDefaults({ ...this.current, ...activities });
    this.battery.setDrainRate(activityDrainPctPerMin(this.current), this.clock.monotonic());
    this.queueEvaluate();
  }

  /** What is on, or undefined while the fixed drain rate applies. */
  activities(): PowerActivities | undefined {
    return this.current ? { ...this.current } : undefined;
  }

  /** Estimated minutes of battery left at the present drain (fractional); undefined unless draining. */
  timeLeftMinutes(): number | undefined {
    const rate = this.battery.drainPctPerMin;
    if (this.battery.currentMode !== 'drain' || rate === 0) return undefined;
    return this.battery.levelAt(this.clock.monotonic()) / rate;
  }

  /** The battery levels at the last undock and the last dock (powered-bay contact lost / gained). */
  dockLevels(): DockLevels {
    return { ...this.levels };
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
    if (this.lastContact !== undefined && contact !== this.lastContact) {
      const level = this.battery.reportedLevel(this.clock.monotonic());
      if (contact) this.levels.atDock = level; else this.levels.atUndock = level;
    }
    this.lastContact = contact;
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

function withDefaults(a: Partial<PowerActivities>): PowerActivities {
  return { mode: a.mode ?? 'idle', location: a.location ?? false, wireless: a.wireless ?? false };
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));
