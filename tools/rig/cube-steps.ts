/**
 * The rig's mini cube sensor steps on an emulated camera: `cube DEV connect|disconnect`, button steps
 * on `cube-record` (the cube's one button), and the cube's front indicator as LED `cube-front`.
 */
import type { EmulatedMiniCube } from '../../hal/cube/emulated.js';
import { CUBE_FRONT_LED, CUBE_RECORD_BUTTON } from '../../hal/cube/contract.js';
import type { LedPattern } from '../../hal/indicators/contract.js';
import type { Action } from './scenario.js';
import type { Answer } from './target.js';

/** The scenario's name of the cube's button. */
export const CUBE_BUTTON = 'cube-record';
/** The scenario's name of the cube's front recording indicator. */
export const CUBE_LED = 'cube-front';

type ButtonStep = Extract<Action, { kind: 'press' | 'double-press' | 'hold' | 'release' }>;

/** Whether a step is about the cube: connecting it, or pressing its button. */
export function isCubeStep(action: Action): boolean {
  if (action.kind === 'cube') return true;
  return (action.kind === 'press' || action.kind === 'double-press' || action.kind === 'hold' || action.kind === 'release') && action.buttons.includes(CUBE_BUTTON);
}

/**
 * Do a cube step on the camera's cube connector. Button gestures still under way go to `track`.
 * Throws (naming the device) when no cube is connected or the button is chorded with the camera's own.
 */
export function applyCubeStep(device: string, cube: EmulatedMiniCube, action: Action, pressMs: number, track: (p: Promise<void>) => void): void {
  if (!isCubeStep(action)) throw new TypeError(`${action.kind}: not a mini cube step`);
  if (action.kind === 'cube') {
    if (action.connected) {
      if (cube.connection) throw new Error(`cube connect: ${device} already has a mini cube connected`);
      cube.connect();
    } else {
      if (!cube.connection) throw new Error(`cube disconnect: ${device} has no mini cube connected`);
      cube.disconnect();
    }
    return;
  }
  const step = action as ButtonStep;
  if (step.buttons.length !== 1) throw new Error(`${step.kind}: ${CUBE_BUTTON} is on the mini cube, not the camera: it cannot be chorded with ${step.buttons.filter((b) => b !== CUBE_BUTTON).join('+')}`);
  const buttons = cube.connection?.buttons;
  if (!buttons) throw new Error(`${step.kind} ${CUBE_BUTTON}: ${device} has no mini cube connected (add a "cube ${device} connect" step first)`);
  switch (step.kind) {
    case 'press': track(buttons.tap(CUBE_RECORD_BUTTON, pressMs)); return;
    case 'double-press': track(buttons.doublePress(CUBE_RECORD_BUTTON)); return;
    case 'hold':
      if (step.forMs !== undefined) track(buttons.tap(CUBE_RECORD_BUTTON, step.forMs));
      else buttons.press(CUBE_RECORD_BUTTON);
      return;
    case 'release': buttons.release(CUBE_RECORD_BUTTON); return;
  }
}

/** The cube's front indicator now; a disconnected cube shows nothing (off). */
export function cubeLed(cube: EmulatedMiniCube): Answer<{ pattern: LedPattern; litColor: string | null }> {
  const ind = cube.connection?.indicators;
  if (!ind) return { supported: true, value: { pattern: { kind: 'off' }, litColor: null } };
  const cur = ind.current().leds[CUBE_FRONT_LED];
  return { supported: true, value: { pattern: cur?.pattern ?? { kind: 'off' }, litColor: ind.colorAt(CUBE_FRONT_LED) } };
}
