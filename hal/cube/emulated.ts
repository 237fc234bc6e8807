/**
 * Emulated mini cube connector: the MiniCube contract for firmware, and a control surface for tests,
 * the HIL rig and the simulator: plug a cube in, pull it out, press its button, see its indicator.
 */
import type { Clock } from '../clock/contract.js';
import { EmulatedButtons } from '../buttons/emulated.js';
import { EmulatedIndicators } from '../indicators/emulated.js';
import { CUBE_FRONT_LED, CUBE_RECORD_BUTTON, type CubeConnection, type MiniCube } from './contract.js';

export interface EmulatedCubeConnection extends CubeConnection {
  readonly buttons: EmulatedButtons;
  readonly indicators: EmulatedIndicators;
}

export interface EmulatedMiniCubeOptions {
  clock: Clock;
  /** Device id, for messages (`cam1`). */
  name?: string;
}

export class EmulatedMiniCube implements MiniCube {
  readonly name: string;
  private readonly clock: Clock;
  private readonly device: string;
  private plugged: EmulatedCubeConnection | undefined;
  private delivered: EmulatedCubeConnection | undefined;
  private listeners: ((c: CubeConnection | undefined) => void)[] = [];
  private closed = false;

  constructor(options: EmulatedMiniCubeOptions) {
    if (!options?.clock) throw new TypeError('EmulatedMiniCube: options.clock must be the device Clock');
    this.clock = options.clock;
    this.device = options.name ?? 'device';
    this.name = `emulated:${this.device} mini cube`;
  }

  get current(): CubeConnection | undefined { return this.delivered; }

  onChange(listener: (connection: CubeConnection | undefined) => void): () => void {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners = [];
    const c = this.plugged;
    this.plugged = undefined;
    this.delivered = undefined;
    if (c) await this.unplug(c);
  }

  // --- control surface (tests, HIL rig, simulator) ---

  /** The cube plugged in now (its button and indicator emulators), or undefined. */
  get connection(): EmulatedCubeConnection | undefined { return this.plugged; }

  /** Plug a cube in. Throws when one is already connected or the connector is closed. */
  connect(): EmulatedCubeConnection {
    if (this.closed) throw new Error(`connect: ${this.name} is closed`);
    if (this.plugged) throw new Error(`connect: a mini cube is already connected to ${this.name}; disconnect it first`);
    const c: EmulatedCubeConnection = {
      buttons: new EmulatedButtons({ clock: this.clock, name: `${this.device} cube`, buttons: [CUBE_RECORD_BUTTON] }),
      indicators: new EmulatedIndicators({ clock: this.clock, device: `${this.device} cube`, leds: { [CUBE_FRONT_LED]: ['red'] }, vibration: false, sound: false }),
    };
    this.plugged = c;
    this.deliver(c);
    return c;
  }

  /** Pull the cube out: its held button releases and its buttons end (DeviceGoneError), then the change is reported. */
  disconnect(): void {
    const c = this.plugged;
    if (!c) throw new Error(`disconnect: no mini cube is connected to ${this.name}`);
    this.plugged = undefined;
    c.buttons.disconnect();
    // The buttons' end is delivered on the next tick; the change after it.
    setImmediate(() => {
      void c.indicators.close();
      this.deliver(undefined);
    });
  }

  /** Press the cube's button for `holdMs` (default 100 ms) of device time. */
  async tap(holdMs?: number): Promise<void> {
    const c = this.plugged;
    if (!c) throw new Error(`tap: no mini cube is connected to ${this.name}; connect one first`);
    await c.buttons.tap(CUBE_RECORD_BUTTON, holdMs);
  }

  private deliver(c: EmulatedCubeConnection | undefined): void {
    const send = () => {
      if (this.closed) return;
      this.delivered = c;
      for (const l of [...this.listeners]) l(c);
    };
    if (c) process.nextTick(send); else send();
  }

  private async unplug(c: EmulatedCubeConnection): Promise<void> {
    c.buttons.disconnect();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await c.indicators.close();
  }
}
