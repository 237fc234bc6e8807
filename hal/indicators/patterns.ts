/**
 * Indicator patterns as data: constructors, checks that name what is wrong, and the pure timing
 * rules every driver shares (which color an LED pattern shows at a given time, when it next
 * moves on, how long a pulse train lasts).
 */
import {
  LED_COLORS, type LedColor, type LedPattern, type LedStep, type SoundPattern, type VibrationPattern,
} from './contract.js';

export const MAX_PATTERN_MS = 3_600_000;
export const MAX_PULSES = 100;

// --- constructors ---

export const off = (): LedPattern => ({ kind: 'off' });
export const steady = (color: LedColor): LedPattern => ({ kind: 'steady', color });
/** Lit `onMs`, dark `offMs` (default: as long as lit). */
export const flash = (color: LedColor, onMs = 500, offMs = onMs): LedPattern => ({ kind: 'flash', color, onMs, offMs });
export const sequence = (steps: LedStep[], repeat = true): LedPattern => ({ kind: 'sequence', steps, repeat });
export const pulses = (count: number, durationMs = 200, gapMs = 200): VibrationPattern => ({ count, durationMs, gapMs });
export const beeps = (count: number, options: { toneHz?: number; durationMs?: number; gapMs?: number } = {}): SoundPattern => ({
  kind: 'beeps', count, toneHz: options.toneHz ?? 2000, durationMs: options.durationMs ?? 150, gapMs: options.gapMs ?? 150,
});
export const voice = (prompt: string): SoundPattern => ({ kind: 'voice', prompt });

// --- checks (return a clean copy with only the known fields) ---

function checkMs(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_PATTERN_MS) {
    throw new RangeError(`${what}: expected a whole number of milliseconds 1-${MAX_PATTERN_MS}, got ${String(v)}`);
  }
  return v;
}

function checkCount(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_PULSES) {
    throw new RangeError(`${what}: expected a whole count 1-${MAX_PULSES}, got ${String(v)}`);
  }
  return v;
}

