/**
 * Every debounce and gesture timing of the camera's buttons, in one place, each with where it
 * comes from. The gesture recognizer (gestures.ts) takes these; tests and rigs may pass others.
 */

export interface GestureTimings {
  /**
   * A button state must hold this long (ms) before it counts: a press shorter than this, or a
   * release followed by a press within it, is contact bounce and is ignored.
   */
  readonly debounceMs: number;
  /** A second press starting less than this (ms) after the first release makes a double press. */
  readonly doublePressWindowMs: number;
  /** A button held at least this long (ms) is a hold (long press), reported while still held. */
  readonly holdMs: number;
  /** Two buttons whose presses start at most this far apart (ms), overlapping, are pressed together. */
  readonly chordWindowMs: number;
  /** After the evaluation-mode check, a double press whose second press starts less than this (ms) later resets. */
  readonly resetWindowMs: number;
}

/**
 * Reasoned choice: linux gpio-keys already debounces 5 ms in the kernel (hal/buttons/contract.ts);
 * tact switches bounce for up to ~10-20 ms, so 25 ms covers what is left while staying far below a
 * deliberate tap (~80-150 ms). Only a press or a double press waits for it (release + 25 ms).
 */
export const DEBOUNCE_MS = 25;

/**
 * Reasoned choice: the manual ("Recording button" activation: "Double press – Starts to record
 * when the user presses the button twice") gives no number. 400 ms is the usual double-click
 * window (Windows defaults to 500 ms; ~300-400 ms suits gloved thumbs without making a lone press
 * wait long). With double-press activation a lone press is known only when it expires.
 */
export const DOUBLE_PRESS_WINDOW_MS = 400;

/**
 * Reasoned choice for the power button's on/off: the manual says "Press and hold the power button"
 * (system controller) without a time. 2 s is long enough that a knock or a brushed button does
 * not switch a recording camera off, short enough to be a deliberate act. Also used for a held
 * recording button.
 */
export const HOLD_MS = 2000;

/**
 * Reasoned choice for "Double-press both the function and recording buttons simultaneously"
 * (manual, Evaluation mode): people pressing two buttons "together" land within ~50 ms of each
 * other; 100 ms tolerates a sloppy thumb yet is shorter than a normal tap (100 ms, hal emulator).
 */
export const CHORD_WINDOW_MS = 100;

/**
 * Manual, Evaluation mode: "Within 7 seconds, double-press the recording button to reset the
 * camera" (W102/W110/W120: "double-press the power button again"). Counted from the moment the
 * check is recognised (when all LEDs start flashing amber) to the second press of the reset.
 */
export const RESET_WINDOW_MS = 7000;

/** The camera's timings: the constants above. */
export const DEFAULT_TIMINGS: GestureTimings = Object.freeze({
  debounceMs: DEBOUNCE_MS,
  doublePressWindowMs: DOUBLE_PRESS_WINDOW_MS,
  holdMs: HOLD_MS,
  chordWindowMs: CHORD_WINDOW_MS,
  resetWindowMs: RESET_WINDOW_MS,
});

/**
 * Checks a set of timings: every value a finite number of ms, debounce >= 0 and shorter than the
 * double-press window and the hold (so a press is known before either ends). Throws RangeError
 * naming the bad field and what was expected.
 */
export function checkTimings(t: GestureTimings): GestureTimings {
  const fields = ['debounceMs', 'doublePressWindowMs', 'holdMs', 'chordWindowMs', 'resetWindowMs'] as const;
  for (const f of fields) {
    const v = t[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`gesture timings: ${f} must be a finite number of ms >= 0, got ${String(v)}`);
    }
  }
  if (t.debounceMs >= t.doublePressWindowMs) {
    throw new RangeError(`gesture timings: debounceMs (${t.debounceMs}) must be shorter than doublePressWindowMs (${t.doublePressWindowMs})`);
  }
  if (t.debounceMs >= t.holdMs) {
    throw new RangeError(`gesture timings: debounceMs (${t.debounceMs}) must be shorter than holdMs (${t.holdMs})`);
  }
  return t;
}
