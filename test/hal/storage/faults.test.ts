/** Fault injection: power cuts, full disks and read errors never corrupt what was made durable. */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';
import { DirectoryStorage } from '../../../hal/storage/linux.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

t.test('power cut at every write of an append sequence: synced prefix always survives intact', async (t) => {
  // Append 20 records, syncing after every 4th; cut power at write k for every k.
  for (let k = 0; k < 30; k++) {
    const medium = new EmulatedStorage({ seed: k + 1 });
    const s = medium.mount();
    const f = await s.openAppend('rec/chunks');
    let durable = 0;
    let written = 0;
    let cut = false;
    let op = 0;
    try {
      for (let i = 0; i < 20; i++) {
        if (op++ === k) medium.cutPowerAtNextWrite();
        await f.append(bytes(100, i + 1));
        written += 100;
        if (i % 4 === 3) {
          if (op++ === k) medium.cutPowerAtNextWrite();
          await f.sync();
          durable = written;
        }
      }
    } catch (e) {
      cut = true;
      t.equal((e as { code?: string }).code, 'EPOWER', `cut at op ${k} is a PowerLostError`);
    }
    const after = await medium.mount().read('rec/chunks');
    t.ok(after.length >= durable, `op ${k}: kept ${after.length} >= durable ${durable}`);
    t.ok(after.length <= written + 100, `op ${k}: no bytes from nowhere`);
    for (let i = 0; i < after.length; i++) {
      if (after[i] !== Math.floor(i / 100) + 1) { t.fail(`op ${k}: byte ${i} corrupted`); break; }
    }
    if (k < 25) t.ok(cut, `op ${k}: the cut happened`);
  }
});

t.test('power cut during writeAtomic leaves the old content', async (t) => {
  const medium = new EmulatedStorage();
  const s = medium.mount();
  await s.writeAtomic('state.json', bytes(10, 1));
  medium.cutPowerAtNextWrite();
  await t.rejects(s.writeAtomic('state.json', bytes(10, 2)), { code: 'EPOWER' });
  t.same(await medium.mount().read('state.json'), bytes(10, 1));
});

t.test('after a power cut the old view refuses everything until remount', async (t) => {
  const medium = new EmulatedStorage();
  const s = medium.mount();
  await s.writeAtomic('a', bytes(1, 1));
  medium.cutPower();
  await t.rejects(s.read('a'), { code: 'EPOWER', message: /power was cut/ });
  t.same(await medium.mount().read('a'), bytes(1, 1));
});

t.test('disk full: StorageFullError and nothing partial appended', async (t) => {
  const medium = new EmulatedStorage({ capacityBytes: 1000 });
  const s = medium.mount();
  const f = await s.openAppend('x');
  await f.append(bytes(900, 1));
  await t.rejects(f.append(bytes(200, 2)), { code: 'ENOSPC', message: /storage full while writing x/ });
  t.equal(f.size, 900);
  medium.fill();
  await t.rejects(s.writeAtomic('y', bytes(1, 1)), { code: 'ENOSPC' });
});

t.test('injected read errors name the file and are counted down', async (t) => {
  const medium = new EmulatedStorage();
  const s = medium.mount();
  await s.writeAtomic('rec/a', bytes(4, 1));
  medium.failReads(1, (p) => p.startsWith('rec/'));
  await t.rejects(s.read('rec/a'), { code: 'EIO', message: /read error on rec\/a/ });
  t.same(await s.read('rec/a'), bytes(4, 1), 'next read works');
});

const isRoot = process.getuid?.() === 0;
t.test('directory storage on a full filesystem gives StorageFullError and keeps the file whole', { skip: isRoot ? false : 'needs root to mount a small tmpfs' }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
  t.teardown(async () => {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });
  const s = await DirectoryStorage.open(dir);
  const f = await s.openAppend('big');
  let err: unknown;
  let wrote = 0;
  for (let i = 0; i < 100 && !err; i++) {
    try {
      await f.append(bytes(16 * 1024, 3));
      wrote += 16 * 1024;
    } catch (e) {
      err = e;
    }
  }
  t.match(err, { code: 'ENOSPC', message: /storage full while writing big/ });
  await f.close();
  t.equal(await s.size('big'), wrote, 'no partial append left behind');
  await t.rejects(s.writeAtomic('other', bytes(300 * 1024, 1)), { code: 'ENOSPC' });
  t.same(await s.list(''), ['big'], 'no temp file left behind');
});

t.test('DirectoryStorage.open names a missing directory', async (t) => {
  await t.rejects(DirectoryStorage.open('/nonexistent/bwc'), { code: 'ENODEV', message: /storage directory not found at \/nonexistent\/bwc: expected an existing writable directory/ });
});
