#!/usr/bin/env node
// Writes the golden test vectors protocols/vectors/*.json from the case list below. It encodes
// with protobufjs straight from the .proto files, independently of the TypeScript codec, so the
// conformance test cross-checks both. Run: node protocols/vectors/gen.mjs   (--check: exit 1
// when a committed vector file differs, without writing).
import protobuf from 'protobufjs';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDescriptor } from '../gen.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = protobuf.Root.fromJSON(parseDescriptor());
const Envelope = root.lookupType('bwc.v1.Envelope');
const Datagram = root.lookupType('bwc.v1.DiscoveryDatagram');
const MAX_FRAME_BYTES = 4 * 1024 * 1024 + 64 * 1024;
const MAX_DATAGRAM_BYTES = 1200;

// ---- canonical JSON and encoding, written independently of protocols/wire.ts ----

const byId = (type) => [...type.fieldsArray].sort((a, b) => a.id - b.id);
const isMessage = (f) => f.resolvedType instanceof protobuf.Type;
const isEnum = (f) => f.resolvedType instanceof protobuf.Enum;

function checkKeys(type, json) {
  for (const k of Object.keys(json)) if (!type.fields[k]) throw new Error(`vector authoring: ${type.name} has no field ${k}`);
}

/** Completes authored JSON to canonical form: every non-oneof scalar present, field-number order. */
function canonical(type, json) {
  checkKeys(type, json);
  const out = {};
  for (const f of byId(type)) {
    const v = json[f.name];
    if (f.repeated) out[f.name] = (v ?? []).map((x) => (isMessage(f) ? canonical(f.resolvedType, x) : x));
    else if (isMessage(f) || f.partOf) { if (v !== undefined) out[f.name] = isMessage(f) ? canonical(f.resolvedType, v) : v; }
    else if (v !== undefined) out[f.name] = v;
    else if (isEnum(f)) out[f.name] = f.resolvedType.valuesById[0];
    else out[f.name] = { bytes: '', string: '', bool: false, uint32: 0, uint64: '0' }[f.type];
  }
  return out;
}

/** Authored JSON to an object protobufjs fromObject() takes (hex to bytes). */
function toObject(type, json) {
  checkKeys(type, json);
  const out = {};
  for (const [k, v] of Object.entries(json)) {
    const f = type.fields[k];
    const one = (x) => (isMessage(f) ? toObject(f.resolvedType, x) : f.type === 'bytes' ? Buffer.from(x, 'hex') : x);
    out[k] = f.repeated ? v.map(one) : one(v);
  }
  return out;
}

const encode = (type, json) => Buffer.from(type.encode(type.fromObject(toObject(type, json))).finish());
const varint = (n) => { const b = []; while (n >= 0x80) { b.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); } b.push(n); return Buffer.from(b); };
const frame = (payload) => Buffer.concat([varint(payload.length), payload]);
const hex = (b) => Buffer.from(b).toString('hex');
/** A raw protobuf field: tag, then (for length-delimited) a length and the bytes. */
const rawField = (id, wireType, bytes) => Buffer.concat([varint(id * 8 + wireType), wireType === 2 ? varint(bytes.length) : Buffer.alloc(0), bytes]);

// ---- fixtures ----

const RID_A = '0123456789abcdef0123456789abcdef';
const RID_B = 'fedcba9876543210fedcba9876543210';
const NONCE = '00112233445566778899aabbccddeeff';
const NONCE_2 = 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5';
const BOOT = 'b007b007b007b007b007b007b007b007';
const LINK_LOCAL = 'fe80000000000000123456fffe789abc'; // fe80::1234:56ff:fe78:9abc
const digest = (i) => createHash('sha256').update(`chunk ${i}`).digest('hex');
const bytesOf = (n, seed) => hex(Array.from({ length: n }, (_, k) => (seed * 31 + k * 7) & 0xff));
const SEALED_KEY = bytesOf(80, 9);
const T0 = Date.UTC(2026, 10, 5, 8, 30, 0); // 2026-11-05T08:30:00Z
const ms = (offset) => String(T0 + offset);

