/**
 * Camera assignments kept by the controller: which user each camera belongs to and which
 * profile it follows, plus the system's evaluation mode. Sent to each camera of the system at
 * every dock (inside mutual TLS); the camera's verdict and readiness come back and are kept.
 * Loaded from an assignments file (see firmware/controller/README.md) or set through the API.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../hal/errors.js';
import type { CameraAssignment, CameraAssignmentResult } from '../../protocols/index.js';
import { selfAssignReadiness, type SelfAssignReadiness } from '../common/self-assign.js';
import { watermarkNotice } from '../common/watermark.js';

export interface CameraAssignmentEntry {
  /** The camera user; '' = unassigned. */
  userId: string;
  userName?: string;
  /** A camera profile object (the camera checks it against its model). */
  profile?: Record<string, unknown>;
  /** Picked by the user's self-assign tag tap (see self-assign-service.ts), not fixed. */
  selfAssigned?: boolean;
}

/** What a camera answered to its last assignment. */
export interface AssignmentVerdict {
  accepted: boolean;
  /** Why the camera refused (a profile's problems). */
  error?: string;
  batteryPercent: number;
  storageFreePercent: number;
  /** Available for self-assignment (>= 60 % battery and storage). */
  selfAssign: SelfAssignReadiness;
  atMs: number;
  /** The camera's holster pairing report could not be applied (why). */
  pairingError?: string;
}

/** What CameraAssignments.selfAssign() replaced, for restore(). */
export interface SelfAssignUndo {
  entry: CameraAssignmentEntry | undefined;
  verdict: AssignmentVerdict | undefined;
}

export class AssignmentsFileError extends Error {
  readonly code = 'EASSIGNMENTS';
  constructor(message: string) {
    super(message);
    this.name = 'AssignmentsFileError';
  }
}

export class CameraAssignments {
  #cameras = new Map<string, CameraAssignmentEntry>();
  #verdicts = new Map<string, AssignmentVerdict>();
  /** Self-assigned cameras whose next assignment message tells them so (LEDs flash green once). */
  #selfPending = new Set<string>();
  evaluationMode: boolean;
  /**
   * Self-assign mode: every camera of the system gets a message at its dock (unassigned when it
   * has no entry), so each reports its battery and storage and a docked camera is in the pool.
   */
  selfAssignMode = false;
  /** The file's named profiles (a self-assigned user's Policy picks one). */
  readonly profiles: Record<string, Record<string, unknown>>;

  constructor(options: { evaluationMode?: boolean; cameras?: Record<string, CameraAssignmentEntry>; profiles?: Record<string, Record<string, unknown>> } = {}) {
    this.evaluationMode = options.evaluationMode ?? false;
    this.profiles = { ...options.profiles };
    for (const [serial, entry] of Object.entries(options.cameras ?? {})) this.assign(serial, entry);
  }

  /** Assign `serial` to a user (and profile); it takes effect at the camera's next dock. */
  assign(serial: string, entry: CameraAssignmentEntry): void {
    if (typeof serial !== 'string' || serial === '') throw new TypeError('assign: serial must be the camera\'s serial number');
    if (typeof entry.userId !== 'string') throw new TypeError(`assign ${serial}: userId must be a string ('' = unassigned)`);
    this.#cameras.set(serial, { ...entry });
    this.#selfPending.delete(serial);
  }