function checkColor(v: unknown, what: string): LedColor {
  if (!(LED_COLORS as readonly unknown[]).includes(v)) throw new TypeError(`${what}: expected a color (${LED_COLORS.join(', ')}), got ${JSON.stringify(v)}`);
  return v as LedColor;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function checkLedPattern(p: unknown, where: string): LedPattern {
  if (!isObject(p)) throw new TypeError(`${where}: expected an LED pattern object, got ${JSON.stringify(p)}`);
  switch (p.kind) {
    case 'off': return { kind: 'off' };
    case 'steady': return { kind: 'steady', color: checkColor(p.color, `${where} steady color`) };
    case 'flash': return {
      kind: 'flash',
      color: checkColor(p.color, `${where} flash color`),
      onMs: checkMs(p.onMs, `${where} flash onMs`),
      offMs: checkMs(p.offMs, `${where} flash offMs`),
    };
    case 'sequence': {
      if (!Array.isArray(p.steps) || p.steps.length === 0 || p.steps.length > 64) {
        throw new RangeError(`${where}: a sequence needs 1-64 steps, got ${Array.isArray(p.steps) ? p.steps.length : JSON.stringify(p.steps)}`);
      }
      const steps = p.steps.map((s: unknown, i: number) => {
        if (!isObject(s)) throw new TypeError(`${where} sequence step ${i}: expected { color, ms }, got ${JSON.stringify(s)}`);
        return { color: s.color === null ? null : checkColor(s.color, `${where} sequence step ${i} color`), ms: checkMs(s.ms, `${where} sequence step ${i} ms`) };
      });
      if (typeof p.repeat !== 'boolean') throw new TypeError(`${where}: sequence repeat must be true or false, got ${JSON.stringify(p.repeat)}`);
      return { kind: 'sequence', steps, repeat: p.repeat };
    }
    default:
      throw new TypeError(`${where}: expected pattern kind off, steady, flash or sequence, got ${JSON.stringify(p.kind)}`);
  }
}

export function checkVibration(p: unknown, where: string): VibrationPattern {
  if (!isObject(p)) throw new TypeError(`${where}: expected a vibration pattern { count, durationMs, gapMs }, got ${JSON.stringify(p)}`);
  return { count: checkCount(p.count, `${where} count`), durationMs: checkMs(p.durationMs, `${where} durationMs`), gapMs: checkMs(p.gapMs, `${where} gapMs`) };
}

export function checkSound(p: unknown, where: string): SoundPattern {
  if (!isObject(p)) throw new TypeError(`${where}: expected a sound pattern, got ${JSON.stringify(p)}`);
  if (p.kind === 'voice') {
    if (typeof p.prompt !== 'string' || p.prompt === '') throw new TypeError(`${where}: voice prompt must be a non-empty name, got ${JSON.stringify(p.prompt)}`);
    return { kind: 'voice', prompt: p.prompt };
  }
  if (p.kind !== 'beeps') throw new TypeError(`${where}: expected sound kind beeps or voice, got ${JSON.stringify(p.kind)}`);
  if (typeof p.toneHz !== 'number' || !(p.toneHz >= 20 && p.toneHz <= 20_000)) {
    throw new RangeError(`${where} toneHz: expected a frequency 20-20000 Hz, got ${String(p.toneHz)}`);
  }
  return {
    kind: 'beeps', count: checkCount(p.count, `${where} count`), toneHz: p.toneHz,
    durationMs: checkMs(p.durationMs, `${where} durationMs`), gapMs: checkMs(p.gapMs, `${where} gapMs`),
  };
}

// --- timing ---

/** Colors a pattern lights. */
export function colorsOf(p: LedPattern): LedColor[] {
  switch (p.kind) {
    case 'off': return [];
    case 'steady': case 'flash': return [p.color];
    case 'sequence': return [...new Set(p.steps.flatMap((s) => (s.color ? [s.color] : [])))];
  }
}

/** The color pattern `p` shows `elapsedMs` after it was set, or null when dark. */
export function ledColorAt(p: LedPattern, elapsedMs: number): LedColor | null {
  switch (p.kind) {
    case 'off': return null;
    case 'steady': return p.color;
    case 'flash': return elapsedMs % (p.onMs + p.offMs) < p.onMs ? p.color : null;
    case 'sequence': {
      const total = p.steps.reduce((a, s) => a + s.ms, 0);
      if (!p.repeat && elapsedMs >= total) return p.steps.at(-1)!.color;
      let t = p.repeat ? elapsedMs % total : elapsedMs;
      for (const s of p.steps) {
        if (t < s.ms) return s.color;
        t -= s.ms;
      }
      return p.steps.at(-1)!.color;
    }
  }
}

/** The next elapsed time (> elapsedMs) at which `p` moves to another step, or undefined if never. */
export function nextLedStep(p: LedPattern, elapsedMs: number): number | undefined {
  switch (p.kind) {
    case 'off': case 'steady': return undefined;
    case 'flash': {
      const period = p.onMs + p.offMs;
      const start = Math.floor(elapsedMs / period) * period;
      return elapsedMs - start < p.onMs ? start + p.onMs : start + period;
    }
    case 'sequence': {
      const total = p.steps.reduce((a, s) => a + s.ms, 0);
      const bounds: number[] = [];
      let acc = 0;
      for (const s of p.steps.slice(0, -1)) bounds.push((acc += s.ms));
      if (!p.repeat) return bounds.find((b) => b > elapsedMs);
      const cycle = Math.floor(elapsedMs / total) * total;
      const b = bounds.find((x) => x > elapsedMs - cycle);
      return cycle + (b ?? total);
    }
  }
}

/** How long a pulse train (vibration, beeps) lasts: from the first pulse's start to the last one's end. */
export function pulseTrainMs(p: { count: number; durationMs: number; gapMs: number }): number {
  return p.count * p.durationMs + (p.count - 1) * p.gapMs;
}

export function samePattern(a: LedPattern, b: LedPattern): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
