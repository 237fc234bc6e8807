/**
 * Emulated flash storage. The medium (EmulatedStorage) outlives boots; each boot mounts a view
 * (Storage). It models what a power cut does: bytes synced survive, unsynced appended bytes may
 * survive only as a prefix of what was appended (a torn tail), atomic replacements are old or
 * new. Control surface: cut power now or at the next write, fill the disk, fail reads.
 */
import { HalError, PowerLostError, StorageFullError, StorageReadError } from '../errors.js';
import { Random } from '../world/random.js';
import { checkPath, type AppendFile, type SpaceInfo, type Storage } from './contract.js';

interface FileState {
  bytes: Uint8Array;
  length: number;
  /** Bytes [0, synced) are durable. */
  synced: number;
}

export interface EmulatedStorageOptions {
  name?: string;
  capacityBytes?: number;
  seed?: number;
}

/** How full the medium is: bytes and percentages (0-100, one decimal). */
export interface StorageLevel {
  usedBytes: number;
  totalBytes: number;
  usedPct: number;
  freePct: number;
}

type ReadFault = { remaining: number; match: (path: string) => boolean };

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

export class EmulatedStorage {
  readonly name: string;
  private files = new Map<string, FileState>();
  private capacity: number;
  private generation = 0;
  private cutAtNextWrite = false;
  private readFaults: ReadFault[] = [];
  private random: Random;
  /** Bytes taken by content the rig does not model file by file (see occupy()). */
  private occupied = 0;
  /** Writes that reached the medium, for rigs and benchmarks. */
  stats = { appends: 0, syncs: 0, atomicWrites: 0, bytesWritten: 0, powerCuts: 0 };

  constructor(options: EmulatedStorageOptions = {}) {
    this.name = `emulated:${options.name ?? 'storage'}`;
    this.capacity = options.capacityBytes ?? 8 * 2 ** 30;
    this.random = new Random(options.seed ?? 7);
  }

  /** Boot: a fresh view of what is on the medium now. Views of earlier boots stay dead. */
  mount(): Storage {
    return new EmulatedStorageView(this, this.generation);
  }

  // --- control surface ---

  /** Cut power now: unsynced tails are torn, every mounted view fails until mount() again. */
  cutPower(): void {
    this.generation++;
    this.stats.powerCuts++;
    this.cutAtNextWrite = false;
    for (const f of this.files.values()) {
      const keep = f.synced + this.random.int(0, f.length - f.synced);
      f.length = keep;
      f.synced = keep;
    }
  }

  /** The next write (append, sync, atomic write, rename, remove) cuts power instead of completing. */
  cutPowerAtNextWrite(): void {
    this.cutAtNextWrite = true;
  }

  /** Change capacity; a smaller one than what is used makes every further write fail full. */
  setCapacity(bytes: number): void {
    this.capacity = bytes;
  }

  /** Fill the disk: no byte more fits. */
  fill(): void {
    this.capacity = this.used();
  }

  /** The next `count` reads of paths matching `match` (default all) fail with StorageReadError. */
  failReads(count = 1, match: (path: string) => boolean = () => true): void {
    this.readFaults.push({ remaining: count, match });
  }

  /**
   * Take `bytes` of the medium with content not modelled as files (earlier recordings, the OS),
   * so a rig can set a storage level without writing gigabytes; 0 frees it again.
   */
  occupy(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`${this.name}: occupied bytes must be an integer >= 0, got ${bytes}`);
    this.occupied = bytes;
  }

  /** Occupy so that `usedPct` percent (0-100) of the capacity is used, files included. */
  setUsedPercent(usedPct: number): void {
    if (!Number.isFinite(usedPct) || usedPct < 0 || usedPct > 100) throw new RangeError(`${this.name}: used percentage must be 0-100, got ${usedPct}`);
    const files = this.used() - this.occupied;
    this.occupy(Math.max(0, Math.round(this.capacity * usedPct / 100) - files));
  }

  /** The storage level now. */
  level(): StorageLevel {
    const totalBytes = this.capacity;
    const usedBytes = Math.min(this.used(), totalBytes);
    const usedPct = totalBytes > 0 ? Math.round(1000 * usedBytes / totalBytes) / 10 : 100;
    return { usedBytes, totalBytes, usedPct, freePct: Math.round((100 - usedPct) * 10) / 10 };
  }

  /** Durable content of every file, as a boot after a power cut now would see it. */
  durableSnapshot(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [p, f] of this.files) out.set(p, f.bytes.slice(0, f.synced));
    return out;
  }

  used(): number {
    let n = this.occupied;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  // --- used by views ---

  /** @internal */
  check(generation: number): void {
    if (generation !== this.generation) throw new PowerLostError(this.name);
  }

  /** @internal Called before every mutation; throws when power is cut here. */
  beforeWrite(generation: number, tornAppend?: { file: FileState; data: Uint8Array }): void {
    this.check(generation);
    if (!this.cutAtNextWrite) return;
    if (tornAppend) {
      // Part of the write may reach the medium before power goes.
      const part = this.random.int(0, tornAppend.data.length);
      writeInto(tornAppend.file, tornAppend.data.subarray(0, part));
    }
    this.cutPower();
    throw new PowerLostError(this.name);
  }

  /** @internal */
  readFault(path: string): boolean {
    const f = this.readFaults.find((r) => r.remaining > 0 && r.match(path));
    if (!f) return false;
    f.remaining--;
    return true;
  }

  /** @internal */
  reserve(path: string, bytes: number, replacing = 0): void {
    if (this.used() - replacing + bytes > this.capacity) throw new StorageFullError(path);
  }

  /** @internal */
  table(): Map<string, FileState> {
    return this.files;
  }

  space(): SpaceInfo {
    return { totalBytes: this.capacity, freeBytes: Math.max(0, this.capacity - this.used()) };
  }
}

