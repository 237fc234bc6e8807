/** Emulated storage level: used/total as percentages, and occupying space without writing it. */
import t from 'tap';
import { StorageFullError } from '../../../hal/errors.js';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';

t.test('storage level follows files and occupied space', async (t) => {
  const medium = new EmulatedStorage({ capacityBytes: 1000 });
  t.same(medium.level(), { usedBytes: 0, totalBytes: 1000, usedPct: 0, freePct: 100 });
  const s = medium.mount();
  await s.writeAtomic('a.bin', new Uint8Array(250));
  t.same(medium.level(), { usedBytes: 250, totalBytes: 1000, usedPct: 25, freePct: 75 });
  medium.setUsedPercent(40);
  t.match(medium.level(), { usedBytes: 400, usedPct: 40, freePct: 60 }, 'files included in the percentage');
  t.same(await s.space(), { totalBytes: 1000, freeBytes: 600 }, 'the contract view agrees');
  medium.occupy(700);
  await t.rejects(s.writeAtomic('b.bin', new Uint8Array(100)), StorageFullError, 'occupied space is really taken');
  medium.occupy(0);
  t.equal(medium.level().usedPct, 25);
  t.throws(() => medium.occupy(-1), /occupied bytes must be an integer >= 0, got -1/);
  t.throws(() => medium.setUsedPercent(101), /used percentage must be 0-100, got 101/);
  medium.fill();
  t.equal(medium.level().freePct, 0);
});
