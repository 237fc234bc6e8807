/** Sealed location records: round trip with the recording key, and every kind of tampering refused. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { EvidenceError } from '../../../../firmware/common/evidence/index.js';
import {
  LOCATION_FRAME_BYTES, locationKeyOf, openSealedLocation, sealLocationRecord, wholeLocationFrames, type LocationRecord,
} from '../../../../firmware/common/evidence/sealed-location.js';

const key = new Uint8Array(randomBytes(32));
const id = new Uint8Array(randomBytes(16));
const p = (timeMs: number, latitude: number) => ({ timeMs, latitude, longitude: -122.4194155, accuracyM: 3.57 });
const records: LocationRecord[] = [
  { kind: 'trail', point: p(1763934000000, 37.7749295) },
  { kind: 'trigger-on', point: p(1763934000500, 37.7749) },
  { kind: 'trail', point: p(1763934001000, 37.775) },
  { kind: 'trigger-off', point: p(1763934002000, 37.7751) },
  { kind: 'closed' },
];
const seal = (rs: LocationRecord[], k = key, rid = id) => Buffer.concat(rs.map((r, i) => sealLocationRecord(locationKeyOf(k), rid, i, r)));

const code = (fn: () => unknown): string | undefined => {
  try { fn(); return undefined; } catch (e) { return e instanceof EvidenceError ? e.code : `not an EvidenceError: ${String(e)}`; }
};

t.test('round trip: trigger locations, trail in order, closed; 1e-7 degree and 1 cm kept', async (t) => {
  const sealed = seal(records);
  t.equal(sealed.length, records.length * LOCATION_FRAME_BYTES);
  const loc = openSealedLocation(key, id, sealed);
  t.equal(loc.closed, true);
  t.same(loc.triggerOn, p(1763934000500, 37.7749));
  t.same(loc.triggerOff, p(1763934002000, 37.7751));
  t.same(loc.trail.map((x) => x.latitude), [37.7749295, 37.775]);
  t.equal(loc.trail[0]!.longitude, -122.4194155);
  t.equal(loc.trail[0]!.accuracyM, 3.57);
  t.same(openSealedLocation(key, id, new Uint8Array(0)), { trail: [], closed: false }, 'nothing sealed: nothing');
});

t.test('a later trigger record wins (a nearer fix came after the first choice)', async (t) => {
  const loc = openSealedLocation(key, id, seal([{ kind: 'trigger-on', point: p(1000, 1) }, { kind: 'trigger-on', point: p(2000, 2) }]));
  t.equal(loc.triggerOn?.latitude, 2);
  t.equal(loc.closed, false, 'not closed: an interrupted recording');
});

t.test('tampering, another key, another recording, reordering, extension and bad framing are refused', async (t) => {
  const sealed = seal(records);
  for (let i = 0; i < sealed.length; i += 7) {
    if (i % LOCATION_FRAME_BYTES < 2) continue; // the length prefix is checked as framing below
    const bad = Buffer.from(sealed);
    bad[i] = bad[i]! ^ 0x01;
    t.equal(code(() => openSealedLocation(key, id, bad)), 'EAUTH', `byte ${i} flipped`);
  }
  t.equal(code(() => openSealedLocation(new Uint8Array(randomBytes(32)), id, sealed)), 'EAUTH', 'another recording key');
  t.equal(code(() => openSealedLocation(key, new Uint8Array(randomBytes(16)), sealed)), 'EAUTH', 'another recording id');
  const swapped = Buffer.concat([sealed.subarray(LOCATION_FRAME_BYTES, 2 * LOCATION_FRAME_BYTES), sealed.subarray(0, LOCATION_FRAME_BYTES), sealed.subarray(2 * LOCATION_FRAME_BYTES)]);
  t.equal(code(() => openSealedLocation(key, id, swapped)), 'EAUTH', 'two records swapped');
  t.equal(code(() => openSealedLocation(key, id, sealed.subarray(LOCATION_FRAME_BYTES))), 'EAUTH', 'the first record dropped');
  const extended = seal([...records, { kind: 'trail', point: p(5, 5) }]);
  t.equal(code(() => openSealedLocation(key, id, extended)), 'EEXTENDED', 'a record after closed');
  t.equal(code(() => openSealedLocation(key, id, sealed.subarray(0, sealed.length - 3))), 'ECORRUPT', 'a torn frame');
  const badLength = Buffer.from(sealed);
  badLength[1] = 99;
  t.equal(code(() => openSealedLocation(key, id, badLength)), 'ECORRUPT', 'a wrong length prefix');
  t.equal(wholeLocationFrames(sealed.subarray(0, sealed.length - 3)).length, (records.length - 1) * LOCATION_FRAME_BYTES, 'a torn tail is cut to whole frames');
});

t.test('the location key is not the recording key, and nonces never meet the chunks\'', async (t) => {
  const lk = locationKeyOf(key);
  t.equal(lk.length, 32);
  t.notSame(Buffer.from(lk), Buffer.from(key));
  t.throws(() => locationKeyOf(new Uint8Array(16)), /32 bytes/);
});
