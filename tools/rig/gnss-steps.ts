/**
 * The emulated target's GNSS steps: a camera's emulated receiver gets open or blocked sky and
 * outages, and a `walk` moves the camera's world position each second (the receiver follows it).
 */
import type { Timer } from '../../hal/clock/contract.js';
import type { EmulatedGnssReceiver } from '../../hal/gnss/emulated-receiver.js';
import type { World } from '../../hal/world/world.js';
import type { Action } from './scenario.js';

/** How often a walking camera's position moves. */
export const WALK_STEP_MS = 1000;

export class RigGnss {
  private walks = new Map<string, Timer>();

  constructor(private readonly world: World) {}

  /** Apply a gnss or walk step to the camera `serial` with `receiver`. */
  apply(serial: string, receiver: EmulatedGnssReceiver, action: Extract<Action, { kind: 'gnss' | 'walk' }>): void {
    const clock = this.world.timeline.clock();
    if (action.kind === 'gnss') {
      if (action.op === 'sky') receiver.setSky(action.sky);
      else receiver.addOutage(clock.monotonic(), clock.monotonic() + action.forMs);
      return;
    }
    this.stopWalk(serial);
    const from = this.world.position(serial) ?? { x: 0, y: 0 };
    const startMs = clock.monotonic();
    const timer = clock.setInterval(() => {
      const f = Math.min(1, (clock.monotonic() - startMs) / action.inMs);
      this.world.setPosition(serial, { x: from.x + (action.x - from.x) * f, y: from.y + (action.y - from.y) * f });
      if (f >= 1) this.stopWalk(serial);
    }, Math.min(WALK_STEP_MS, action.inMs));
    this.walks.set(serial, timer);
  }

  /** A walk under way stops where it is (a `move` jumps, or a new walk starts). */
  stopWalk(serial: string): void {
    this.walks.get(serial)?.cancel();
    this.walks.delete(serial);
  }

  close(): void {
    for (const t of this.walks.values()) t.cancel();
    this.walks.clear();
  }
}
