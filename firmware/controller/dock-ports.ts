/**
 * Dock enumeration over IPv6: on each docking-station port's interface, solicit on the
 * link-local discovery group when the link comes up and every SOLICIT_INTERVAL_MS after; every
 * beacon goes into the dock table (pure), whose effects this runs: open a session to the camera's
 * scoped link-local address, report docked and undocked cameras per port and bay.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../hal/clock/contract.js';
import type { MulticastSocket, Net } from '../../hal/net/contract.js';
import type { DeviceIdentity, DockPort } from '../../hal/boards/contract.js';
import { DISCOVERY_GROUP, DISCOVERY_PORT, decodeDiscoveryDatagram, encodeDiscoveryDatagram, formatIpv6, toHex } from '../../protocols/index.js';
import { dockStep, emptyTable, type DockEffect, type DockInput, type DockTable, type DockedCamera } from './dock-table.js';
import { openCameraSession, SafeModeCameraError, UnknownCameraError, type CameraSession } from './camera-session.js';
import type { SystemAuthority } from './system-authority.js';
import type { CameraAssignments } from './assignments.js';
import type { PairingStore } from './pairing/pairing-store.js';
import type { Log } from '../common/log.js';

export const SOLICIT_INTERVAL_MS = 5_000;
/** The dock table checks for silent cameras and due retries this often. */
export const TABLE_TICK_MS = 1_000;

export interface DockPortsEvents {
  docked: [DockedCamera, boolean];
  undocked: [DockedCamera, string];
  session: [DockedCamera, CameraSession];
  'session-failed': [DockedCamera, Error];
  'unknown-camera': [DockedCamera, UnknownCameraError];
  'safe-mode': [DockedCamera, SafeModeCameraError];
}

export class DockPorts extends EventEmitter<DockPortsEvents> {
  private table: DockTable = emptyTable;
  private sockets = new Map<number, MulticastSocket>();
  private solicitTimers = new Map<number, Timer>();
  private sessions = new Map<string, CameraSession>();
  private unwatch: (() => void)[] = [];
  private tick: Timer | undefined;
  private stopped = false;
  /** Solicitations sent, beacons received and malformed datagrams dropped, per run. */
  readonly stats = { solicitations: 0, beacons: 0, malformed: 0 };

  constructor(private readonly o: { net: Net; clock: Clock; ports: DockPort[]; identity: DeviceIdentity; authority: SystemAuthority; adopt: boolean; assignments?: CameraAssignments; pairings?: PairingStore; log: Log }) {
    super();
  }

  start(): void {
    for (const p of this.o.ports) {
      let up = false;
      let chain = Promise.resolve();
      this.unwatch.push(this.o.net.watchLink(p.interface, (i) => {
        const nowUp = i.up && i.linkLocal !== undefined;
        if (nowUp === up || this.stopped) return;
        up = nowUp;
        chain = chain.then(() => (nowUp ? this.portUp(p) : this.portDown(p))).catch((e) => this.o.log.warn('dock', `port ${p.port}: ${(e as Error).message}`));
      }));
    }
    this.tick = this.o.clock.setInterval(() => this.apply({ type: 'tick', at: this.o.clock.monotonic() }), TABLE_TICK_MS);
  }

  /** Docked cameras now, by port then bay. */
  cameras(): DockedCamera[] {
    return [...this.table.values()].sort((a, b) => a.port - b.port || a.bay - b.bay || a.serial.localeCompare(b.serial));
  }

  /**
   * Open a fresh session to a docked camera now (to hand it a new assignment: a self-assign tap)
   * and resolve with it. The session it replaces ends without counting as a session end.
   * Rejects when the camera is not docked or the session fails (the dock table retries as usual).
   */
  async reopen(serial: string): Promise<CameraSession> {
    const camera = this.table.get(serial);
    if (!camera || this.stopped) throw new Error(`camera ${serial} is not docked; expected a camera docked on this controller`);
    const old = this.sessions.get(serial);
    this.sessions.delete(serial);
    await old?.close();
    let failure: Error | undefined;
    const onFail = (c: DockedCamera, e: Error) => { if (c.serial === serial) failure = e; };
    this.on('session-failed', onFail);
    try {
      await this.openSession(camera);
    } finally {
      this.off('session-failed', onFail);
    }
    const session = this.sessions.get(serial);
    if (!session) throw new Error(`session with camera ${serial} failed${failure ? `: ${failure.message}` : ''}`);
    return session;
  }

