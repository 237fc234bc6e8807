/** dist/controller.mjs: the system controller runtime on a board, `--board NAME --config FILE`. */
import { runDevice } from '../common/cli.js';
import type { ControllerHal } from '../../hal/boards/contract.js';
import { startController } from './runtime.js';
import { readConnectionFile } from './destination/connection-file.js';
import { readAssignmentsFile } from './assignments.js';

process.exitCode = await runDevice<ControllerHal>({
  target: 'controller',
  switches: { 'adopt-cameras': '"Add cameras": adopt unadopted cameras as they dock (they get this system\'s certificate)' },
  options: {
    connection: ['FILE', 'the content destination\'s connection file (JSON); without it recordings stay in the buffer'],
    assignments: ['FILE', 'camera assignments (JSON: users, profiles, evaluation mode; see firmware/controller/README.md); sent to each camera at every dock'],
  },
  async start(hal, log, switches, options) {
    const connection = options.connection ? await readConnectionFile(options.connection) : undefined;
    const assignments = options.assignments ? await readAssignmentsFile(options.assignments) : undefined;
    for (const notice of assignments?.watermarkNotices() ?? []) log.warn('assignments', notice);
    const runtime = await startController(hal, log, { adoptCameras: switches['adopt-cameras'] ?? false, ...(connection ? { connection } : {}), ...(assignments ? { assignments } : {}) });
    return {
      summary: `serial=${hal.identity.serial} system=${hal.identity.systemId} ports=${hal.ports.map((p) => `${p.port}:${p.interface}`).join(',')} destination=${connection ? connection.siteName : 'none'}`,
      stop: () => runtime.stop(),
      done: runtime.done,
    };
  },
});
process.exit();
