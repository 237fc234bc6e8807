/**
 * The self-assign desk's decision, pure: a tag tapped on the RFID reader, the user directory and
 * the docked cameras as last reported -> assign a camera to the user, or refuse with the
 * manual's reason ("No camera is assigned to the user when they tap the RFID tag").
 */
import { selfAssignReadiness } from '../common/self-assign.js';
import { normalizeTag, type DirectoryUser, type UserDirectory } from './users-csv.js';

/** A camera docked now, as the desk sees it. */
export interface DeskCamera {
  serial: string;
  /** What it reported at its last session; absent: no session yet (not ready). */
  report?: { accepted: boolean; batteryPercent: number; storageFreePercent: number };
  /** Its firmware (AXIS OS) version from its hello; absent: unknown (not ready). */
  firmwareVersion?: string;
  /** Self-assigned to this user and not picked up yet (still docked since the tap). */
  reservedFor?: string;
}

export interface DeskInput {
  tag: string;
  directory: UserDirectory;
  /** The system's firmware version: a camera on another is not ready for use. */
  systemFirmware: string;
  docked: readonly DeskCamera[];
  /** Users holding a self-assigned camera that is undocked now: user id -> camera serial. */
  undockedHolders: ReadonlyMap<string, string>;
}

export type RefusalReason = 'tag-not-registered' | 'user-has-undocked-camera' | 'no-camera-ready';

export type DeskDecision =
  | { kind: 'assign'; serial: string; user: DirectoryUser; /** The camera was already reserved for this user (a second tap). */ again: boolean }
  | { kind: 'refuse'; reason: RefusalReason; message: string; user?: DirectoryUser };

/** Why a docked camera is not ready for use, or undefined when it is. */
export function notReadyBecause(c: DeskCamera, systemFirmware: string): string | undefined {
  if (c.reservedFor !== undefined) return 'reserved';
  if (!c.report) return 'no report';
  if (!c.report.accepted) return 'refused its assignment';
  if (c.firmwareVersion === undefined) return 'firmware unknown';
  if (c.firmwareVersion !== systemFirmware) return 'firmware';
  const r = selfAssignReadiness(c.report.batteryPercent, c.report.storageFreePercent);
  if (!r.ready) return c.report.batteryPercent < 60 ? 'battery' : 'storage';
  return undefined;
}

/**
 * Decide a tap. The readiest camera wins: highest battery, then most free storage, then the
 * lowest serial (deterministic).
 */
export function decideTap(input: DeskInput): DeskDecision {
  const user = input.directory.byTag(input.tag);
  if (!user) {
    return { kind: 'refuse', reason: 'tag-not-registered', message: `RFID tag ${normalizeTag(input.tag)} isn't registered in the system: register it with a user (Pair (Self-assign tag), or the RFID number column of Import users)` };
  }
  const held = input.undockedHolders.get(user.id);
  if (held !== undefined) {
    return { kind: 'refuse', reason: 'user-has-undocked-camera', user, message: `${user.name} (${user.id}) is already assigned to camera ${held}, which is undocked: dock the assigned camera first` };
  }
  const reserved = input.docked.find((c) => c.reservedFor === user.id);
  if (reserved) return { kind: 'assign', serial: reserved.serial, user, again: true };
  const counts = new Map<string, number>();
  const ready: (DeskCamera & { report: NonNullable<DeskCamera['report']> })[] = [];
  for (const c of input.docked) {
    const why = notReadyBecause(c, input.systemFirmware);
    if (why === undefined && c.report) ready.push({ ...c, report: c.report });
    else if (why !== undefined) counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  ready.sort((a, b) => b.report.batteryPercent - a.report.batteryPercent || b.report.storageFreePercent - a.report.storageFreePercent || (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
  const best = ready[0];
  if (best) return { kind: 'assign', serial: best.serial, user, again: false };
  const summary = input.docked.length === 0 ? 'no camera is docked' : `${input.docked.length} docked camera${input.docked.length === 1 ? '' : 's'}, none ready (${[...counts].sort().map(([why, n]) => `${n} ${SUMMARY[why] ?? why}`).join(', ')})`;
  return { kind: 'refuse', reason: 'no-camera-ready', user, message: `no camera is ready for use for ${user.name} (${user.id}): ${summary}; a camera is ready with at least 60 % battery and storage and the system's firmware ${input.systemFirmware}: wait until a camera is ready` };
}

const SUMMARY: Record<string, string> = {
  reserved: 'waiting for pickup', 'no report': 'not reported yet', 'refused its assignment': 'refused its assignment',
  'firmware unknown': 'with unknown firmware', firmware: 'on other firmware', battery: 'below 60 % battery', storage: 'below 60 % storage',
};
