/**
 * Power on Linux: the `power_supply` class in sysfs. A battery supply (`capacity`, `status`) and a
 * dock-contact supply (type Mains or USB, `online`), polled with the Clock (sysfs has no change
 * notification one can rely on across gauge drivers).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock/contract.js';
import { DeviceGoneError, DeviceMissingError, HalError } from '../errors.js';
import { powerChanged, type Power, type PowerListener, type PowerState } from './contract.js';
import {
  DOCK_SUPPLY_TYPES, parseCapacity, parseDeciCelsius, parseMicrovolts, parseOnline, parseSecondsToMinutes,
  parseStatus, parseType,
} from './supply-attributes.js';

export const DEFAULT_POWER_SUPPLY_ROOT = '/sys/class/power_supply';
export const DEFAULT_POWER_POLL_MS = 500;

export interface LinuxPowerOptions {
  /** Time source for polling and timestamps (a SystemClock on a device). */
  clock: Clock;
  /** The power_supply class directory. Default `/sys/class/power_supply`. */
  root?: string;
  /** Battery supply name (`BAT0`, `battery`). Default: the one whose `type` says `Battery`. */
  battery?: string;
  /** Dock-contact supply name (`AC`, `usb`). Default: the first `Mains` supply by name, else the first `USB`. */
  dock?: string;
  /** Poll period in ms. Default 500. */
  pollMs?: number;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** A supply's `type` text, trimmed; undefined when unreadable (detection skips such supplies). */
async function supplyType(dir: string): Promise<string | undefined> {
  const text = await readText(join(dir, 'type')).catch(() => undefined);
  return text?.trim();
}

export class LinuxPower implements Power {
  readonly name: string;
  readonly pollMs: number;
  private readonly clock: Clock;
  private readonly batteryDir: string;
  private readonly dockDir: string;
  private inFlight = new Set<Promise<unknown>>();

  /** Use `open()`, which finds and checks the supplies first. */
  constructor(options: { clock: Clock; root: string; battery: string; dock: string; pollMs: number }) {
    this.clock = options.clock;
    this.pollMs = options.pollMs;
    this.batteryDir = join(options.root, options.battery);
    this.dockDir = join(options.root, options.dock);
    this.name = `${options.root} (battery ${options.battery}, dock ${options.dock})`;
  }

  /**
   * Find the battery and dock supplies under `root` and check they can be read. Rejects with
   * DeviceMissingError naming the path and what was expected when one is not there, and with
   * HalError EMALFORMED when a file holds something unreadable.
   */
  static async open(options: LinuxPowerOptions): Promise<LinuxPower> {
    const root = options.root ?? DEFAULT_POWER_SUPPLY_ROOT;
    const pollMs = options.pollMs ?? DEFAULT_POWER_POLL_MS;
    if (!Number.isFinite(pollMs) || pollMs <= 0) throw new RangeError(`linux power: pollMs must be a number of milliseconds > 0, got ${pollMs}`);
    let names: string[];
    try {
      names = (await fs.readdir(root)).sort();
    } catch (cause) {
      throw new DeviceMissingError('power supply class', root, 'a directory of power supplies like /sys/class/power_supply', { cause });
    }
    const types = new Map<string, string | undefined>();
    for (const n of names) types.set(n, await supplyType(join(root, n)));

    const battery = options.battery ?? names.find((n) => types.get(n) === 'Battery');
    if (battery === undefined) {
      throw new DeviceMissingError('battery supply', root, `a supply whose type file says Battery (found: ${describe(types)}); or name one with the battery option`);
    }
    await checkSupply(root, battery, 'battery supply', ['Battery'], ['capacity', 'status']);

    const dock = options.dock
      ?? names.find((n) => types.get(n) === 'Mains')
      ?? names.find((n) => types.get(n) === 'USB');
    if (dock === undefined) {
      throw new DeviceMissingError('dock-contact supply', root, `a supply whose type file says Mains or USB (found: ${describe(types)}); or name one with the dock option`);
    }
    await checkSupply(root, dock, 'dock-contact supply', DOCK_SUPPLY_TYPES, ['online']);

    const power = new LinuxPower({ clock: options.clock, root, battery, dock, pollMs });
    await power.read();
    return power;
  }

