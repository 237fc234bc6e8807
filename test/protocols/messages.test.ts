/** Session and discovery messages: round trips, checks on encode, version gate, context checks. */
import t from 'tap';
import * as p from '../../protocols/index.js';
import { enumType, messageType } from '../../protocols/schema.js';

const id = (fill: number) => new Uint8Array(16).fill(fill);
const digest = (i: number) => new Uint8Array(32).fill(i + 1);

const recording: p.Recording = {
  recordingId: id(1), userId: 'u1', cameraSerial: 'CAM1',
  triggerOnReason: 'TRIGGER_REASON_UNHOLSTER', triggerOnTimeMs: 1_790_000_000_000,
  triggerOffReason: 'TRIGGER_REASON_DOCK', triggerOffTimeMs: 1_790_000_600_000,
  startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_630_000, interrupted: false,
  chunkCount: 2, chunkSize: 1 << 20, totalBytes: 2 * (1 << 20) + 34,
  digestAlgorithm: 'DIGEST_ALGORITHM_BLAKE2B_256', chunkDigests: [digest(0), digest(1)],
  sealedKey: new Uint8Array(80).fill(9),
  clips: [{ firstChunk: 0, chunkCount: 2, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_630_000 }],
  timeZone: 'UTC', firmwareVersion: '1.0.0', bookmarkTimesMs: [1_790_000_012_000, 1_790_000_300_500], sealedLocation: new Uint8Array(78).fill(2),
};

const samples: p.SessionMessage[] = [
  { kind: 'hello', role: 'ROLE_CONTROLLER', supported: [{ major: 1, minor: 0 }], deviceSerial: 'SC1', firmwareVersion: '1.0', systemId: 'S', nonce: id(2) },
  { kind: 'hello', role: 'ROLE_CAMERA', supported: [{ major: 1, minor: 0 }], chosen: { major: 1, minor: 0 }, deviceSerial: 'CAM1', firmwareVersion: '1.0', systemId: '', nonce: id(3) },
  { kind: 'helloResult', accepted: true, negotiated: { major: 1, minor: 0 } },
  { kind: 'helloResult', accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: 'system X' } },
  { kind: 'goodbye' },
  { kind: 'goodbye', reason: { code: 'ERROR_CODE_SHUTTING_DOWN', message: '' } },
  { kind: 'manifestRequest', afterRecordingId: new Uint8Array(0), maxRecordings: 0 },
  { kind: 'manifest', recordings: [recording], more: false },
  { kind: 'chunkRequest', recordingId: id(1), index: 1 },
  { kind: 'chunkResponse', recordingId: id(1), index: 1, data: { ciphertext: new Uint8Array(1000).fill(5), digest: digest(1), last: true } },
  { kind: 'chunkResponse', recordingId: id(1), index: 9, error: { code: 'ERROR_CODE_OUT_OF_RANGE', message: 'index 9 >= 2' } },
  { kind: 'custodyAck', recordingId: id(1), chunksHeld: 2, durableVerified: true, holderSerial: 'SC1', holderSystemId: 'S' },
  { kind: 'enrollmentRequest', systemId: 'S' },
  { kind: 'enrollmentKey', publicKey: new Uint8Array(294).fill(3) },
  { kind: 'enrollment', systemId: 'S', certificate: new Uint8Array(900).fill(4), caCertificate: new Uint8Array(800).fill(5), evidencePublicKey: new Uint8Array(32).fill(6) },
  { kind: 'enrollmentResult', accepted: true },
  { kind: 'enrollmentResult', accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: 'adopted by T' } },
  { kind: 'cameraAssignment', userId: 'officer-7', userName: 'Kim', profileJson: '{"postbuffer":{"enabled":true,"lengthS":30}}', evaluationMode: false, wirelessBroadcastKey: new Uint8Array(32).fill(7), selfAssignment: false },
  { kind: 'cameraAssignment', userId: '', userName: '', profileJson: '', evaluationMode: true, wirelessBroadcastKey: new Uint8Array(32).fill(8), selfAssignment: true, holsterPairings: { userId: 'officer-7', sensors: [{ serial: 'A1B2C3', pending: true }] } },
  { kind: 'cameraAssignmentResult', accepted: true, batteryPercent: 80, storageFreePercent: 99 },
  { kind: 'cameraAssignmentResult', accepted: false, error: { code: 'ERROR_CODE_BAD_REQUEST', message: 'standby with prebuffer' }, batteryPercent: 0, storageFreePercent: 100, holsterReport: { userId: 'officer-7', sensors: [{ serial: 'A1B2C3', status: 'HOLSTER_PAIRING_STATUS_PAIRED', lastConnectedMs: 1_790_000_000_000 }] } },
];

