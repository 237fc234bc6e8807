// Synthetic access units for recorder tests: regular GOPs of a given size, with sequence gaps on demand.
import type { AccessUnit } from '../../../../hal/video/contract.js';

export interface UnitPlan {
  fps?: number;
  /** Units per GOP (a keyframe every gop units). */
  gop?: number;
  bytes?: number;
  keyBytes?: number;
}

/** An endless generator of units; `skip(n)` drops n sequence numbers (a gap). */
export function unitSource(plan: UnitPlan = {}) {
  const fps = plan.fps ?? 30, gop = plan.gop ?? 30, bytes = plan.bytes ?? 100, keyBytes = plan.keyBytes ?? bytes;
  const duration = 1000 / fps;
  const shared = new Uint8Array(Math.max(bytes, keyBytes));
  let sequence = 0;
  return {
    next(): AccessUnit {
      const keyframe = sequence % gop === 0;
      const unit: AccessUnit = {
        data: shared.subarray(0, keyframe ? keyBytes : bytes), keyframe, pts: sequence * duration, duration, sequence,
      };
      sequence++;
      return unit;
    },
    take(n: number): AccessUnit[] {
      return Array.from({ length: n }, () => this.next());
    },
    skip(n: number): void { sequence += n; },
    get sequence() { return sequence; },
  };
}
