/**
 * The camera runtime as it stands: boots on a CameraHal, shows its state on the indicators,
 * follows power and buttons, and answers the controller when docked. Recording with prebuffer
 * and encrypted storage arrive with the evidence loop.
 */
import type { CameraHal } from '../../hal/boards/contract.js';
import type { Log } from '../common/log.js';
import { startDockResponder, type DockResponder } from './dock-responder.js';
import { CameraEnrollment } from './enrollment.js';

export interface CameraRuntime {
  readonly dock: DockResponder;
  readonly enrollment: CameraEnrollment;
  /** Button events seen since boot, for the rig and the simulator. */
  readonly buttonPresses: number;
  stop(): Promise<void>;
  /** Rejects when a device fails for good (buttons gone). */
  done: Promise<void>;
}

export async function startCamera(hal: CameraHal, log: Log): Promise<CameraRuntime> {
  let presses = 0;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((_, reject) => { fail = reject; });
  done.catch(() => {});

  const unpower = hal.power.watch((r) => {
    if (r.kind === 'error') {
      log.warn('power', r.error.message);
      return;
    }
    const s = r.state;
    log.debug('power', `battery ${s.level}% ${s.charging}${s.dockContact ? ', docked' : ''}`);
    const color = !s.dockContact ? (s.level <= 10 ? 'red' : 'green') : s.charging === 'full' ? 'green' : 'amber';
    hal.indicators.setLed('status', { kind: 'steady', color }).catch((e) => log.debug('indicators', (e as Error).message));
  });
  const unbutton = hal.buttons.onButton((ev) => {
    if (ev.action === 'press') presses++;
    log.debug('buttons', `${ev.button} ${ev.action} at ${ev.at.toFixed(0)} ms`);
  });
  const unclose = hal.buttons.onClose((err) => { if (err) fail(err); });

  const enrollment = new CameraEnrollment({ storage: hal.storage, clock: hal.clock, serial: hal.identity.serial, log });
  await enrollment.load();
  const dock = startDockResponder({ net: hal.net, clock: hal.clock, dockInterface: hal.dockInterface, identity: hal.identity, enrollment, log });
  return {
    dock,
    enrollment,
    get buttonPresses() { return presses; },
    done,
    async stop() {
      unpower();
      unbutton();
      unclose();
      await dock.stop();
    },
  };
}
