/**
 * An emulated radio: one device's radio on its World's radio medium (medium.ts), at the World's
 * position of that device. Frames reach other radios in range after a small virtual delay.
 */
import type { World } from '../world/world.js';
import type { VirtualClock } from '../clock/emulated.js';
import { HalError } from '../errors.js';
import { checkFrame, RadioListeners, type FrameListener, type Radio, type RadioStrength } from './contract.js';
import { radioMediumOf, type RadioMedium } from './medium.js';

export class EmulatedRadio implements Radio {
  readonly name: string;
  readonly medium: RadioMedium;
  private listeners = new RadioListeners();
  private detach: () => void;
  /** Frames this radio sent (tests, rigs). */
  sentFrames = 0;
  /** Frames this radio heard while open. */
  heardFrames = 0;

  /** `clock` is the device's clock (frames are stamped with its monotonic time). */
  constructor(world: World, readonly device: string, readonly clock: VirtualClock) {
    this.name = `emulated:${device} radio`;
    this.medium = radioMediumOf(world);
    this.detach = this.medium.attach({
      device,
      clock,
      receive: (bytes, rssiDbm) => {
        this.heardFrames++;
        this.listeners.deliver({ bytes, rssiDbm, atMs: clock.monotonic() });
      },
    });
  }

  async send(frame: Uint8Array, strength: RadioStrength): Promise<void> {
    checkFrame(this.name, frame, strength);
    if (this.listeners.closed) throw new HalError('ECLOSED', `${this.name}: send after close; expected an open radio`);
    this.sentFrames++;
    this.medium.transmit(this.device, frame, strength);
  }

  onFrame(listener: FrameListener): () => void { return this.listeners.onFrame(listener); }

  onClose(listener: (error: HalError | undefined) => void): () => void { return this.listeners.onClose(listener); }

  async close(): Promise<void> {
    this.detach();
    this.listeners.end(undefined);
  }
}
