/**
 * A malformed manifest from the camera (undecodable frame, the same recording twice, a digest
 * count that is not the chunk count, an answer of the wrong kind) ends the session with an error
 * naming what was wrong; nothing is reserved in the buffer and nothing crashes.
 */
import t from 'tap';
import type { Duplex } from 'node:stream';
import { silentLog } from '../../../../firmware/common/log.js';
import { openCameraSession } from '../../../../firmware/controller/camera-session.js';
import type { SystemAuthority } from '../../../../firmware/controller/system-authority.js';
import { Offload } from '../../../../firmware/controller/offload/offload.js';
import { UserPriorities } from '../../../../firmware/controller/offload/priorities.js';
import { TransferSlots } from '../../../../firmware/controller/offload/transfer-slots.js';
import type { Net } from '../../../../hal/net/contract.js';
import { encodeLengthPrefix, frameSessionMessage, type SessionMessage } from '../../../../protocols/index.js';
import { messageType } from '../../../../protocols/schema.js';
import { channelSession, dockedCamera, duplexPair, recording, startPeer, testWorld } from './scripted-peer.js';

const Envelope = messageType('Envelope');

/** A manifest frame re-encoded after `mutate` changed its wire form (bypassing the encoder's checks). */
function mutatedManifest(mutate: (recordings: { recordingId: Uint8Array; chunkDigests: Uint8Array[] }[]) => void): Uint8Array {
  const a = recording(3).r;
  const b = recording(2).r;
  const frame = frameSessionMessage({ kind: 'manifest', recordings: [a, b], more: false });
  const env = Envelope.decodeDelimited(frame) as unknown as { manifest: { recordings: { recordingId: Uint8Array; chunkDigests: Uint8Array[] }[] } };
  mutate(env.manifest.recordings);
  return Envelope.encodeDelimited(env as never).finish();
}

const cases: { name: string; answer: Uint8Array | SessionMessage; error: RegExp }[] = [
  { name: 'an undecodable frame', answer: Uint8Array.from([...encodeLengthPrefix(6), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), error: /session closed: session with .* failed: / },
  { name: 'the same recording twice', answer: mutatedManifest((rs) => { rs[1]!.recordingId = rs[0]!.recordingId; }), error: /recordingId.*each recording once per manifest/ },
  { name: 'a digest count that is not the chunk count', answer: mutatedManifest((rs) => { rs[0]!.chunkDigests.pop(); }), error: /chunkDigests.*one digest per chunk \(3\).*2 digests/ },
  { name: 'an answer of the wrong kind', answer: { kind: 'goodbye' }, error: /said goodbye|closed the session/ },
  { name: 'a chunk answer where the manifest was asked', answer: { kind: 'chunkResponse', recordingId: new Uint8Array(16), index: 0, error: { code: 'ERROR_CODE_STORAGE', message: 'x' } }, error: /sent chunkResponse where manifest was expected/ },
];

for (const c of cases) {
  t.test(`opening a session: ${c.name} in the manifest ends it with a clear error`, async (t) => {
    const { clock } = testWorld();
    const [a, b] = duplexPair();
    const peer = startPeer(b, (m): SessionMessage | Uint8Array | undefined => {
      if (m.kind === 'hello') {
        void peer.stream.send({ kind: 'hello', role: 'ROLE_CAMERA', supported: [{ major: 1, minor: 0 }], deviceSerial: 'W100-0001', firmwareVersion: '0.1.0', systemId: '', nonce: new Uint8Array(16) });
        return { kind: 'helloResult', accepted: true, negotiated: { major: 1, minor: 0 } };
      }
      if (m.kind === 'manifestRequest') return c.answer;
      return undefined;
    });
    const net = { connect: async () => a } as unknown as Net;
    const authority = { systemId: 'site-a' } as unknown as SystemAuthority;
    await t.rejects(openCameraSession({ net, clock, camera: dockedCamera(), identity: { serial: 'W800-0001', model: 'W800', systemId: 'site-a' }, authority, adopt: false }), c.error);
    t.ok((a as Duplex).destroyed, 'the connection is closed');
    t.equal(peer.seen.filter((m) => m.kind === 'manifestRequest').length, 1, 'asked once, not retried in a loop');
  });
}

t.test('offload: a manifest listing a recording twice (across pages) ends the session and reserves nothing', async (t) => {
  const { clock, open } = testWorld();
  const buffer = await open();
  const rec = recording(3);
  const [a, b] = duplexPair();
  const peer = startPeer(b, (m) => (m.kind === 'manifestRequest' ? { kind: 'manifest', recordings: [rec.r], more: false } : undefined));
  const session = channelSession(a, clock);
  // The pages of one manifest read joined, as camera-session does: the same recording on two pages.
  const onManifest = session.onManifest.bind(session);
  session.onManifest = (l) => onManifest((rs) => l([...rs, ...rs]));
  const offload = new Offload({
    buffer, slots: new TransferSlots(1), priorities: new UserPriorities(clock), identity: { serial: 'W800-0001', model: 'W800', systemId: 'site-a' }, systemId: 'site-a', log: silentLog,
  });
  offload.attach(dockedCamera(), session);
  const reason = await session.closed;
  t.match(reason, /listed recording [0-9a-f]{32} twice/);
  t.equal(buffer.stats().receiving + buffer.stats().complete, 0, 'nothing reserved');
  t.equal(peer.seen.filter((m) => m.kind === 'chunkRequest').length, 0, 'no chunk asked for');
  t.equal(peer.custodyAcks().length, 0, 'no custody ack');
});