t.test('every kind round-trips through bytes, frames and canonical JSON', async (t) => {
  t.same([...new Set(samples.map((m) => m.kind))].sort(), [...p.SESSION_KINDS].sort(), 'samples cover every kind');
  for (const m of samples) {
    const back = p.decodeSessionMessage(p.encodeSessionMessage(m));
    t.same(back, m, `${m.kind} bytes`);
    const [frame] = new p.FrameDecoder().push(p.frameSessionMessage(m));
    t.same(p.decodeSessionMessage(frame!), m, `${m.kind} frame`);
    t.same(p.sessionMessageFromJson(JSON.parse(JSON.stringify(p.sessionMessageToJson(m)))), m, `${m.kind} JSON`);
  }
});

t.test('canonical JSON: bytes as hex, uint64 as decimal strings, defaults present', async (t) => {
  const json = p.sessionMessageToJson({ kind: 'manifest', recordings: [recording], more: false }) as { major: number; manifest: { recordings: Record<string, unknown>[]; more: boolean } };
  t.equal(json.major, 1);
  t.equal(json.manifest.more, false);
  const r = json.manifest.recordings[0]!;
  t.equal(r.recordingId, '01010101010101010101010101010101');
  t.equal(r.startTimeMs, '1789999970000');
  t.equal(r.totalBytes, String(2 * (1 << 20) + 34));
  t.equal(r.triggerOnReason, 'TRIGGER_REASON_UNHOLSTER');
  t.same(Object.keys(r).slice(0, 4), ['recordingId', 'userId', 'cameraSerial', 'triggerOnReason'], 'field-number order');
  t.throws(() => p.sessionMessageFromJson({ major: 1, chunkRequest: { recordingId: 'ABCD', index: 0 } }), { code: 'EINVALID_FIELD', field: 'envelope.chunkRequest.recordingId' });
  t.throws(() => p.sessionMessageFromJson({ major: 1, manifest: { recordings: [{ startTimeMs: 5 }] } }), { code: 'EINVALID_FIELD', message: /decimal string/ });
  t.throws(() => p.sessionMessageFromJson({ major: 2, goodbye: {} }), { code: 'EVERSION' });
  t.throws(() => p.sessionMessageFromJson({ major: 1, nonsense: {} }), { code: 'EINVALID_FIELD', message: /unknown field/ });
});

