/**
 * The HIL rig's command line: `node dist/rig.mjs SCENARIO [--verbose]` runs one scenario on the
 * emulated target. Exit 0 when every expectation held, 1 at the first unmet one, 2 for bad usage
 * or a malformed scenario.
 */
import { loadScenario } from './load.js';
import { runScenario } from './runner.js';
import { dirname, resolve } from 'node:path';
import { EmulatedRigTarget } from './emulated-target.js';
import { LinuxRigTarget } from './linux-target.js';
import { ScenarioError } from './scenario.js';

const USAGE = 'usage: rig SCENARIO [--verbose]\n  runs a scenario file (see tools/rig/README.md) on emulated devices in virtual time,\n  or on real linux-camera boards in real time when a device says board=linux-camera config=FILE\n';

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const rest = argv.filter((a) => a !== '--verbose');
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(USAGE); return 0; }
  const unknown = rest.find((a) => a.startsWith('-'));
  if (unknown || rest.length !== 1) {
    process.stderr.write(`rig: ${unknown ? `unknown option ${unknown}` : 'expected one scenario file'}\n${USAGE}`);
    return 2;
  }
  let scenario;
  try {
    scenario = await loadScenario(rest[0]!);
  } catch (e) {
    process.stderr.write(`${e instanceof ScenarioError ? e.message : `rig: ${rest[0]}: ${(e as Error).message}`}\n`);
    return 2;
  }
  // A scenario naming a real board runs on it in real time; otherwise on emulated devices in virtual time.
  const real = scenario.devices.some((d) => d.board === 'linux-camera');
  const target = real
    ? new LinuxRigTarget({ baseDir: dirname(resolve(rest[0]!)), verbose, write: (l) => process.stderr.write(l) })
    : new EmulatedRigTarget({ verbose });
  const result = await runScenario(scenario, target);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
  process.stderr.write(`rig: ${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
