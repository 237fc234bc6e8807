/**
 * The board registry: every board by name, loaded on demand so that a device bundle started
 * for a real board never loads the emulated world (esbuild puts each board in its own chunk).
 */
import { ConfigError } from '../errors.js';
import type { Board, Target } from './board.js';
import type { CameraHal, ControllerHal } from './contract.js';

type Loader<H> = () => Promise<{ board: Board<H> }>;

export const cameraBoards: Record<string, Loader<CameraHal>> = {
  'linux-camera': () => import('./linux-camera.js'),
  'emulated-camera': () => import('./emulated-camera.js'),
};

export const controllerBoards: Record<string, Loader<ControllerHal>> = {
  'linux-controller': () => import('./linux-controller.js'),
  'emulated-controller': () => import('./emulated-controller.js'),
};

export function boardNames(target: Target): string[] {
  return Object.keys(target === 'camera' ? cameraBoards : controllerBoards);
}

/** The board named `name` for `target`, or a ConfigError naming the choices. */
export async function loadBoard(target: 'camera', name: string): Promise<Board<CameraHal>>;
export async function loadBoard(target: 'controller', name: string): Promise<Board<ControllerHal>>;
export async function loadBoard(target: Target, name: string): Promise<Board<CameraHal> | Board<ControllerHal>> {
  const table: Record<string, Loader<CameraHal> | Loader<ControllerHal>> = target === 'camera' ? cameraBoards : controllerBoards;
  const load = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!load) {
    const other = target === 'camera' ? controllerBoards : cameraBoards;
    const hint = Object.hasOwn(other, name) ? ` (${name} is a ${target === 'camera' ? 'controller' : 'camera'} board)` : '';
    throw new ConfigError(`unknown ${target} board ${JSON.stringify(name)}${hint}; expected one of: ${boardNames(target).join(', ')}`);
  }
  return (await load()).board;
}
