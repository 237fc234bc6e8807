/**
 * Indicators on Linux: LEDs of the `leds` class in sysfs (steady = brightness, flash = the kernel
 * `timer` trigger, sequences stepped with the Clock), a vibrator LED driven with the `transient`
 * trigger, and optional sound through a player command that reads WAV from stdin (`aplay -q -`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Timer } from '../clock/contract.js';
import { ConfigError, DeviceMissingError, HalError, NotSupportedError } from '../errors.js';
import type {
  IndicatorCapabilities, IndicatorState, Indicators, LedColor, LedPattern, SoundPattern, VibrationPattern,
} from './contract.js';
import {
  DEFAULT_LEDS_ROOT, colorsOfComponents, componentsFor, findLeds, type LedComponents, type SysfsLed,
} from './led-class.js';
import {
  checkLedPattern, checkSound, checkVibration, colorsOf, ledColorAt, nextLedStep, pulseTrainMs, samePattern,
} from './patterns.js';
import { beepsWav, DEFAULT_SAMPLE_RATE } from './tones.js';

const DRIVER = 'linux-leds';

export interface LinuxSoundOptions {
  /** Player command that plays a WAV file read from stdin, e.g. `['aplay', '-q', '-']`. */
  command: string[];
  /** Voice prompts by name: paths of WAV files piped to the same command. */
  prompts?: Record<string, string>;
  /** Sample rate of generated beeps. Default 16000. */
  sampleRate?: number;
}

export interface LinuxIndicatorsOptions {
  /** Time source for sequence steps and vibration pulses (a SystemClock on a device). */
  clock: Clock;
  /** The leds class directory. Default `/sys/class/leds`. */
  root?: string;
  /** Only LEDs whose name starts `<device>:` are found (e.g. `bwc`). Default: any. */
  device?: string;
  /** Explicit LEDs: indicator name → color → LED directory (e.g. `{ status: { red: 'PWR', green: 'ACT' } }`). */
  leds?: Record<string, Partial<Record<LedColor, string>>>;
  /** LED directory of the vibrator; null for none. Default: the LED whose function is `vibrator`. */
  vibrator?: string | null;
  /** Sound through a player command. Without it, sound() is not supported. */
  sound?: LinuxSoundOptions;
  /** Failures of work the driver does on its own (sequence steps). Default: ignored. */
  onError?: (error: HalError) => void;
}

interface Written { trigger?: string; brightness?: number; delayOn?: number; delayOff?: number }

interface Run<P> {
  pattern: P;
  timers: Timer[];
  child?: ChildProcess;
  stopped: boolean;
  resolve: () => void;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
const exists = (path: string) => fs.access(path).then(() => true, () => false);

export class LinuxIndicators implements Indicators {
  readonly name: string;
  private readonly clock: Clock;
  private readonly indicators: Map<string, LedComponents>;
  private readonly vibrator: SysfsLed | undefined;
  private readonly soundOptions: LinuxSoundOptions | undefined;
  private readonly onError: (error: HalError) => void;
  private readonly caps: IndicatorCapabilities;
  private patterns = new Map<string, LedPattern>();
  private players = new Map<string, Timer>();
  private written = new Map<string, Written>();
  private queue: Promise<void> = Promise.resolve();
  private vibration: Run<VibrationPattern> | null = null;
  private playing: Run<SoundPattern> | null = null;
  private closed = false;

  /** Use `open()`, which finds the LEDs and prepares the vibrator. */
  constructor(options: {
    clock: Clock; root: string; indicators: Map<string, LedComponents>; vibrator: SysfsLed | undefined;
    sound: LinuxSoundOptions | undefined; onError: (error: HalError) => void;
  }) {
    this.name = `${DRIVER}:${options.root}`;
    this.clock = options.clock;
    this.indicators = options.indicators;
    this.vibrator = options.vibrator;
    this.soundOptions = options.sound;
    this.onError = options.onError;
    this.caps = {
      leds: Object.fromEntries([...this.indicators].map(([n, parts]) => [n, colorsOfComponents(parts)])),
      vibration: this.vibrator !== undefined,
      sound: this.soundOptions !== undefined,
      voicePrompts: Object.keys(this.soundOptions?.prompts ?? {}).sort(),
    };
    for (const n of this.indicators.keys()) this.patterns.set(n, { kind: 'off' });
  }

