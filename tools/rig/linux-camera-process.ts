/**
 * The camera process the rig's real target starts: the camera runtime on a board (as dist/camera.mjs),
 * given the scenario's profile and user, with a line console on stdin/stdout standing in for a debug UART.
 */
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import { runDevice } from '../../firmware/common/cli.js';
import type { CameraHal } from '../../hal/boards/contract.js';
import { ConfigError } from '../../hal/errors.js';
import { startCamera, type CameraOptions } from '../../firmware/camera/runtime.js';
import { dockedPhase } from '../../firmware/camera/behaviour/camera-machine.js';
import { STATUS_PREFIX, type ConsoleStatus } from './camera-console.js';


process.exitCode = await runDevice<CameraHal>({
  target: 'camera',
  options: {
    profile: ['FILE', 'camera profile (JSON) to run with'],
    user: ['ID', 'camera user assigned (written into recordings)'],
    recorder: ['JSON', 'recorder settings over the profile\'s (prebufferMs, postbufferMs, alwaysRecord, activation)'],
  },
  async start(hal, log, _switches, opts) {
    const options: CameraOptions = { timeZone: 'UTC' };
    if (opts.profile) {
      try {
        options.profile = JSON.parse(await readFile(opts.profile, 'utf8')) as unknown;
      } catch (e) {
        throw new ConfigError(`profile file ${opts.profile}: ${(e as Error).message}; expected a camera profile in JSON`);
      }
    }
    if (opts.user) options.user = opts.user;
    if (opts.recorder) options.recorder = JSON.parse(opts.recorder) as CameraOptions['recorder'];
    const runtime = await startCamera(hal, log, options);
    let docked = false;
    const unwatch = hal.power.watch((r) => { if (r.kind === 'state') docked = r.state.dockContact; });
    // The console: one request per line, one answer per line.
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() !== 'status') {
        process.stdout.write(`error unknown console command ${JSON.stringify(line.trim())}; expected status\n`);
        return;
      }
      void runtime.settled().then(() => {
        const s = runtime.behaviour.state;
        const status: ConsoleStatus = {
          state: runtime.recorder ? s.kind : 'no-video',
          docked,
          alerts: runtime.behaviour.alerts.map((a) => a.kind),
          bookmarks: runtime.behaviour.bookmarks.length,
        };
        const phase = dockedPhase(s);
        if (phase !== undefined) status.phase = phase;
        process.stdout.write(`${STATUS_PREFIX}${JSON.stringify(status)}\n`);
      });
    });
    return {
      summary: `serial=${hal.identity.serial} model=${hal.identity.model} dock=${hal.dockInterface}`,
      stop: async () => { lines.close(); unwatch(); await runtime.stop(); },
      done: runtime.done,
    };
  },
});
process.exit();
