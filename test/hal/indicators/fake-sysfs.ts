/** A temp directory shaped like /sys/class/leds, for tests of the Linux indicators driver. */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTriggers } from '../../../hal/indicators/led-class.js';
import type { LedColor } from '../../../hal/indicators/contract.js';
import type { Shown } from './suite.js';

export interface FakeLedsOptions {
  /** Offer the timer trigger (hardware flash). Default true. */
  timer?: boolean;
  /** Add a vibrator LED `bwc::vibrator` with the transient trigger. Default true. */
  vibrator?: boolean;
  /** Create delay_on/delay_off and activate/duration/state up front, as a fake must. Default true. */
  triggerFiles?: boolean;
}

export interface FakeLeds {
  root: string;
  /** Indicator → color → LED directory name, as created. */
  map: Record<string, Partial<Record<LedColor, string>>>;
  read(led: string, file: string): Promise<string>;
  /** What an indicator shows, read back from the files the driver wrote. */
  shows(indicator: string): Promise<Shown>;
  cleanup(): Promise<void>;
}

export const CAMERA_FIXTURE: Record<string, Partial<Record<LedColor, string>>> = {
  status: { red: 'bwc:red:status', green: 'bwc:green:status' },
  recording: { red: 'bwc:red:recording', green: 'bwc:green:recording' },
  front: { red: 'bwc:red:front' },
};

export async function fakeLeds(options: FakeLedsOptions = {}): Promise<FakeLeds> {
  const root = await mkdtemp(join(tmpdir(), 'bwc-leds-'));
  const triggers = `[none] ${options.timer === false ? '' : 'timer '}heartbeat${options.vibrator === false ? '' : ' transient'}\n`;
  const files = options.triggerFiles !== false;
  const led = async (name: string, extra: Record<string, string>) => {
    await mkdir(join(root, name));
    for (const [f, v] of Object.entries({ brightness: '0\n', max_brightness: '255\n', trigger: triggers, ...extra })) {
      await writeFile(join(root, name, f), v);
    }
  };
  for (const byColor of Object.values(CAMERA_FIXTURE)) {
    for (const name of Object.values(byColor)) await led(name, files ? { delay_on: '500\n', delay_off: '500\n' } : {});
  }
  if (options.vibrator !== false) await led('bwc::vibrator', files ? { activate: '0\n', duration: '0\n', state: '0\n' } : {});
  // LEDs the driver must ignore: no known color, no function.
  await led('input0::capslock', {});
  await led('mmc0::', {});
  const read = (name: string, file: string) => readFile(join(root, name, file), 'utf8').then((s) => s.trim());

  async function shows(indicator: string): Promise<Shown> {
    const lit: { color: LedColor; mode: string }[] = [];
    for (const [color, name] of Object.entries(CAMERA_FIXTURE[indicator] ?? {})) {
      const trigger = parseTriggers(await read(name, 'trigger')).current;
      if (trigger === 'timer') lit.push({ color: color as LedColor, mode: `flash ${await read(name, 'delay_on')} ${await read(name, 'delay_off')}` });
      else if (Number(await read(name, 'brightness')) > 0) lit.push({ color: color as LedColor, mode: 'steady' });
    }
    if (lit.length === 0) return { kind: 'off' };
    const modes = new Set(lit.map((l) => l.mode));
    if (modes.size !== 1) throw new Error(`${indicator}: components disagree: ${JSON.stringify(lit)}`);
    const colors = lit.map((l) => l.color).sort().join('+');
    const color = ({ 'green+red': 'amber', 'blue+green+red': 'white' } as Record<string, LedColor>)[colors] ?? (colors as LedColor);
    const [mode, on, offMs] = lit[0]!.mode.split(' ');
    return mode === 'flash' ? { kind: 'flash', color, onMs: Number(on), offMs: Number(offMs) } : { kind: 'steady', color };
  }

  return { root, map: CAMERA_FIXTURE, read, shows, cleanup: () => rm(root, { recursive: true, force: true }) };
}
