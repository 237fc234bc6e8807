/**
 * Fuzzing: random and mutated inputs (bit flips, truncations, insertions, splices, corrupted
 * length prefixes of the golden vectors) through the frame decoder and the message decoders.
 * Only messages or ProtocolErrors may come out. Reproduce a failure with FUZZ_SEED=<seed>.
 */
import t from 'tap';
import { Random } from '../../hal/world/random.js';
import { FrameDecoder, encodeLengthPrefix } from '../../protocols/framing.js';
import { decodeSessionMessage, encodeSessionMessage, sessionMessageToJson } from '../../protocols/envelope.js';
import { decodeDiscoveryDatagram, discoveryMessageToJson, encodeDiscoveryDatagram } from '../../protocols/discovery.js';
import { isProtocolError } from '../../protocols/errors.js';
import { toHex } from '../../protocols/wire.js';
import { bytesOf, loadVectors } from './vectors.js';

const INPUTS_PER_SEED = 50_000; // two seeds: 100 000 inputs
const envSeed = process.env.FUZZ_SEED;
const seeds = envSeed !== undefined ? [Number(envSeed) >>> 0] : [0xb3c1, (Date.now() ^ (process.pid << 16)) >>> 0];

const files = loadVectors();
const streamCorpus = files.filter((f) => f.transport === 'stream').flatMap((f) => f.cases.map(bytesOf));
const datagramCorpus = files.filter((f) => f.transport === 'datagram').flatMap((f) => f.cases.map(bytesOf));

function randomBytes(r: Random, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => r.int(0, 255));
}

function pick<T>(r: Random, list: readonly T[]): T {
  return list[r.int(0, list.length - 1)]!;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** A random length prefix: near the real one, any uint32, huge, overlong or non-minimal. */
function corruptPrefix(r: Random, input: Uint8Array): Uint8Array {
  let end = 0;
  while (end < input.length && end < 5 && input[end]! & 0x80) end++;
  const body = input.subarray(Math.min(end + 1, input.length));
  const choice = r.int(0, 4);
  const prefix =
    choice === 0 ? encodeLengthPrefix(Math.max(0, body.length + r.int(-3, 3)))
    : choice === 1 ? encodeLengthPrefix(r.int(0, 0xffffffff))
    : choice === 2 ? encodeLengthPrefix(4 * 1024 * 1024 + r.int(0, 200_000))
    : choice === 3 ? Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, r.int(0, 255))
    : Uint8Array.of(0x80 | (body.length & 0x7f), 0x80, 0x00);
  return cat(prefix, body);
}

function mutate(r: Random, corpus: readonly Uint8Array[], framed: boolean): Uint8Array {
  const input = Uint8Array.from(pick(r, corpus));
  const n = input.length;
  switch (r.int(0, framed ? 9 : 8)) {
    case 0: { // bit flips
      for (let k = r.int(1, 8); k > 0 && n > 0; k--) input[r.int(0, n - 1)]! ^= 1 << r.int(0, 7);
      return input;
    }
    case 1: { // random bytes at random places
      for (let k = r.int(1, 4); k > 0 && n > 0; k--) input[r.int(0, n - 1)] = r.int(0, 255);
      return input;
    }
    case 2: return input.subarray(0, r.int(0, n)); // truncation
    case 3: { const at = r.int(0, n); return cat(input.subarray(0, at), randomBytes(r, r.int(1, 16)), input.subarray(at)); } // insertion
    case 4: { const a = r.int(0, n), b = r.int(a, n); return cat(input.subarray(0, a), input.subarray(b)); } // deletion
    case 5: { const other = pick(r, corpus); return cat(input.subarray(0, r.int(0, n)), other.subarray(r.int(0, other.length))); } // splice
    case 6: { const a = r.int(0, n), b = r.int(a, n); return cat(input.subarray(0, b), input.subarray(a)); } // duplicate a range
    case 7: return randomBytes(r, r.int(0, 64)); // noise
    case 8: return cat(input, pick(r, corpus)); // two inputs back to back
    default: return corruptPrefix(r, input);
  }
}

