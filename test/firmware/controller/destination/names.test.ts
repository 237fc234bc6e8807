/** Container and object names at the destination: pure functions, round trips and refusals. */
import t from 'tap';
import { formatCompactUtc, parseCompactUtc, recordingContainerName, parseRecordingContainerName, clipObjectName, keyObjectName, gnssTrailObjectName, bookmarkObjectName, parseRecordingObjectName, metaHeader, encodeMetaValue, decodeMetaValue } from '../../../../firmware/controller/destination/names.js';

const T = Date.UTC(2026, 10, 23, 21, 38, 54, 789);

t.test('compact UTC time', async (t) => {
  t.equal(formatCompactUtc(T), '20261123T213854Z');
  t.equal(parseCompactUtc('20261123T213854Z'), Date.UTC(2026, 10, 23, 21, 38, 54));
  t.equal(parseCompactUtc('20261399T213854Z'), undefined, 'not a real date');
  t.equal(parseCompactUtc('2026-11-23T21:38:54Z'), undefined);
  t.throws(() => formatCompactUtc(NaN), TypeError);
});

t.test('recording container name', async (t) => {
  const name = recordingContainerName({ userId: '3f2a-uuid', bwcSerialNumber: 'B8A44F000001', triggerOnTime: T });
  t.equal(name, '3f2a-uuid_B8A44F000001_20261123T213854Z');
  t.same(parseRecordingContainerName(name), { userId: '3f2a-uuid', bwcSerialNumber: 'B8A44F000001', triggerOnTime: Date.UTC(2026, 10, 23, 21, 38, 54) });
  t.throws(() => recordingContainerName({ userId: 'a_b', bwcSerialNumber: 'x', triggerOnTime: T }), { name: 'TypeError', message: /^userId: expected .* got "a_b"/ });
  t.throws(() => recordingContainerName({ userId: 'a', bwcSerialNumber: 'x/y', triggerOnTime: T }), { message: /^bwcSerialNumber:/ });
  for (const bad of ['System', 'a_b', 'a_b_c', 'a_b_20261123T213854', 'a_b_c_20261123T213854Z', '_b_20261123T213854Z']) t.equal(parseRecordingContainerName(bad), undefined, bad);
});

t.test('object names and what they are', async (t) => {
  t.equal(clipObjectName({ startTime: T, recordingId: 'r1', containerType: 'mkv' }), '20261123T213854Z_r1.mkv');
  t.equal(clipObjectName({ startTime: T, recordingId: 'r1', containerType: 'mp4' }), '20261123T213854Z_r1.mp4');
  t.equal(keyObjectName({ startTime: T, recordingId: 'r1' }), '20261123T213854Z_r1.key');
  t.equal(gnssTrailObjectName({ startTime: T, recordingId: 'r1', bwcSerialNumber: 'W1' }), '20261123T213854Z_r1_W1_gpstrail.json');
  t.equal(bookmarkObjectName({ timestamp: T, id: '7' }), 'bookmark_20261123T213854Z_7');
  const s = Date.UTC(2026, 10, 23, 21, 38, 54);
  t.same(parseRecordingObjectName('20261123T213854Z_r1.mp4'), { kind: 'clip', startTime: s, recordingId: 'r1', containerType: 'mp4' });
  t.same(parseRecordingObjectName('20261123T213854Z_r1.key'), { kind: 'key', startTime: s, recordingId: 'r1' });
  t.same(parseRecordingObjectName('20261123T213854Z_r1_W1_gpstrail.json'), { kind: 'gnss-trail', startTime: s, recordingId: 'r1', bwcSerialNumber: 'W1' });
  t.same(parseRecordingObjectName('bookmark_20261123T213854Z_7'), { kind: 'bookmark', timestamp: s, id: '7' });
  for (const bad of ['clip.mkv', '20261123T213854Z_r1.avi', '20261123T213854Z.mkv', '20261323T213854Z_r1.mkv', 'a/b']) t.equal(parseRecordingObjectName(bad), undefined, bad);
  t.throws(() => clipObjectName({ startTime: T, recordingId: 'r1', containerType: 'avi' as 'mkv' }), { message: /^containerType: expected "mkv" or "mp4"/ });
});

t.test('metadata headers and values', async (t) => {
  t.equal(metaHeader('Object', 'StartTime'), 'X-Object-Meta-StartTime');
  t.equal(metaHeader('Container', 'Status'), 'X-Container-Meta-Status');
  t.throws(() => metaHeader('Object', 'bad key'), TypeError);
  t.equal(encodeMetaValue('Åsa 100%'), '%C3%85sa 100%25');
  t.equal(decodeMetaValue(encodeMetaValue('Åsa 100%\n')), 'Åsa 100%\n');
  t.equal(encodeMetaValue('2026-11-23T21:38:54Z'), '2026-11-23T21:38:54Z', 'times stay readable');
});
