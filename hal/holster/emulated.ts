/**
 * Emulated Yardarm holster sensors and the cameras' holster links in a shared World: sensors
 * with a serial, a position, power and a holster switch; link range per sensor-camera pair
 * seeded in 5-10 m; pairing with a freshly powered, unbonded sensor in a few virtual seconds.
 */
import type { Clock, Timer } from '../clock/contract.js';
import { HalError } from '../errors.js';
import type { Position, World } from '../world/world.js';
import type { HolsterEvent, HolsterLink, HolsterListener, HolsterTargets } from './contract.js';
import { normaliseHolsterSerial } from './serial.js';

export interface HolsterWorldOptions {
  /** Shortest and longest link range in metres (manual: 5-10 m). */
  minRangeM?: number;
  maxRangeM?: number;
  /** How long the pairing exchange takes once started (virtual ms; manual: up to 20 s). */
  pairingMs?: number;
  /** How long a freshly powered, unbonded sensor stays in pairing mode (virtual ms). */
  pairingModeMs?: number;
  /** How often a listening link scans and supervises its connections (virtual ms). */
  scanIntervalMs?: number;
}

/** A sensor as the control surface shows it. */
export interface HolsterSensorInfo {
  serial: string;
  /** Its name in world positions: `holster:<serial>`. */
  device: string;
  powered: boolean;
  holstered: boolean;
  /** Bonded to the system (paired once); a bonded sensor connects, it does not pair again. */
  bonded: boolean;
  /** In pairing mode now (powered within pairingModeMs, not bonded). */
  pairable: boolean;
}

interface Sensor {
  serial: string;
  device: string;
  powered: boolean;
  holstered: boolean;
  bonded: boolean;
  pairableUntil: number;
  failNextPairing: string | undefined;
}

const DEFAULTS = { minRangeM: 5, maxRangeM: 10, pairingMs: 6_000, pairingModeMs: 120_000, scanIntervalMs: 1_000 };

/** FNV-1a of a string, for per-pair seeded ranges that do not depend on call order. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Every holster sensor of one World and the links that can reach them. */
export class HolsterWorld {
  readonly options: Required<HolsterWorldOptions>;
  private sensors = new Map<string, Sensor>();
  private ranges = new Map<string, number>();
  private seed: number;
  /** @internal */ readonly links = new Set<EmulatedHolsterLink>();

  constructor(readonly world: World, options: HolsterWorldOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.seed = world.random.fork().int(0, 0x7fffffff);
  }

  // --- control surface (tests, rigs, simulator) ---

  /** Add a sensor at `pos` (unpowered, holstered, not bonded unless said). Throws for a bad or duplicate serial. */
  addSensor(serial: string, pos: Position, o: { powered?: boolean; bonded?: boolean; holstered?: boolean } = {}): HolsterSensorInfo {
    const s = normaliseHolsterSerial(serial);
    if (this.sensors.has(s)) throw new HalError('EEXIST', `holster sensor ${s} is already in the world: expected a new serial`);
    const sensor: Sensor = { serial: s, device: `holster:${s}`, powered: false, holstered: o.holstered ?? true, bonded: o.bonded ?? false, pairableUntil: -1, failNextPairing: undefined };
    this.sensors.set(s, sensor);
    this.world.setPosition(sensor.device, pos);
    if (o.powered) this.powerOn(s);
    return this.info(s);
  }

  /** Connect the sensor's power: an unbonded sensor enters pairing mode. */
  powerOn(serial: string): void {
    const s = this.get(serial);
    if (s.powered) return;
    s.powered = true;
    if (!s.bonded) s.pairableUntil = this.world.timeline.time + this.options.pairingModeMs;
    this.poke();
  }

  /** Disconnect the sensor's power: its connections drop. */
  powerOff(serial: string): void {
    const s = this.get(serial);
    s.powered = false;
    s.pairableUntil = -1;
    this.poke();
  }

  /** Draw the weapon: connected links report `unholstered`. */
  unholster(serial: string): void {
    this.flip(serial, false);
  }

  /** Put it back: connected links report `holstered`. */
  holster(serial: string): void {
    this.flip(serial, true);
  }

