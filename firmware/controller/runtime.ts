/**
 * The controller runtime as it stands: enumerates cameras docked on its ports over IPv6 and
 * opens a session with each. Adoption, offload and upload arrive with the evidence loop.
 */
import type { ControllerHal } from '../../hal/boards/contract.js';
import type { Log } from '../common/log.js';
import { DockPorts } from './dock-ports.js';
import { SystemAuthority } from './system-authority.js';
import { ConfigError } from '../../hal/errors.js';

export interface ControllerOptions {
  /** "Add cameras": adopt unadopted cameras docked from now on. */
  adoptCameras?: boolean;
}

export interface ControllerRuntime {
  readonly dock: DockPorts;
  readonly authority: SystemAuthority;
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function startController(hal: ControllerHal, log: Log, options: ControllerOptions = {}): Promise<ControllerRuntime> {
  if (!hal.identity.systemId) throw new ConfigError('systemId: missing, expected this body-worn system\'s id (letters, digits, \'-\'); a controller needs one to adopt cameras and issue certificates');
  const authority = await SystemAuthority.open(hal.storage, hal.identity.systemId, hal.clock.now());
  const dock = new DockPorts({ net: hal.net, clock: hal.clock, ports: hal.ports, identity: hal.identity, authority, adopt: options.adoptCameras ?? false, log });
  dock.start();
  await hal.indicators.setLed('status', { kind: 'steady', color: 'green' }).catch((e) => log.debug('indicators', (e as Error).message));
  return {
    dock,
    authority,
    done: new Promise<void>(() => {}),
    async stop() {
      await dock.stop();
    },
  };
}
