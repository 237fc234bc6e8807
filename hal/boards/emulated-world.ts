/** For emulated boards: join the given world, or make one of their own paced in real time. */
import { World } from '../world/world.js';
import { paceInRealTime } from '../world/pacer.js';

export function joinWorld(world: World | undefined, seed: number): { world: World; release: () => void } {
  if (world) return { world, release: () => {} };
  const own = new World({ seed, epoch: Date.now() });
  const pacer = paceInRealTime(own.timeline);
  return { world: own, release: () => pacer.stop() };
}
