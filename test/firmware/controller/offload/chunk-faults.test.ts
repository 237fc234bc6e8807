/**
 * Tampered, truncated and failed chunks from a scripted camera: each is rejected and asked for
 * again, the buffer holds exactly the camera's ciphertext; a chunk that keeps failing leaves its
 * recording on the camera (no custody ack) while the camera's other recordings are still taken.
 */
import t from 'tap';
import { silentLog } from '../../../../firmware/common/log.js';
import { FRAME_HEADER_BYTES } from '../../../../firmware/common/evidence/chunk-file.js';
import { Offload } from '../../../../firmware/controller/offload/offload.js';
import { UserPriorities } from '../../../../firmware/controller/offload/priorities.js';
import { TransferSlots } from '../../../../firmware/controller/offload/transfer-slots.js';
import { MAX_CHUNK_ATTEMPTS, PIPELINE_DEPTH, TransferFailedError, pullRecording } from '../../../../firmware/controller/offload/pull-recording.js';
import { SessionChannel } from '../../../../firmware/controller/session-channel.js';
import { SessionStream, toHex } from '../../../../protocols/index.js';
import { channelSession, dockedCamera, duplexPair, recording, rightChunk, startPeer, testWorld } from './scripted-peer.js';

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

t.test('a tampered, a truncated and a failed chunk are rejected and fetched again; the buffer holds exactly the right ciphertext', async (t) => {
  const { clock, open } = testWorld();
  const buffer = await open();
  // Faults spaced wider than the pipeline, so each faulty answer is the first rejection of its window
  // (answers already in flight behind a rejected one are dropped and asked for again).
  const wrongAt = PIPELINE_DEPTH + 2, failAt = 2 * PIPELINE_DEPTH + 3, count = 3 * PIPELINE_DEPTH + 4;
  const rec = recording(count);
  const [a, b] = duplexPair();
  const peer = startPeer(b, (m, attempt) => {
    if (m.kind !== 'chunkRequest') return undefined;
    const right = rightChunk([rec], m);
    if (right.kind !== 'chunkResponse' || !right.data) return right;
    if (m.index === 1 && attempt === 1) {
      const flipped = Uint8Array.from(right.data.ciphertext);
      flipped[7]! ^= 0x40;
      return { ...right, data: { ...right.data, ciphertext: flipped } };
    }
    if (m.index === 1 && attempt === 2) return { ...right, data: { ...right.data, ciphertext: right.data.ciphertext.subarray(0, 500) } };
    if (m.index === failAt && attempt === 1) return { kind: 'chunkResponse', recordingId: m.recordingId, index: failAt, error: { code: 'ERROR_CODE_STORAGE', message: 'read fault' } };
    if (m.index === wrongAt && attempt === 1) return { ...right, index: wrongAt + 1, data: { ...right.data, digest: rec.r.chunkDigests[wrongAt + 1]!, ciphertext: rec.data[wrongAt + 1]! } };
    return right;
  });
  const channel = new SessionChannel(new SessionStream(a), clock, 'scripted camera');
  const intake = await buffer.receive(rec.r, { serial: 'W100-0001', model: 'W100' });
  const report = await pullRecording(channel, intake);
  await intake.close();
  t.equal(report.rejected, 4, 'flipped, truncated, wrong index and read failure each rejected once');
  t.equal(report.chunks, count);
  t.equal(peer.asked(1), 3, 'chunk 1 asked for three times');
  t.equal(peer.asked(wrongAt), 2);
  t.equal(peer.asked(failAt), 2);
  const id = toHex(rec.r.recordingId);
  t.equal(buffer.status(id), 'complete');
  const [held] = await buffer.pending();
  for (const [i, d] of rec.data.entries()) t.same(Buffer.from(await held!.readChunk(i)), Buffer.from(d), `chunk ${i} is the camera's ciphertext`);
  t.equal(buffer.stats().usedBytes, rec.r.totalBytes + count * FRAME_HEADER_BYTES, 'no rejected bytes written');
  // The same medium opened again (a reboot) holds the same whole recording.
  const again = await open();
  t.equal(again.status(id), 'complete');
  const [reread] = await again.pending();
  for (const [i, d] of rec.data.entries()) t.same(Buffer.from(await reread!.readChunk(i)), Buffer.from(d));
  channel.close('done');
});

