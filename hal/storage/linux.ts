/**
 * Durable files in a directory: write to a temp file, fsync, rename, fsync the directory; append
 * files synced with fdatasync. Confined to one root directory.
 */
import { promises as fs, constants as fsc } from 'node:fs';
import { join } from 'node:path';
import { HalError, StorageFullError, StorageReadError, DeviceMissingError } from '../errors.js';
import { checkPath, parentOf, type AppendFile, type SpaceInfo, type Storage } from './contract.js';

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

export class DirectoryStorage implements Storage {
  readonly name: string;
  private tmpSeq = 0;

  /** Use `open()` to check the root exists first. */
  constructor(private readonly root: string) {
    this.name = root;
  }

  /** A storage on `root`, which must be an existing writable directory. */
  static async open(root: string): Promise<DirectoryStorage> {
    try {
      const st = await fs.stat(root);
      if (!st.isDirectory()) throw new Error('not a directory');
      await fs.access(root, fsc.W_OK);
    } catch (cause) {
      throw new DeviceMissingError('storage directory', root, 'an existing writable directory', { cause });
    }
    return new DirectoryStorage(root);
  }

  private abs(path: string): string {
    return join(this.root, checkPath(path));
  }

  private mapWriteError(path: string, e: unknown): never {
    if (errno(e) === 'ENOSPC' || errno(e) === 'EDQUOT') throw new StorageFullError(path, { cause: e });
    throw e;
  }

  /** Create `dir` and its parents, fsyncing each new entry's parent. */
  private async ensureDir(dir: string): Promise<void> {
    if (dir === '') return;
    const abs = join(this.root, dir);
    try {
      await fs.stat(abs);
      return;
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    await this.ensureDir(parentOf(dir));
    try {
      await fs.mkdir(abs);
    } catch (e) {
      if (errno(e) !== 'EEXIST') this.mapWriteError(dir, e);
    }
    await syncDir(join(this.root, parentOf(dir)));
  }

  async writeAtomic(path: string, data: Uint8Array): Promise<void> {
    const target = this.abs(path);
    await this.ensureDir(parentOf(path));
    const tmp = `${target}.tmp-${process.pid}-${this.tmpSeq++}`;
    let fh: fs.FileHandle | undefined;
    try {
      fh = await fs.open(tmp, 'w');
      await fh.writeFile(data);
      await fh.sync();
      await fh.close();
      fh = undefined;
      await fs.rename(tmp, target);
      await syncDir(join(this.root, parentOf(path)));
    } catch (e) {
      await fh?.close().catch(() => {});
      await fs.rm(tmp, { force: true }).catch(() => {});
      this.mapWriteError(path, e);
    }
  }

  async openAppend(path: string): Promise<AppendFile> {
    const abs = this.abs(path);
    await this.ensureDir(parentOf(path));
    let existed = true;
    try { await fs.stat(abs); } catch { existed = false; }
    const fh = await fs.open(abs, 'a').catch((e) => this.mapWriteError(path, e));
    if (!existed) {
      await fh.sync();
      await syncDir(join(this.root, parentOf(path)));
    }
    const { size } = await fh.stat();
    return new DirectoryAppendFile(path, fh, size, (e) => this.mapWriteError(path, e));
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await fs.readFile(this.abs(path)));
    } catch (e) {
      throw mapReadError(path, e);
    }
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`readRange ${path}: offset and length must be integers >= 0, got ${offset}, ${length}`);
    }
    let fh: fs.FileHandle | undefined;
    try {
      fh = await fs.open(this.abs(path), 'r');
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, got);
    } catch (e) {
      throw mapReadError(path, e);
    } finally {
      await fh?.close();
    }
  }

  async size(path: string): Promise<number | undefined> {
    try {
      return (await fs.stat(this.abs(path))).size;
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw mapReadError(path, e);
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      const names = await fs.readdir(dir === '' ? this.root : this.abs(dir));
      return names.filter((n) => !n.includes('.tmp-')).sort();
    } catch (e) {
      if (errno(e) === 'ENOENT') return [];
      throw mapReadError(dir, e);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const a = this.abs(from), b = this.abs(to);
    await this.ensureDir(parentOf(to));
    try {
      await fs.rename(a, b);
    } catch (e) {
      throw mapReadError(from, e);
    }
    await syncDir(join(this.root, parentOf(to)));
    if (parentOf(from) !== parentOf(to)) await syncDir(join(this.root, parentOf(from)));
  }

  async remove(path: string): Promise<void> {
    await fs.rm(this.abs(path), { force: true });
    await syncDir(join(this.root, parentOf(path))).catch((e) => {
      if (errno(e) !== 'ENOENT') throw e;
    });
  }

  async space(): Promise<SpaceInfo> {
    const s = await fs.statfs(this.root);
    return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  }
}

class DirectoryAppendFile implements AppendFile {
  private closed = false;
  constructor(
    readonly path: string,
    private readonly fh: fs.FileHandle,
    public size: number,
    private readonly onWriteError: (e: unknown) => never,
  ) {}

  async append(data: Uint8Array): Promise<void> {
    if (this.closed) throw new HalError('ECLOSED', `append to ${this.path} after close`);
    let done = 0;
    try {
      while (done < data.length) {
        const { bytesWritten } = await this.fh.write(data, done, data.length - done);
        done += bytesWritten;
      }
    } catch (e) {
      // A partial append leaves bytes we did not promise: cut them so the file stays whole.
      if (done > 0) await this.fh.truncate(this.size).catch(() => {});
      this.onWriteError(e);
    }
    this.size += data.length;
  }

  async sync(): Promise<void> {
    if (this.closed) throw new HalError('ECLOSED', `sync of ${this.path} after close`);
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

async function syncDir(abs: string): Promise<void> {
  const fh = await fs.open(abs, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function mapReadError(path: string, e: unknown): Error {
  if (errno(e) === 'ENOENT') return new HalError('ENOENT', `no file ${path} in storage`, { cause: e });
  if (errno(e) === 'EIO') return new StorageReadError(path, { cause: e });
  return e as Error;
}
