/** dist/camera.mjs: the camera runtime on a board, `--board NAME --config FILE`. */
import { runDevice } from '../common/cli.js';
import type { CameraHal } from '../../hal/boards/contract.js';
import { startCamera } from './runtime.js';

process.exitCode = await runDevice<CameraHal>({
  target: 'camera',
  async start(hal, log) {
    const runtime = await startCamera(hal, log);
    return {
      summary: `serial=${hal.identity.serial} model=${hal.identity.model} dock=${hal.dockInterface}`,
      stop: () => runtime.stop(),
      done: runtime.done,
    };
  },
});
process.exit();
