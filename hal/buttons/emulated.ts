/**
 * Emulated buttons: the Buttons contract for firmware, and a control surface for tests, rigs and
 * the simulator that presses real-feeling buttons in the device's (virtual) time: press, release,
 * tap, double press, chords, and a device that goes away. Events arrive on the next tick.
 */
import type { Clock } from '../clock/contract.js';
import { DeviceGoneError, type HalError } from '../errors.js';
import { ButtonEdges } from './button-edges.js';
import type { ButtonEvent, ButtonName, Buttons } from './contract.js';

export interface EmulatedButtonsOptions {
  /** The device's clock; event times and tap/double-press timing use it. */
  clock: Clock;
  /** Used in the name, e.g. the device id `cam1`. */
  name?: string;
  /** The buttons the device has. Default record, power, function. */
  buttons?: readonly string[];
}

export interface DoublePressOptions {
  /** How long each press is held, ms. Default 80. */
  holdMs?: number;
  /** Time between the first release and the second press, ms. Default 150. */
  gapMs?: number;
}

export const DEFAULT_TAP_MS = 100;

export class EmulatedButtons implements Buttons {
  readonly name: string;
  readonly buttons: readonly string[];
  private readonly clock: Clock;
  private readonly edges = new ButtonEdges();
  /** Buttons physically down now (events for them may still be on their way). */
  private down = new Set<string>();
  private present = true;

  constructor(options: EmulatedButtonsOptions) {
    if (!options?.clock) throw new TypeError('EmulatedButtons: options.clock must be the device Clock');
    this.clock = options.clock;
    this.name = `emulated:${options.name ?? 'device'} buttons`;
    const buttons = options.buttons ?? ['record', 'power', 'function'];
    if (!Array.isArray(buttons) || buttons.length === 0 || !buttons.every((b) => typeof b === 'string' && b.length > 0)) {
      throw new TypeError(`EmulatedButtons: buttons must be a non-empty array of button names, got ${JSON.stringify(buttons)}`);
    }
    this.buttons = [...new Set(buttons)].sort();
  }

  onButton(listener: (event: ButtonEvent) => void): () => void { return this.edges.onButton(listener); }
  onClose(listener: (error: HalError | undefined) => void): () => void { return this.edges.onClose(listener); }
  isPressed(button: string): boolean { return this.edges.isPressed(button); }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => process.nextTick(resolve));
    this.edges.end(undefined, this.clock.monotonic());
  }

  // --- control surface (tests, HIL rigs, simulator) ---

  /** Push `button` (or several at once, a chord) down now. Throws if one is already down. */
  press(button: ButtonName | readonly ButtonName[]): void {
    const list = this.check(button, 'press');
    for (const b of list) {
      if (this.down.has(b)) throw new Error(`press: ${b} is already down on ${this.name}; release it first`);
    }
    for (const b of list) this.edge(b, 'press');
  }

  /** Let `button` (or several) go now. Throws if one is not down. */
  release(button: ButtonName | readonly ButtonName[]): void {
    const list = this.check(button, 'release');
    for (const b of list) {
      if (!this.down.has(b)) throw new Error(`release: ${b} is not down on ${this.name}; press it first`);
    }
    for (const b of list) this.edge(b, 'release');
  }

  /**
   * Press, hold for `holdMs` of device time, release. Resolves once the release was delivered.
   * With a virtual clock the hold passes only as the timeline advances.
   */
  async tap(button: ButtonName | readonly ButtonName[], holdMs = DEFAULT_TAP_MS): Promise<void> {
    this.checkMs(holdMs, 'tap: holdMs');
    this.press(button);
    await this.clock.sleep(holdMs);
    this.release(button);
    await new Promise<void>((resolve) => process.nextTick(resolve));
  }

  /** Two taps `gapMs` apart (the manual's double press; a chord when given several buttons). */
  async doublePress(button: ButtonName | readonly ButtonName[], options: DoublePressOptions = {}): Promise<void> {
    const holdMs = options.holdMs ?? 80, gapMs = options.gapMs ?? 150;
    this.checkMs(holdMs, 'doublePress: holdMs');
    this.checkMs(gapMs, 'doublePress: gapMs');
    await this.tap(button, holdMs);
    await this.clock.sleep(gapMs);
    await this.tap(button, holdMs);
  }

  /** Buttons physically down now. */
  get held(): string[] {
    return [...this.down].sort();
  }

  /** The device goes away (a cable to a cube sensor pulled): held buttons release, then DeviceGoneError. */
  disconnect(): void {
    if (!this.present) return;
    this.present = false;
    this.down.clear();
    const at = this.clock.monotonic();
    process.nextTick(() => this.edges.end(new DeviceGoneError('button input device', this.name), at));
  }

  private edge(button: string, action: 'press' | 'release'): void {
    if (action === 'press') this.down.add(button); else this.down.delete(button);
    if (!this.present) return;
    const at = this.clock.monotonic();
    process.nextTick(() => this.edges.edge(button, action, at));
  }

  private check(button: ButtonName | readonly ButtonName[], op: string): string[] {
    const list = typeof button === 'string' ? [button] : [...button];
    if (list.length === 0) throw new TypeError(`${op}: expected a button name or a non-empty list of them`);
    for (const b of list) {
      if (!this.buttons.includes(b)) throw new RangeError(`${op}: ${this.name} has no button ${JSON.stringify(b)}; expected one of ${this.buttons.join(', ')}`);
    }
    if (new Set(list).size !== list.length) throw new TypeError(`${op}: a button is named twice in ${JSON.stringify(list)}`);
    return list;
  }

  private checkMs(ms: number, what: string): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} must be a finite number of milliseconds >= 0, got ${ms}`);
  }
}
