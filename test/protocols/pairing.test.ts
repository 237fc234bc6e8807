/** The holster pairing messages: round trip, checks naming the field, garbage input gives ProtocolError only. */
import t from 'tap';
import {
  decodeHolsterPairingReport, decodeHolsterPairings, encodeHolsterPairingReport, encodeHolsterPairings,
} from '../../protocols/pairing.js';
import { isProtocolError } from '../../protocols/errors.js';
import { Random } from '../../hal/world/random.js';

t.test('round trip', async (t) => {
  const p = { userId: 'officer-7', sensors: [{ serial: 'AAA111', pending: false }, { serial: 'BBB222', pending: true }] };
  t.same(decodeHolsterPairings(encodeHolsterPairings(p)), p);
  const r = { userId: 'officer-7', sensors: [{ serial: 'AAA111', status: 'HOLSTER_PAIRING_STATUS_PAIRED' as const, lastConnectedMs: 1_790_000_000_000 }] };
  t.same(decodeHolsterPairingReport(encodeHolsterPairingReport(r)), r);
  t.same(decodeHolsterPairings(encodeHolsterPairings({ userId: 'u', sensors: [] })), { userId: 'u', sensors: [] });
});

t.test('invalid messages are refused naming the field, on encode and decode', async (t) => {
  const table: [unknown, string, string][] = [
    [{ userId: '', sensors: [] }, 'EMISSING_FIELD', 'holsterPairings.userId'],
    [{ userId: 'u', sensors: [{ serial: 'abc123', pending: true }] }, 'EINVALID_FIELD', 'holsterPairings.sensors[0].serial'],
    [{ userId: 'u', sensors: [{ serial: '', pending: true }] }, 'EMISSING_FIELD', 'holsterPairings.sensors[0].serial'],
    [{ userId: 'u', sensors: [{ serial: 'AAA111' }, { serial: 'AAA111' }] }, 'EINVALID_FIELD', 'holsterPairings.sensors[1].serial'],
    [{ userId: 'u', sensors: [{ serial: 'AAA111' }, { serial: 'BBB222' }, { serial: 'CCC333' }] }, 'EINVALID_FIELD', 'holsterPairings.sensors'],
    [{ userId: 'u', sensors: [{ serial: 'AAA111', pending: 'yes' }] }, 'EINVALID_FIELD', 'holsterPairings.sensors[0].pending'],
  ];
  for (const [m, code, field] of table) {
    t.throws(() => encodeHolsterPairings(m as never), { code, field }, field);
  }
  // The same on decode: bytes built without checks.
  const { messageType } = await import('../../protocols/schema.js');
  const raw = messageType('HolsterPairings').encode({ userId: 'u', sensors: [{ serial: 'AAA11', pending: true }] }).finish();
  t.throws(() => decodeHolsterPairings(raw), { code: 'EINVALID_FIELD', field: 'holsterPairings.sensors[0].serial', message: /expected 6 characters A-Z or 0-9, got "AAA11"/ });
  const badEnum = messageType('HolsterPairingReport').encode({ userId: 'u', sensors: [{ serial: 'AAA111', status: 9 }] }).finish();
  t.throws(() => decodeHolsterPairingReport(badEnum), { code: 'EINVALID_FIELD', field: 'holsterPairingReport.sensors[0].status' });
  const unset = messageType('HolsterPairingReport').encode({ userId: 'u', sensors: [{ serial: 'AAA111' }] }).finish();
  t.throws(() => decodeHolsterPairingReport(unset), { code: 'EMISSING_FIELD', field: 'holsterPairingReport.sensors[0].status' });
});

t.test('garbage and truncated input: ProtocolError only', async (t) => {
  const random = new Random(5);
  const good = encodeHolsterPairingReport({ userId: 'u1', sensors: [{ serial: 'AAA111', status: 'HOLSTER_PAIRING_STATUS_FAILED', lastConnectedMs: 5 }] });
  let other = 0;
  for (let i = 0; i < 5000; i++) {
    let bytes: Uint8Array;
    if (i % 3 === 0) bytes = good.subarray(0, random.int(0, good.length - 1));
    else if (i % 3 === 1) { bytes = good.slice(); bytes[random.int(0, bytes.length - 1)] = random.int(0, 255); }
    else bytes = Uint8Array.from({ length: random.int(0, 40) }, () => random.int(0, 255));
    for (const decode of [decodeHolsterPairings, decodeHolsterPairingReport]) {
      try { decode(bytes); } catch (e) { if (!isProtocolError(e)) other++; }
    }
  }
  t.equal(other, 0, 'no other exception');
});
