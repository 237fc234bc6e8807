/**
 * Prioritized offload of a user's recordings (manual: "Prioritize offload of a specific user's
 * recordings"): the prioritization ends by itself after 24 hours.
 */
import type { Clock } from '../../../hal/clock/contract.js';

export const PRIORITY_MS = 24 * 3600_000;

export class UserPriorities {
  private readonly until = new Map<string, number>();
  constructor(private readonly clock: Clock) {}

  /** Prioritize `userId` for 24 h from now (again: the 24 h restart). */
  prioritize(userId: string): void {
    if (typeof userId !== 'string' || userId.length === 0) throw new TypeError(`prioritize: expected a user id, got ${JSON.stringify(userId)}`);
    this.until.set(userId, this.clock.now() + PRIORITY_MS);
  }

  remove(userId: string): void {
    this.until.delete(userId);
  }

  isPrioritized(userId: string): boolean {
    const t = this.until.get(userId);
    if (t === undefined) return false;
    if (this.clock.now() >= t) { this.until.delete(userId); return false; }
    return true;
  }
}