function writeInto(f: FileState, data: Uint8Array): void {
  if (f.length + data.length > f.bytes.length) {
    const grown = new Uint8Array(Math.max(f.bytes.length * 2, f.length + data.length, 4096));
    grown.set(f.bytes.subarray(0, f.length));
    f.bytes = grown;
  }
  f.bytes.set(data, f.length);
  f.length += data.length;
}

class EmulatedStorageView implements Storage {
  readonly name: string;
  constructor(private readonly medium: EmulatedStorage, private readonly generation: number) {
    this.name = medium.name;
  }

  private get files() { return this.medium.table(); }

  private readable(path: string): FileState {
    this.medium.check(this.generation);
    const f = this.files.get(checkPath(path));
    if (!f) throw new HalError('ENOENT', `no file ${path} in storage ${this.name}`);
    if (this.medium.readFault(path)) throw new StorageReadError(path);
    return f;
  }

  async writeAtomic(path: string, data: Uint8Array): Promise<void> {
    checkPath(path);
    await tick();
    this.medium.beforeWrite(this.generation);
    this.medium.reserve(path, data.length, this.files.get(path)?.length ?? 0);
    const bytes = new Uint8Array(data);
    this.files.set(path, { bytes, length: bytes.length, synced: bytes.length });
    this.medium.stats.atomicWrites++;
    this.medium.stats.bytesWritten += data.length;
  }

  async openAppend(path: string): Promise<AppendFile> {
    checkPath(path);
    await tick();
    this.medium.check(this.generation);
    let f = this.files.get(path);
    if (!f) {
      this.medium.beforeWrite(this.generation);
      f = { bytes: new Uint8Array(0), length: 0, synced: 0 };
      this.files.set(path, f);
    }
    return new EmulatedAppendFile(this.medium, this.generation, path, f);
  }

  async read(path: string): Promise<Uint8Array> {
    checkPath(path);
    await tick();
    const f = this.readable(path);
    return f.bytes.slice(0, f.length);
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`readRange ${path}: offset and length must be integers >= 0, got ${offset}, ${length}`);
    }
    await tick();
    const f = this.readable(path);
    return f.bytes.slice(Math.min(offset, f.length), Math.min(offset + length, f.length));
  }

  async size(path: string): Promise<number | undefined> {
    checkPath(path);
    await tick();
    this.medium.check(this.generation);
    return this.files.get(path)?.length;
  }

  async list(dir: string): Promise<string[]> {
    if (dir !== '') checkPath(dir);
    await tick();
    this.medium.check(this.generation);
    const prefix = dir === '' ? '' : `${dir}/`;
    const names = new Set<string>();
    for (const p of this.files.keys()) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }

  async rename(from: string, to: string): Promise<void> {
    checkPath(from);
    checkPath(to);
    await tick();
    const f = this.readable(from);
    this.medium.beforeWrite(this.generation);
    // Only durable bytes move with a rename after a crash; callers sync first, as on Linux.
    this.files.delete(from);
    this.files.set(to, f);
  }

  async remove(path: string): Promise<void> {
    checkPath(path);
    await tick();
    this.medium.beforeWrite(this.generation);
    this.files.delete(path);
  }

  async space(): Promise<SpaceInfo> {
    await tick();
    this.medium.check(this.generation);
    return this.medium.space();
  }
}

class EmulatedAppendFile implements AppendFile {
  private closed = false;
  constructor(
    private readonly medium: EmulatedStorage,
    private readonly generation: number,
    readonly path: string,
    private readonly file: FileState,
  ) {}

  get size(): number {
    return this.file.length;
  }

  private open(op: string): void {
    if (this.closed) throw new HalError('ECLOSED', `${op} of ${this.path} after close`);
  }

  async append(data: Uint8Array): Promise<void> {
    this.open('append');
    await tick();
    this.medium.beforeWrite(this.generation, { file: this.file, data });
    this.medium.reserve(this.path, data.length);
    writeInto(this.file, data);
    this.medium.stats.appends++;
    this.medium.stats.bytesWritten += data.length;
  }

  async sync(): Promise<void> {
    this.open('sync');
    await tick();
    this.medium.beforeWrite(this.generation);
    this.file.synced = this.file.length;
    this.medium.stats.syncs++;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

