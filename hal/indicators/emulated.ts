/**
 * Emulated indicators: LEDs, vibrator and speaker of one device, recorded as a timeline of pattern
 * changes stamped with the device clock, so a test or HIL rig can ask what an LED showed at any
 * instant (lit or dark, computed from its flash or sequence) and what was vibrating or sounding.
 */
import type { Clock, Timer } from '../clock/contract.js';
import { HalError, NotSupportedError } from '../errors.js';
import type {
  IndicatorCapabilities, IndicatorState, Indicators, LedColor, LedPattern, SoundPattern, VibrationPattern,
} from './contract.js';
import { checkLedPattern, checkSound, checkVibration, colorsOf, ledColorAt, pulseTrainMs, samePattern } from './patterns.js';

/** A camera's LEDs: status, recording and wireless are bicolor (red+green, so amber); the front recording indicator is red. */
export const CAMERA_LEDS: Record<string, LedColor[]> = {
  status: ['red', 'green', 'amber'],
  recording: ['red', 'green', 'amber'],
  wireless: ['red', 'green', 'amber'],
  front: ['red'],
};

/** A system controller's front LEDs (status and storage). */
export const CONTROLLER_LEDS: Record<string, LedColor[]> = {
  status: ['red', 'green', 'amber'],
  storage: ['red', 'green'],
};

export interface EmulatedIndicatorsOptions {
  clock: Clock;
  /** Device id, for messages. */
  device?: string;
  /** LEDs by name with their colors. Default CAMERA_LEDS. */
  leds?: Record<string, LedColor[]>;
  /** Has a vibrator. Default true. */
  vibration?: boolean;
  /** Can beep. Default true. */
  sound?: boolean;
  /** Voice prompts by name with their length in ms. Default none. */
  voicePrompts?: Record<string, number>;
}

/** One change of an output, at monotonic time `at` of the device clock. */
export type IndicatorEvent =
  | { at: number; output: 'led'; name: string; pattern: LedPattern }
  | { at: number; output: 'vibration'; pattern: VibrationPattern | null }
  | { at: number; output: 'sound'; pattern: SoundPattern | null };

interface Playing<P> {
  pattern: P;
  since: number;
  endsAt: number;
  timer: Timer;
  resolve: () => void;
}

export interface CurrentIndicators {
  leds: Record<string, { pattern: LedPattern; since: number }>;
  vibration: { pattern: VibrationPattern; since: number; endsAt: number } | null;
  sound: { pattern: SoundPattern; since: number; endsAt: number } | null;
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

export class EmulatedIndicators implements Indicators {
  readonly name: string;
  private readonly clock: Clock;
  private readonly caps: IndicatorCapabilities;
  private readonly promptMs: Record<string, number>;
  private leds = new Map<string, { pattern: LedPattern; since: number }>();
  private vibrating: Playing<VibrationPattern> | null = null;
  private sounding: Playing<SoundPattern> | null = null;
  private events: IndicatorEvent[] = [];
  private closed = false;

  constructor(options: EmulatedIndicatorsOptions) {
    this.clock = options.clock;
    this.name = `emulated:${options.device ?? 'indicators'}`;
    const leds = options.leds ?? CAMERA_LEDS;
    this.promptMs = { ...options.voicePrompts };
    for (const [prompt, ms] of Object.entries(this.promptMs)) {
      if (!Number.isInteger(ms) || ms < 1) throw new RangeError(`${this.name}: voice prompt ${prompt} needs a length in whole ms >= 1, got ${ms}`);
    }
    this.caps = {
      leds: Object.fromEntries(Object.entries(leds).map(([n, c]) => [n, [...c]])),
      vibration: options.vibration ?? true,
      sound: options.sound ?? true,
      voicePrompts: Object.keys(this.promptMs).sort(),
    };
    const now = this.clock.monotonic();
    for (const n of Object.keys(leds)) this.leds.set(n, { pattern: { kind: 'off' }, since: now });
  }

  // --- Indicators contract ---

  capabilities(): IndicatorCapabilities {
    return structuredClone(this.caps);
  }

  async setLed(name: string, pattern: LedPattern): Promise<void> {
    this.checkOpen();
    const p = checkLedPattern(pattern, `setLed ${name}`);
    this.checkLed(name, p);
    const cur = this.leds.get(name)!;
    if (!samePattern(cur.pattern, p)) {
      const at = this.clock.monotonic();
      this.leds.set(name, { pattern: p, since: at });
      this.events.push({ at, output: 'led', name, pattern: p });
    }
    await tick();
  }

  async vibrate(pattern: VibrationPattern | null): Promise<void> {
    this.checkOpen();
    if (!this.caps.vibration) throw new NotSupportedError('vibrate', this.name);
    const p = pattern === null ? null : checkVibration(pattern, 'vibrate');
    this.vibrating = this.stop(this.vibrating);
    this.events.push({ at: this.clock.monotonic(), output: 'vibration', pattern: p });
    if (p === null) return tick();
    return new Promise((resolve) => { this.vibrating = this.play(p, pulseTrainMs(p), resolve, () => { this.vibrating = null; }); });
  }

