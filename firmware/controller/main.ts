/** dist/controller.mjs: the system controller runtime on a board, `--board NAME --config FILE`. */
import { runDevice } from '../common/cli.js';
import type { ControllerHal } from '../../hal/boards/contract.js';
import { startController } from './runtime.js';

process.exitCode = await runDevice<ControllerHal>({
  target: 'controller',
  switches: { 'adopt-cameras': '"Add cameras": adopt unadopted cameras as they dock (they get this system\'s certificate)' },
  async start(hal, log, switches) {
    const runtime = await startController(hal, log, { adoptCameras: switches['adopt-cameras'] ?? false });
    return {
      summary: `serial=${hal.identity.serial} system=${hal.identity.systemId} ports=${hal.ports.map((p) => `${p.port}:${p.interface}`).join(',')}`,
      stop: () => runtime.stop(),
      done: runtime.done,
    };
  },
});
process.exit();
