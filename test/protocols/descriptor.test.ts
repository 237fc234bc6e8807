/**
 * The committed descriptor (protocols/generated/descriptor.ts) and vectors must match the
 * .proto files. Regenerate with: node protocols/gen.mjs && node protocols/vectors/gen.mjs
 */
import t from 'tap';
import protobuf from 'protobufjs';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { descriptor } from '../../protocols/generated/descriptor.js';
import { root } from '../../protocols/schema.js';

const repo = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const protocols = join(repo, 'protocols');

t.test('descriptor.ts equals a fresh parse of the .proto files', async (t) => {
  const parsed = new protobuf.Root();
  parsed.resolvePath = (_origin, target) => join(protocols, target);
  const files = readdirSync(join(protocols, 'bwc/v1')).filter((f) => f.endsWith('.proto')).map((f) => `bwc/v1/${f}`);
  t.ok(files.length >= 6, `${files.length} .proto files`);
  parsed.loadSync(files);
  t.same(JSON.parse(JSON.stringify(parsed.toJSON())), JSON.parse(JSON.stringify(descriptor)),
    'descriptor is stale: run `node protocols/gen.mjs`');
});

t.test('the generators report nothing to regenerate', async (t) => {
  for (const script of ['protocols/gen.mjs', 'protocols/vectors/gen.mjs']) {
    let output = '';
    try {
      execFileSync(process.execPath, [script, '--check'], { cwd: repo, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stderr?: string }).stderr ?? e);
    }
    t.equal(output, '', `${script} --check (regenerate with: node ${script})`);
  }
});

t.test('the runtime schema has every session message and the package version', async (t) => {
  const envelope = root.lookupType('bwc.v1.Envelope');
  t.same(envelope.oneofs.body?.oneof, ['hello', 'helloResult', 'goodbye', 'manifestRequest', 'manifest', 'chunkRequest', 'chunkResponse', 'custodyAck', 'enrollmentRequest', 'enrollmentKey', 'enrollment', 'enrollmentResult', 'cameraAssignment', 'cameraAssignmentResult']);
  t.equal(root.lookupEnum('bwc.v1.ProtocolMajor').values.PROTOCOL_MAJOR_V1, 1);
  t.ok(root.lookupType('bwc.v1.DiscoveryDatagram').oneofs.body);
});
