/**
 * The rig's command line, bundled with esbuild as tools/build.mjs does: exit 0 for a passing
 * scenario, 1 at an unmet expectation, 2 for a malformed scenario or bad usage.
 */
import t from 'tap';
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');

t.test('rig CLI', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rig-cli-'));
  await esbuild.build({
    entryPoints: { rig: join(root, 'tools/rig/main.ts') }, bundle: true, platform: 'node', target: 'node20', format: 'esm',
    outdir: dir, outExtension: { '.js': '.mjs' }, external: ['@serialport/bindings-cpp'], loader: { '.h264': 'binary' }, logLevel: 'silent',
    banner: { js: "import{createRequire as __bwcCreateRequire}from'module';const require=__bwcCreateRequire(import.meta.url);" },
  });
  // As tools/build.mjs does: the emulated camera finds its video fixture next to the bundle.
  await cp(join(root, 'hal/video/fixtures'), join(dir, 'fixtures'), { recursive: true });
  const rig = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'rig.mjs'), ...args], { encoding: 'utf8', cwd: root, timeout: 60_000 });

  const ok = rig('test/tools/rig/scenarios/record-with-prebuffer.rig');
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /^ +40\.000s press cam1 record \.\.\. ok$/m);

  await writeFile(join(dir, 'unmet.rig'), 'device cam1\nat 3s expect cam1 state recording\n');
  const unmet = rig(join(dir, 'unmet.rig'));
  t.equal(unmet.status, 1);
  t.match(unmet.stdout, /unmet\.rig:2: expect cam1 state recording: expected state recording, saw idle/);

  await writeFile(join(dir, 'bad.rig'), 'device cam1\n\nat 12x press cam1 record\n');
  const bad = rig(join(dir, 'bad.rig'));
  t.equal(bad.status, 2);
  t.equal(bad.stderr, 'bad.rig:3: at: expected a time like 12s, 1m30s or 500ms, got "12x"\n');

  t.equal(rig().status, 2, 'no scenario: usage');
  t.equal(rig('a.rig', '--fast').status, 2, 'unknown option');
});
