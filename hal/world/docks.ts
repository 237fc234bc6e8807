/**
 * Docking stations in the emulated world. A station plugs into one controller port (1-5); each
 * port is one Ethernet link, named `port<N>` on the controller side. A station has up to 8 bays;
 * a camera in a bay gets dock contact (power) and a link on the port's segment (net).
 */
import { EventEmitter } from 'node:events';

export const MAX_PORTS = 5;
export const MAX_BAYS_PER_STATION = 8;

export interface BayAddress {
  station: string;
  /** Controller port the station is plugged into, 1-5. */
  port: number;
  /** Bay in the station, 1-8. */
  bay: number;
}

export interface DockEvent extends BayAddress {
  device: string;
  docked: boolean;
}

export interface Station {
  id: string;
  port: number;
  bays: number;
  powered: boolean;
  /** device id by bay number. */
  occupants: Map<number, string>;
}

/** Name of the link segment that joins a controller port and every bay of its station. */
export const portSegment = (port: number) => `port${port}`;

export class Docks extends EventEmitter<{ change: [DockEvent]; power: [string, boolean] }> {
  private stations = new Map<string, Station>();
  private where = new Map<string, BayAddress>();

  constructor() {
    super();
    // Every emulated device of the world listens here: no leak warning at 11 devices.
    this.setMaxListeners(0);
  }

  addStation(id: string, port: number, bays = MAX_BAYS_PER_STATION): Station {
    if (!Number.isInteger(port) || port < 1 || port > MAX_PORTS) {
      throw new RangeError(`docking station ${id}: port must be 1-${MAX_PORTS}, got ${port}`);
    }
    if (!Number.isInteger(bays) || bays < 1 || bays > MAX_BAYS_PER_STATION) {
      throw new RangeError(`docking station ${id}: bays must be 1-${MAX_BAYS_PER_STATION}, got ${bays}`);
    }
    if (this.stations.has(id)) throw new Error(`docking station ${id} already exists`);
    for (const s of this.stations.values()) {
      if (s.port === port) throw new Error(`port ${port} already has docking station ${s.id}`);
    }
    const station: Station = { id, port, bays, powered: true, occupants: new Map() };
    this.stations.set(id, station);
    return station;
  }

  station(id: string): Station {
    const s = this.stations.get(id);
    if (!s) throw new Error(`no docking station ${id}; known: ${[...this.stations.keys()].join(', ') || 'none'}`);
    return s;
  }

  list(): Station[] {
    return [...this.stations.values()];
  }

  /** Put `device` into a bay. Throws if the bay is taken or the device is already docked. */
  dock(device: string, stationId: string, bay: number): BayAddress {
    const s = this.station(stationId);
    if (!Number.isInteger(bay) || bay < 1 || bay > s.bays) throw new RangeError(`bay must be 1-${s.bays}, got ${bay}`);
    const other = s.occupants.get(bay);
    if (other) throw new Error(`bay ${bay} of ${stationId} already holds ${other}`);
    const at = this.where.get(device);
    if (at) throw new Error(`${device} is already docked in bay ${at.bay} of ${at.station}`);
    s.occupants.set(bay, device);
    const addr = { station: s.id, port: s.port, bay };
    this.where.set(device, addr);
    this.emit('change', { ...addr, device, docked: true });
    return addr;
  }

  /** Take `device` out of its bay (no-op if it is not docked). */
  undock(device: string): void {
    const at = this.where.get(device);
    if (!at) return;
    this.where.delete(device);
    this.station(at.station).occupants.delete(at.bay);
    this.emit('change', { ...at, device, docked: false });
  }

  /** Where `device` is docked, or undefined. */
  bayOf(device: string): BayAddress | undefined {
    return this.where.get(device);
  }

  /** Cut or restore a station's power (bays then give no charge). */
  setPower(stationId: string, powered: boolean): void {
    const s = this.station(stationId);
    s.powered = powered;
    this.emit('power', stationId, powered);
  }
}
