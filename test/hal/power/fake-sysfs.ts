/** A temp directory shaped like /sys/class/power_supply, for tests of the Linux power driver. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeSupplies {
  root: string;
  /** Create a supply with `type` and the given attribute files. */
  add(name: string, type: string, attrs: Record<string, string>): Promise<void>;
  write(name: string, file: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function fakeSupplies(): Promise<FakeSupplies> {
  const root = await mkdtemp(join(tmpdir(), 'bwc-power-'));
  const write = (name: string, file: string, text: string) => writeFile(join(root, name, file), text);
  return {
    root,
    async add(name, type, attrs) {
      await mkdir(join(root, name), { recursive: true });
      await write(name, 'type', `${type}\n`);
      for (const [f, v] of Object.entries(attrs)) await write(name, f, v);
    },
    write,
    remove: (name) => rm(join(root, name), { recursive: true, force: true }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A camera's supplies: battery BAT0 and dock contact AC, undocked at `level` %. */
export async function cameraSupplies(level = 80): Promise<FakeSupplies> {
  const f = await fakeSupplies();
  await f.add('BAT0', 'Battery', { capacity: `${level}\n`, status: 'Discharging\n' });
  await f.add('AC', 'Mains', { online: '0\n' });
  return f;
}
