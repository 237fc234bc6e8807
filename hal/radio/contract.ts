/**
 * Radio: short-range broadcast frames between nearby devices (cameras, activation kits) of a body
 * worn system, for wireless broadcast and privacy zones. Connectionless and lossy by nature.
 */
import type { HalError } from '../errors.js';

/** The profile's "Signal strength": how far a frame reaches (emulated: 100 / 75 / 35 m). */
export type RadioStrength = 'high' | 'medium' | 'low';
export const RADIO_STRENGTHS: readonly RadioStrength[] = ['high', 'medium', 'low'];

/** Largest frame any radio driver carries; a broadcast frame (protocols/broadcast.ts) fits well within it. */
export const MAX_RADIO_FRAME_BYTES = 256;

/** One frame heard from another device. */
export interface RadioFrame {
  bytes: Uint8Array;
  /** Received signal strength in dBm, when the driver knows it (the emulated medium does; UDP does not). */
  rssiDbm?: number;
  /** Monotonic time (ms, the receiving device's Clock) when the frame arrived. */
  atMs: number;
}

export type FrameListener = (frame: RadioFrame) => void;

export interface Radio {
  /** Human-readable name for messages (`udp radio dock0`, `emulated:cam1 radio`). */
  readonly name: string;
  /**
   * Broadcast one frame (1 .. MAX_RADIO_FRAME_BYTES bytes) at `strength` to every device in range.
   * Resolves once handed to the medium; delivery is never guaranteed. Rejects with RangeError for
   * an empty or over-long frame or an unknown strength, HalError `ECLOSED` after close(). A radio
   * never hears its own frames.
   */
  send(frame: Uint8Array, strength: RadioStrength): Promise<void>;
  /**
   * Subscribe to frames from other devices. Listeners run synchronously, never inside send(), and
   * must not throw. Frames that arrive while no listener is subscribed are dropped. Returns an
   * unsubscribe function.
   */
  onFrame(listener: FrameListener): () => void;
  /**
   * Call `listener` once when the radio ends: `undefined` after close(), a HalError when the
   * device or interface went away. Returns an unsubscribe function.
   */
  onClose(listener: (error: HalError | undefined) => void): () => void;
  /** Stop sending and receiving. Idempotent. */
  close(): Promise<void>;
}

/** Checks send()'s arguments as every driver must; throws RangeError naming the radio. */
export function checkFrame(name: string, frame: Uint8Array, strength: RadioStrength): void {
  if (!(frame instanceof Uint8Array) || frame.length < 1 || frame.length > MAX_RADIO_FRAME_BYTES) {
    throw new RangeError(`${name}: frame must be 1..${MAX_RADIO_FRAME_BYTES} bytes, got ${frame instanceof Uint8Array ? frame.length : typeof frame}`);
  }
  if (!RADIO_STRENGTHS.includes(strength)) {
    throw new RangeError(`${name}: strength must be one of ${RADIO_STRENGTHS.join(', ')}, got ${String(strength)}`);
  }
}

/** Listener sets with the contract's once-only close, shared by the drivers. */
export class RadioListeners {
  private frames = new Set<FrameListener>();
  private closes = new Set<(error: HalError | undefined) => void>();
  private ended: { error: HalError | undefined } | undefined;

  get closed(): boolean { return this.ended !== undefined; }

  onFrame(listener: FrameListener): () => void {
    this.frames.add(listener);
    return () => { this.frames.delete(listener); };
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    if (this.ended) {
      const { error } = this.ended;
      queueMicrotask(() => listener(error));
      return () => {};
    }
    this.closes.add(listener);
    return () => { this.closes.delete(listener); };
  }

  deliver(frame: RadioFrame): void {
    if (this.ended) return;
    for (const l of [...this.frames]) l(frame);
  }

  /** Ends once; later calls are ignored. */
  end(error: HalError | undefined): void {
    if (this.ended) return;
    this.ended = { error };
    const ls = [...this.closes];
    this.closes.clear();
    this.frames.clear();
    for (const l of ls) l(error);
  }
}