  async read(): Promise<PowerState> {
    const at = this.clock.monotonic();
    const capacity = await this.attr(this.batteryDir, 'battery supply', 'capacity');
    const status = await this.attr(this.batteryDir, 'battery supply', 'status');
    const online = await this.attr(this.dockDir, 'dock-contact supply', 'online');
    const voltage = await this.attr(this.batteryDir, 'battery supply', 'voltage_now', true);
    const temp = await this.attr(this.batteryDir, 'battery supply', 'temp', true);
    const tte = await this.attr(this.batteryDir, 'battery supply', 'time_to_empty_now', true);

    const dockContact = parseOnline(online!.text, online!.path);
    const st = parseStatus(status!.text, status!.path);
    const state: PowerState = {
      level: parseCapacity(capacity!.text, capacity!.path),
      charging: st !== 'unknown' ? st : dockContact ? 'not-charging' : 'discharging',
      dockContact,
      at,
    };
    if (voltage) state.voltageV = parseMicrovolts(voltage.text, voltage.path);
    if (temp) state.temperatureC = parseDeciCelsius(temp.text, temp.path);
    if (tte) state.minutesToEmpty = parseSecondsToMinutes(tte.text, tte.path);
    return state;
  }

  watch(listener: PowerListener): () => void {
    let last: PowerState | undefined;
    let lastError: string | undefined;
    let stopped = false;
    let busy = false;
    const poll = () => {
      if (busy || stopped) return;
      busy = true;
      const p = this.read().then(
        (state) => {
          if (stopped) return;
          if (last === undefined || lastError !== undefined || powerChanged(last, state)) {
            last = state;
            lastError = undefined;
            listener({ kind: 'state', state });
          }
        },
        (e: unknown) => {
          if (stopped) return;
          const error = e instanceof HalError ? e : new HalError('EIO', `reading ${this.name} failed: ${(e as Error).message}`, { cause: e });
          if (lastError === error.message) return;
          lastError = error.message;
          listener({ kind: 'error', error });
        },
      ).finally(() => { busy = false; this.inFlight.delete(p); });
      this.inFlight.add(p);
    };
    const timer = this.clock.setInterval(poll, this.pollMs);
    poll();
    return () => {
      stopped = true;
      timer.cancel();
    };
  }

  /** Resolves when every poll started so far has finished (tests step virtual time with it). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** One attribute's text; undefined for a missing optional one. Maps fs failures to HAL errors. */
  private async attr(dir: string, what: string, file: string, optional = false): Promise<{ text: string; path: string } | undefined> {
    const path = join(dir, file);
    let text: string | undefined;
    try {
      text = await readText(path);
    } catch (e) {
      if (errno(e) === 'ENODEV' || errno(e) === 'ENXIO') throw new DeviceGoneError(what, dir, { cause: e });
      throw new HalError('EIO', `reading ${path} failed: ${(e as Error).message}`, { cause: e });
    }
    if (text !== undefined) return { text, path };
    if (!(await exists(dir))) throw new DeviceGoneError(what, dir);
    if (optional) return undefined;
    throw new DeviceMissingError(`${what} attribute ${file}`, path, `a readable ${file} file in ${dir}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(() => true, () => false);
}

async function checkSupply(root: string, name: string, what: string, allowed: readonly string[], files: string[]): Promise<void> {
  const dir = join(root, name);
  if (!(await exists(dir))) {
    throw new DeviceMissingError(`${what} ${name}`, dir, `a power_supply directory with type ${allowed.join(' or ')} and ${files.join(', ')} files`);
  }
  const typePath = join(dir, 'type');
  const text = await readText(typePath).catch(() => undefined);
  if (text !== undefined) {
    const type = parseType(text, typePath);
    if (!allowed.includes(type)) throw new HalError('EMALFORMED', `${typePath} says ${type}: expected ${allowed.join(' or ')} for the ${what}`);
  }
  for (const f of files) {
    if (!(await exists(join(dir, f)))) {
      throw new DeviceMissingError(`${what} attribute ${f}`, join(dir, f), `a readable ${f} file in ${dir}`);
    }
  }
}

function describe(types: Map<string, string | undefined>): string {
  if (types.size === 0) return 'no supplies';
  return [...types].map(([n, t]) => `${n}=${t ?? '?'}`).join(', ');
}
