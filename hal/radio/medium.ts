/**
 * The emulated radio medium of one World: radios at the World's positions hear each other's
 * frames within range, with an RSSI from a log-distance path-loss model, walls (attenuation),
 * seeded random loss and a small virtual delivery delay. One medium per World (radioMediumOf).
 */
import type { World } from '../world/world.js';
import type { Random } from '../world/random.js';
import type { VirtualClock } from '../clock/emulated.js';
import type { RadioStrength } from './contract.js';

/**
 * Path loss (dB) at `d` metres: 40 dB at 1 m (2.4 GHz) plus 10·n·log10(d) with exponent n = 2.7
 * (people and vehicles in the way). Distances under 1 m count as 1 m.
 */
export const PATH_LOSS_AT_1M_DB = 40;
export const PATH_LOSS_EXPONENT = 2.7;
export const pathLossDb = (d: number): number => PATH_LOSS_AT_1M_DB + 10 * PATH_LOSS_EXPONENT * Math.log10(Math.max(1, d));

/** Frames below this RSSI are not heard. */
export const SENSITIVITY_DBM = -90;
/** Free-field range of each strength (metres), as the emulation promises it. */
export const STRENGTH_RANGE_M: Readonly<Record<RadioStrength, number>> = { high: 100, medium: 75, low: 35 };
/** Transmit power per strength, chosen so that free-field RSSI at the range is exactly the sensitivity. */
export const TX_POWER_DBM: Readonly<Record<RadioStrength, number>> = {
  high: SENSITIVITY_DBM + pathLossDb(STRENGTH_RANGE_M.high),
  medium: SENSITIVITY_DBM + pathLossDb(STRENGTH_RANGE_M.medium),
  low: SENSITIVITY_DBM + pathLossDb(STRENGTH_RANGE_M.low),
};
/** Virtual ms from send to delivery (airtime and stack), unless the medium is told otherwise. */
export const DEFAULT_DELIVERY_DELAY_MS = 4;

/** Counters since the medium was created (rigs and tests read them). */
export interface RadioMediumStats {
  /** Frames handed to the medium. */
  sent: number;
  /** Frame copies delivered to a receiving radio. */
  delivered: number;
  /** Copies in range that random loss dropped. */
  lost: number;
  /** Copies not heard: too far, behind too much attenuation, or a device without a position. */
  outOfRange: number;
}

/** A radio attached to the medium (emulated.ts). */
export interface MediumPort {
  readonly device: string;
  readonly clock: VirtualClock;
  receive(bytes: Uint8Array, rssiDbm: number): void;
}

const linkKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export class RadioMedium {
  private ports = new Set<MediumPort>();
  private readonly random: Random;
  private readonly clock: VirtualClock;
  private globalLoss = 0;
  private globalAttenuation = 0;
  private linkLoss = new Map<string, number>();
  private linkAttenuation = new Map<string, number>();
  private txOffset = new Map<string, number>();
  private counters: RadioMediumStats = { sent: 0, delivered: 0, lost: 0, outOfRange: 0 };
  /** Virtual ms from send to delivery. */
  deliveryDelayMs = DEFAULT_DELIVERY_DELAY_MS;

  constructor(readonly world: World) {
    this.random = world.random.fork();
    this.clock = world.timeline.clock();
  }

  /** @internal emulated.ts */
  attach(port: MediumPort): () => void {
    this.ports.add(port);
    return () => { this.ports.delete(port); };
  }

  // --- control surface (tests, rigs, simulator) ---

  /** Move a device (metres); the same as world.setPosition. */
  move(device: string, x: number, y: number): void {
    this.world.setPosition(device, { x, y });
  }

  /** Probability 0..1 that a copy in range is lost: for every link, or for the link between `a` and `b`. */
  setLoss(probability: number, a?: string, b?: string): void {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`radio loss must be a probability 0..1, got ${probability}`);
    if (a === undefined) this.globalLoss = probability;
    else this.linkLoss.set(linkKey(a, b ?? requiredPeer(a)), probability);
  }

  /** Extra attenuation in dB (walls): for every link, or for the link between `a` and `b` (adds to the global one). */
  setAttenuation(db: number, a?: string, b?: string): void {
    if (!(Number.isFinite(db) && db >= 0)) throw new RangeError(`radio attenuation must be >= 0 dB, got ${db}`);
    if (a === undefined) this.globalAttenuation = db;
    else this.linkAttenuation.set(linkKey(a, b ?? requiredPeer(a)), db);
  }

  /**
   * Limit what `device` sends at 'low' strength to a free-field reach of `metres` (>= 1; how the
   * activation kit's Range setting works). Other strengths shift by the same dB. undefined restores.
   */
  setTransmitRange(device: string, metres: number | undefined): void {
    if (metres === undefined) { this.txOffset.delete(device); return; }
    if (!(Number.isFinite(metres) && metres >= 1)) throw new RangeError(`transmit range must be >= 1 m, got ${metres}`);
    this.txOffset.set(device, pathLossDb(metres) - pathLossDb(STRENGTH_RANGE_M.low));
  }

  stats(): RadioMediumStats {
    return { ...this.counters };
  }

  /** RSSI (dBm) at `to` of a frame `from` sends at `strength`, or undefined when `to` would not hear it. */
  rssi(from: string, to: string, strength: RadioStrength): number | undefined {
    const d = this.world.distance(from, to);
    if (!Number.isFinite(d)) return undefined;
    const att = this.globalAttenuation + (this.linkAttenuation.get(linkKey(from, to)) ?? 0);
    const rssi = TX_POWER_DBM[strength] + (this.txOffset.get(from) ?? 0) - pathLossDb(d) - att;
    // A hair of tolerance so that a device exactly at the stated range hears the frame.
    return rssi >= SENSITIVITY_DBM - 1e-9 ? rssi : undefined;
  }

  /** @internal emulated.ts: one frame from `from` to every other attached radio. */
  transmit(from: string, bytes: Uint8Array, strength: RadioStrength): void {
    this.counters.sent++;
    for (const port of this.ports) {
      if (port.device === from) continue;
      const rssi = this.rssi(from, port.device, strength);
      if (rssi === undefined) { this.counters.outOfRange++; continue; }
      const loss = Math.max(this.globalLoss, this.linkLoss.get(linkKey(from, port.device)) ?? 0);
      if (loss > 0 && this.random.next() < loss) { this.counters.lost++; continue; }
      const copy = new Uint8Array(bytes); // a copy, even of a Buffer view
      this.clock.setTimeout(() => {
        if (!this.ports.has(port)) return;
        this.counters.delivered++;
        port.receive(copy, Math.round(rssi * 10) / 10);
      }, this.deliveryDelayMs);
    }
  }
}

function requiredPeer(a: string): never {
  throw new TypeError(`a radio link needs two devices: got only ${a}`);
}

const media = new WeakMap<World, RadioMedium>();

/** The World's radio medium, created on first use. */
export function radioMediumOf(world: World): RadioMedium {
  let m = media.get(world);
  if (!m) { m = new RadioMedium(world); media.set(world, m); }
  return m;
}
