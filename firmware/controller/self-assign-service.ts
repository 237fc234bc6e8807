/**
 * Self-assign camera assignment at the controller: a tag tapped on the RFID reader is decided by
 * the desk (self-assign-desk.ts); the chosen docked camera is assigned to the user (their name
 * and profile) as a self-assignment and handed it at once in a fresh session, so its LEDs flash
 * green until the user undocks it. Taps are handled one at a time: a camera is never given to
 * two users by taps in flight together.
 */
import type { Clock, Timer } from '../../hal/clock/contract.js';
import type { RfidReader } from '../../hal/rfid/contract.js';
import type { Log } from '../common/log.js';
import { FIRMWARE_VERSION } from '../common/version.js';
import type { CameraAssignments } from './assignments.js';
import type { DockPorts } from './dock-ports.js';
import { decideTap, notReadyBecause, type DeskCamera, type RefusalReason } from './self-assign-desk.js';
import type { DirectoryUser, UserDirectory } from './users-csv.js';

/** Docked cameras short of battery or storage are asked again this often (they charge in the dock). */
export const READINESS_REFRESH_MS = 5 * 60_000;

export type TapOutcome =
  | { kind: 'assigned'; serial: string; user: DirectoryUser; atMs: number }
  | { kind: 'refused'; reason: RefusalReason | 'camera-failed'; message: string; user?: DirectoryUser; atMs: number };

export interface SelfAssignOptions {
  directory: UserDirectory;
  assignments: CameraAssignments;
  dock: DockPorts;
  clock: Clock;
  log: Log;
  /** Taps come from here; without one, only tap() assigns. */
  reader?: RfidReader;
  /** The camera profile for a user (their Policy); undefined: the camera's defaults. */
  profileFor?: (user: DirectoryUser) => Record<string, unknown> | undefined;
  /** The system's firmware version (default this controller's). */
  systemFirmware?: string;
  /** A camera is offloading now: its readiness is not refreshed (a fresh session would cut the transfer). */
  offloading?: (serial: string) => boolean;
}

export class SelfAssignService {
  /** Self-assigned cameras still docked since the tap: serial -> user id. */
  readonly #reserved = new Map<string, string>();
  /** Each docked camera's firmware from its hello; only cameras in session since they docked are here (older reports are stale). */
  readonly #firmware = new Map<string, string>();
  readonly #listeners = new Set<(outcome: TapOutcome) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  #chain: Promise<unknown> = Promise.resolve();
  #refresh: Timer | undefined;
  #stopped = false;

  constructor(private readonly o: SelfAssignOptions) {}

  start(): void {
    const { dock, reader, log } = this.o;
    const onSession = (camera: { serial: string }, session: { cameraFirmware: string }) => this.#firmware.set(camera.serial, session.cameraFirmware);
    const onUndocked = (camera: { serial: string }) => {
      const user = this.#reserved.get(camera.serial);
      this.#reserved.delete(camera.serial);
      this.#firmware.delete(camera.serial);
      if (user !== undefined) log.info('self-assign', `camera ${camera.serial} picked up by ${user}`);
    };
    dock.on('session', onSession);
    dock.on('undocked', onUndocked);
    this.#unsubscribe.push(() => dock.off('session', onSession), () => dock.off('undocked', onUndocked));
    if (reader) {
      this.#unsubscribe.push(reader.onTag((read) => void this.tap(read.tag)));
      this.#unsubscribe.push(reader.onClose((e) => { if (e) log.warn('self-assign', `RFID reader ${reader.name}: ${e.message}; self-assign taps stop until it is connected again and the controller restarted`); }));
    }
    this.#refresh = this.o.clock.setInterval(() => void this.refreshReadiness(), READINESS_REFRESH_MS);
  }