t.test('encode refuses what decode would reject, naming the field', async (t) => {
  const bad: [string, unknown, string, RegExp][] = [
    ['short recording id', { kind: 'chunkRequest', recordingId: new Uint8Array(15), index: 0 }, 'EINVALID_FIELD', /^chunkRequest\.recordingId: expected 16 bytes, got 15 bytes$/],
    ['unknown kind', { kind: 'ping' }, 'EINVALID_FIELD', /^kind: expected one of hello, /],
    ['unknown field', { kind: 'goodbye', why: 'x' }, 'EINVALID_FIELD', /goodbye\.why/],
    ['string for bytes', { kind: 'chunkRequest', recordingId: 'abc', index: 0 }, 'EINVALID_FIELD', /expected bytes \(a Uint8Array\)/],
    ['negative index', { kind: 'chunkRequest', recordingId: id(1), index: -1 }, 'EINVALID_FIELD', /0 to 2\^32-1/],
    ['unsafe time', { kind: 'manifest', recordings: [{ ...recording, stopTimeMs: 2 ** 53 }], more: false }, 'EINVALID_FIELD', /stopTimeMs: expected an integer from 0 to 2\^53-1/],
    ['unknown enum name', { kind: 'hello', ...samples[0], role: 'ROLE_DOCK' }, 'EINVALID_FIELD', /hello\.role: expected a Role name/],
    ['both oneof members', { kind: 'chunkResponse', recordingId: id(1), index: 0, data: { ciphertext: id(1), digest: digest(0), last: false }, error: { code: 'ERROR_CODE_BUSY', message: '' } }, 'EINVALID_FIELD', /exactly one of data, error/],
    ['digest count', { kind: 'manifest', recordings: [{ ...recording, chunkDigests: [digest(0)] }], more: false }, 'EINVALID_FIELD', /one digest per chunk \(2\)/],
    ['bookmarks out of order', { kind: 'manifest', recordings: [{ ...recording, bookmarkTimesMs: [1_790_000_300_500, 1_790_000_012_000] }], more: false }, 'EINVALID_FIELD', /bookmarkTimesMs\[1\]: expected after the previous bookmark/],
    ['bookmark before the start', { kind: 'manifest', recordings: [{ ...recording, bookmarkTimesMs: [1_789_999_969_999] }], more: false }, 'EINVALID_FIELD', /bookmarkTimesMs\[0\]: expected within the recording/],
    ['too many bookmarks', { kind: 'manifest', recordings: [{ ...recording, bookmarkTimesMs: Array.from({ length: 1001 }, (_, i) => 1_790_000_000_000 + i) }], more: false }, 'EINVALID_FIELD', /at most 1000 bookmarks/],
    ['not an object', null, 'EINVALID_FIELD', /kind/],
  ];
  for (const [name, m, code, message] of bad) {
    t.throws(() => p.encodeSessionMessage(m as p.SessionMessage), { name: 'ProtocolError', code, message }, name);
  }
});

t.test('a recording built without bookmarks decodes with none', async (t) => {
  const { bookmarkTimesMs: _, ...without } = recording;
  const back = p.decodeSessionMessage(p.encodeSessionMessage({ kind: 'manifest', recordings: [without], more: false }));
  t.same(back.kind === 'manifest' ? back.recordings[0]?.bookmarkTimesMs : undefined, []);
});

t.test('hello and helloResult pass the version gate under any major; others only under 1', async (t) => {
  const Envelope = messageType('Envelope');
  const hello = { role: 2, supported: [{ major: 2, minor: 0 }, { major: 1, minor: 4 }], deviceSerial: 'SC9', firmwareVersion: '9', systemId: 'S', nonce: id(4) };
  const fromV2 = p.decodeSessionMessage(Envelope.encode({ major: 2, hello }).finish());
  t.equal(fromV2.kind, 'hello');
  t.same(p.negotiateVersion(p.SUPPORTED_VERSIONS, (fromV2 as { supported: p.ProtocolVersion[] }).supported), { major: 1, minor: 1 }, 'the lower of the two minors: ours');
  t.throws(() => p.decodeSessionMessage(Envelope.encode({ major: 2, goodbye: {} }).finish()), { code: 'EVERSION', message: 'envelope.major: expected 1, got 2' });
  t.throws(() => p.decodeSessionMessage(Envelope.encode({ hello }).finish()), { code: 'EVERSION', message: /got 0 \(unset\)/ });
  t.equal(enumType('ProtocolMajor').values.PROTOCOL_MAJOR_V1, p.PROTOCOL_MAJOR);
});