  /**
   * Find the LEDs, vibrator and sound files, turn every LED off (so state() tells the truth) and
   * arm the vibrator's transient trigger. DeviceMissingError names what is missing and where.
   */
  static async open(options: LinuxIndicatorsOptions): Promise<LinuxIndicators> {
    const root = options.root ?? DEFAULT_LEDS_ROOT;
    const found = await findLeds({ root, device: options.device, map: options.leds, vibrator: options.vibrator });
    let vibrator: SysfsLed | undefined;
    if (found.vibrator?.triggers.includes('transient')) vibrator = found.vibrator;
    const sound = options.sound;
    if (sound) {
      if (!Array.isArray(sound.command) || sound.command.length === 0 || sound.command.some((a) => typeof a !== 'string')) {
        throw new ConfigError(`sound command must be a non-empty list of strings like ["aplay", "-q", "-"], got ${JSON.stringify(sound.command)}`);
      }
      for (const [prompt, path] of Object.entries(sound.prompts ?? {})) {
        if (!(await exists(path))) throw new DeviceMissingError(`voice prompt ${prompt}`, path, 'a readable WAV file');
      }
    }
    const ind = new LinuxIndicators({
      clock: options.clock, root, indicators: found.indicators, vibrator, sound, onError: options.onError ?? (() => {}),
    });
    for (const n of ind.indicators.keys()) await ind.enqueue(() => ind.show(n, null));
    if (vibrator) await ind.enqueue(() => ind.armTransient(vibrator));
    return ind;
  }

  // --- Indicators contract ---

  capabilities(): IndicatorCapabilities {
    return structuredClone(this.caps);
  }

  async setLed(name: string, pattern: LedPattern): Promise<void> {
    this.checkOpen();
    const p = checkLedPattern(pattern, `setLed ${name}`);
    const parts = this.checkLed(name, p);
    if (samePattern(this.patterns.get(name)!, p)) return this.settled();
    this.patterns.set(name, p);
    this.players.get(name)?.cancel();
    this.players.delete(name);
    if (p.kind === 'off' || p.kind === 'steady') return this.enqueue(() => this.show(name, ledColorAt(p, 0)));
    if (p.kind === 'flash') {
      const lit = componentsFor(parts, p.color)!;
      if (lit.every((l) => l.triggers.includes('timer'))) return this.enqueue(() => this.hardwareFlash(name, lit, p.onMs, p.offMs));
    }
    return this.play(name, p);
  }

  async vibrate(pattern: VibrationPattern | null): Promise<void> {
    this.checkOpen();
    const vib = this.vibrator;
    if (!vib) throw new NotSupportedError('vibrate', DRIVER);
    const p = pattern === null ? null : checkVibration(pattern, 'vibrate');
    const stopping = this.stopVibration();
    if (p === null) return stopping;
    return new Promise<void>((resolve, reject) => {
      const run: Run<VibrationPattern> = { pattern: p, timers: [], stopped: false, resolve };
      this.vibration = run;
      const pulse = () => {
        this.enqueue(async () => {
          // activate 0 first: a kernel timer running a little late would make activate 1 a no-op.
          await this.write(vib, 'activate', 0, true);
          await this.write(vib, 'state', 1);
          await this.write(vib, 'duration', p.durationMs);
          await this.write(vib, 'activate', 1);
        }).catch((e: unknown) => {
          if (this.vibration === run) this.vibration = null;
          for (const t of run.timers) t.cancel();
          reject(e);
        });
      };
      pulse();
      for (let i = 1; i < p.count; i++) run.timers.push(this.clock.setTimeout(pulse, i * (p.durationMs + p.gapMs)));
      run.timers.push(this.clock.setTimeout(() => {
        if (this.vibration === run) this.vibration = null;
        resolve();
      }, pulseTrainMs(p)));
    });
  }