  stop(): void {
    this.#stopped = true;
    this.#refresh?.cancel();
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  /** Call `listener` with every tap's outcome. Returns a function that removes it. */
  onOutcome(listener: (outcome: TapOutcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Self-assigned cameras waiting in the dock for their user: serial -> user id. */
  reserved(): ReadonlyMap<string, string> { return new Map(this.#reserved); }

  /** A tag tapped on the reader: decided and carried out after any tap still in flight. */
  tap(tag: string): Promise<TapOutcome> {
    const run = this.#chain.then(() => this.#handle(tag));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** What the desk sees now. */
  deskCameras(): DeskCamera[] {
    return this.o.dock.cameras().map((c) => {
      const fw = this.#firmware.get(c.serial);
      // A report from before this dock says nothing of the battery now.
      const v = fw !== undefined ? this.o.assignments.verdict(c.serial) : undefined;
      const reservedFor = this.#reserved.get(c.serial);
      return {
        serial: c.serial,
        ...(v ? { report: { accepted: v.accepted, batteryPercent: v.batteryPercent, storageFreePercent: v.storageFreePercent } } : {}),
        ...(fw !== undefined ? { firmwareVersion: fw } : {}),
        ...(reservedFor !== undefined ? { reservedFor } : {}),
      };
    });
  }

  /** Users holding a self-assigned camera that is not docked now: user id -> serial. */
  undockedHolders(): Map<string, string> {
    const docked = new Set(this.o.dock.cameras().map((c) => c.serial));
    const out = new Map<string, string>();
    for (const [serial, user] of this.o.assignments.selfAssigned()) if (!docked.has(serial)) out.set(user, serial);
    return out;
  }

  /** Ask docked cameras short of battery or storage for their levels again (a fresh session each). */
  async refreshReadiness(): Promise<void> {
    const fw = this.o.systemFirmware ?? FIRMWARE_VERSION;
    for (const c of this.deskCameras()) {
      const why = notReadyBecause(c, fw);
      if (this.#stopped || (why !== 'battery' && why !== 'storage') || this.o.offloading?.(c.serial)) continue;
      await this.o.dock.reopen(c.serial).catch((e: Error) => this.o.log.debug('self-assign', `readiness of ${c.serial} not refreshed: ${e.message}`));
    }
  }

  async #handle(tag: string): Promise<TapOutcome> {
    const { assignments, dock, log, clock } = this.o;
    const excluded = new Set<string>();
    const failures: string[] = [];
    for (;;) {
      const decision = decideTap({
        tag, directory: this.o.directory, systemFirmware: this.o.systemFirmware ?? FIRMWARE_VERSION,
        docked: this.deskCameras().filter((c) => !excluded.has(c.serial)), undockedHolders: this.undockedHolders(),
      });
      if (decision.kind === 'refuse') {
        const user = decision.user;
        if (failures.length > 0 && decision.reason === 'no-camera-ready' && user) {
          const others = this.o.dock.cameras().length - excluded.size;
          const message = `no camera could take the assignment of ${user.name} (${user.id}): ${failures.join('; ')}${others > 0 ? `; ${decision.message}` : ''}`;
          return this.#emit({ kind: 'refused', reason: 'camera-failed', message, user, atMs: clock.now() });
        }
        return this.#emit({ kind: 'refused', reason: decision.reason, message: decision.message, ...(user ? { user } : {}), atMs: clock.now() });
      }
      const { serial, user } = decision;
      const profile = this.o.profileFor?.(user);
      const before = assignments.selfAssign(serial, { userId: user.id, userName: user.name, ...(profile ? { profile } : {}) });
      this.#reserved.set(serial, user.id);
      try {
        const session = await dock.reopen(serial);
        const v = session.assignment;
        if (!v) throw new Error('the camera was not sent its assignment (protocol older than 1.1?)');
        if (!v.accepted) throw new Error(`refused: ${v.error ?? 'no reason given'}`);
        log.info('self-assign', `${user.name} (${user.id}) self-assigned camera ${serial}${decision.again ? ' (again)' : ''}: its LEDs flash green until undocked`);
        return this.#emit({ kind: 'assigned', serial, user, atMs: clock.now() });
      } catch (e) {
        assignments.restore(serial, before);
        this.#reserved.delete(serial);
        excluded.add(serial);
        failures.push(`camera ${serial}: ${(e as Error).message}`);
        log.warn('self-assign', `${user.id} not assigned camera ${serial}: ${(e as Error).message}; trying another`);
      }
    }
  }

  #emit(outcome: TapOutcome): TapOutcome {
    if (outcome.kind === 'refused') this.o.log.info('self-assign', `tap refused: ${outcome.message}`);
    for (const l of this.#listeners) l(outcome);
    return outcome;
  }
}
