/**
 * HolsterLink: the camera's short-range link to its Yardarm holster sensors (Bluetooth LE on real
 * hardware). It connects to paired sensors in range, pairs with new ones, and reports unholstering.
 *
 * Real driver: NOT BUILT. On the camera it would be BlueZ over D-Bus (org.bluez Adapter1/Device1,
 * a GATT notify characteristic for the holster switch). This machine has no Bluetooth controller
 * and no BlueZ stack (no bluetoothd, no hci device), so such a driver could not be run or tested
 * here; only the emulated link (emulated.ts) exists. Every driver keeps the behaviour stated here.
 */
import type { HalError } from '../errors.js';

/**
 * What a link reports about one sensor:
 *  - `connected` / `disconnected`: a paired sensor came into / went out of the link (range, power);
 *  - `unholstered` / `holstered`: the connected sensor's switch changed;
 *  - `pairing-started`: a sensor the link was asked to pair with was found in pairing mode and the
 *    exchange began (the manual's white icon / yellow LED moment; added to the brief's list because
 *    the camera must show it);
 *  - `paired` (then `connected` follows) / `pairing-failed` (with `reason`).
 */
export type HolsterEventKind = 'connected' | 'disconnected' | 'unholstered' | 'holstered' | 'pairing-started' | 'paired' | 'pairing-failed';

export interface HolsterEvent {
  /** The sensor's 6-character serial (normalised, upper case). */
  serial: string;
  kind: HolsterEventKind;
  /** Why, for `pairing-failed` and `disconnected`. */
  reason?: string;
}

/** Listeners run synchronously; they must not throw. */
export type HolsterListener = (event: HolsterEvent) => void;

/** What to look for: sensors to connect to (already paired) and sensors to pair with. */
export interface HolsterTargets {
  connect: readonly string[];
  pair: readonly string[];
}

export interface HolsterLink {
  /** Human-readable name for messages (`emulated:cam1 holster link`). */
  readonly name: string;
  /** True between listen() and stop() / close(). */
  readonly listening: boolean;
  /**
   * Look for `targets` (replacing any earlier targets): connect to each `connect` sensor whenever
   * it is powered and in range, and pair with each `pair` sensor found in pairing mode. Serials
   * must be normalised (see serial.ts). Rejects HalError `ECLOSED` after close().
   */
  listen(targets: HolsterTargets): Promise<void>;
  /** Stop looking (at once, before the promise settles); connections made stay up until stop() or the sensor goes. Idempotent. */
  stopScanning(): Promise<void>;
  /** Drop every connection and stop looking, at once (a listen() right after is not undone). Idempotent. */
  stop(): Promise<void>;
  /** Serials connected now. */
  connected(): readonly string[];
  /** Subscribe to events; returns a function that unsubscribes. */
  onEvent(listener: HolsterListener): () => void;
  /** Call `listener` once when the link ends: `undefined` after close(), the error when the radio went away. */
  onClose(listener: (error: HalError | undefined) => void): () => void;
  /** Release the radio. Idempotent. */
  close(): Promise<void>;
}
