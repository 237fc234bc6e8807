#!/usr/bin/env node
// Bundles the firmware and tools with esbuild into dist/ for constrained Node targets.
// dist/camera.mjs and dist/controller.mjs are the device entry points; emulated boards live in
// chunks they load only when asked for (so a real board never loads the emulated world), and
// the native serial addon stays external, loaded only by a real serial driver.
import * as esbuild from 'esbuild';
import { mkdir, writeFile, rm, cp } from 'node:fs/promises';

const quiet = process.argv.includes('--quiet');
const started = performance.now();

const entries = {
  camera: 'firmware/camera/main.ts',
  controller: 'firmware/controller/main.ts',
  simulate: 'tools/simulate.ts',
  bench: 'tools/bench.ts',
  destination: 'tools/destination/main.ts',
  rig: 'tools/rig/main.ts',
  'rig-camera': 'tools/rig/linux-camera-process.ts',
};

await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'none',
  external: ['@serialport/bindings-cpp'],
  loader: { '.h264': 'binary' },
  // mqtt and friends call require() for Node built-ins; an ESM bundle needs a real require.
  banner: { js: "import{createRequire as __bwcCreateRequire}from'module';const require=__bwcCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
};

// Device entries and tool entries are built separately so device chunks hold only device code.
const device = await esbuild.build({ ...common, entryPoints: { camera: entries.camera, controller: entries.controller } });
const tools = await esbuild.build({ ...common, entryPoints: { simulate: entries.simulate, bench: entries.bench, destination: entries.destination, rig: entries.rig, 'rig-camera': entries['rig-camera'] }, chunkNames: 'chunks/tools-[name]-[hash]' });
// The emulated camera finds its video fixture next to the module that reads it
// (new URL('./fixtures/...', import.meta.url)); that module lands in dist/ or dist/chunks/.
for (const to of ['dist/fixtures', 'dist/chunks/fixtures']) {
  await cp('hal/video/fixtures', to, { recursive: true, filter: (src) => !src.endsWith('.md') });
}
await writeFile('dist/meta-device.json', JSON.stringify(device.metafile));
await writeFile('dist/meta-tools.json', JSON.stringify(tools.metafile));

if (!quiet) {
  for (const [out, info] of Object.entries(device.metafile.outputs)) {
    if (out.endsWith('.mjs')) console.log(`${out.padEnd(48)} ${(info.bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
}
