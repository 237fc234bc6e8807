import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageContract } from './suite.js';
import { DirectoryStorage } from '../../../hal/storage/linux.js';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';

storageContract(t, 'directory storage', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-storage-'));
  return {
    storage: await DirectoryStorage.open(dir),
    remount: () => DirectoryStorage.open(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

storageContract(t, 'emulated storage', async () => {
  const medium = new EmulatedStorage({ name: 'contract' });
  return { storage: medium.mount(), remount: async () => medium.mount(), cleanup: async () => {} };
});
