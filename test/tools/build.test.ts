/** The device bundles: budgets, and a real board's static code carries no emulator. */
import t from 'tap';
import { readFileSync, statSync } from 'node:fs';

interface Meta { outputs: Record<string, { bytes: number; imports: { path: string; kind: string }[]; inputs: Record<string, unknown>; entryPoint?: string }> }
const meta = JSON.parse(readFileSync('dist/meta-device.json', 'utf8')) as Meta;

/** Every output file loaded when `entry` starts with `board`: static imports of the entry, plus the board chunk and its static imports. */
export function closure(entry: string, boardInput: string): string[] {
  const boardChunk = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === boardInput || Object.keys(o.inputs).includes(boardInput))?.[0];
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]?.imports ?? []) if (i.kind === 'import-statement' && meta.outputs[i.path]) visit(i.path);
  };
  visit(entry);
  if (boardChunk) visit(boardChunk);
  return [...seen];
}

const inputsOf = (outs: string[]) => outs.flatMap((o) => Object.keys(meta.outputs[o]!.inputs));

for (const [target, board, budget] of [['camera', 'linux-camera', 1024 * 1024], ['controller', 'linux-controller', 1.5 * 1024 * 1024]] as const) {
  t.test(`dist/${target}.mjs with ${board}: within budget and free of the emulated world`, async (t) => {
    const outs = closure(`dist/${target}.mjs`, `hal/boards/${board}.ts`);
    t.ok(outs.some((o) => o.includes(board)), `the ${board} chunk is part of the closure`);
    const inputs = inputsOf(outs);
    t.ok(inputs.includes(`hal/boards/${board}.ts`));
    const emulated = inputs.filter((i) => /hal\/world\/|\/emulated[-.]|boards\/emulated-/.test(i));
    t.same(emulated, [], 'no emulator module is loaded for a real board');
    const bytes = outs.reduce((n, o) => n + statSync(o).size, 0);
    t.ok(bytes <= budget, `${(bytes / 1024).toFixed(0)} KiB <= ${(budget / 1024).toFixed(0)} KiB`);
  });
}

t.test('the native serial addon stays external', async (t) => {
  const all = Object.values(meta.outputs).flatMap((o) => o.imports.map((i) => i.path));
  t.ok(all.includes('@serialport/bindings-cpp'), 'imported by name at run time, not bundled');
  t.notOk(Object.values(meta.outputs).some((o) => Object.keys(o.inputs).some((i) => i.includes('bindings-cpp'))), 'no addon code inside the bundles');
});