const recordingA = {
  recordingId: RID_A, userId: 'officer-0042', cameraSerial: 'B8A44F000001',
  triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: ms(0),
  triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: ms(600_000),
  startTimeMs: ms(-30_000), stopTimeMs: ms(630_000), interrupted: false,
  chunkCount: 3, chunkSize: 4 * 1024 * 1024, totalBytes: String(3 * 4 * 1024 * 1024 + 3 * 17),
  digestAlgorithm: 'DIGEST_ALGORITHM_SHA_256', chunkDigests: [digest(0), digest(1), digest(2)],
  sealedKey: SEALED_KEY,
  clips: [
    { firstChunk: 0, chunkCount: 2, startTimeMs: ms(-30_000), stopTimeMs: ms(400_000) },
    { firstChunk: 2, chunkCount: 1, startTimeMs: ms(400_000), stopTimeMs: ms(630_000) },
  ],
  timeZone: 'Europe/Stockholm', firmwareVersion: '11.4.2',
  bookmarkTimesMs: [ms(12_000), ms(401_500)],
};
const recordingB = {
  recordingId: RID_B, userId: '', cameraSerial: 'B8A44F000001',
  triggerOnReason: 'TRIGGER_REASON_FALL', triggerOnTimeMs: ms(3_600_000),
  triggerOffReason: 'TRIGGER_REASON_UNSPECIFIED', triggerOffTimeMs: '0',
  startTimeMs: ms(3_570_000), stopTimeMs: ms(3_700_000), interrupted: true,
  chunkCount: 1, chunkSize: 1024 * 1024, totalBytes: String(512 * 1024 + 17),
  digestAlgorithm: 'DIGEST_ALGORITHM_BLAKE2B_256', chunkDigests: [digest(7)], sealedKey: SEALED_KEY,
  clips: [{ firstChunk: 0, chunkCount: 1, startTimeMs: ms(3_570_000), stopTimeMs: ms(3_700_000) }],
  firmwareVersion: '11.4.2',
};
const solicitation = { nonce: NONCE, controllerSerial: 'SC-1500-0007', systemId: 'system-7f3a' };
const beacon = {
  nonce: NONCE, cameraSerial: 'B8A44F000001', model: 'W101', firmwareVersion: '11.4.2',
  systemId: 'system-7f3a', sessionPort: 4433, linkLocalAddress: LINK_LOCAL, bayHint: 3, bootId: BOOT,
};
const helloController = {
  role: 'ROLE_CONTROLLER', supported: [{ major: 1, minor: 0 }], deviceSerial: 'SC-1500-0007',
  firmwareVersion: '11.4.2', systemId: 'system-7f3a', nonce: NONCE,
};
const helloCamera = {
  role: 'ROLE_CAMERA', supported: [{ major: 1, minor: 2 }], chosen: { major: 1, minor: 0 },
  deviceSerial: 'B8A44F000001', firmwareVersion: '11.4.1', systemId: '', nonce: NONCE_2,
};
const custody = { recordingId: RID_A, chunksHeld: 3, durableVerified: true, holderSerial: 'SC-1500-0007', holderSystemId: 'system-7f3a' };
const chunkData = { recordingId: RID_A, index: 1, data: { ciphertext: bytesOf(48, 1), digest: digest(1), last: false } };
const with_ = (base, patch) => ({ ...base, ...patch });

// ---- cases ----

function streamCases(kind, list) {
  return list.map((c) => {
    if (c.hex !== undefined) return { name: c.name, hex: c.hex, error: c.error };
    const payload = encode(Envelope, c.envelope);
    const out = { name: c.name, hex: hex(frame(payload)) };
    if (c.error) out.error = c.error; else out.message = canonical(Envelope, c.envelope);
    return out;
  });
}
function datagramCases(list) {
  return list.map((c) => {
    if (c.hex !== undefined) return { name: c.name, hex: c.hex, error: c.error };
    const out = { name: c.name, hex: hex(encode(Datagram, c.datagram)) };
    if (c.error) out.error = c.error; else out.message = canonical(Datagram, c.datagram);
    return out;
  });
}
const env = (body, major = 1) => ({ major, ...body });
const ok = (name, body) => ({ name, envelope: env(body) });
const bad = (name, error, body, major = 1) => ({ name, error, envelope: env(body, major) });

