/** Golden vectors: encode(json) == bytes and decode(bytes) == json for valid cases, the error code for invalid ones. */
import t from 'tap';
import { Random } from '../../hal/world/random.js';
import { frameSessionMessage, sessionMessageFromJson, sessionMessageToJson, encodeSessionMessage } from '../../protocols/envelope.js';
import { discoveryMessageFromJson, discoveryMessageToJson, encodeDiscoveryDatagram } from '../../protocols/discovery.js';
import { encodeFrame } from '../../protocols/framing.js';
import { toHex } from '../../protocols/wire.js';
import { bytesOf, loadVectors, runDatagram, runStream } from './vectors.js';

const files = loadVectors();

t.test('every message kind has vectors with valid and invalid cases', async (t) => {
  const kinds = files.map((f) => f.kind);
  for (const k of ['solicitation', 'beacon', 'hello', 'hello-result', 'goodbye', 'manifest-request', 'manifest', 'chunk-request', 'chunk-response', 'custody-ack', 'framing']) {
    t.ok(kinds.includes(k), `vectors for ${k}`);
  }
  for (const f of files) {
    t.ok(f.cases.some((c) => c.message), `${f.kind}: has a valid case`);
    t.ok(f.cases.filter((c) => c.error).length >= 2, `${f.kind}: has invalid cases`);
    for (const c of f.cases) t.ok((c.message === undefined) !== (c.error === undefined), `${f.kind}/${c.name}: exactly one of message, error`);
  }
});

/** Splits bytes into pieces: whole, one byte at a time, and at random points. */
function* splits(bytes: Uint8Array, random: Random): Generator<[string, Uint8Array[]]> {
  yield ['whole', [bytes]];
  yield ['bytewise', Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))];
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = random.int(0, 9);
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  yield ['random splits', pieces];
}

for (const file of files) {
  t.test(`${file.kind} (${file.transport})`, async (t) => {
    const random = new Random(file.kind.length);
    for (const c of file.cases) {
      const bytes = bytesOf(c);
      if (file.transport === 'datagram') {
        const out = runDatagram(bytes);
        if (c.error) {
          t.equal(out.error?.code, c.error, `${c.name}: ${out.error?.message ?? 'no error'}`);
          continue;
        }
        t.notOk(out.error, `${c.name}: decodes (${out.error?.message ?? ''})`);
        t.same(discoveryMessageToJson(out.messages[0]!), c.message, `${c.name}: decode(bytes) == json`);
        t.equal(toHex(encodeDiscoveryDatagram(discoveryMessageFromJson(c.message))), c.hex, `${c.name}: encode(json) == bytes`);
        continue;
      }
      for (const [how, pieces] of splits(bytes, random)) {
        const out = runStream(pieces, file.maxFrameBytes!);
        if (c.error) {
          t.equal(out.error?.code, c.error, `${c.name} (${how}): ${out.error?.message ?? 'no error'}`);
          continue;
        }
        t.notOk(out.error, `${c.name} (${how}): decodes (${out.error?.message ?? ''})`);
        t.equal(out.messages.length, 1, `${c.name} (${how}): one frame`);
        t.same(sessionMessageToJson(out.messages[0]!), c.message, `${c.name} (${how}): decode(bytes) == json`);
      }
      if (c.message) {
        const message = sessionMessageFromJson(c.message);
        t.equal(toHex(frameSessionMessage(message)), c.hex, `${c.name}: encode(json) == bytes`);
        t.equal(toHex(encodeFrame(encodeSessionMessage(message))), c.hex, `${c.name}: encodeFrame(encode(json)) == bytes`);
      }
    }
  });
}

t.test('error messages name the field and what was expected', async (t) => {
  for (const file of files) {
    for (const c of file.cases.filter((c) => c.error)) {
      const out = file.transport === 'datagram' ? runDatagram(bytesOf(c)) : runStream([bytesOf(c)], file.maxFrameBytes!);
      const e = out.error!;
      t.ok(e.message.length > 10, `${file.kind}/${c.name}: ${e.message}`);
      if (e.code === 'EINVALID_FIELD' || e.code === 'EMISSING_FIELD') {
        t.ok(e.field && e.message.startsWith(`${e.field}: `) && /expected/.test(e.message), `${file.kind}/${c.name}: names ${e.field}`);
      }
    }
  }
});