t.test('version negotiation picks the highest common major and the lower minor', async (t) => {
  const table: [p.ProtocolVersion[], p.ProtocolVersion[], p.ProtocolVersion | undefined][] = [
    [[{ major: 1, minor: 0 }], [{ major: 1, minor: 3 }], { major: 1, minor: 0 }],
    [[{ major: 1, minor: 2 }, { major: 2, minor: 1 }], [{ major: 2, minor: 4 }, { major: 1, minor: 9 }], { major: 2, minor: 1 }],
    [[{ major: 1, minor: 0 }], [{ major: 2, minor: 0 }], undefined],
    [[], [{ major: 1, minor: 0 }], undefined],
  ];
  for (const [ours, theirs, expected] of table) t.same(p.negotiateVersion(ours, theirs), expected, JSON.stringify([ours, theirs]));
});

t.test('the last oneof member on the wire wins, as protobuf specifies', async (t) => {
  const Envelope = messageType('Envelope');
  const a = Envelope.encode({ major: 1, chunkRequest: { recordingId: id(1), index: 0 } }).finish();
  const b = Envelope.encode({ goodbye: {} }).finish();
  t.equal(p.decodeSessionMessage(Buffer.concat([a, b])).kind, 'goodbye');
  t.equal(p.decodeSessionMessage(Buffer.concat([b, a])).kind, 'chunkRequest');
});

