/**
 * An emulated AXIS W401 Body Worn Activation Kit: a device at a position that broadcasts a
 * message (type 3, privacy zone, as the manual sets it up) every 3 s with the system's wireless
 * broadcast key, as its "Pulse" schedule and "Broadcast signal" rule would.
 */
import type { World, Position } from '../world/world.js';
import type { Timer } from '../clock/contract.js';
import type { VirtualClock } from '../clock/emulated.js';
import { BROADCAST_PRIVACY_ZONE, broadcastCryptoReady, sealBroadcast } from '../../protocols/broadcast.js';
import { EmulatedRadio } from './emulated.js';

/** The manual's example schedule: a pulse every 3 seconds. */
export const ACTIVATION_KIT_PERIOD_MS = 3_000;

/**
 * Plain config Wireless > Range (0..30) to metres of reach: Range N reaches N metres in free
 * field (walls shorten it, as the manual warns), Range 0 only touching distance (1 m). The kit
 * always sends at 'low' strength limited to that reach.
 */
export const activationKitRangeMetres = (range: number): number => Math.max(1, range);

export interface ActivationKitOptions {
  /** The kit's serial number (its frames' sender). */
  serial: string;
  systemId: string;
  /** The system's 32-byte wireless broadcast key, as pasted into the kit. */
  key: Uint8Array;
  position: Position;
  /** Wireless > Range, 0..30. Default 30. */
  range?: number;
  /** Rule's Message type. Default 3 (privacy zone). */
  messageType?: number;
  /** Schedule recurrence. Default 3000 ms. */
  periodMs?: number;
}

export class ActivationKit {
  readonly radio: EmulatedRadio;
  private timer: Timer | undefined;
  private counter: number;
  private readonly clock: VirtualClock;
  /** Pulses sent. */
  pulses = 0;

  /** Await broadcastCryptoReady() before start(). */
  constructor(private readonly world: World, private readonly options: ActivationKitOptions) {
    this.clock = world.timeline.clock();
    world.setPosition(options.serial, options.position);
    this.radio = new EmulatedRadio(world, options.serial, this.clock);
    this.setRange(options.range ?? 30);
    this.counter = Math.max(1, Math.floor(this.clock.now() * 1000));
  }

  /** Wireless > Range, 0..30. */
  setRange(range: number): void {
    if (!Number.isInteger(range) || range < 0 || range > 30) throw new RangeError(`activation kit ${this.options.serial}: Range must be an integer 0..30, got ${range}`);
    this.radio.medium.setTransmitRange(this.options.serial, activationKitRangeMetres(range));
  }

  move(position: Position): void {
    this.world.setPosition(this.options.serial, position);
  }

  /** Start pulsing (first pulse at once). Idempotent. */
  async start(): Promise<void> {
    await broadcastCryptoReady();
    if (this.timer) return;
    this.pulse();
    this.timer = this.clock.setInterval(() => this.pulse(), this.options.periodMs ?? ACTIVATION_KIT_PERIOD_MS);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await this.radio.close();
  }

  private pulse(): void {
    const frame = sealBroadcast({
      systemId: this.options.systemId, senderSerial: this.options.serial,
      messageType: this.options.messageType ?? BROADCAST_PRIVACY_ZONE,
      counter: this.counter++, timeMs: Math.floor(this.clock.now()),
    }, this.options.key);
    this.pulses++;
    void this.radio.send(frame, 'low').catch(() => {});
  }
}