interface Tally { inputs: number; messages: number; errors: Record<string, number> }

function expectOnlyProtocolErrors(seed: number, what: string, input: Uint8Array, fn: () => void, tally: Tally): void {
  try {
    fn();
  } catch (e) {
    if (!isProtocolError(e)) {
      throw new Error(`fuzz seed ${seed}: ${what} threw ${String(e)} for input ${toHex(input)}`, { cause: e });
    }
    tally.errors[e.code] = (tally.errors[e.code] ?? 0) + 1;
  }
}

function fuzzStream(seed: number, r: Random, input: Uint8Array, tally: Tally): void {
  const max = r.int(0, 3) === 0 ? r.int(1, 2048) : undefined;
  const decoder = new FrameDecoder(max === undefined ? {} : { maxFrameBytes: max });
  expectOnlyProtocolErrors(seed, 'frame decoding', input, () => {
    for (let at = 0; at < input.length; ) {
      const step = r.int(1, 40);
      for (const frame of decoder.push(input.subarray(at, at + step))) {
        if (frame.length > decoder.maxFrameBytes) throw new Error(`frame of ${frame.length} bytes above the maximum`);
        const m = decodeSessionMessage(frame);
        // Whatever decodes must re-encode, and decode to the same message again.
        const again = decodeSessionMessage(encodeSessionMessage(m));
        if (JSON.stringify(sessionMessageToJson(again)) !== JSON.stringify(sessionMessageToJson(m))) throw new Error('re-encoding changed the message');
        tally.messages++;
      }
      // Bounded memory: a frame's payload, or the (at most 5) bytes of a length prefix in progress,
      // which may exceed a tiny maximum until the prefix ends and is refused.
      if (decoder.buffered > Math.max(decoder.maxFrameBytes, 5)) throw new Error(`decoder holds ${decoder.buffered} bytes`);
      at += step;
    }
    decoder.end();
  }, tally);
  // Now and then, the bytes after the first as an unframed payload through the message decoder.
  if (r.int(0, 3) === 0) expectOnlyProtocolErrors(seed, 'envelope decoding', input, () => { decodeSessionMessage(input.subarray(1)); tally.messages++; }, tally);
}

function fuzzDatagram(seed: number, input: Uint8Array, tally: Tally): void {
  expectOnlyProtocolErrors(seed, 'datagram decoding', input, () => {
    const m = decodeDiscoveryDatagram(input);
    const again = decodeDiscoveryDatagram(encodeDiscoveryDatagram(m));
    if (JSON.stringify(discoveryMessageToJson(again)) !== JSON.stringify(discoveryMessageToJson(m))) throw new Error('re-encoding changed the datagram');
    tally.messages++;
  }, tally);
}

for (const seed of seeds) {
  t.test(`fuzz seed ${seed}`, async (t) => {
    t.comment(`fuzz seed ${seed} (reproduce with FUZZ_SEED=${seed})`);
    const r = new Random(seed);
    const tally: Tally = { inputs: 0, messages: 0, errors: {} };
    const started = performance.now();
    for (let i = 0; i < INPUTS_PER_SEED; i++) {
      if (r.int(0, 4) === 0) fuzzDatagram(seed, mutate(r, datagramCorpus, false), tally);
      else fuzzStream(seed, r, mutate(r, streamCorpus, true), tally);
      tally.inputs++;
    }
    const ms = performance.now() - started;
    t.equal(tally.inputs, INPUTS_PER_SEED, `${tally.inputs} inputs in ${ms.toFixed(0)} ms`);
    t.ok(tally.messages > 1000, `${tally.messages} decoded messages (mutations keep some inputs valid)`);
    for (const code of ['EDECODE', 'EVARINT', 'EFRAME_TOO_LARGE', 'ETRUNCATED', 'EINVALID_FIELD', 'EMISSING_FIELD', 'EVERSION']) {
      t.ok((tally.errors[code] ?? 0) > 0, `reached ${code} (${tally.errors[code] ?? 0} times)`);
    }
  });
}