const files = {
  solicitation: { transport: 'datagram', description: 'Solicitation: controller -> port multicast group', cases: datagramCases([
    { name: 'solicitation from an adopted controller', datagram: { major: 1, solicitation } },
    { name: 'solicitation with another nonce and system', datagram: { major: 1, solicitation: with_(solicitation, { nonce: NONCE_2, systemId: 'depot-north' }) } },
    { name: 'nonce of 15 bytes', error: 'EINVALID_FIELD', datagram: { major: 1, solicitation: with_(solicitation, { nonce: NONCE.slice(2) }) } },
    { name: 'no nonce', error: 'EMISSING_FIELD', datagram: { major: 1, solicitation: with_(solicitation, { nonce: '' }) } },
    { name: 'no controller serial', error: 'EMISSING_FIELD', datagram: { major: 1, solicitation: with_(solicitation, { controllerSerial: '' }) } },
    { name: 'major version 2', error: 'EVERSION', datagram: { major: 2, solicitation } },
    { name: 'no body', error: 'EMISSING_FIELD', datagram: { major: 1 } },
    { name: 'truncated inside the solicitation', error: 'EDECODE', hex: hex(encode(Datagram, { major: 1, solicitation })).slice(0, 30) },
    { name: 'datagram above 1200 bytes', error: 'EFRAME_TOO_LARGE', hex: hex(encode(Datagram, { major: 1, solicitation: with_(solicitation, { controllerSerial: 'x'.repeat(1200) }) })) },
  ]) },
  beacon: { transport: 'datagram', description: 'Beacon: docked camera -> soliciting controller', cases: datagramCases([
    { name: 'adopted camera answering a solicitation', datagram: { major: 1, beacon } },
    { name: 'unadopted camera announcing itself (no nonce, bay unknown)', datagram: { major: 1, beacon: with_(beacon, { nonce: '', systemId: '', bayHint: 0 }) } },
    { name: 'address outside fe80::/10 (2001:db8::1)', error: 'EINVALID_FIELD', datagram: { major: 1, beacon: with_(beacon, { linkLocalAddress: '20010db8000000000000000000000001' }) } },
    { name: 'session port 0', error: 'EINVALID_FIELD', datagram: { major: 1, beacon: with_(beacon, { sessionPort: 0 }) } },
    { name: 'session port 70000', error: 'EINVALID_FIELD', datagram: { major: 1, beacon: with_(beacon, { sessionPort: 70000 }) } },
    { name: 'boot id of 8 bytes', error: 'EINVALID_FIELD', datagram: { major: 1, beacon: with_(beacon, { bootId: BOOT.slice(16) }) } },
    { name: 'no camera serial', error: 'EMISSING_FIELD', datagram: { major: 1, beacon: with_(beacon, { cameraSerial: '' }) } },
    { name: 'model is not UTF-8', error: 'EDECODE', hex: hex(encode(Datagram, { major: 1, beacon })).replace(hex(Buffer.from('W101')), '5731fffe') },
  ]) },
  hello: { transport: 'stream', description: 'Hello: first message of a session, both directions', cases: streamCases('hello', [
    ok('controller opens the session', { hello: helloController }),
    ok('unadopted camera answers with its choice', { hello: helloCamera }),
    ok('peer speaking majors 1 and 2', { hello: with_(helloController, { supported: [{ major: 2, minor: 5 }, { major: 1, minor: 3 }] }) }),
    bad('role unspecified', 'EMISSING_FIELD', { hello: with_(helloController, { role: 'ROLE_UNSPECIFIED' }) }),
    bad('role value 7 unknown to v1.0', 'EINVALID_FIELD', { hello: with_(helloController, { role: 7 }) }),
    bad('no supported versions', 'EMISSING_FIELD', { hello: with_(helloController, { supported: [] }) }),
    bad('major 1 listed twice', 'EINVALID_FIELD', { hello: with_(helloController, { supported: [{ major: 1, minor: 0 }, { major: 1, minor: 1 }] }) }),
    bad('chosen major not among supported', 'EINVALID_FIELD', { hello: with_(helloCamera, { chosen: { major: 2, minor: 0 } }) }),
    bad('nonce of 8 bytes', 'EINVALID_FIELD', { hello: with_(helloController, { nonce: NONCE.slice(16) }) }),
    bad('no device serial', 'EMISSING_FIELD', { hello: with_(helloController, { deviceSerial: '' }) }),
    bad('envelope major unset', 'EVERSION', { hello: helloController }, 0),
  ]) },
  'hello-result': { transport: 'stream', description: 'HelloResult: verdict on a session', cases: streamCases('helloResult', [
    ok('session accepted at 1.0', { helloResult: { accepted: true, negotiated: { major: 1, minor: 0 } } }),
    ok('camera refuses: no common version', { helloResult: { accepted: false, error: { code: 'ERROR_CODE_VERSION_UNSUPPORTED', message: 'hello.supported: expected major 1, got 2' } } }),
    ok('controller refuses a camera of another system', { helloResult: { accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: '' } } }),
    bad('accepted without a version', 'EMISSING_FIELD', { helloResult: { accepted: true } }),
    bad('refused without an error', 'EMISSING_FIELD', { helloResult: { accepted: false } }),
    bad('refused with an unspecified error code', 'EMISSING_FIELD', { helloResult: { accepted: false, error: { message: 'why' } } }),
    bad('accepted with an error', 'EINVALID_FIELD', { helloResult: { accepted: true, negotiated: { major: 1, minor: 0 }, error: { code: 'ERROR_CODE_BUSY' } } }),
    bad('negotiated major 0', 'EMISSING_FIELD', { helloResult: { accepted: true, negotiated: { minor: 1 } } }),
  ]) },
  goodbye: { transport: 'stream', description: 'Goodbye: either peer, before closing', cases: streamCases('goodbye', [
    ok('orderly end', { goodbye: {} }),
    ok('camera shutting down', { goodbye: { reason: { code: 'ERROR_CODE_SHUTTING_DOWN', message: 'undocked' } } }),
    bad('reason without a code', 'EMISSING_FIELD', { goodbye: { reason: { message: 'bye' } } }),
    bad('error code 99 unknown to v1.0', 'EINVALID_FIELD', { goodbye: { reason: { code: 99 } } }),
  ]) },
  'manifest-request': { transport: 'stream', description: 'ManifestRequest: controller asks for a manifest page', cases: streamCases('manifestRequest', [
    ok('first page, camera chooses the size', { manifestRequest: {} }),
    ok('next page of at most 10', { manifestRequest: { afterRecordingId: RID_A, maxRecordings: 10 } }),
    bad('cursor of 4 bytes', 'EINVALID_FIELD', { manifestRequest: { afterRecordingId: 'deadbeef' } }),
    bad('major version 2', 'EVERSION', { manifestRequest: {} }, 2),
  ]) },
  manifest: { transport: 'stream', description: 'Manifest: camera lists its recordings', cases: streamCases('manifest', [
    ok('no recordings', { manifest: {} }),
    ok('one recording of three chunks in two clips', { manifest: { recordings: [recordingA] } }),
    ok('two recordings, the second interrupted, more to come', { manifest: { recordings: [recordingA, recordingB], more: true } }),
    bad('recording id of 15 bytes', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { recordingId: RID_A.slice(2) })] } }),
    bad('two digests for three chunks', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { chunkDigests: [digest(0), digest(1)] })] } }),
    bad('digest of 31 bytes', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { chunkDigests: [digest(0), digest(1).slice(2), digest(2)] })] } }),
    bad('same recording twice', 'EINVALID_FIELD', { manifest: { recordings: [recordingA, recordingA] } }),
    bad('clip beyond the chunk count', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { clips: [{ firstChunk: 2, chunkCount: 2, startTimeMs: ms(0), stopTimeMs: ms(1) }] })] } }),
    bad('overlapping clips', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { clips: [{ firstChunk: 0, chunkCount: 2 }, { firstChunk: 1, chunkCount: 2 }] })] } }),
    bad('chunk size above 4 MiB', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { chunkSize: 4 * 1024 * 1024 + 1 })] } }),
    bad('digest algorithm unspecified', 'EMISSING_FIELD', { manifest: { recordings: [with_(recordingA, { digestAlgorithm: 'DIGEST_ALGORITHM_UNSPECIFIED' })] } }),
    bad('no sealed key', 'EMISSING_FIELD', { manifest: { recordings: [with_(recordingA, { sealedKey: '' })] } }),
    bad('trigger-on reason unspecified', 'EMISSING_FIELD', { manifest: { recordings: [with_(recordingA, { triggerOnReason: 'TRIGGER_REASON_UNSPECIFIED' })] } }),
    bad('bookmarks out of order', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { bookmarkTimesMs: [ms(401_500), ms(12_000)] })] } }),
    bad('bookmark after the stop time', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { bookmarkTimesMs: [ms(630_001)] })] } }),
    bad('start time 2^53', 'EINVALID_FIELD', { manifest: { recordings: [with_(recordingA, { startTimeMs: '9007199254740992' })] } }),
  ]) },
  'chunk-request': { transport: 'stream', description: 'ChunkRequest: controller asks for one chunk', cases: streamCases('chunkRequest', [
    ok('first chunk', { chunkRequest: { recordingId: RID_A } }),
    ok('highest index', { chunkRequest: { recordingId: RID_B, index: 4294967295 } }),
    bad('no recording id', 'EMISSING_FIELD', { chunkRequest: { index: 1 } }),
    bad('recording id of 17 bytes', 'EINVALID_FIELD', { chunkRequest: { recordingId: `${RID_A}00`, index: 1 } }),
    bad('major version 3', 'EVERSION', { chunkRequest: { recordingId: RID_A } }, 3),
  ]) },
  'chunk-response': { transport: 'stream', description: 'ChunkResponse: camera sends a chunk or says why not', cases: streamCases('chunkResponse', [
    ok('a middle chunk', { chunkResponse: chunkData }),
    ok('the last chunk', { chunkResponse: { recordingId: RID_A, index: 2, data: { ciphertext: bytesOf(40, 2), digest: digest(2), last: true } } }),
    ok('unknown recording', { chunkResponse: { recordingId: RID_B, index: 0, error: { code: 'ERROR_CODE_NOT_FOUND', message: 'recording fedcba98... not on this camera' } } }),
    bad('neither data nor error', 'EMISSING_FIELD', { chunkResponse: { recordingId: RID_A, index: 1 } }),
    bad('digest of 16 bytes', 'EINVALID_FIELD', { chunkResponse: with_(chunkData, { data: with_(chunkData.data, { digest: digest(1).slice(32) }) }) }),
    bad('empty ciphertext', 'EMISSING_FIELD', { chunkResponse: with_(chunkData, { data: with_(chunkData.data, { ciphertext: '' }) }) }),
  ]) },
  'custody-ack': { transport: 'stream', description: 'CustodyAck: controller holds a recording; the camera may delete it only after a full, durable, verified ack', cases: streamCases('custodyAck', [
    ok('all three chunks durable and verified', { custodyAck: custody }),
    ok('progress: one chunk held, not yet synced', { custodyAck: with_(custody, { chunksHeld: 1, durableVerified: false }) }),
    bad('no holder serial', 'EMISSING_FIELD', { custodyAck: with_(custody, { holderSerial: '' }) }),
    bad('no holder system', 'EMISSING_FIELD', { custodyAck: with_(custody, { holderSystemId: '' }) }),
    bad('recording id of 8 bytes', 'EINVALID_FIELD', { custodyAck: with_(custody, { recordingId: RID_A.slice(0, 16) }) }),
  ]) },
  enrollment: { transport: 'stream', description: 'Enrollment (adoption): request, camera key, credentials, result', cases: streamCases('enrollment', [
    ok('controller asks to adopt', { enrollmentRequest: { systemId: 'system-7f3a' } }),
    ok('camera sends its public key', { enrollmentKey: { publicKey: bytesOf(294, 5) } }),
    ok('controller sends credentials', { enrollment: { systemId: 'system-7f3a', certificate: bytesOf(900, 6), caCertificate: bytesOf(800, 7), evidencePublicKey: bytesOf(32, 8) } }),
    ok('camera accepts', { enrollmentResult: { accepted: true } }),
    ok('camera of another system refuses', { enrollmentResult: { accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: 'adopted by system-0b1c; reset the camera first' } } }),
    bad('request without a system', 'EMISSING_FIELD', { enrollmentRequest: {} }),
    bad('empty public key', 'EMISSING_FIELD', { enrollmentKey: {} }),
    bad('public key of 4096 bytes', 'EINVALID_FIELD', { enrollmentKey: { publicKey: bytesOf(4096, 5) } }),
    bad('evidence key of 31 bytes', 'EINVALID_FIELD', { enrollment: { systemId: 'system-7f3a', certificate: bytesOf(900, 6), caCertificate: bytesOf(800, 7), evidencePublicKey: bytesOf(31, 8) } }),
    bad('refusal without a reason', 'EMISSING_FIELD', { enrollmentResult: { accepted: false } }),
  ]) },
  framing: { transport: 'stream', description: 'Framing: varint length prefix + Envelope; stream-level defects', cases: streamCases('framing', [
    ok('frame with a two-byte length prefix', { chunkResponse: with_(chunkData, { data: with_(chunkData.data, { ciphertext: bytesOf(300, 3) }) }) }),
    { name: 'stream ends inside the length prefix', error: 'ETRUNCATED', hex: '85' },
    { name: 'stream ends inside the frame', error: 'ETRUNCATED', hex: hex(frame(encode(Envelope, env({ chunkRequest: { recordingId: RID_A } })))).slice(0, 20) },
    { name: 'a whole frame then part of another', error: 'ETRUNCATED', hex: `${hex(frame(encode(Envelope, env({ goodbye: {} }))))}0a08` },
    { name: 'length prefix of 6 bytes', error: 'EVARINT', hex: 'ffffffffff01' },
    { name: 'length prefix above 32 bits', error: 'EVARINT', hex: '8080808010' },
    { name: 'length prefix not minimal (0x81 0x00)', error: 'EVARINT', hex: '810008' },
    { name: 'frame one byte above the maximum, no payload sent', error: 'EFRAME_TOO_LARGE', hex: hex(varint(MAX_FRAME_BYTES + 1)) },
    { name: 'frame of 2^32-1 bytes', error: 'EFRAME_TOO_LARGE', hex: 'ffffffff0f' },
    { name: 'empty frame (major unset)', error: 'EVERSION', hex: '00' },
    { name: 'payload is not protobuf', error: 'EDECODE', hex: '03ffffff' },
    { name: 'payload field length beyond the frame', error: 'EDECODE', hex: hex(frame(Buffer.from([0x08, 0x01, 0x3a, 0x20, 0x0a]))) },
    { name: 'body of a kind newer than this revision (field 99)', error: 'EMISSING_FIELD', hex: hex(frame(Buffer.concat([Buffer.from([0x08, 0x01]), rawField(99, 2, Buffer.from([0x08, 0x01]))]))) },
  ]) },
};

// ---- write or check ----

let stale = 0;
for (const [name, spec] of Object.entries(files)) {
  const doc = {
    kind: name,
    description: spec.description,
    transport: spec.transport,
    ...(spec.transport === 'stream' ? { maxFrameBytes: MAX_FRAME_BYTES } : { maxDatagramBytes: MAX_DATAGRAM_BYTES }),
    cases: spec.cases,
  };
  const path = join(here, `${name}.json`);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(path, 'utf8'); } catch { /* missing counts as stale */ }
    if (current !== text) { console.error(`${relative(process.cwd(), path)} is out of date: run node protocols/vectors/gen.mjs`); stale++; }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${relative(process.cwd(), path)} (${spec.cases.length} cases)`);
  }
}
if (stale) process.exit(1);
