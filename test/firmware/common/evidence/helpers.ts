/** Shared test helpers for evidence: recording metadata, patterned plaintext, a storage that cuts power at write k. */
import type { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import type { AppendFile, Storage } from '../../../../hal/storage/contract.js';
import type { RecordingMeta } from '../../../../firmware/common/evidence/index.js';

export const meta: RecordingMeta = {
  cameraSerial: 'W100-0042', userId: 'officer-7', triggerOnReason: 'TRIGGER_REASON_BUTTON',
  triggerOnTimeMs: 1_790_000_030_000, startTimeMs: 1_790_000_000_000, timeZone: 'Europe/Copenhagen', firmwareVersion: '0.1.0',
};

/** `n` bytes whose value depends on their absolute offset, so any misplaced byte shows. */
export function pattern(offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((offset + i) * 7 + ((offset + i) >> 8)) & 0xff;
  return out;
}

/**
 * A view of `medium` that counts mutating operations (writeAtomic, creating openAppend, append,
 * sync, rename, remove) and cuts power at the one numbered `cutAt`.
 */
export function cuttingStorage(medium: EmulatedStorage, cutAt: number): { storage: Storage; writes: () => number } {
  const inner = medium.mount();
  let n = 0;
  const arm = () => { if (n++ === cutAt) medium.cutPowerAtNextWrite(); };
  const wrapFile = (f: AppendFile): AppendFile => ({
    get path() { return f.path; },
    get size() { return f.size; },
    append: (d) => { arm(); return f.append(d); },
    sync: () => { arm(); return f.sync(); },
    close: () => f.close(),
  });
  const storage: Storage = {
    name: inner.name,
    writeAtomic: (p, d) => { arm(); return inner.writeAtomic(p, d); },
    openAppend: async (p) => {
      if ((await inner.size(p)) === undefined) arm();
      return wrapFile(await inner.openAppend(p));
    },
    read: (p) => inner.read(p),
    readRange: (p, o, l) => inner.readRange(p, o, l),
    size: (p) => inner.size(p),
    list: (d) => inner.list(d),
    rename: (a, b) => { arm(); return inner.rename(a, b); },
    remove: (p) => { arm(); return inner.remove(p); },
    space: () => inner.space(),
  };
  return { storage, writes: () => n };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