t.test('a chunk that keeps failing: TransferFailedError, no custody ack, the recording stays; the next recording is still taken', async (t) => {
  const { clock, open } = testWorld();
  const buffer = await open();
  const bad = recording(6);
  const good = recording(3);
  const [a, b] = duplexPair();
  const peer = startPeer(b, (m) => {
    if (m.kind === 'manifestRequest') return { kind: 'manifest', recordings: [bad.r, good.r], more: false };
    if (m.kind !== 'chunkRequest') return undefined;
    const right = rightChunk([bad, good], m);
    if (right.kind === 'chunkResponse' && right.data && m.index === 3 && Buffer.from(m.recordingId).equals(Buffer.from(bad.r.recordingId))) {
      const flipped = Uint8Array.from(right.data.ciphertext);
      flipped[0]! ^= 1;
      return { ...right, data: { ...right.data, ciphertext: flipped } };
    }
    return right;
  });
  const session = channelSession(a, clock);
  const offload = new Offload({
    buffer, slots: new TransferSlots(2), priorities: new UserPriorities(clock), identity: { serial: 'W800-0001', model: 'W800', systemId: 'site-a' }, systemId: 'site-a', log: silentLog,
  });
  const deferred: string[] = [];
  const held: string[] = [];
  offload.on('deferred', (_c, id, reason) => deferred.push(`${id}: ${reason}`));
  offload.on('held', (_c, r) => held.push(toHex(r.recordingId)));
  offload.attach(dockedCamera(), session);
  await until(() => held.length === 1 && peer.custodyAcks().length === 1, 'the good recording held and acknowledged');
  t.equal(deferred.length, 1);
  t.match(deferred[0], new RegExp(`${toHex(bad.r.recordingId)}: recording ${toHex(bad.r.recordingId)}: chunk 3 rejected ${MAX_CHUNK_ATTEMPTS} times.*stays on the camera`));
  t.equal(peer.asked(3), MAX_CHUNK_ATTEMPTS, 'asked for the bad chunk the bounded number of times');
  t.same(held, [toHex(good.r.recordingId)]);
  const acks = peer.custodyAcks();
  t.equal(acks.length, 1, 'one custody ack');
  const ack = acks[0];
  t.equal(ack?.kind === 'custodyAck' ? toHex(ack.recordingId) : undefined, toHex(good.r.recordingId), 'only for the good recording: the bad one stays on the camera');
  t.equal(buffer.status(toHex(bad.r.recordingId)), 'receiving', 'the bad one is not complete');
  t.equal(buffer.held(toHex(bad.r.recordingId)), 3, 'its verified chunks before the bad one are kept for a resume');
  t.equal(buffer.status(toHex(good.r.recordingId)), 'complete');
  await session.close();
});

t.test('pullRecording: a truncated chunk every time ends in TransferFailedError; what was verified stays for a resume', async (t) => {
  const { clock, open } = testWorld();
  const buffer = await open();
  const rec = recording(5);
  const [a, b] = duplexPair();
  startPeer(b, (m) => {
    if (m.kind !== 'chunkRequest') return undefined;
    const right = rightChunk([rec], m);
    if (m.index === 2 && right.kind === 'chunkResponse' && right.data) return { ...right, data: { ...right.data, ciphertext: right.data.ciphertext.subarray(0, 20) } };
    return right;
  });
  const channel = new SessionChannel(new SessionStream(a), clock, 'scripted camera');
  const intake = await buffer.receive(rec.r, { serial: 'W100-0001', model: 'W100' });
  await t.rejects(pullRecording(channel, intake), TransferFailedError);
  await intake.close();
  t.equal(buffer.status(toHex(rec.r.recordingId)), 'receiving');
  t.equal(buffer.held(toHex(rec.r.recordingId)), 2, 'chunks 0 and 1 kept');
  t.equal(buffer.stats().usedBytes, rec.data[0]!.length + rec.data[1]!.length + 2 * FRAME_HEADER_BYTES, 'nothing of the bad chunk written');
  channel.close('done');
});