  move(serial: string, pos: Position): void {
    this.world.setPosition(this.get(serial).device, pos);
    this.poke();
  }

  /** Forget the bond (factory reset): the sensor pairs again at its next power-on. */
  reset(serial: string): void {
    this.get(serial).bonded = false;
  }

  /** The next pairing exchange with this sensor fails with `reason` (interference, wrong key). */
  failNextPairing(serial: string, reason = 'the sensor refused the pairing'): void {
    this.get(serial).failNextPairing = reason;
  }

  /** Fix the range between a sensor and a camera device (metres). */
  setRange(serial: string, camera: string, metres: number): void {
    if (!Number.isFinite(metres) || metres < 0) throw new RangeError(`holster range must be a finite number of metres >= 0, got ${metres}`);
    this.ranges.set(`${this.get(serial).serial}|${camera}`, metres);
  }

  /** The link range between a sensor and a camera device: seeded per pair in [minRangeM, maxRangeM). */
  rangeM(serial: string, camera: string): number {
    const key = `${this.get(serial).serial}|${camera}`;
    let r = this.ranges.get(key);
    if (r === undefined) {
      const { minRangeM, maxRangeM } = this.options;
      r = minRangeM + (maxRangeM - minRangeM) * (hash(key, this.seed) / 2 ** 32);
      this.ranges.set(key, r);
    }
    return r;
  }

  info(serial: string): HolsterSensorInfo {
    const s = this.get(serial);
    return { serial: s.serial, device: s.device, powered: s.powered, holstered: s.holstered, bonded: s.bonded, pairable: this.pairable(s) };
  }

  sensorSerials(): string[] {
    return [...this.sensors.keys()];
  }

  // --- used by links ---

  /** @internal The sensor, when it exists. */
  find(serial: string): Sensor | undefined {
    return this.sensors.get(serial);
  }

  /** @internal Powered and within range of `camera`. */
  reachable(s: Sensor, camera: string): boolean {
    return s.powered && this.world.distance(s.device, camera) <= this.rangeM(s.serial, camera);
  }

  /** @internal */
  pairable(s: Sensor): boolean {
    return s.powered && !s.bonded && this.world.timeline.time < s.pairableUntil;
  }

  private get(serial: string): Sensor {
    const s = this.sensors.get(normaliseHolsterSerial(serial));
    if (!s) throw new HalError('ENOENT', `no holster sensor ${JSON.stringify(serial)} in the world: expected one added with addSensor()`);
    return s;
  }

  private flip(serial: string, holstered: boolean): void {
    const s = this.get(serial);
    if (s.holstered === holstered) return;
    s.holstered = holstered;
    for (const link of this.links) link.switchChanged(s);
  }

  /** Something changed in the world: every link re-scans on the next tick. */
  private poke(): void {
    for (const link of this.links) link.poke();
  }
}

const worlds = new WeakMap<World, HolsterWorld>();

/** The holster sensors of `world` (created on first use; options apply only then). */
export function holsterWorldOf(world: World, options?: HolsterWorldOptions): HolsterWorld {
  let hw = worlds.get(world);
  if (!hw) worlds.set(world, (hw = new HolsterWorld(world, options)));
  return hw;
}

/** One camera's holster link. `device` is the camera's name in world positions. */
export class EmulatedHolsterLink implements HolsterLink {
  readonly name: string;
  private hw: HolsterWorld;
  private targets: HolsterTargets = { connect: [], pair: [] };
  private scanning = false;
  private active = false;
  private closed = false;
  private interval: Timer | undefined;
  private pokeQueued = false;
  private links = new Set<string>();
  private exchanges = new Map<string, Timer>();
  private listeners = new Set<HolsterListener>();
  private closeListeners = new Set<(e: HalError | undefined) => void>();
  /** Events delivered, for rigs and benchmarks. */
  stats = { events: 0, scans: 0 };

  constructor(world: World, private readonly clock: Clock, readonly device: string) {
    this.name = `emulated:${device} holster link`;
    this.hw = holsterWorldOf(world);
    this.hw.links.add(this);
  }

  get listening(): boolean { return this.active && this.scanning; }

