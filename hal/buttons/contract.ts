/**
 * Buttons: press and release events of a device's physical buttons (record, power, function),
 * as raw edges with hardware timestamps. Gestures (single, double, long press) are firmware's.
 */
import type { HalError } from '../errors.js';

/** The buttons the manual names; boards may add their own (a mini cube sensor's record button). */
export type ButtonName = 'record' | 'power' | 'function' | (string & {});

export type ButtonAction = 'press' | 'release';

export interface ButtonEvent {
  button: ButtonName;
  action: ButtonAction;
  /**
   * When the hardware saw the edge, in ms on the device Clock's monotonic scale. Drivers take the
   * hardware's (kernel's) time of the edge and map it onto that scale, so the time between a
   * press and its release is the time the button was really held, even when events are read
   * late in a batch. Never later than `clock.monotonic()` when delivered; never earlier than the
   * event before it.
   */
  at: number;
}

/**
 * A device's buttons. Every driver keeps these rules:
 * - Events are delivered in the order the hardware saw them, asynchronously (never inside the
 *   call that caused them), to every listener present at delivery, in the order listeners were
 *   added. Events with no listener are dropped.
 * - Per button, presses and releases alternate, starting with a press: a release always follows
 *   its press. A release with no press (a button held when the driver started) and a second
 *   press with no release in between are dropped. Autorepeat is not an event.
 * - Debouncing is not the driver's job. Linux gpio-keys debounces in the kernel
 *   (`debounce-interval`, 5 ms by default) and the gesture logic above filters what is left with
 *   its own timing, which it needs anyway to tell a double press from two presses; a driver
 *   that debounced again would add latency and hide what the hardware did.
 * - When the device goes away, every button still held gets a release (at the time the driver
 *   noticed), then the buttons end with a DeviceGoneError. Gesture logic never waits for a
 *   release that cannot come.
 * - After close() no event is delivered and no release is made up.
 */
export interface Buttons {
  /** Human-readable name for messages (an evdev path, `emulated:cam1 buttons`). */
  readonly name: string;
  /** The buttons this device can report, sorted. */
  readonly buttons: readonly string[];
  /**
   * Call `listener` with every event from now on. Returns a function that removes it. A listener
   * that throws is a firmware bug: the error propagates like an EventEmitter listener's.
   */
  onButton(listener: (event: ButtonEvent) => void): () => void;
  /** Whether `button` is held, as far as the events delivered so far say. */
  isPressed(button: string): boolean;
  /**
   * Call `listener` once when the buttons end: `undefined` after close(), the DeviceGoneError
   * naming the device when it went away. A listener added after the end is called on the next
   * tick. Returns a function that removes it.
   */
  onClose(listener: (error: HalError | undefined) => void): () => void;
  /** Stop delivering events and release the device. Idempotent. */
  close(): Promise<void>;
}
