/** dist/controller.mjs: the system controller runtime on a board, `--board NAME --config FILE`. */
import { runDevice } from '../common/cli.js';
import type { ControllerHal } from '../../hal/boards/contract.js';
import { startController } from './runtime.js';

process.exitCode = await runDevice<ControllerHal>({
  target: 'controller',
  async start(hal, log) {
    const runtime = await startController(hal, log);
    return {
      summary: `serial=${hal.identity.serial} ports=${hal.ports.map((p) => `${p.port}:${p.interface}`).join(',')}`,
      stop: () => runtime.stop(),
      done: runtime.done,
    };
  },
});
process.exit();