  async sound(pattern: SoundPattern | null): Promise<void> {
    this.checkOpen();
    const options = this.soundOptions;
    if (!options) throw new NotSupportedError('sound', DRIVER);
    const p = pattern === null ? null : checkSound(pattern, 'sound');
    let promptPath: string | undefined;
    if (p?.kind === 'voice') {
      const prompts = options.prompts ?? {};
      promptPath = Object.hasOwn(prompts, p.prompt) ? prompts[p.prompt] : undefined;
      if (promptPath === undefined) {
        throw new NotSupportedError(`voice prompt ${JSON.stringify(p.prompt)} (prompts: ${this.caps.voicePrompts.join(', ') || 'none'})`, DRIVER);
      }
    }
    this.stopSound();
    if (p === null) return;
    const run: Run<SoundPattern> = { pattern: p, timers: [], stopped: false, resolve: () => {} };
    this.playing = run;
    const ended = () => { if (this.playing === run) this.playing = null; };
    let wav: Uint8Array;
    try {
      wav = p.kind === 'beeps' ? beepsWav(p, options.sampleRate ?? DEFAULT_SAMPLE_RATE) : await fs.readFile(promptPath!);
    } catch (cause) {
      ended();
      throw new DeviceMissingError(`voice prompt ${(p as { prompt: string }).prompt}`, promptPath!, 'a readable WAV file', { cause });
    }
    if (run.stopped) return;
    return new Promise<void>((resolve, reject) => {
      const [cmd, ...args] = options.command as [string, ...string[]];
      const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
      run.child = child;
      run.resolve = resolve;
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-400); });
      child.stdin!.on('error', () => {}); // a player that exits early closes its stdin: its exit status tells
      child.stdin!.end(wav);
      child.on('error', (e) => {
        ended();
        if (errno(e) === 'ENOENT') reject(new DeviceMissingError('sound player', cmd, 'an executable that plays WAV from stdin, e.g. aplay -q - (Debian alsa-utils)', { cause: e }));
        else reject(new HalError('EIO', `sound player ${cmd} failed: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, signal) => {
        ended();
        if (run.stopped || code === 0) resolve();
        else reject(new HalError('EIO', `sound player ${options.command.join(' ')} exited with ${code ?? signal}: ${stderr.trim() || 'no message'}`));
      });
    });
  }

  state(): IndicatorState {
    return {
      leds: Object.fromEntries([...this.patterns].map(([n, p]) => [n, structuredClone(p)])),
      vibration: this.vibration ? { ...this.vibration.pattern } : null,
      sound: this.playing ? { ...this.playing.pattern } : null,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return this.settled();
    this.closed = true;
    for (const t of this.players.values()) t.cancel();
    this.players.clear();
    const stopping = this.vibrator ? this.stopVibration() : Promise.resolve();
    this.stopSound();
    await stopping.catch(() => {});
    await this.settled();
  }

  /** Resolves when every sysfs write issued so far has landed (tests step virtual time with it). */
  async settled(): Promise<void> {
    let q: Promise<void>;
    do {
      q = this.queue;
      await q;
    } while (q !== this.queue);
  }

  // --- LEDs ---

  /** Light exactly the components of `color` (null: none) of indicator `name`, steadily. */
  private async show(name: string, color: LedColor | null): Promise<void> {
    const parts = this.indicators.get(name)!;
    await this.lightOnly(name, color ? componentsFor(parts, color)! : []);
  }

  /** Steadily light exactly the LEDs `lit` of indicator `name`; the others off. */
  private async lightOnly(name: string, lit: SysfsLed[]): Promise<void> {
    for (const led of Object.values(this.indicators.get(name)!)) {
      if (lit.includes(led)) continue;
      await this.setTrigger(led, 'none');
      await this.write(led, 'brightness', 0);
    }
    for (const led of lit) {
      await this.setTrigger(led, 'none');
      await this.write(led, 'brightness', led.maxBrightness);
    }
  }

  /** Flash with the kernel's timer trigger: it keeps flashing without us. */
  private async hardwareFlash(name: string, lit: SysfsLed[], onMs: number, offMs: number): Promise<void> {
    await this.lightOnly(name, lit);
    for (const led of lit) {
      await this.setTrigger(led, 'timer', true);
      // A real kernel creates delay_on/delay_off when the timer trigger is set; a fake has them already.
      for (const f of ['delay_on', 'delay_off']) {
        if (!(await exists(join(led.dir, f)))) {
          throw new DeviceMissingError(`timer trigger attribute ${f} of LED ${led.name}`, join(led.dir, f),
            'the file the kernel creates when timer is written to trigger (module ledtrig-timer)');
        }
      }
      await this.write(led, 'delay_on', onMs, true);
      await this.write(led, 'delay_off', offMs, true);
    }
  }

  /** Step a sequence (or a flash the hardware cannot time) with the Clock. Resolves once the first step shows. */
  private play(name: string, p: LedPattern): Promise<void> {
    const since = this.clock.monotonic();
    const step = (): Promise<void> => {
      const elapsed = this.clock.monotonic() - since;
      const shown = this.enqueue(() => this.show(name, ledColorAt(p, elapsed)));
      const next = nextLedStep(p, elapsed);
      if (next === undefined) this.players.delete(name);
      else {
        this.players.set(name, this.clock.setTimeout(() => {
          step().catch((e: unknown) => {
            this.players.get(name)?.cancel();
            this.players.delete(name);
            this.onError(asHalError(e, `LED ${name}`));
          });
        }, next - elapsed));
      }
      return shown;
    };
    return step();
  }

  // --- vibrator ---

  private async armTransient(vib: SysfsLed): Promise<void> {
    await this.setTrigger(vib, 'transient', true);
    for (const f of ['activate', 'duration', 'state']) {
      if (!(await exists(join(vib.dir, f)))) {
        throw new DeviceMissingError(`transient trigger attribute ${f} of vibrator ${vib.name}`, join(vib.dir, f),
          'the file the kernel creates when transient is written to trigger (module ledtrig-transient)');
      }
    }
  }

  /** Stop the vibration in progress (its promise resolves) and the motor. */
  private stopVibration(): Promise<void> {
    const run = this.vibration;
    this.vibration = null;
    if (run) {
      run.stopped = true;
      for (const t of run.timers) t.cancel();
      run.resolve();
    }
    const vib = this.vibrator!;
    return this.enqueue(() => this.write(vib, 'activate', 0, true));
  }

  private stopSound(): void {
    const run = this.playing;
    this.playing = null;
    if (!run) return;
    run.stopped = true;
    run.child?.kill('SIGTERM');
    if (!run.child) run.resolve();
  }

  // --- sysfs writes, in order ---

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => {});
    return p;
  }

  private async setTrigger(led: SysfsLed, trigger: string, force = false): Promise<void> {
    if (!force && this.written.get(led.dir)?.trigger === trigger) return;
    await this.write(led, 'trigger', trigger, true);
    // Changing trigger resets brightness and blink delays in the kernel: forget what we wrote.
    this.written.set(led.dir, { trigger });
  }

  private async write(led: SysfsLed, file: 'trigger' | 'brightness' | 'delay_on' | 'delay_off' | 'activate' | 'duration' | 'state', value: string | number, force = false): Promise<void> {
    const w = this.written.get(led.dir) ?? {};
    const key = ({ brightness: 'brightness', delay_on: 'delayOn', delay_off: 'delayOff' } as const)[file as 'brightness'] as keyof Written | undefined;
    if (!force && key && w[key] === value) return;
    const path = join(led.dir, file);
    try {
      await fs.writeFile(path, String(value));
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENODEV') throw new DeviceMissingError(`LED ${led.name} attribute ${file}`, path, `a writable ${file} file`, { cause: e });
      throw new HalError('EIO', `writing ${value} to ${path} failed: ${(e as Error).message}`, { cause: e });
    }
    if (key) this.written.set(led.dir, { ...w, [key]: value });
  }

  private checkOpen(): void {
    if (this.closed) throw new HalError('ECLOSED', `${this.name} is closed`);
  }

  private checkLed(name: string, p: LedPattern): LedComponents {
    const parts = this.indicators.get(name);
    const colors = this.caps.leds[name];
    if (!parts || !colors) throw new NotSupportedError(`LED ${JSON.stringify(name)} (LEDs: ${Object.keys(this.caps.leds).join(', ')})`, DRIVER);
    for (const c of colorsOf(p)) {
      if (!colors.includes(c)) throw new NotSupportedError(`color ${c} on LED ${name} (colors: ${colors.join(', ')})`, DRIVER);
    }
    return parts;
  }
}

function asHalError(e: unknown, what: string): HalError {
  return e instanceof HalError ? e : new HalError('EIO', `${what}: ${(e as Error).message}`, { cause: e });
}
