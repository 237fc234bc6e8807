/**
 * The controller's view of docked cameras, per docking-station port and bay, as a pure state
 * machine: beacons, session outcomes and time go in; the next table and effects (open a session,
 * report docked/undocked) come out. The runtime executes effects; tests are tables.
 */
import type { Endpoint } from '../../hal/net/contract.js';

/**
 * A camera is taken as undocked after this long without a beacon, in session or not: a docked
 * camera answers every solicitation (every few seconds), while a real link that lost its
 * camera resets nothing on the controller's side, so an open session proves nothing.
 */
export const UNDOCK_SILENCE_MS = 15_000;
/** After a failed session, wait this long before trying again. */
export const SESSION_RETRY_MS = 2_000;

/** 'unknown': the camera belongs to another system (the manual's "Unknown camera"): no session, no offload. */
/** 'safe-mode': its certificate is no longer valid (expired): no offload until an administrator lets it back in. */
export type Phase = 'discovered' | 'connecting' | 'in-session' | 'retry-wait' | 'unknown' | 'safe-mode';

export interface DockedCamera {
  serial: string;
  model: string;
  port: number;
  bay: number;
  endpoint: Endpoint;
  bootId: string;
  systemId: string;
  phase: Phase;
  lastHeard: number;
  retryAt: number;
}

export type DockTable = ReadonlyMap<string, DockedCamera>;

export interface BeaconSeen {
  type: 'beacon';
  at: number;
  port: number;
  serial: string;
  model: string;
  bay: number;
  bootId: string;
  systemId: string;
  endpoint: Endpoint;
}

export type DockInput =
  | BeaconSeen
  | { type: 'session-opened'; at: number; serial: string }
  | { type: 'session-ended'; at: number; serial: string; reason: string }
  | { type: 'camera-unknown'; at: number; serial: string; systemId: string }
  | { type: 'camera-safe-mode'; at: number; serial: string }
  | { type: 'link-down'; at: number; port: number }
  | { type: 'tick'; at: number };

export type DockEffect =
  | { type: 'open-session'; camera: DockedCamera }
  | { type: 'docked'; camera: DockedCamera; redocked: boolean }
  | { type: 'undocked'; camera: DockedCamera; reason: string };

export interface Step {
  table: DockTable;
  effects: DockEffect[];
}

export const emptyTable: DockTable = new Map();

export function dockStep(table: DockTable, input: DockInput): Step {
  const next = new Map(table);
  const effects: DockEffect[] = [];
  const set = (c: DockedCamera) => next.set(c.serial, c);

  switch (input.type) {
    case 'beacon': {
      const known = next.get(input.serial);
      // A camera re-docked within UNDOCK_SILENCE_MS listens on a new session port: that is a new docking too.
      const moved = known && (known.port !== input.port || known.bootId !== input.bootId || known.endpoint.address !== input.endpoint.address || known.endpoint.port !== input.endpoint.port);
      if (known && !moved) {
        set({ ...known, lastHeard: input.at, bay: input.bay || known.bay });
        break;
      }
      if (known && moved) effects.push({ type: 'undocked', camera: known, reason: known.port !== input.port ? `moved to port ${input.port}` : known.bootId !== input.bootId ? 'rebooted' : 're-docked' });
      const camera: DockedCamera = {
        serial: input.serial, model: input.model, port: input.port, bay: input.bay, endpoint: input.endpoint,
        bootId: input.bootId, systemId: input.systemId, phase: 'connecting', lastHeard: input.at, retryAt: 0,
      };
      set(camera);
      effects.push({ type: 'docked', camera, redocked: Boolean(known) }, { type: 'open-session', camera });
      break;
    }
    case 'session-opened': {
      const c = next.get(input.serial);
      if (c) set({ ...c, phase: 'in-session' });
      break;
    }
    case 'session-ended': {
      const c = next.get(input.serial);
      if (c) set({ ...c, phase: 'retry-wait', retryAt: input.at + SESSION_RETRY_MS });
      break;
    }
    case 'camera-unknown': {
      const c = next.get(input.serial);
      if (c) set({ ...c, phase: 'unknown', systemId: input.systemId });
      break;
    }
    case 'camera-safe-mode': {
      const c = next.get(input.serial);
      if (c) set({ ...c, phase: 'safe-mode' });
      break;
    }
    case 'link-down': {
      for (const c of table.values()) {
        if (c.port !== input.port) continue;
        next.delete(c.serial);
        effects.push({ type: 'undocked', camera: c, reason: `port ${input.port} link down` });
      }
      break;
    }
    case 'tick': {
      for (const c of table.values()) {
        if (input.at - c.lastHeard >= UNDOCK_SILENCE_MS) {
          next.delete(c.serial);
          effects.push({ type: 'undocked', camera: c, reason: `no beacon for ${Math.round((input.at - c.lastHeard) / 1000)} s` });
        } else if (c.phase === 'retry-wait' && input.at >= c.retryAt) {
          const again = { ...c, phase: 'connecting' as const };
          set(again);
          effects.push({ type: 'open-session', camera: again });
        }
      }
      break;
    }
  }
  return { table: next, effects };
}

/** Cameras on one port, by bay. */
export function camerasOnPort(table: DockTable, port: number): DockedCamera[] {
  return [...table.values()].filter((c) => c.port === port).sort((a, b) => a.bay - b.bay || a.serial.localeCompare(b.serial));
}
