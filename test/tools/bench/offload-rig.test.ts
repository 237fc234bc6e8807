/**
 * The offload benchmark's rig end to end on a small recording: every byte pulled over mutual TLS
 * into the buffer and uploaded to the reference destination; the raw-copy baseline copies exactly.
 */
import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB, controllerOffload, destination, serveCamera, systemPki, writePlainRecording } from '../../../tools/bench/offload-rig.js';
import { rawTcpCopy, writeSourceFile } from '../../../tools/bench/raw-copy.js';

t.test('a 3 MiB recording in 2 clips goes camera -> buffer -> destination whole', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-bench-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { authority, camera } = await systemPki(join(dir, 'pki'));
  const storage = await writePlainRecording(join(dir, 'camera'), authority.evidencePublicKey, 3, 2);
  const cam = await serveCamera(storage, camera);
  const dest = await destination(join(dir, 'destination'));
  t.teardown(async () => { await cam.close(); await dest.server.close(); });
  const legs = await controllerOffload({ port: cam.port, authorityDir: join(dir, 'pki'), bufferDir: join(dir, 'buffer'), connectionText: dest.connectionText });
  t.equal(legs.uploadedBytes, 3 * MiB, 'every plaintext byte uploaded as clip objects');
  t.ok(legs.pulledBytes > 3 * MiB, 'the pulled ciphertext includes the chunk tags');
  t.ok(dest.server.storedBytes() >= 3 * MiB, 'the destination holds the clips (and its own capabilities document)');
});

t.test('the raw TCP baseline copies the file exactly', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-bench-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeSourceFile(join(dir, 'src'), 3 * MiB + 17);
  const r = await rawTcpCopy(join(dir, 'src'), join(dir, 'dst'));
  t.equal(r.bytes, 3 * MiB + 17);
  t.same(await readFile(join(dir, 'dst')), await readFile(join(dir, 'src')));
});
