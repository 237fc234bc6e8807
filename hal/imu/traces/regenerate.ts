/**
 * Writes the shipped traces (hal/imu/traces/<kind>.csv) from the synthesizer's shipped seeds:
 *   npx esbuild hal/imu/traces/regenerate.ts --bundle --platform=node --format=esm | node --input-type=module
 * A test checks the files still equal what the synthesizer makes.
 */
import { writeFileSync } from 'node:fs';
import { SHIPPED_SEEDS, synthesize } from '../synthesize.js';
import { formatTrace, TRACE_KINDS } from '../trace.js';

for (const kind of TRACE_KINDS) {
  const trace = { ...synthesize(kind, SHIPPED_SEEDS[kind]), name: kind };
  writeFileSync(`hal/imu/traces/${kind}.csv`, formatTrace(trace));
}
