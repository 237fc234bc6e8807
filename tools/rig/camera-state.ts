/**
 * The one place that says which state a camera is in, in the scenario's words: the camera
 * machine's state (firmware/camera/behaviour), with the docked phase (charging, charged,
 * offloading) as its own words too.
 */
import type { CameraRuntime } from '../../firmware/camera/runtime.js';
import { dockedPhase } from '../../firmware/camera/behaviour/camera-machine.js';

/** What the rig knows of a camera besides its runtime. */
export interface CameraFacts {
  /** Undefined while the camera is off (power cut or powered off). */
  runtime: CameraRuntime | undefined;
  docked: boolean;
}

/** States a `state` expectation may name. */
export const REPORTABLE_CAMERA_STATES = [
  'off', 'booting', 'docked', 'charging', 'charged', 'not-charging', 'offloading', 'idle', 'standby', 'recording', 'postbuffer',
  'safe-mode', 'unassigned', 'no-video',
] as const;

/** The camera's state; `expected` lets a docked camera answer with its phase when that is what was asked. */
export function cameraState(c: CameraFacts, expected?: string): string {
  if (!c.runtime) return 'off';
  if (!c.runtime.recorder) return 'no-video';
  const state = c.runtime.behaviour.state;
  const phase = dockedPhase(state);
  if (phase !== undefined && expected !== undefined && expected !== 'docked') return phase;
  return state.kind;
}
