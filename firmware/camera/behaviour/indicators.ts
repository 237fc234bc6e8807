/**
 * What the camera's LEDs show in each behaviour state: a pure function from state to the pattern
 * of every camera LED (status, recording, wireless, front; see hal/indicators CAMERA_LEDS).
 */
import type { LedPattern } from '../../../hal/indicators/contract.js';
import type { CameraState, DockCharge } from './camera-state.js';

export interface IndicatorView {
  status: LedPattern;
  recording: LedPattern;
  wireless: LedPattern;
  /** The front recording indicator (red only), per the profile's "Front recording indicator". */
  front: LedPattern;
}

const OFF: LedPattern = { kind: 'off' };
const steady = (color: 'red' | 'green' | 'amber'): LedPattern => ({ kind: 'steady', color });
const flash = (color: 'red' | 'green' | 'amber', onMs: number, offMs: number): LedPattern => ({ kind: 'flash', color, onMs, offMs });

/** Flash timings (ms). */
export const FLASH = { normal: 500, fast: 250, standbyOn: 100, standbyOff: 1900 } as const;

const all = (p: LedPattern): IndicatorView => ({ status: p, recording: p, wireless: p, front: OFF });
const view = (status: LedPattern, recording: LedPattern = OFF, front: LedPattern = OFF): IndicatorView =>
  ({ status, recording, wireless: OFF, front });

/** The docked status colour: amber charging, green charged, red when the bay gives no charge. */
function chargeColor(charge: DockCharge): 'amber' | 'green' | 'red' {
  return charge === 'charging' ? 'amber' : charge === 'charged' ? 'green' : 'red';
}

/**
 * The LEDs for a state. The manual fixes: unassigned undocked -> camera LEDs flash red;
 * self-assigned -> LEDs flash green until undock; evaluation check -> all LEDs flash amber; the
 * postbuffer shows stopped. The rest is our choice (documented in behaviour/README.md):
 * booting steady amber; docked steady amber/green/red by charge, flashing while offloading;
 * idle steady green; standby a short green blink every 2 s; recording LED steady red while
 * recording; safe mode a fast red status flash. The front LED never flashes anything but recording.
 */
export function indicatorsFor(state: CameraState): IndicatorView {
  const ctx = state.ctx;
  if (state.kind === 'off') return all(OFF);
  if (ctx.evaluationCheck) return all(flash('amber', FLASH.fast, FLASH.fast));
  switch (state.kind) {
    case 'booting':
      return view(steady('amber'));
    case 'docked': {
      if (ctx.selfAssigned) return all(flash('green', FLASH.normal, FLASH.normal));
      const color = chargeColor(ctx.charge);
      return view(ctx.offloading ? flash(color, FLASH.normal, FLASH.normal) : steady(color));
    }
    case 'idle':
    case 'postbuffer':
      return view(steady('green'));
    case 'standby':
      return view(state.waking ? steady('green') : flash('green', FLASH.standbyOn, FLASH.standbyOff));
    case 'recording':
      return view(steady('green'), steady('red'), frontWhileRecording(state));
    case 'safe-mode':
      return view(flash('red', FLASH.fast, FLASH.fast));
    case 'unassigned':
      return all(flash('red', FLASH.normal, FLASH.normal));
  }
}

function frontWhileRecording(state: CameraState): LedPattern {
  if (state.ctx.silent) return OFF;
  switch (state.ctx.profile.frontIndicator) {
    case 'none': return OFF;
    case 'steady': return steady('red');
    case 'flash': return flash('red', FLASH.normal, FLASH.normal);
  }
}

/** True when two views show the same patterns. */
export function sameView(a: IndicatorView, b: IndicatorView): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
