/**
 * The shared emulated world: one time base, docking stations and bays, positions, and the media
 * that emulated devices share (links). Many cameras and controllers live in one process through
 * it without globals; every emulated driver takes the world (or a part of it) as an argument.
 */
import { Timeline, type TimelineOptions } from '../clock/emulated.js';
import { Docks } from './docks.js';
import { Random } from './random.js';
import { LinkMedium } from '../net/emulated.js';

export interface Position {
  /** Metres east and north of the world origin. */
  x: number;
  y: number;
}

export interface WorldOptions extends TimelineOptions {
  seed?: number;
}

export class World {
  readonly timeline: Timeline;
  readonly random: Random;
  readonly docks = new Docks();
  readonly links: LinkMedium;
  private positions = new Map<string, Position>();

  constructor(options: WorldOptions = {}) {
    this.timeline = new Timeline(options);
    this.random = new Random(options.seed ?? 1);
    this.links = new LinkMedium(this);
  }

  setPosition(device: string, p: Position): void {
    this.positions.set(device, { ...p });
  }

  position(device: string): Position | undefined {
    return this.positions.get(device);
  }

  distance(a: string, b: string): number {
    const pa = this.positions.get(a), pb = this.positions.get(b);
    if (!pa || !pb) return Infinity;
    return Math.hypot(pa.x - pb.x, pa.y - pb.y);
  }
}
