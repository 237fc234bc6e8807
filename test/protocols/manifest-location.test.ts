/** Recording.sealed_location: carried as opaque bytes through the manifest, bounded in size, empty when none. */
import t from 'tap';
import { decodeSessionMessage, encodeSessionMessage } from '../../protocols/envelope.js';
import { MAX_SEALED_LOCATION_BYTES, type Recording } from '../../protocols/manifest.js';

const recording = (sealedLocation?: Uint8Array): Recording => ({
  recordingId: new Uint8Array(16).fill(1), userId: 'u1', cameraSerial: 'CAM1',
  triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: 1_790_000_000_000,
  triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: 1_790_000_060_000,
  startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000, interrupted: false,
  chunkCount: 0, chunkSize: 0, totalBytes: 0, digestAlgorithm: 'DIGEST_ALGORITHM_SHA_256', chunkDigests: [],
  sealedKey: new Uint8Array(80).fill(9), clips: [], timeZone: 'UTC', firmwareVersion: '1.0.0',
  ...(sealedLocation ? { sealedLocation } : {}),
});

const roundTrip = (r: Recording): Recording => {
  const m = decodeSessionMessage(encodeSessionMessage({ kind: 'manifest', recordings: [r], more: false }));
  if (m.kind !== 'manifest') throw new Error(`expected a manifest, got ${m.kind}`);
  return m.recordings[0]!;
};

t.test('sealed location bytes travel unchanged; absent decodes as empty', async (t) => {
  const sealed = new Uint8Array(39 * 100).map((_, i) => (i * 31) & 0xff);
  t.same(Buffer.from(roundTrip(recording(sealed)).sealedLocation!), Buffer.from(sealed));
  t.equal(roundTrip(recording()).sealedLocation?.length, 0, 'none: empty');
  t.equal(roundTrip(recording(new Uint8Array(MAX_SEALED_LOCATION_BYTES))).sealedLocation?.length, MAX_SEALED_LOCATION_BYTES, 'at the bound');
});

t.test('more than MAX_SEALED_LOCATION_BYTES is refused, naming the field', async (t) => {
  t.throws(() => encodeSessionMessage({ kind: 'manifest', recordings: [recording(new Uint8Array(MAX_SEALED_LOCATION_BYTES + 1))], more: false }),
    { code: 'EINVALID_FIELD', message: /sealedLocation.*at most 524288 bytes/ });
});
