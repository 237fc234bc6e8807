/**
 * The one place that says which state a camera is in, in the scenario's words. Today the runtime
 * knows power, dock contact and the recorder; the lead extends this as the behaviour machine lands.
 */
import type { CameraRuntime } from '../../firmware/camera/runtime.js';

/** What the rig knows of a camera besides its runtime. */
export interface CameraFacts {
  /** Undefined while the camera is off (power cut or powered off). */
  runtime: CameraRuntime | undefined;
  docked: boolean;
}

/** States cameraState can report; an expectation naming another is not supported yet. */
export const REPORTABLE_CAMERA_STATES = ['off', 'no-video', 'docked', 'idle', 'recording', 'postbuffer'] as const;

export function cameraState(c: CameraFacts): string {
  if (!c.runtime) return 'off';
  const recorder = c.runtime.recorder;
  if (!recorder) return 'no-video';
  const kind = recorder.state.kind;
  if (kind === 'idle' && c.docked) return 'docked';
  return kind;
}
