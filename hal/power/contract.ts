/**
 * Power: the camera's battery, its charger and the dock contact (pogo pins that give power when
 * the camera sits in a powered docking bay). Firmware reads it and watches it for changes.
 */
import type { HalError } from '../errors.js';

/**
 * What the charger is doing.
 * - `charging`: external power is present and the battery is taking charge.
 * - `discharging`: the camera runs on its battery (no external power).
 * - `full`: external power is present and the battery is full (level 100 on a healthy gauge).
 * - `not-charging`: external power is present but the battery takes no charge (charger fault,
 *   battery too hot or cold, smart charge holding the level): the manual's "Unable to charge".
 */
export type ChargingState = 'charging' | 'discharging' | 'full' | 'not-charging';

export const CHARGING_STATES: readonly ChargingState[] = ['charging', 'discharging', 'full', 'not-charging'];

export interface PowerState {
  /** Battery charge in percent: an integer 0-100. */
  level: number;
  charging: ChargingState;
  /** True when the camera sits in a docking bay and the bay gives power. */
  dockContact: boolean;
  /** Battery voltage in volts, when the gauge reports it. */
  voltageV?: number;
  /** Battery temperature in °C, when the gauge reports it. */
  temperatureC?: number;
  /** Estimated minutes until empty while discharging, when the gauge estimates it. */
  minutesToEmpty?: number;
  /** Monotonic time (ms, the driver's Clock) at which this state was read. */
  at: number;
}

/** One report to a watcher: a new state, or an error reading the hardware. */
export type PowerReport =
  | { kind: 'state'; state: PowerState }
  | { kind: 'error'; error: HalError };

export type PowerListener = (report: PowerReport) => void;

export interface Power {
  /** Human-readable name of the source, for messages (`/sys/class/power_supply`, `emulated:cam1`). */
  readonly name: string;
  /**
   * The longest delay (ms of the driver's Clock) between a change in the hardware and its report
   * to watchers: the poll period of a driver that polls, 0 for one that is told of changes.
   */
  readonly pollMs: number;
  /**
   * The state now. Rejects with DeviceGoneError when the battery or dock supply went away,
   * DeviceMissingError when an attribute it needs is missing, and HalError `EMALFORMED` naming
   * the file and the expected form when the hardware reports something unreadable.
   */
  read(): Promise<PowerState>;
  /**
   * Report the state once now (asynchronously, never inside this call), then again each time
   * `level`, `charging` or `dockContact` changes, within `pollMs` of the change. Voltage,
   * temperature and time to empty ride along but never cause a report by themselves.
   * A failure to read is reported once as `{ kind: 'error' }` (never thrown, never a crash); the
   * driver keeps watching and reports the state again when the hardware reads again.
   * Returns a function that stops this watcher; it is idempotent, and after it returns the
   * listener is never called again. Other watchers are not affected.
   */
  watch(listener: PowerListener): () => void;
  /**
   * Tell the power source what the device is doing now, for a power manager or a battery model to
   * budget by (the emulated battery drains by it). Optional: a driver without one has nothing to do.
   */
  load?(load: PowerLoad): void;
}

/** What is on, for the power source: the camera's mode and the radios that cost extra. */
export interface PowerLoad {
  mode: 'off' | 'standby' | 'idle' | 'recording';
  location?: boolean;
  wireless?: boolean;
}

/** True when `a` and `b` differ in what watchers are told about. */
export function powerChanged(a: PowerState, b: PowerState): boolean {
  return a.level !== b.level || a.charging !== b.charging || a.dockContact !== b.dockContact;
}
