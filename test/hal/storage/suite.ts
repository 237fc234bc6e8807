/** Storage contract suite: every Storage implementation must pass it. */
import type { Test } from 'tap';
import type { Storage } from '../../../hal/storage/contract.js';

export interface StorageHarness {
  storage: Storage;
  /** Mount the same medium again, as after a clean reboot. */
  remount(): Promise<Storage>;
  cleanup(): Promise<void>;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

export function storageContract(t: Test, name: string, make: () => Promise<StorageHarness>): void {
  t.test(`${name}: storage contract`, async (t) => {
    const h = await make();
    t.teardown(() => h.cleanup());
    const s = h.storage;

    t.test('writeAtomic then read, in nested folders', async (t) => {
      await s.writeAtomic('state/camera.json', bytes('{"a":1}'));
      t.equal(text(await s.read('state/camera.json')), '{"a":1}');
      await s.writeAtomic('state/camera.json', bytes('{"a":2}'));
      t.equal(text(await s.read('state/camera.json')), '{"a":2}', 'replaced whole');
      t.equal(await s.size('state/camera.json'), 7);
    });

    t.test('append keeps order, size counts unsynced bytes, content survives a remount', async (t) => {
      const f = await s.openAppend('rec/0001/chunks');
      t.equal(f.size, 0);
      await f.append(bytes('hello '));
      await f.append(bytes('world'));
      t.equal(f.size, 11);
      await f.sync();
      await f.close();
      await f.close();
      const again = await h.remount();
      t.equal(text(await again.read('rec/0001/chunks')), 'hello world');
      const g = await again.openAppend('rec/0001/chunks');
      t.equal(g.size, 11, 'reopening keeps existing content');
      await g.append(bytes('!'));
      await g.sync();
      await g.close();
      t.equal(text(await again.read('rec/0001/chunks')), 'hello world!');
      await t.rejects(g.append(bytes('x')), /after close/);
    });

    t.test('readRange returns the slice, shorter at end of file', async (t) => {
      await s.writeAtomic('r.bin', bytes('0123456789'));
      t.equal(text(await s.readRange('r.bin', 2, 3)), '234');
      t.equal(text(await s.readRange('r.bin', 8, 10)), '89');
      t.equal((await s.readRange('r.bin', 20, 5)).length, 0);
      await t.rejects(s.readRange('r.bin', -1, 2), RangeError);
    });

    t.test('list is sorted names of one folder; missing folder is empty', async (t) => {
      await s.writeAtomic('l/b', bytes('b'));
      await s.writeAtomic('l/a', bytes('a'));
      await s.writeAtomic('l/sub/c', bytes('c'));
      t.same(await s.list('l'), ['a', 'b', 'sub']);
      t.same(await s.list('nope'), []);
    });

    t.test('rename replaces the target; remove is durable and idempotent', async (t) => {
      await s.writeAtomic('m/from', bytes('new'));
      await s.writeAtomic('m/to', bytes('old'));
      await s.rename('m/from', 'm/to');
      t.equal(text(await s.read('m/to')), 'new');
      t.equal(await s.size('m/from'), undefined);
      await s.remove('m/to');
      await s.remove('m/to');
      t.equal(await s.size('m/to'), undefined);
      const again = await h.remount();
      t.equal(await again.size('m/to'), undefined, 'still gone after remount');
    });

    t.test('a missing file is ENOENT naming the path', async (t) => {
      await t.rejects(s.read('no/such'), { code: 'ENOENT', message: /no\/such/ });
      t.equal(await s.size('no/such'), undefined);
    });

    t.test('paths that escape the medium are refused', async (t) => {
      for (const bad of ['../x', '/etc/passwd', 'a//b', 'a/./b', '']) {
        await t.rejects(async () => s.writeAtomic(bad, bytes('x')), TypeError, `refuses ${JSON.stringify(bad)}`);
      }
    });

    t.test('space reports capacity and free bytes', async (t) => {
      const sp = await s.space();
      t.ok(sp.totalBytes > 0 && sp.freeBytes >= 0 && sp.freeBytes <= sp.totalBytes, JSON.stringify(sp));
    });
  });
}
