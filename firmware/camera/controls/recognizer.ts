/**
 * GestureRecognizer: runs the pure gesture machine (gestures.ts) on a device: feeds it the edges of
 * one or more Buttons drivers, wakes it with Clock timers, and hands each gesture to listeners.
 */
import type { ButtonEvent, Buttons } from '../../../hal/buttons/contract.js';
import type { Clock, Timer } from '../../../hal/clock/contract.js';
import {
  initialGestureState, recognize,
  type Gesture, type GestureInput, type GestureSettings, type GestureSource, type GestureState,
} from './gestures.js';
import { DEFAULT_TIMINGS, type GestureTimings } from './timings.js';

/** Which gesture source each of a driver's button names feeds; names not listed are ignored. */
export type ButtonSources = Readonly<Record<string, GestureSource>>;
/** The camera's own buttons. */
export const CAMERA_BUTTONS: ButtonSources = Object.freeze({ record: 'record', power: 'power', function: 'function' });
/** A mini cube sensor's buttons (its driver names its one button `record`). */
export const CUBE_BUTTONS: ButtonSources = Object.freeze({ record: 'cube-record' });

export interface GestureRecognizerOptions {
  clock: Clock;
  settings?: Partial<GestureSettings>;
  timings?: GestureTimings;
}

export class GestureRecognizer {
  private machine: GestureState;
  private readonly clock: Clock;
  private timer: Timer | undefined;
  private listeners: ((g: Gesture) => void)[] = [];
  private detach: (() => void)[] = [];
  private closed = false;

  constructor(options: GestureRecognizerOptions) {
    if (!options?.clock) throw new TypeError('GestureRecognizer: options.clock must be the device Clock');
    this.clock = options.clock;
    this.machine = initialGestureState(options.settings, options.timings ?? DEFAULT_TIMINGS, this.clock.monotonic());
  }

  /** The machine's state now (plain data, for logs and tests). */
  get state(): GestureState { return this.machine; }

  /** Call `listener` with every gesture from now on, in order. Returns a function that removes it. */
  onGesture(listener: (g: Gesture) => void): () => void {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  /**
   * Feed every event of `buttons` in, mapping its button names through `sources` (the camera's
   * own by default; CUBE_BUTTONS for a mini cube sensor). Returns a function that stops it.
   */
  attach(buttons: Buttons, sources: ButtonSources = CAMERA_BUTTONS): () => void {
    const off = buttons.onButton((e: ButtonEvent) => {
      const source = Object.hasOwn(sources, e.button) ? sources[e.button] : undefined;
      if (source) this.feed({ kind: 'button', source, action: e.action, at: e.at });
    });
    this.detach.push(off);
    return off;
  }

  /** Change settings (profile activation, cube connected, ...) from now on. */
  configure(settings: Partial<GestureSettings>): void {
    this.feed({ kind: 'configure', settings, at: this.clock.monotonic() });
  }

  /** Feed one input (a cube's record edges from the accessory link, for instance). */
  feed(input: GestureInput): void {
    if (this.closed) return;
    const step = recognize(this.machine, input);
    this.machine = step.state;
    const due = step.timers.reduce((m, t) => Math.min(m, t.due), Infinity);
    if (this.timer?.due !== due) {
      this.timer?.cancel();
      this.timer = undefined;
      if (due !== Infinity) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = undefined;
          this.feed({ kind: 'tick', at: this.clock.monotonic() });
        }, Math.max(0, due - this.clock.monotonic()));
      }
    }
    for (const g of step.gestures) for (const l of [...this.listeners]) l(g);
  }

  /** Stop listening to buttons and cancel the timer; no gesture is reported afterwards. Idempotent. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const off of this.detach.splice(0)) off();
  }
}
