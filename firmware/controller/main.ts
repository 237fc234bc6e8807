/** dist/controller.mjs: the system controller runtime on a board, `--board NAME --config FILE`. */
import { runDevice } from '../common/cli.js';
import { ConfigError } from '../../hal/errors.js';
import type { ControllerHal } from '../../hal/boards/contract.js';
import { startController } from './runtime.js';
import { readConnectionFile } from './destination/connection-file.js';
import { readAssignmentsFile } from './assignments.js';
import { readUsersCsv } from './users-csv.js';

process.exitCode = await runDevice<ControllerHal>({
  target: 'controller',
  switches: {
    'adopt-cameras': '"Add cameras": adopt unadopted cameras as they dock (they get this system\'s certificate)',
    'self-assign': 'self-assign camera assignment: a user taps their tag on the board\'s RFID reader and gets a ready docked camera (needs --users and the board\'s rfid)',
  },
  options: {
    connection: ['FILE', 'the content destination\'s connection file (JSON); without it recordings stay in the buffer'],
    assignments: ['FILE', 'camera assignments (JSON: users, profiles, evaluation mode; see firmware/controller/README.md); sent to each camera at every dock'],
    users: ['FILE', 'camera users (the manual\'s users CSV: #ID, Name, Policy, Email, RFID number); self-assign looks tags up here, a Policy names a profile of --assignments'],
  },
  async start(hal, log, switches, options) {
    const connection = options.connection ? await readConnectionFile(options.connection) : undefined;
    const assignments = options.assignments ? await readAssignmentsFile(options.assignments) : undefined;
    for (const notice of assignments?.watermarkNotices() ?? []) log.warn('assignments', notice);
    const users = options.users ? await readUsersCsv(options.users) : undefined;
    const selfAssign = switches['self-assign'] ?? false;
    if (selfAssign && !users) throw new ConfigError('--self-assign: expected --users FILE too (the users CSV with their RFID numbers); without it no tag is registered');
    if (selfAssign && !hal.rfid) throw new ConfigError('--self-assign: expected an RFID reader in the board config ("rfid": { "device": "/dev/input/by-id/..." }); this board has none');
    const runtime = await startController(hal, log, {
      adoptCameras: switches['adopt-cameras'] ?? false, ...(connection ? { connection } : {}), ...(assignments ? { assignments } : {}),
      ...(selfAssign ? { assignmentMode: 'self-assign' as const } : {}), ...(users ? { users } : {}),
      ...(assignments?.profiles ? { profiles: assignments.profiles } : {}),
    });
    return {
      summary: `serial=${hal.identity.serial} system=${hal.identity.systemId} ports=${hal.ports.map((p) => `${p.port}:${p.interface}`).join(',')} destination=${connection ? connection.siteName : 'none'}`,
      stop: () => runtime.stop(),
      done: runtime.done,
    };
  },
});
process.exit();
