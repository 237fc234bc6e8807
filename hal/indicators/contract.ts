/**
 * Indicators: the camera's (and controller's) feedback outputs as patterns, not bit-banging:
 * LEDs showing off/steady/flash/sequence patterns, vibration pulses, beeps and voice prompts.
 * Patterns are data (see patterns.ts for constructors, checks and "what shows at time t").
 */

export const LED_COLORS = ['red', 'green', 'blue', 'amber', 'white'] as const;
export type LedColor = (typeof LED_COLORS)[number];

/** One step of a sequence: a color (null: dark) shown for `ms`. */
export interface LedStep {
  color: LedColor | null;
  ms: number;
}

/**
 * What one LED shows. Durations are whole milliseconds, 1 ms to 1 hour.
 * - `off`: dark.
 * - `steady`: lit in `color`.
 * - `flash`: lit `onMs`, dark `offMs`, repeating, starting lit when set.
 * - `sequence`: the steps in order, starting when set; with `repeat` it starts over after the
 *   last step, without it the LED keeps showing the last step.
 */
export type LedPattern =
  | { kind: 'off' }
  | { kind: 'steady'; color: LedColor }
  | { kind: 'flash'; color: LedColor; onMs: number; offMs: number }
  | { kind: 'sequence'; steps: LedStep[]; repeat: boolean };

/** `count` pulses of `durationMs` each, `gapMs` apart (count 1-100). */
export interface VibrationPattern {
  count: number;
  durationMs: number;
  gapMs: number;
}

/**
 * - `beeps`: `count` beeps of a `toneHz` tone (20-20000 Hz), `durationMs` each, `gapMs` apart.
 * - `voice`: a recorded prompt by name (see capabilities().voicePrompts).
 */
export type SoundPattern =
  | { kind: 'beeps'; count: number; toneHz: number; durationMs: number; gapMs: number }
  | { kind: 'voice'; prompt: string };

/** What this hardware has. Data read from the hardware or board config, never guessed. */
export interface IndicatorCapabilities {
  /** Each LED by name with the colors it can show (mixed colors included, e.g. amber from red+green). */
  leds: Record<string, LedColor[]>;
  vibration: boolean;
  /** Beeps (tones) can be played. */
  sound: boolean;
  /** Names of voice prompts that can be played; empty when there is no voice. */
  voicePrompts: string[];
}

export interface IndicatorState {
  /** The pattern of every LED; `off` for one never set. */
  leds: Record<string, LedPattern>;
  /** The vibration pattern playing now, or null. */
  vibration: VibrationPattern | null;
  /** The sound playing now, or null. */
  sound: SoundPattern | null;
}

export interface Indicators {
  /** Human-readable name for messages (`linux-leds:/sys/class/leds`, `emulated:cam1`). */
  readonly name: string;
  /** What this hardware has. Constant for the driver's life. */
  capabilities(): IndicatorCapabilities;
  /**
   * Show `pattern` on LED `name`, replacing whatever it showed (only the colors of the new
   * pattern are lit). A flash or sequence keeps running with no further calls until replaced.
   * Setting the pattern an LED already shows is a no-op: a flash keeps its phase. Resolves when
   * the hardware shows it. Rejects with NotSupportedError for an LED or color the hardware lacks
   * (see capabilities()), TypeError/RangeError for a malformed pattern (nothing changes then).
   */
  setLed(name: string, pattern: LedPattern): Promise<void>;
  /**
   * Play a vibration pattern, replacing (stopping) one that is playing; null stops vibrating.
   * Resolves when the pattern ends: played out, replaced, or stopped. Rejects with
   * NotSupportedError ("vibrate is not supported by <driver>") when there is no vibrator.
   */
  vibrate(pattern: VibrationPattern | null): Promise<void>;
  /**
   * Play beeps or a voice prompt, replacing (stopping) a sound that is playing; null stops.
   * Resolves when the sound ends: played out, replaced, or stopped. Rejects with
   * NotSupportedError when the hardware cannot play it (no sound, or no such prompt).
   */
  sound(pattern: SoundPattern | null): Promise<void>;
  /** What every output is showing or playing, as asked by the calls made so far (in call order). */
  state(): IndicatorState;
  /**
   * Stop what the driver runs itself (sequence steps, vibration, sound) and release the hardware.
   * LEDs keep what they show at that instant (a flash driven by the hardware keeps flashing).
   * Idempotent; every other call rejects with HalError ECLOSED afterwards.
   */
  close(): Promise<void>;
}