  async listen(targets: HolsterTargets): Promise<void> {
    if (this.closed) throw new HalError('ECLOSED', `${this.name} is closed: expected listen() before close()`);
    this.targets = { connect: targets.connect.map(normaliseHolsterSerial), pair: targets.pair.map(normaliseHolsterSerial) };
    this.active = true;
    this.scanning = true;
    this.interval ??= this.clock.setInterval(() => this.scan(), this.hw.options.scanIntervalMs);
    this.poke();
  }

  // Both take effect at once (before the returned promise settles), so a listen() right after is not undone.
  async stopScanning(): Promise<void> {
    this.haltScanning();
  }

  async stop(): Promise<void> {
    this.haltScanning();
    this.active = false;
    this.interval?.cancel();
    this.interval = undefined;
    for (const serial of [...this.links]) this.drop(serial, 'the link stopped');
  }

  private haltScanning(): void {
    this.scanning = false;
    for (const t of this.exchanges.values()) t.cancel();
    this.exchanges.clear();
  }

  connected(): readonly string[] {
    return [...this.links];
  }

  onEvent(listener: HolsterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (error: HalError | undefined) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    this.hw.links.delete(this);
    for (const l of this.closeListeners) l(undefined);
    this.closeListeners.clear();
  }

  /** @internal Re-scan soon (on the next tick, never synchronously inside a control call). */
  poke(): void {
    if (!this.active || this.pokeQueued) return;
    this.pokeQueued = true;
    process.nextTick(() => { this.pokeQueued = false; this.scan(); });
  }

  /** @internal A sensor's switch flipped: report it when connected. */
  switchChanged(s: { serial: string; holstered: boolean }): void {
    if (!this.links.has(s.serial)) return;
    const kind = s.holstered ? 'holstered' : 'unholstered';
    process.nextTick(() => { if (this.links.has(s.serial)) this.emit({ serial: s.serial, kind }); });
  }

  private scan(): void {
    if (!this.active) return;
    this.stats.scans++;
    for (const serial of [...this.links]) {
      const s = this.hw.find(serial);
      if (!s || !s.powered) this.drop(serial, 'the sensor lost power');
      else if (!this.hw.reachable(s, this.device)) this.drop(serial, 'the sensor went out of range');
    }
    if (!this.scanning) return;
    for (const serial of this.targets.connect) {
      const s = this.hw.find(serial);
      if (s && !this.links.has(serial) && s.bonded && this.hw.reachable(s, this.device)) {
        this.links.add(serial);
        this.emit({ serial, kind: 'connected' });
      }
    }
    for (const serial of this.targets.pair) {
      const s = this.hw.find(serial);
      if (!s || this.links.has(serial) || this.exchanges.has(serial) || !this.hw.pairable(s) || !this.hw.reachable(s, this.device)) continue;
      this.emit({ serial, kind: 'pairing-started' });
      this.exchanges.set(serial, this.clock.setTimeout(() => this.finishPairing(serial), this.hw.options.pairingMs));
    }
  }

  private finishPairing(serial: string): void {
    this.exchanges.delete(serial);
    const s = this.hw.find(serial);
    let reason: string | undefined;
    if (!s || !s.powered) reason = 'the sensor lost power during pairing';
    else if (!this.hw.reachable(s, this.device)) reason = 'the sensor went out of range during pairing';
    else if (s.failNextPairing !== undefined) { reason = s.failNextPairing; s.failNextPairing = undefined; }
    if (reason !== undefined || !s) {
      // A sensor leaves pairing mode after a failed exchange: pairing again takes a power cycle.
      if (s) s.pairableUntil = -1;
      this.emit({ serial, kind: 'pairing-failed', reason: reason ?? 'the sensor is gone' });
      return;
    }
    s.bonded = true;
    s.pairableUntil = -1;
    this.emit({ serial, kind: 'paired' });
    this.links.add(serial);
    this.emit({ serial, kind: 'connected' });
  }

  private drop(serial: string, reason: string): void {
    if (!this.links.delete(serial)) return;
    this.emit({ serial, kind: 'disconnected', reason });
  }

  private emit(event: HolsterEvent): void {
    this.stats.events++;
    for (const l of this.listeners) l(event);
  }
}