  /**
   * Self-assign `serial` to a user (a tag tap): the next assignment message to it says so, and
   * the camera's LEDs flash green until it is undocked. Returns the entry it replaced.
   */
  selfAssign(serial: string, entry: Omit<CameraAssignmentEntry, 'selfAssigned'>): SelfAssignUndo {
    const before = { entry: this.#cameras.get(serial), verdict: this.#verdicts.get(serial) };
    this.assign(serial, { ...entry, selfAssigned: true });
    this.#selfPending.add(serial);
    return before;
  }

  /**
   * Put back what selfAssign() replaced (the camera refused the self-assignment or could not be
   * reached): its entry, and its verdict on the assignment it keeps (with the levels it just reported).
   */
  restore(serial: string, before: SelfAssignUndo): void {
    this.#selfPending.delete(serial);
    if (before.entry) this.#cameras.set(serial, { ...before.entry });
    else this.#cameras.delete(serial);
    const now = this.#verdicts.get(serial);
    if (!before.verdict) this.#verdicts.delete(serial);
    else if (now && now !== before.verdict) {
      const { error: _refusal, ...levels } = now;
      this.#verdicts.set(serial, { ...levels, accepted: before.verdict.accepted, ...(before.verdict.error !== undefined ? { error: before.verdict.error } : {}) });
    }
  }

  /** Serials of self-assigned cameras with their user (user id '' left out). */
  selfAssigned(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [serial, e] of this.#cameras) if (e.selfAssigned && e.userId !== '') out.set(serial, e.userId);
    return out;
  }

  /** Unassign `serial` (an unassigned camera refuses to record). */
  unassign(serial: string): void {
    this.#cameras.set(serial, { userId: '' });
  }

  /**
   * Notices for an administrator about the users assigned (manual, Troubleshooting): a user id
   * longer than the 12 characters the visual watermark shows. One per user, in serial order.
   */
  watermarkNotices(): string[] {
    const users = new Set([...this.#cameras.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e.userId));
    return [...users].flatMap((u) => { const n = watermarkNotice(u); return n ? [n] : []; });
  }

  entry(serial: string): CameraAssignmentEntry | undefined {
    return this.#cameras.get(serial);
  }

  /** The message for `serial`, or undefined when the system has nothing to say to it (it keeps what it has). */
  messageFor(serial: string, wirelessBroadcastKey: Uint8Array): CameraAssignment | undefined {
    const e = this.#cameras.get(serial);
    if (!e && !this.evaluationMode && !this.selfAssignMode) return undefined;
    return {
      userId: e?.userId ?? '', userName: e?.userName ?? '', profileJson: e?.profile ? JSON.stringify(e.profile) : '',
      evaluationMode: this.evaluationMode, wirelessBroadcastKey,
      ...(this.#selfPending.has(serial) ? { selfAssignment: true } : {}),
    };
  }

  /** Keep a camera's answer. */
  record(serial: string, result: CameraAssignmentResult, atMs: number): AssignmentVerdict {
    const v: AssignmentVerdict = {
      accepted: result.accepted, batteryPercent: result.batteryPercent, storageFreePercent: result.storageFreePercent,
      selfAssign: selfAssignReadiness(result.batteryPercent, result.storageFreePercent), atMs,
      ...(result.accepted ? {} : { error: result.error.message }),
    };
    this.#verdicts.set(serial, v);
    if (result.accepted) this.#selfPending.delete(serial);
    return v;
  }

  /** The camera's last answer, if it docked since the controller started. */
  verdict(serial: string): AssignmentVerdict | undefined {
    return this.#verdicts.get(serial);
  }

  /**
   * Parse an assignments file: `{ "evaluationMode"?: boolean, "profiles"?: { NAME: profile },
   * "cameras": { SERIAL: { "user": ID, "userName"?: NAME, "profile"?: NAME } } }`.
   * Throws AssignmentsFileError naming every bad field.
   */
  static fromJson(text: string, source = 'assignments file'): CameraAssignments {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new AssignmentsFileError(`${source}: not JSON (${(e as Error).message}); expected an object with "cameras"`);
    }
    const problems: string[] = [];
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isObject(raw)) throw new AssignmentsFileError(`${source}: expected a JSON object with "cameras", got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    for (const k of Object.keys(raw)) if (!['evaluationMode', 'profiles', 'cameras'].includes(k)) problems.push(`${k}: unknown key; expected evaluationMode, profiles or cameras`);
    if (raw.evaluationMode !== undefined && typeof raw.evaluationMode !== 'boolean') problems.push(`evaluationMode: expected true or false, got ${JSON.stringify(raw.evaluationMode)}`);
    const profiles = raw.profiles ?? {};
    if (!isObject(profiles)) problems.push('profiles: expected an object of named camera profiles');
    else for (const [name, p] of Object.entries(profiles)) if (!isObject(p)) problems.push(`profiles.${name}: expected a camera profile object`);
    const cameras: Record<string, CameraAssignmentEntry> = {};
    if (!isObject(raw.cameras)) problems.push('cameras: expected an object of camera serial numbers to { "user", "userName"?, "profile"? }');
    else {
      for (const [serial, c] of Object.entries(raw.cameras)) {
        if (!isObject(c)) { problems.push(`cameras.${serial}: expected { "user", "userName"?, "profile"? }`); continue; }
        for (const k of Object.keys(c)) if (!['user', 'userName', 'profile'].includes(k)) problems.push(`cameras.${serial}.${k}: unknown key; expected user, userName or profile`);
        if (typeof c.user !== 'string') problems.push(`cameras.${serial}.user: expected a user id ('' = unassigned), got ${JSON.stringify(c.user)}`);
        if (c.userName !== undefined && typeof c.userName !== 'string') problems.push(`cameras.${serial}.userName: expected text`);
        let profile: Record<string, unknown> | undefined;
        if (c.profile !== undefined) {
          const p = typeof c.profile === 'string' && isObject(profiles) ? profiles[c.profile] : undefined;
          if (!isObject(p)) problems.push(`cameras.${serial}.profile: expected the name of a profile under "profiles", got ${JSON.stringify(c.profile)}`);
          else profile = p;
        }
        cameras[serial] = { userId: String(c.user ?? ''), ...(typeof c.userName === 'string' ? { userName: c.userName } : {}), ...(profile ? { profile } : {}) };
      }
    }
    if (problems.length > 0) throw new AssignmentsFileError(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return new CameraAssignments({ evaluationMode: raw.evaluationMode === true, cameras, profiles: profiles as Record<string, Record<string, unknown>> });
  }
}

/** Read an assignments file for the CLI; every problem becomes one ConfigError (exit 2). */
export async function readAssignmentsFile(path: string): Promise<CameraAssignments> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`assignments file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a JSON file of camera assignments`);
  }
  try {
    return CameraAssignments.fromJson(text, path);
  } catch (e) {
    if (e instanceof AssignmentsFileError) throw new ConfigError(e.message);
    throw e;
  }
}
