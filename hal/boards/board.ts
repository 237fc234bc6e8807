/**
 * What a board is: a named composition root that picks one driver per kind for a target
 * (camera or controller), with the schema of its config file.
 */
import type { Schema } from './config.js';
import type { World } from '../world/world.js';

export type Target = 'camera' | 'controller';

export interface BoardOpenOptions {
  /**
   * The shared emulated world to join (the simulator puts many devices in one). Emulated boards
   * make a world of their own, paced in real time, when none is given; real boards ignore it.
   */
  world?: World;
  /** Namespaced log lines (`bw:hal:...`); silent when omitted. */
  log?: (namespace: string, message: string) => void;
}

export interface Board<H> {
  name: string;
  target: Target;
  /** Real hardware (Linux drivers) or emulated drivers. */
  real: boolean;
  description: string;
  schema: Schema;
  /** Build the HAL from a config already checked against `schema`. */
  open(config: Record<string, unknown>, options: BoardOpenOptions): Promise<H>;
}
