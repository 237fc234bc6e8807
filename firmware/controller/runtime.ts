/**
 * The controller runtime as it stands: enumerates cameras docked on its ports over IPv6 and
 * opens a session with each. Adoption, offload and upload arrive with the evidence loop.
 */
import type { ControllerHal } from '../../hal/boards/contract.js';
import type { Log } from '../common/log.js';
import { DockPorts } from './dock-ports.js';

export interface ControllerRuntime {
  readonly dock: DockPorts;
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function startController(hal: ControllerHal, log: Log): Promise<ControllerRuntime> {
  const dock = new DockPorts({ net: hal.net, clock: hal.clock, ports: hal.ports, identity: hal.identity, log });
  dock.start();
  await hal.indicators.setLed('status', { kind: 'steady', color: 'green' }).catch((e) => log.debug('indicators', (e as Error).message));
  return {
    dock,
    done: new Promise<void>(() => {}),
    async stop() {
      await dock.stop();
    },
  };
}
