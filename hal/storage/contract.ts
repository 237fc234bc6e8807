/**
 * Storage: durable files for evidence and state. Two ways to write, both crash-safe: whole files
 * replaced atomically, and append-only files made durable up to a sync point. After a power cut
 * at any instant, a reader finds every atomically written file either old or new (never mixed),
 * and every append file holding at least all bytes appended before its last completed sync(),
 * possibly followed by some (never reordered) bytes appended after it.
 */

export interface SpaceInfo {
  totalBytes: number;
  freeBytes: number;
}

/** An append-only file. Appends are ordered; nothing is overwritten in place. */
export interface AppendFile {
  readonly path: string;
  /** Bytes in the file including appended but not yet synced ones. */
  readonly size: number;
  /**
   * Append `data` at the end. Resolves when the bytes are handed to the medium, NOT when they
   * are durable. Rejects with StorageFullError (nothing appended) when the medium is full.
   */
  append(data: Uint8Array): Promise<void>;
  /** Resolve when every byte appended before this call is durable (fdatasync). */
  sync(): Promise<void>;
  /** Close the handle. Does not sync: call sync() first when the tail matters. Idempotent. */
  close(): Promise<void>;
}

export interface Storage {
  /** Human-readable name of the medium, for messages (a directory path, `emulated:cam1`). */
  readonly name: string;
  /**
   * Replace `path` with `data` atomically and durably: when this resolves the new content has
   * been synced and renamed into place and the directory entry synced. Parent folders are
   * created as needed.
   */
  writeAtomic(path: string, data: Uint8Array): Promise<void>;
  /**
   * Open `path` for appending, creating it (and its folders) when missing; its directory entry is
   * durable when this resolves. Existing content is kept.
   */
  openAppend(path: string): Promise<AppendFile>;
  /** Whole content. Rejects HalError ENOENT naming the path when missing, StorageReadError on I/O error. */
  read(path: string): Promise<Uint8Array>;
  /** `length` bytes from `offset`, fewer at end of file. */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Size in bytes, or undefined when there is no such file. */
  size(path: string): Promise<number | undefined>;
  /** Names (not paths) of files and folders directly in `dir`, sorted; [] when `dir` is missing. */
  list(dir: string): Promise<string[]>;
  /** Rename atomically and durably; `to` is replaced when it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Remove a file durably. No error when it does not exist. */
  remove(path: string): Promise<void>;
  /** Capacity and free space of the medium. */
  space(): Promise<SpaceInfo>;
}

/**
 * Paths are relative, `/`-separated, without `.`/`..`/empty segments: every storage driver
 * confines files to its own medium. Throws TypeError naming the bad path.
 */
export function checkPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) {
    throw new TypeError(`storage path must be a non-empty relative path of at most 1024 characters, got ${JSON.stringify(path)}`);
  }
  const segments = path.split('/');
  if (path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
    throw new TypeError(`storage path must be relative with no empty, '.' or '..' segments, got ${JSON.stringify(path)}`);
  }
  return path;
}

/** Parent folder of a checked path ('' for the top). */
export const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
