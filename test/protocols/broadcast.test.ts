// Wireless broadcast frames: sealing, verification and the reasons a frame is ignored.
import t from 'tap';
import {
  BroadcastVerifier, broadcastCryptoReady, sealBroadcast, parseBroadcast, BROADCAST_COUNTER_WINDOW,
  MAX_BROADCAST_FRAME_BYTES, MAX_SYSTEM_ID_BYTES, MAX_SENDER_SERIAL_BYTES, DEFAULT_BROADCAST_TIME_WINDOW_MS,
  type BroadcastMessage,
} from '../../protocols/broadcast.js';

await broadcastCryptoReady();
const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);
const now = Date.UTC(2026, 0, 1, 12);
const msg = (over: Partial<BroadcastMessage> = {}): BroadcastMessage =>
  ({ systemId: 'sys-1', senderSerial: 'CAM001', messageType: 1, counter: 1000, timeMs: now, ...over });

t.test('a sealed frame verifies and round-trips', async (t) => {
  const v = new BroadcastVerifier({ systemId: 'sys-1', key });
  const r = v.verify(sealBroadcast(msg(), key), now);
  t.ok(r.ok);
  if (r.ok) t.same(r.message, msg());
  t.same(v.counts, { accepted: 1, malformed: 0, otherSystem: 0, badTag: 0, replayed: 0 });
});

t.test('the largest message fits a radio frame', async (t) => {
  const f = sealBroadcast(msg({ systemId: 's'.repeat(MAX_SYSTEM_ID_BYTES), senderSerial: 'c'.repeat(MAX_SENDER_SERIAL_BYTES), messageType: 65_535, counter: Number.MAX_SAFE_INTEGER, timeMs: Number.MAX_SAFE_INTEGER }), key);
  t.ok(f.length <= MAX_BROADCAST_FRAME_BYTES, `${f.length} bytes`);
  const p = parseBroadcast(f);
  t.not(typeof p, 'string');
  if (typeof p !== 'string') t.equal(p.message.counter, Number.MAX_SAFE_INTEGER);
});

t.test('sealing rejects what a frame cannot carry, naming the field', async (t) => {
  t.throws(() => sealBroadcast(msg({ systemId: '' }), key), /systemId/);
  t.throws(() => sealBroadcast(msg({ senderSerial: 'x'.repeat(33) }), key), /senderSerial/);
  t.throws(() => sealBroadcast(msg({ messageType: 0 }), key), /messageType/);
  t.throws(() => sealBroadcast(msg({ counter: 0 }), key), /counter/);
  t.throws(() => sealBroadcast(msg({ timeMs: 1.5 }), key), /timeMs/);
  t.throws(() => sealBroadcast(msg(), new Uint8Array(16)), /32 bytes/);
  t.throws(() => new BroadcastVerifier({ systemId: 's', key: new Uint8Array(31) }), /32 bytes/);
});

t.test('each reason is counted', async (t) => {
  const v = new BroadcastVerifier({ systemId: 'sys-1', key });
  const table: [Uint8Array, string][] = [
    [new Uint8Array([1, 2, 3]), 'malformed'],
    [new Uint8Array(300), 'malformed'],
    [sealBroadcast(msg({ systemId: 'sys-2' }), otherKey), 'other-system'],
    [sealBroadcast(msg(), otherKey), 'bad-tag'],
    [sealBroadcast(msg({ timeMs: now - DEFAULT_BROADCAST_TIME_WINDOW_MS - 1 }), key), 'replayed'],
    [sealBroadcast(msg({ timeMs: now + DEFAULT_BROADCAST_TIME_WINDOW_MS + 1 }), key), 'replayed'],
  ];
  for (const [frame, reason] of table) {
    const r = v.verify(frame, now);
    t.equal(r.ok ? 'ok' : r.reason, reason);
  }
  t.same(v.counts, { accepted: 0, malformed: 2, otherSystem: 1, badTag: 1, replayed: 2 });
});

t.test('replay window: once per counter, reordering within the window accepted', async (t) => {
  const v = new BroadcastVerifier({ systemId: 'sys-1', key });
  const f = (counter: number, senderSerial = 'CAM001') => sealBroadcast(msg({ counter, senderSerial }), key);
  const seq: [Uint8Array, boolean][] = [
    [f(100), true], [f(100), false], [f(105), true], [f(103), true], [f(103), false], [f(101), true],
    [f(105 - BROADCAST_COUNTER_WINDOW), false], [f(99), true /* within the window, unseen */], [f(99), false],
    [f(100, 'CAM002'), true], // another sender's counters are its own
  ];
  for (const [frame, ok] of seq) t.equal(v.verify(frame, now).ok, ok);
  t.equal(v.counts.accepted, 6);
  t.equal(v.counts.replayed, 4);
});

t.test('a flipped body byte fails the tag, never passes', async (t) => {
  const v = new BroadcastVerifier({ systemId: 'sys-1', key });
  const good = sealBroadcast(msg({ counter: 5000 }), key);
  let accepted = 0;
  for (let i = 0; i < good.length; i++) {
    for (const bit of [1, 0x80]) {
      const bad = good.slice();
      bad[i]! ^= bit;
      if (v.verify(bad, now).ok) accepted++;
    }
  }
  t.equal(accepted, 0);
  t.ok(v.verify(good, now).ok, 'the original still verifies after its mutants were refused');
});
