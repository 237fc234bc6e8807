/** Envelope crypto: chunk AEAD binds recording, index and last flag; sealed keys open only with the system key. */
import t from 'tap';
import { createHash } from 'node:crypto';
import {
  EvidenceError, chunkDigest, evidenceCryptoReady, generateSystemKeyPair, isLastChunk, newRecordingId, newRecordingKey,
  openChunk, openRecordingKey, sealChunk,
} from '../../../../firmware/common/evidence/index.js';
import { pattern } from './helpers.js';

const id = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const otherId = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);
const key = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);

t.test('round trip: every size from empty to a whole chunk', async (t) => {
  for (const n of [0, 1, 15, 16, 17, 4096, 1024 * 1024]) {
    const plain = pattern(n, n);
    const sealed = sealChunk(key, { recordingId: id, index: 3, last: false }, plain);
    t.equal(sealed.length, n + 16, `${n} bytes seal to ${n + 16}`);
    t.ok(Buffer.from(openChunk(key, { recordingId: id, index: 3, last: false }, sealed)).equals(plain), `${n} bytes open`);
  }
});

t.test('same plaintext at two indexes gives different ciphertexts (nonce from index)', async (t) => {
  const plain = pattern(0, 64);
  const a = sealChunk(key, { recordingId: id, index: 0, last: false }, plain);
  const b = sealChunk(key, { recordingId: id, index: 1, last: false }, plain);
  t.not(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'));
});

t.test('tampering, swapping, reordering and truncation are detected with typed errors', async (t) => {
  const chunks = [0, 1, 2].map((i) => sealChunk(key, { recordingId: id, index: i, last: i === 2 }, pattern(i * 100, 100)));
  const place = (index: number, last = index === 2) => ({ recordingId: id, index, last });
  for (let bit = 0; bit < chunks[1]!.length * 8; bit += 37) {
    const bad = chunks[1]!.slice();
    bad[bit >> 3]! ^= 1 << (bit & 7);
    t.throws(() => openChunk(key, place(1), bad), { name: 'EvidenceError', code: 'EAUTH' }, `flipped bit ${bit}`);
  }
  t.throws(() => openChunk(key, place(0), chunks[1]!), { code: 'EAUTH', message: /chunk 0 of recording 0102.* failed authentication/ }, 'chunk 1 at index 0 (reordered)');
  const foreign = sealChunk(key, { recordingId: otherId, index: 1, last: false }, pattern(100, 100));
  t.throws(() => openChunk(key, place(1), foreign), { code: 'EAUTH' }, 'chunk of another recording with the same key');
  t.throws(() => openChunk(key, place(1, true), chunks[1]!), { code: 'ETRUNCATED', message: /expected to be the last chunk/ }, 'recording cut after chunk 1');
  t.throws(() => openChunk(key, place(2, false), chunks[2]!), { code: 'EEXTENDED', message: /sealed as the recording's last chunk/ }, 'chunk after the last');
  t.throws(() => openChunk(key, place(1), chunks[1]!.subarray(0, 10)), { code: 'EAUTH', message: /at least the 16-byte tag/ }, 'shorter than a tag');
  t.throws(() => openChunk(Uint8Array.from(key).reverse(), place(1), chunks[1]!), { code: 'EAUTH' }, 'wrong key');
  t.ok(openChunk(key, place(2), chunks[2]!) instanceof Uint8Array);
});

t.test('isLastChunk: only the final chunk of a closed recording', async (t) => {
  t.same([0, 1, 2].map((i) => isLastChunk(i, 3, false)), [false, false, true]);
  t.same([0, 1, 2].map((i) => isLastChunk(i, 3, true)), [false, false, false]);
});

t.test('bad arguments are TypeErrors naming the parameter', async (t) => {
  t.throws(() => sealChunk(key.subarray(1), { recordingId: id, index: 0, last: false }, new Uint8Array(1)), { name: 'TypeError', message: /recording key must be 32 bytes, got 31 bytes/ });
  t.throws(() => sealChunk(key, { recordingId: id.subarray(2), index: 0, last: false }, new Uint8Array(1)), { name: 'TypeError', message: /recordingId must be 16 bytes/ });
  t.throws(() => sealChunk(key, { recordingId: id, index: -1, last: false }, new Uint8Array(1)), { name: 'TypeError', message: /chunk index must be an integer >= 0/ });
});

t.test('a sealed recording key opens only with the right system private key', async (t) => {
  const system = await generateSystemKeyPair();
  const other = await generateSystemKeyPair();
  const rk = await newRecordingKey(system.publicKey);
  t.equal(rk.key.length, 32);
  t.equal(rk.sealedKey.length, 80, 'crypto_box_seal adds 48 bytes');
  t.same(await openRecordingKey(rk.sealedKey, system), rk.key);
  await t.rejects(openRecordingKey(rk.sealedKey, other), { name: 'EvidenceError', code: 'EKEY', message: /does not open with this system key pair/ });
  const damaged = rk.sealedKey.slice();
  damaged[40]! ^= 1;
  await t.rejects(openRecordingKey(damaged, system), { code: 'EKEY' });
  await t.rejects(newRecordingKey(new Uint8Array(31)), { name: 'TypeError', message: /systemPublicKey must be 32 bytes/ });
  t.equal(newRecordingId().length, 16);
  t.not(Buffer.from(newRecordingId()).toString('hex'), Buffer.from(newRecordingId()).toString('hex'));
});

t.test('chunk digests match the manifest algorithms', async (t) => {
  await evidenceCryptoReady();
  const data = pattern(0, 1000);
  t.same(chunkDigest(data), new Uint8Array(createHash('sha256').update(data).digest()), 'SHA-256 is the default');
  const b2 = chunkDigest(data, 'DIGEST_ALGORITHM_BLAKE2B_256');
  t.equal(b2.length, 32);
  t.not(Buffer.from(b2).toString('hex'), Buffer.from(chunkDigest(data)).toString('hex'), 'BLAKE2b differs from SHA-256');
  // BLAKE2b-256 of "abc" (RFC 7693 parameterised to 32 bytes).
  t.equal(Buffer.from(chunkDigest(new TextEncoder().encode('abc'), 'DIGEST_ALGORITHM_BLAKE2B_256')).toString('hex'),
    'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
  t.throws(() => chunkDigest(data, 'MD5' as never), { name: 'TypeError', message: /digest algorithm must be/ });
});

t.test('throughput: chosen AEAD against a memcpy baseline (reported, not asserted)', async (t) => {
  const n = 1024 * 1024, rounds = 64;
  const plain = pattern(0, n);
  const place = { recordingId: id, index: 0, last: false };
  const rate = (f: (i: number) => void) => {
    f(0);
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) f(i);
    return (n * rounds) / 1e6 / ((performance.now() - t0) / 1000);
  };
  const copy = rate(() => { new Uint8Array(n).set(plain); });
  const seal = rate((i) => { sealChunk(key, { ...place, index: i }, plain); });
  const sealed = sealChunk(key, place, plain);
  const open = rate(() => { openChunk(key, place, sealed); });
  const digest = rate(() => { chunkDigest(sealed); });
  t.comment(`1 MiB chunks: memcpy ${copy.toFixed(0)} MB/s, seal ${seal.toFixed(0)} MB/s (${(seal / copy).toFixed(2)}x memcpy), open ${open.toFixed(0)} MB/s, SHA-256 digest ${digest.toFixed(0)} MB/s`);
  t.ok(seal > 0 && open > 0);
});

t.test('EvidenceError carries its code', async (t) => {
  const e = new EvidenceError('ECORRUPT', 'x');
  t.equal(e.code, 'ECORRUPT');
  t.equal(e.name, 'EvidenceError');
});