  /** Send a solicitation on every port that is up now (also done on link up and periodically). */
  async solicitAll(): Promise<void> {
    await Promise.all([...this.sockets.keys()].map((port) => this.solicit(port)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.tick?.cancel();
    for (const u of this.unwatch) u();
    for (const t of this.solicitTimers.values()) t.cancel();
    for (const s of this.sessions.values()) await s.close();
    for (const s of this.sockets.values()) await s.close();
    this.sockets.clear();
  }

  private async portUp(p: DockPort): Promise<void> {
    const socket = await this.o.net.joinMulticast(p.interface, DISCOVERY_GROUP, DISCOVERY_PORT);
    socket.onMessage(({ data, from }) => {
      let m;
      try {
        m = decodeDiscoveryDatagram(data);
      } catch (e) {
        this.stats.malformed++;
        this.o.log.debug('dock', `port ${p.port}: dropped a malformed datagram from ${from.address}: ${(e as Error).message}`);
        return;
      }
      if (m.kind !== 'beacon') return;
      this.stats.beacons++;
      this.apply({
        type: 'beacon', at: this.o.clock.monotonic(), port: p.port, serial: m.cameraSerial, model: m.model, bay: m.bayHint,
        bootId: toHex(m.bootId), systemId: m.systemId,
        endpoint: { address: formatIpv6(m.linkLocalAddress), port: m.sessionPort, scope: from.scope },
      });
    });
    this.sockets.set(p.port, socket);
    this.o.log.info('dock', `port ${p.port} (${p.interface}): link up, soliciting`);
    await this.solicit(p.port);
    this.solicitTimers.set(p.port, this.o.clock.setInterval(() => void this.solicit(p.port), SOLICIT_INTERVAL_MS));
  }

  private async portDown(p: DockPort): Promise<void> {
    this.solicitTimers.get(p.port)?.cancel();
    this.solicitTimers.delete(p.port);
    const s = this.sockets.get(p.port);
    this.sockets.delete(p.port);
    await s?.close();
    this.apply({ type: 'link-down', at: this.o.clock.monotonic(), port: p.port });
    this.o.log.info('dock', `port ${p.port} (${p.interface}): link down`);
  }

  private async solicit(port: number): Promise<void> {
    const s = this.sockets.get(port);
    if (!s) return;
    const datagram = encodeDiscoveryDatagram({ kind: 'solicitation', nonce: randomBytes(16), controllerSerial: this.o.identity.serial, systemId: this.o.identity.systemId || 'unadopted' });
    this.stats.solicitations++;
    await s.send(datagram).catch((e) => this.o.log.debug('dock', `port ${port}: solicitation not sent: ${(e as Error).message}`));
  }

  private apply(input: DockInput): void {
    const { table, effects } = dockStep(this.table, input);
    this.table = table;
    for (const e of effects) this.run(e);
  }

  private run(e: DockEffect): void {
    switch (e.type) {
      case 'docked':
        this.o.log.info('dock', `${e.redocked ? 're-docked' : 'docked'}: camera ${e.camera.serial} (${e.camera.model}) on port ${e.camera.port}${e.camera.bay ? ` bay ${e.camera.bay}` : ''} at ${e.camera.endpoint.address}%${e.camera.endpoint.scope}`);
        this.emit('docked', e.camera, e.redocked);
        break;
      case 'undocked':
        this.sessions.get(e.camera.serial)?.close();
        this.sessions.delete(e.camera.serial);
        this.o.log.info('dock', `undocked: camera ${e.camera.serial} from port ${e.camera.port} (${e.reason})`);
        this.emit('undocked', e.camera, e.reason);
        break;
      case 'open-session':
        void this.openSession(e.camera);
        break;
    }
  }

  private async openSession(camera: DockedCamera): Promise<void> {
    this.sessions.get(camera.serial)?.close();
    try {
      const session = await openCameraSession({ net: this.o.net, clock: this.o.clock, camera, identity: this.o.identity, authority: this.o.authority, adopt: this.o.adopt, ...(this.o.assignments ? { assignments: this.o.assignments } : {}), ...(this.o.pairings ? { pairings: this.o.pairings } : {}) });
      if (this.stopped || this.table.get(camera.serial)?.bootId !== camera.bootId) {
        await session.close();
        return;
      }
      this.sessions.set(camera.serial, session);
      this.apply({ type: 'session-opened', at: this.o.clock.monotonic(), serial: camera.serial });
      if (session.membership === 'adopted') this.o.log.info('adoption', `adopted camera ${camera.serial} into system ${this.o.authority.systemId}`);
      if (session.membership === 'unadopted') this.o.log.info('adoption', `camera ${camera.serial} is not adopted: "Add cameras" to adopt it (no offload until then)`);
      const a = session.assignment;
      if (a && !a.accepted) this.o.log.warn('assignment', `camera ${camera.serial} refused its assignment: ${a.error}`);
      if (a?.pairingError) this.o.log.warn('holster', `camera ${camera.serial}: holster pairing report not applied: ${a.pairingError}`);
      else if (a) this.o.log.info('assignment', `camera ${camera.serial} assigned (battery ${a.batteryPercent} %, storage free ${a.storageFreePercent} %${a.selfAssign.ready ? ', ready for self-assign' : ''})`);
      this.o.log.info('session', `session with ${camera.serial}: protocol ${session.version.major}.${session.version.minor}, ${session.membership}, ${session.recordings} recording(s) on the camera`);
      this.emit('session', camera, session);
      session.closed.then((reason) => {
        if (this.sessions.get(camera.serial) !== session) return;
        this.sessions.delete(camera.serial);
        this.apply({ type: 'session-ended', at: this.o.clock.monotonic(), serial: camera.serial, reason });
      });
    } catch (err) {
      if (err instanceof UnknownCameraError) {
        this.o.log.warn('adoption', `${err.message} (port ${camera.port})`);
        this.apply({ type: 'camera-unknown', at: this.o.clock.monotonic(), serial: camera.serial, systemId: err.systemId });
        this.emit('unknown-camera', camera, err);
        return;
      }
      if (err instanceof SafeModeCameraError) {
        this.o.log.warn('session', `${err.message} (port ${camera.port})`);
        this.apply({ type: 'camera-safe-mode', at: this.o.clock.monotonic(), serial: camera.serial });
        this.emit('safe-mode', camera, err);
        return;
      }
      this.o.log.warn('session', `session with ${camera.serial} at ${camera.endpoint.address}%${camera.endpoint.scope} failed: ${(err as Error).message}`);
      this.apply({ type: 'session-ended', at: this.o.clock.monotonic(), serial: camera.serial, reason: (err as Error).message });
      this.emit('session-failed', camera, err as Error);
    }
  }
}