t.test('chunk requests and responses are checked against the manifest entry', async (t) => {
  p.checkChunkRequestFor(recording, { recordingId: id(1), index: 1 });
  t.throws(() => p.checkChunkRequestFor(recording, { recordingId: id(1), index: 2 }), { code: 'EINVALID_FIELD', message: /^chunkRequest\.index: expected < 2 \(chunkCount of recording 0101/ });
  t.throws(() => p.checkChunkRequestFor(recording, { recordingId: id(2), index: 0 }), { code: 'EINVALID_FIELD', field: 'chunkRequest.recordingId' });
  const ok: p.ChunkResponse = { recordingId: id(1), index: 1, data: { ciphertext: id(7), digest: digest(1), last: true } };
  p.checkChunkResponseFor(recording, ok);
  t.throws(() => p.checkChunkResponseFor(recording, { ...ok, index: 0, data: { ...ok.data, digest: digest(0) } }), { code: 'EINVALID_FIELD', field: 'chunkResponse.data.last' });
  t.throws(() => p.checkChunkResponseFor(recording, { ...ok, data: { ...ok.data, digest: digest(5) } }), { code: 'EINVALID_FIELD', field: 'chunkResponse.data.digest', message: /the manifest digest 0202/ });
  t.throws(() => p.checkChunkResponseFor(recording, { ...ok, index: 7 }), { code: 'EINVALID_FIELD', field: 'chunkResponse.index' });
  p.checkChunkResponseFor(recording, { recordingId: id(1), index: 0, error: { code: 'ERROR_CODE_STORAGE', message: '' } });
});

t.test('custody is released only by a full, durable, verified ack from our own system', async (t) => {
  const ack: p.CustodyAck = { recordingId: id(1), chunksHeld: 2, durableVerified: true, holderSerial: 'SC1', holderSystemId: 'S' };
  const table: [string, p.CustodyAck, string, boolean][] = [
    ['full durable verified', ack, 'S', true],
    ['not durable', { ...ack, durableVerified: false }, 'S', false],
    ['one chunk short', { ...ack, chunksHeld: 1 }, 'S', false],
    ['more chunks than exist', { ...ack, chunksHeld: 3 }, 'S', false],
    ['another recording', { ...ack, recordingId: id(2) }, 'S', false],
    ['another system', ack, 'T', false],
    ['camera unadopted', { ...ack, holderSystemId: '' }, '', false],
  ];
  for (const [name, a, system, expected] of table) t.equal(p.releasesCustody(recording, a, system), expected, name);
});

t.test('discovery datagrams round-trip and answers() matches nonces', async (t) => {
  const solicitation: p.DiscoveryMessage = { kind: 'solicitation', nonce: id(5), controllerSerial: 'SC1', systemId: 'S' };
  const beacon: p.DiscoveryMessage = {
    kind: 'beacon', nonce: id(5), cameraSerial: 'CAM1', model: 'W101', firmwareVersion: '1.0', systemId: 'S',
    sessionPort: 4433, linkLocalAddress: p.parseIpv6('fe80::1'), bayHint: 2, bootId: id(6),
  };
  for (const m of [solicitation, beacon]) {
    t.same(p.decodeDiscoveryDatagram(p.encodeDiscoveryDatagram(m)), m, m.kind);
    t.same(p.discoveryMessageFromJson(p.discoveryMessageToJson(m)), m, `${m.kind} JSON`);
  }
  t.ok(p.answers(beacon, solicitation));
  t.notOk(p.answers({ ...beacon, nonce: id(7) }, solicitation));
  t.notOk(p.answers({ ...beacon, nonce: new Uint8Array(0) }, solicitation), 'unsolicited');
  t.throws(() => p.encodeDiscoveryDatagram({ ...beacon, linkLocalAddress: p.parseIpv6('2001:db8::1') }), { code: 'EINVALID_FIELD', message: /expected an IPv6 link-local address \(fe80::\/10\), got 2001:db8::1/ });
  t.throws(() => p.encodeDiscoveryDatagram({ ...solicitation, controllerSerial: 'x'.repeat(2000) }), { code: 'EFRAME_TOO_LARGE' });
  t.throws(() => p.decodeDiscoveryDatagram(new Uint8Array(p.MAX_DATAGRAM_BYTES + 1)), { code: 'EFRAME_TOO_LARGE' });
  t.ok(p.DISCOVERY_GROUP.startsWith('ff02:'), 'link-local scope multicast');
});

t.test('IPv6 text conversion', async (t) => {
  for (const text of ['fe80::1', '::', '::1', 'fe80::1234:56ff:fe78:9abc', '2001:db8:0:1:1:1:1:1', '1::', 'fe80::']) {
    t.equal(p.formatIpv6(p.parseIpv6(text)), text, text);
  }
  for (const bad of ['', 'fe80:::1', '1::2::3', 'g::1', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::']) {
    t.throws(() => p.parseIpv6(bad), { code: 'EINVALID_FIELD' }, JSON.stringify(bad));
  }
});

t.test('frameSessionMessage respects the maximum frame size', async (t) => {
  const big: p.SessionMessage = { kind: 'chunkResponse', recordingId: id(1), index: 0, data: { ciphertext: new Uint8Array(200), digest: digest(0), last: false } };
  t.throws(() => p.frameSessionMessage(big, { maxFrameBytes: 100 }), { code: 'EFRAME_TOO_LARGE' });
  const full: p.SessionMessage = { ...big, data: { ...big.data!, ciphertext: new Uint8Array(4 * 1024 * 1024 + 40) } } as p.SessionMessage;
  const frame = p.frameSessionMessage(full);
  t.ok(frame.length > 4 * 1024 * 1024, 'a full 4 MiB chunk fits the default');
  const [payload] = new p.FrameDecoder().push(frame);
  t.equal((p.decodeSessionMessage(payload!) as { data: p.ChunkData }).data.ciphertext.length, 4 * 1024 * 1024 + 40);
});

t.test('hostile nesting and huge repeated fields are errors or bounded work, not crashes', async (t) => {
  // 100 000 nested groups of an unknown field: protobufjs's depth limit, reported as EDECODE.
  const nested = new Uint8Array(100_002);
  nested.set([0x08, 0x01]);
  nested.fill(0x7b, 2); // field 15, start group
  t.throws(() => p.decodeSessionMessage(nested), { code: 'EDECODE' });
  // A manifest page of 50 000 empty recordings decodes (then fails its checks) without trouble.
  const Envelope = messageType('Envelope');
  const many = Envelope.encode({ major: 1, manifest: { recordings: Array.from({ length: 50_000 }, () => ({})) } }).finish();
  t.throws(() => p.decodeSessionMessage(many), { code: 'EMISSING_FIELD', field: 'manifest.recordings[0].recordingId' });
});
