/**
 * Every scenario shipped in test/tools/rig/scenarios/ runs on the emulated target and passes.
 */
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../../tools/rig/load.js';
import { runScenario } from '../../../tools/rig/runner.js';
import { EmulatedRigTarget } from '../../../tools/rig/emulated-target.js';

const dir = join(import.meta.dirname, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.rig')).sort();

t.ok(files.length >= 5, `${files.length} scenarios shipped`);
for (const f of files) {
  t.test(f, async (t) => {
    const out: string[] = [];
    const result = await runScenario(await loadScenario(join(dir, f)), new EmulatedRigTarget(), { write: (l) => { out.push(l); } });
    t.ok(result.ok, result.failure?.message ?? 'passed');
    if (!result.ok) t.comment(out.join(''));
    t.match(out.at(-1), /all \d+ step\(s\) passed/);
  });
}
