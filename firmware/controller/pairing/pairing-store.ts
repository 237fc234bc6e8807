/**
 * The controller's durable record of which holster sensors each user has paired ("Paired
 * equipment"): at most two per user, one user per sensor, a status per pairing updated from
 * camera reports. One JSON file replaced atomically, so a power cut leaves it old or new.
 */
import type { Clock } from '../../../hal/clock/contract.js';
import { HalError } from '../../../hal/errors.js';
import { normaliseHolsterSerial } from '../../../hal/holster/serial.js';
import type { Storage } from '../../../hal/storage/contract.js';
import { MAX_HOLSTER_SENSORS } from '../../../protocols/pairing.js';

export const DEFAULT_PAIRINGS_PATH = 'pairing/holster-pairings.json';

export type PairingStatus = 'pending' | 'paired' | 'failed';

export interface Pairing {
  userId: string;
  serial: string;
  status: PairingStatus;
  /** Controller wall clock when the pairing was requested. */
  createdMs: number;
  /** Controller wall clock of the last status change. */
  updatedMs: number;
  /** Camera wall clock of the last connection a camera reported (0 = never). */
  lastConnectedMs: number;
}

interface FileV1 {
  version: 1;
  pairings: Pairing[];
}

/** A pairing refused: a third sensor for a user, a sensor another user has. `code` is `EPAIRING`. */
export class PairingError extends HalError {
  constructor(message: string) {
    super('EPAIRING', message);
    this.name = 'PairingError';
  }
}

const STATUSES: ReadonlySet<string> = new Set(['pending', 'paired', 'failed']);

function parse(bytes: Uint8Array, path: string): Pairing[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new HalError('ECORRUPT', `${path}: not valid JSON: expected a holster pairing file`, { cause: e });
  }
  const file = json as Partial<FileV1> | null;
  if (!file || file.version !== 1 || !Array.isArray(file.pairings)) throw new HalError('ECORRUPT', `${path}: expected { version: 1, pairings: [...] }`);
  return file.pairings.map((p, i) => {
    if (!p || typeof p.userId !== 'string' || typeof p.serial !== 'string' || !STATUSES.has(p.status)
      || typeof p.createdMs !== 'number' || typeof p.updatedMs !== 'number' || typeof p.lastConnectedMs !== 'number') {
      throw new HalError('ECORRUPT', `${path}: pairings[${i}] is malformed: expected userId, serial, status, createdMs, updatedMs, lastConnectedMs`);
    }
    return { userId: p.userId, serial: p.serial, status: p.status, createdMs: p.createdMs, updatedMs: p.updatedMs, lastConnectedMs: p.lastConnectedMs };
  });
}

export class PairingStore {
  private pairings: readonly Pairing[];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly storage: Storage, private readonly clock: Clock, readonly path: string, pairings: Pairing[]) {
    this.pairings = pairings;
  }

  /** Load the store (empty when the file does not exist). Rejects HalError ECORRUPT for a malformed file. */
  static async open(storage: Storage, clock: Clock, path = DEFAULT_PAIRINGS_PATH): Promise<PairingStore> {
    const size = await storage.size(path);
    const pairings = size === undefined ? [] : parse(await storage.read(path), `${storage.name}/${path}`);
    return new PairingStore(storage, clock, path, pairings);
  }

  /**
   * Pair `serial` (normalised: trimmed, upper case) with `userId`, status pending. Pairing a
   * serial the user already has starts it again (pending). Rejects HolsterSerialError for a bad
   * serial, PairingError for a third sensor or a sensor paired with another user (unpair it there first).
   */
  pair(userId: string, serial: string): Promise<Pairing> {
    return this.change((list) => {
      if (typeof userId !== 'string' || userId.length === 0) throw new PairingError(`holster pairing: expected a user id, got ${JSON.stringify(userId)}`);
      const s = normaliseHolsterSerial(serial);
      const now = this.clock.now();
      const other = list.find((p) => p.serial === s && p.userId !== userId);
      if (other) throw new PairingError(`holster sensor ${s} is already paired with user ${JSON.stringify(other.userId)}: unpair it there before pairing it with ${JSON.stringify(userId)}`);
      const mine = list.filter((p) => p.userId === userId);
      const existing = mine.find((p) => p.serial === s);
      if (existing) {
        const again: Pairing = { ...existing, status: 'pending', updatedMs: now };
        return { list: list.map((p) => (p === existing ? again : p)), result: again };
      }
      if (mine.length >= MAX_HOLSTER_SENSORS) {
        throw new PairingError(`user ${JSON.stringify(userId)} already has ${mine.length} holster sensors (${mine.map((p) => p.serial).join(', ')}): expected at most ${MAX_HOLSTER_SENSORS}; unpair one before pairing ${s}`);
      }
      const added: Pairing = { userId, serial: s, status: 'pending', createdMs: now, updatedMs: now, lastConnectedMs: 0 };
      return { list: [...list, added], result: added };
    });
  }

  /** Remove the pairing; resolves false when there was none. */
  unpair(userId: string, serial: string): Promise<boolean> {
    return this.change((list) => {
      const s = normaliseHolsterSerial(serial);
      const next = list.filter((p) => !(p.userId === userId && p.serial === s));
      return { list: next, result: next.length !== list.length };
    });
  }

  /** Set statuses from a camera's report; entries for serials the user no longer has are ignored. Resolves the pairings changed. */
  update(userId: string, outcomes: readonly { serial: string; status: PairingStatus | undefined; lastConnectedMs: number }[]): Promise<Pairing[]> {
    return this.change((list) => {
      const now = this.clock.now();
      const changed: Pairing[] = [];
      const next = list.map((p) => {
        if (p.userId !== userId) return p;
        const o = outcomes.find((x) => x.serial === p.serial);
        if (!o) return p;
        const status = o.status ?? p.status;
        const lastConnectedMs = Math.max(p.lastConnectedMs, o.lastConnectedMs);
        if (status === p.status && lastConnectedMs === p.lastConnectedMs) return p;
        const q: Pairing = { ...p, status, lastConnectedMs, updatedMs: status === p.status ? p.updatedMs : now };
        changed.push(q);
        return q;
      });
      return { list: changed.length > 0 ? next : list, result: changed };
    });
  }

  /** The user's pairings, oldest first. */
  pairingsOf(userId: string): Pairing[] {
    return this.pairings.filter((p) => p.userId === userId).map((p) => ({ ...p }));
  }

  /** Every pairing. */
  all(): Pairing[] {
    return this.pairings.map((p) => ({ ...p }));
  }

  /** Apply `fn` to a copy, write it atomically, then make it current; writes run one at a time. */
  private change<R>(fn: (list: readonly Pairing[]) => { list: readonly Pairing[]; result: R }): Promise<R> {
    const run = this.queue.then(async () => {
      const { list, result } = fn(this.pairings);
      if (list !== this.pairings) {
        const file: FileV1 = { version: 1, pairings: [...list] };
        await this.storage.writeAtomic(this.path, new TextEncoder().encode(`${JSON.stringify(file, null, 1)}\n`));
        this.pairings = list;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