  async sound(pattern: SoundPattern | null): Promise<void> {
    this.checkOpen();
    const p = pattern === null ? null : checkSound(pattern, 'sound');
    let ms = 0;
    if (p?.kind === 'voice') {
      const len = this.promptMs[p.prompt];
      if (len === undefined) {
        throw new NotSupportedError(`voice prompt ${JSON.stringify(p.prompt)} (prompts: ${this.caps.voicePrompts.join(', ') || 'none'})`, this.name);
      }
      ms = len;
    } else {
      if (!this.caps.sound) throw new NotSupportedError('sound', this.name);
      if (p) ms = pulseTrainMs(p);
    }
    this.sounding = this.stop(this.sounding);
    this.events.push({ at: this.clock.monotonic(), output: 'sound', pattern: p });
    if (p === null) return tick();
    return new Promise((resolve) => { this.sounding = this.play(p, ms, resolve, () => { this.sounding = null; }); });
  }

  state(): IndicatorState {
    return {
      leds: Object.fromEntries([...this.leds].map(([n, l]) => [n, structuredClone(l.pattern)])),
      vibration: this.vibrating ? { ...this.vibrating.pattern } : null,
      sound: this.sounding ? { ...this.sounding.pattern } : null,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.vibrating = this.stop(this.vibrating);
    this.sounding = this.stop(this.sounding);
    await tick();
  }

  // --- control surface (tests, HIL rigs, simulator) ---

  /** Every change of every output so far, oldest first (a copy). */
  history(): IndicatorEvent[] {
    return structuredClone(this.events);
  }

  /** What each output shows now, with the instant it started (and ends, for vibration and sound). */
  current(): CurrentIndicators {
    const playing = <P>(x: Playing<P> | null) => (x ? { pattern: structuredClone(x.pattern), since: x.since, endsAt: x.endsAt } : null);
    return {
      leds: Object.fromEntries([...this.leds].map(([n, l]) => [n, structuredClone(l)])),
      vibration: playing(this.vibrating),
      sound: playing(this.sounding),
    };
  }

  /** The color LED `name` showed at monotonic time `atMs` (default now), or null when dark. */
  colorAt(name: string, atMs = this.clock.monotonic()): LedColor | null {
    if (!this.leds.has(name)) throw new RangeError(`${this.name}: no LED ${JSON.stringify(name)}; LEDs: ${[...this.leds.keys()].join(', ')}`);
    let since = -Infinity;
    let pattern: LedPattern = { kind: 'off' };
    for (const e of this.events) {
      if (e.at > atMs) break;
      if (e.output === 'led' && e.name === name) { pattern = e.pattern; since = e.at; }
    }
    return ledColorAt(pattern, atMs - since);
  }

  /** True when LED `name` was lit (in any color) at monotonic time `atMs` (default now). */
  isLit(name: string, atMs?: number): boolean {
    return this.colorAt(name, atMs) !== null;
  }

  /** The vibration pattern playing at `atMs` (default now), or null. */
  vibrationAt(atMs = this.clock.monotonic()): VibrationPattern | null {
    return this.playingAt('vibration', atMs, (p) => pulseTrainMs(p as VibrationPattern)) as VibrationPattern | null;
  }

  /** True when the vibrator motor ran at `atMs` (inside a pulse, not a gap). */
  isVibrating(atMs = this.clock.monotonic()): boolean {
    const e = this.lastEvent('vibration', atMs);
    if (!e?.pattern) return false;
    const p = e.pattern as VibrationPattern;
    const t = atMs - e.at;
    return t < pulseTrainMs(p) && t % (p.durationMs + p.gapMs) < p.durationMs;
  }

  /** The sound playing at `atMs` (default now), or null. */
  soundAt(atMs = this.clock.monotonic()): SoundPattern | null {
    return this.playingAt('sound', atMs, (p) => {
      const s = p as SoundPattern;
      return s.kind === 'voice' ? this.promptMs[s.prompt] ?? 0 : pulseTrainMs(s);
    }) as SoundPattern | null;
  }

  // --- internals ---

  private lastEvent(output: 'vibration' | 'sound', atMs: number): IndicatorEvent | undefined {
    let last: IndicatorEvent | undefined;
    for (const e of this.events) {
      if (e.at > atMs) break;
      if (e.output === output) last = e;
    }
    return last;
  }

  private playingAt(output: 'vibration' | 'sound', atMs: number, length: (p: object) => number): object | null {
    const e = this.lastEvent(output, atMs);
    if (!e?.pattern) return null;
    return atMs - e.at < length(e.pattern) ? structuredClone(e.pattern) : null;
  }

  private play<P>(pattern: P, ms: number, resolve: () => void, ended: () => void): Playing<P> {
    const since = this.clock.monotonic();
    const timer = this.clock.setTimeout(() => { ended(); resolve(); }, ms);
    return { pattern, since, endsAt: since + ms, timer, resolve };
  }

  /** End what is playing (its promise resolves); returns null for the caller to store. */
  private stop<P>(x: Playing<P> | null): null {
    if (x) {
      x.timer.cancel();
      x.resolve();
    }
    return null;
  }

  private checkOpen(): void {
    if (this.closed) throw new HalError('ECLOSED', `${this.name} is closed`);
  }

  private checkLed(name: string, p: LedPattern): void {
    const colors = Object.hasOwn(this.caps.leds, name) ? this.caps.leds[name] : undefined;
    if (!colors) throw new NotSupportedError(`LED ${JSON.stringify(name)} (LEDs: ${Object.keys(this.caps.leds).join(', ')})`, this.name);
    for (const c of colorsOf(p)) {
      if (!colors.includes(c)) throw new NotSupportedError(`color ${c} on LED ${name} (colors: ${colors.join(', ')})`, this.name);
    }
  }
}
