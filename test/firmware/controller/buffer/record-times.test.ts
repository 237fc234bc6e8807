/**
 * The buffer's record files survive a reboot when the clock gives fractional milliseconds (the
 * emulated clock steps by video frames): a recording received then must still be found, whole.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { Timeline, VirtualClock } from '../../../../hal/clock/emulated.js';
import { chunkDigest } from '../../../../firmware/common/evidence/envelope.js';
import { silentLog } from '../../../../firmware/common/log.js';
import { EvidenceBuffer } from '../../../../firmware/controller/buffer/evidence-buffer.js';
import { toHex, type Recording } from '../../../../protocols/index.js';

t.test('reserved, completed and released at fractional clock times: the records reopen after a reboot', async (t) => {
  const timeline = new Timeline({ epoch: 1_790_000_100_000 });
  const clock = new VirtualClock(timeline);
  const medium = new EmulatedStorage({ name: 'controller' });
  const open = () => EvidenceBuffer.open({ storage: medium.mount(), clock, log: silentLog, marginBytes: 0 });
  const make = () => {
    const data = [Uint8Array.from(randomBytes(1016)), Uint8Array.from(randomBytes(300))];
    const r: Recording = {
      recordingId: Uint8Array.from(randomBytes(16)), userId: 'u', cameraSerial: 'W100-0001', triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: 1_790_000_000_000,
      triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: 1_790_000_060_000, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000,
      interrupted: false, chunkCount: 2, chunkSize: 1000, totalBytes: 1316, digestAlgorithm: 'DIGEST_ALGORITHM_SHA_256', chunkDigests: data.map((d) => chunkDigest(d)),
      sealedKey: Uint8Array.from(randomBytes(80)), clips: [{ firstChunk: 0, chunkCount: 2, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000 }], timeZone: 'UTC', firmwareVersion: '0.1.0',
    };
    return { r, data, id: toHex(r.recordingId) };
  };
  const buffer = await open();
  const receiving = make();
  const complete = make();
  const released = make();
  await timeline.advance(1000 / 30);
  t.not(clock.now() % 1, 0, 'the clock reads a fraction of a millisecond');
  let intake = await buffer.receive(receiving.r, { serial: 'W100-0001', model: 'W100' });
  await intake.add(0, receiving.data[0]!);
  await intake.close();
  for (const x of [complete, released]) {
    intake = await buffer.receive(x.r, { serial: 'W100-0001', model: 'W100' });
    for (const [i, d] of x.data.entries()) await intake.add(i, d);
    await timeline.advance(1000 / 30);
    await intake.complete();
  }
  await timeline.advance(1000 / 30);
  await buffer.release(released.id);

  const after = await open();
  t.equal(after.status(receiving.id), 'receiving', 'the part-received recording is still there to resume');
  t.equal(after.held(receiving.id), 1);
  t.equal(after.status(complete.id), 'complete', 'the complete recording is still there to upload');
  t.equal(after.status(released.id), 'uploaded', 'the tombstone is kept');
  t.same((await after.pending()).map((p) => p.idHex), [complete.id]);
});
