/**
 * The camera's assignment from its system: the user it belongs to, the profile it follows,
 * whether the system is in evaluation mode, and the system's wireless broadcast key. The
 * controller sends it inside mutual TLS at every dock; the camera checks the profile against
 * its model (refusing it whole, naming every problem), keeps it durably and applies it at once.
 */
import type { Storage } from '../../hal/storage/contract.js';
import type { Log } from '../common/log.js';
import type { CameraAssignment } from '../../protocols/index.js';
import { checkProfile, ProfileError } from './profile/check-profile.js';
import type { CameraProfile } from './profile/profile.js';

export const ASSIGNMENT_PATH = 'config/assignment.json';

/** What the camera runs by, once checked. */
export interface AppliedAssignment {
  /** Empty = unassigned. */
  userId: string;
  userName: string;
  /** Undefined: the camera's own (boot) profile. */
  profile: CameraProfile | undefined;
  evaluationMode: boolean;
  /** 32 bytes. */
  wirelessBroadcastKey: Uint8Array;
  /**
   * Picked for the user by a self-assign tag tap at the controller: the LEDs flash green until
   * undock. Not kept across a reboot (it is about this dock only).
   */
  selfAssigned: boolean;
}

interface Stored {
  userId: string;
  userName: string;
  profileJson: string;
  evaluationMode: boolean;
  wirelessBroadcastKeyHex: string;
}

export class AssignmentRefusedError extends Error {
  readonly code = 'EASSIGNMENT_REFUSED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AssignmentRefusedError';
  }
}

/** Check an assignment against the camera's model. Throws AssignmentRefusedError naming every problem. */
export function checkAssignment(m: CameraAssignment, model: string): AppliedAssignment {
  let profile: CameraProfile | undefined;
  if (m.profileJson !== '') {
    let raw: unknown;
    try {
      raw = JSON.parse(m.profileJson);
    } catch (e) {
      throw new AssignmentRefusedError(`camera profile is not JSON (${(e as Error).message}): expected a camera profile object`);
    }
    try {
      profile = checkProfile(raw, model);
    } catch (e) {
      if (e instanceof ProfileError) throw new AssignmentRefusedError(e.message, { cause: e });
      throw e;
    }
  }
  return { userId: m.userId, userName: m.userName, profile, evaluationMode: m.evaluationMode, wirelessBroadcastKey: Uint8Array.from(m.wirelessBroadcastKey), selfAssigned: m.selfAssignment === true };
}

export class CameraAssignmentStore {
  #current: AppliedAssignment | undefined;

  constructor(private readonly o: { storage: Storage; model: string; log: Log }) {}

  /** The assignment in force, or undefined when the system never sent one. */
  get current(): AppliedAssignment | undefined {
    return this.#current;
  }

  /** Restore the stored assignment; a damaged one (or one the model no longer honours) is reported and ignored. */
  async load(): Promise<AppliedAssignment | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.o.storage.read(ASSIGNMENT_PATH);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') this.o.log.warn('assignment', `${ASSIGNMENT_PATH} unreadable (${(e as Error).message}): running unassigned until the next dock`);
      return undefined;
    }
    try {
      const s = JSON.parse(new TextDecoder().decode(bytes)) as Stored;
      this.#current = checkAssignment({
        userId: String(s.userId ?? ''), userName: String(s.userName ?? ''), profileJson: String(s.profileJson ?? ''),
        evaluationMode: s.evaluationMode === true, wirelessBroadcastKey: Uint8Array.from(Buffer.from(String(s.wirelessBroadcastKeyHex ?? ''), 'hex')),
      }, this.o.model);
    } catch (e) {
      this.o.log.warn('assignment', `${ASSIGNMENT_PATH} unusable (${(e as Error).message}): running unassigned until the next dock`);
    }
    return this.#current;
  }

  /**
   * Check `m`, keep it durably, then make it current. Throws AssignmentRefusedError (nothing
   * changes) when the model cannot honour it, or the storage error when it cannot be kept.
   */
  async apply(m: CameraAssignment): Promise<AppliedAssignment> {
    const applied = checkAssignment(m, this.o.model);
    const stored: Stored = {
      userId: m.userId, userName: m.userName, profileJson: m.profileJson, evaluationMode: m.evaluationMode,
      wirelessBroadcastKeyHex: Buffer.from(m.wirelessBroadcastKey).toString('hex'),
    };
    await this.o.storage.writeAtomic(ASSIGNMENT_PATH, new TextEncoder().encode(JSON.stringify(stored)));
    this.#current = applied;
    return applied;
  }

  /** Forget the assignment (evaluation-mode reset). */
  async clear(): Promise<void> {
    this.#current = undefined;
    await this.o.storage.remove(ASSIGNMENT_PATH).catch((e: { code?: string }) => { if (e.code !== 'ENOENT') throw e; });
  }
}
