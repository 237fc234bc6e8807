/**
 * The Linux `leds` class in sysfs: LED names (`<device>:<color>:<function>`), trigger lists,
 * and finding which physical LEDs make up each named indicator and which colors they can mix.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DeviceMissingError, HalError } from '../errors.js';
import { LED_COLORS, type LedColor } from './contract.js';

export const DEFAULT_LEDS_ROOT = '/sys/class/leds';

/** One physical LED: a directory under the leds class. */
export interface SysfsLed {
  /** Directory name, e.g. `bwc:red:status`. */
  name: string;
  dir: string;
  maxBrightness: number;
  /** Triggers the kernel offers (from the `trigger` file). */
  triggers: string[];
}

export interface LedName {
  device: string;
  color: string;
  function: string;
}

/** `<device>:<color>:<function>` or `<color>:<function>`; undefined for other names. */
export function parseLedName(name: string): LedName | undefined {
  const parts = name.split(':');
  if (parts.length === 3) return { device: parts[0]!, color: parts[1]!, function: parts[2]! };
  if (parts.length === 2) return { device: '', color: parts[0]!, function: parts[1]! };
  return undefined;
}

/** The `trigger` file: `none [timer] heartbeat` lists what is offered, the current one in brackets. */
export function parseTriggers(text: string): { available: string[]; current: string | undefined } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const current = words.find((w) => w.startsWith('[') && w.endsWith(']'))?.slice(1, -1);
  return { available: words.map((w) => w.replace(/^\[|\]$/g, '')), current: current ?? (words.length === 1 ? words[0] : undefined) };
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** Open one LED directory; DeviceMissingError naming `<root>/<name>/brightness` when it is not there. */
export async function openSysfsLed(root: string, name: string): Promise<SysfsLed> {
  const dir = join(root, name);
  const expected = `${join(dir, 'brightness')} (a LED class device with brightness, max_brightness and trigger)`;
  let max: string;
  try {
    await fs.access(join(dir, 'brightness'));
    max = await fs.readFile(join(dir, 'max_brightness'), 'utf8');
  } catch (cause) {
    if (errno(cause) === 'ENOENT') throw new DeviceMissingError(`LED ${name}`, dir, expected, { cause });
    throw new HalError('EIO', `reading LED ${dir} failed: ${(cause as Error).message}`, { cause });
  }
  const maxBrightness = Number(max.trim());
  if (!/^\d+$/.test(max.trim()) || maxBrightness < 1) {
    throw new HalError('EMALFORMED', `${join(dir, 'max_brightness')} holds ${JSON.stringify(max)}: expected an integer >= 1`);
  }
  const triggerText = await fs.readFile(join(dir, 'trigger'), 'utf8').catch(() => '');
  return { name, dir, maxBrightness, triggers: parseTriggers(triggerText).available };
}

/** The physical LEDs of one named indicator, by the color each emits. */
export type LedComponents = Partial<Record<LedColor, SysfsLed>>;

/**
 * Which physical LEDs light `color`: its own LED if there is one, else a mix (amber = red+green,
 * white = red+green+blue); undefined when the indicator cannot show it.
 */
export function componentsFor(parts: LedComponents, color: LedColor): SysfsLed[] | undefined {
  const own = parts[color];
  if (own) return [own];
  const mix: Partial<Record<LedColor, LedColor[]>> = { amber: ['red', 'green'], white: ['red', 'green', 'blue'] };
  const need = mix[color];
  if (!need) return undefined;
  const leds = need.map((c) => parts[c]);
  return leds.every((l) => l !== undefined) ? (leds as SysfsLed[]) : undefined;
}

export function colorsOfComponents(parts: LedComponents): LedColor[] {
  return LED_COLORS.filter((c) => componentsFor(parts, c) !== undefined);
}

export interface FoundLeds {
  indicators: Map<string, LedComponents>;
  vibrator: SysfsLed | undefined;
}

/**
 * Find indicators under `root`: either the explicit `map` (indicator → color → LED directory
 * name), or every LED named `<device>:<color>:<function>` with a known color (filtered by
 * `device` when given), grouped by function. The vibrator is the LED named `vibrator` (option),
 * else one whose function is `vibrator`.
 */
export async function findLeds(options: {
  root: string;
  device?: string;
  map?: Record<string, Partial<Record<LedColor, string>>>;
  vibrator?: string | null;
}): Promise<FoundLeds> {
  const { root } = options;
  let names: string[];
  try {
    names = (await fs.readdir(root)).sort();
  } catch (cause) {
    throw new DeviceMissingError('LED class', root, 'a directory of LED devices like /sys/class/leds', { cause });
  }
  const indicators = new Map<string, LedComponents>();
  const wanted = (n: LedName) => options.device === undefined || n.device === options.device;

  if (options.map) {
    for (const [indicator, byColor] of Object.entries(options.map)) {
      const parts: LedComponents = {};
      for (const [color, dirName] of Object.entries(byColor)) {
        if (!(LED_COLORS as readonly string[]).includes(color)) throw new ConfigError(`LED ${indicator}: unknown color ${JSON.stringify(color)}; expected one of ${LED_COLORS.join(', ')}`);
        if (dirName) parts[color as LedColor] = await openSysfsLed(root, dirName);
      }
      indicators.set(indicator, parts);
    }
  } else {
    const claimedBy = new Map<string, string>();
    for (const name of names) {
      const n = parseLedName(name);
      if (!n || !wanted(n) || n.function === '' || n.function === 'vibrator') continue;
      if (!(LED_COLORS as readonly string[]).includes(n.color)) continue;
      const key = `${n.function}/${n.color}`;
      const other = claimedBy.get(key);
      if (other) throw new ConfigError(`LEDs ${other} and ${name} are both ${n.color} ${n.function}: set the device option (or map the LEDs) to choose`);
      claimedBy.set(key, name);
      const parts = indicators.get(n.function) ?? {};
      parts[n.color as LedColor] = await openSysfsLed(root, name);
      indicators.set(n.function, parts);
    }
    if (indicators.size === 0) {
      const dev = options.device === undefined ? '<device>' : options.device;
      throw new DeviceMissingError('LEDs', root, `LED directories named ${dev}:<color>:<function> with a color of ${LED_COLORS.join(', ')}, each with a brightness file (found: ${names.join(', ') || 'nothing'})`);
    }
  }

  let vibrator: SysfsLed | undefined;
  if (options.vibrator) vibrator = await openSysfsLed(root, options.vibrator);
  else if (options.vibrator === undefined) {
    const v = names.find((name) => {
      const n = parseLedName(name);
      return name === 'vibrator' || (n !== undefined && wanted(n) && n.function === 'vibrator');
    });
    if (v) vibrator = await openSysfsLed(root, v);
  }
  return { indicators, vibrator };
}
