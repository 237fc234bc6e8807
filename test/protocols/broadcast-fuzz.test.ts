// Fuzzing the broadcast verifier: random and mutated frames never throw, each is counted, and
// nothing but the genuine frames is accepted.
import t from 'tap';
import { Random } from '../../hal/world/random.js';
import { BroadcastVerifier, broadcastCryptoReady, sealBroadcast } from '../../protocols/broadcast.js';

await broadcastCryptoReady();

t.test('100 000 random and mutated frames: no throw, all counted, no forgery accepted', async (t) => {
  const rnd = new Random(0xb40adca5);
  const key = new Uint8Array(32).map(() => rnd.int(0, 255));
  const now = Date.UTC(2026, 3, 1);
  const v = new BroadcastVerifier({ systemId: 'system-A', key });
  const genuine: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) {
    genuine.push(sealBroadcast({ systemId: i % 8 === 0 ? 'system-B' : 'system-A', senderSerial: `CAM${i % 5}`, messageType: 1 + (i % 3), counter: 1 + i, timeMs: now - 1000 + i }, key));
  }
  // The genuine ones of our system are accepted first, so any later acceptance would be a forgery.
  let expectAccepted = 0;
  for (const g of genuine) if (v.verify(g, now).ok) expectAccepted++;
  t.equal(expectAccepted, 56);

  const N = 100_000;
  let threw = 0;
  for (let i = 0; i < N; i++) {
    let frame: Uint8Array;
    const mode = i % 4;
    if (mode === 0) {
      frame = new Uint8Array(rnd.int(0, 300)).map(() => rnd.int(0, 255));
    } else {
      frame = genuine[rnd.int(0, genuine.length - 1)]!.slice();
      const edits = rnd.int(1, 4);
      for (let e = 0; e < edits; e++) {
        const op = mode === 1 ? 0 : rnd.int(0, 3);
        const at = rnd.int(0, Math.max(0, frame.length - 1));
        if (op === 0 && frame.length > 0) frame[at]! ^= 1 << rnd.int(0, 7);
        else if (op === 1) frame = frame.slice(0, at);
        else if (op === 2) { const ins = new Uint8Array(frame.length + 1); ins.set(frame.subarray(0, at)); ins[at] = rnd.int(0, 255); ins.set(frame.subarray(at), at + 1); frame = ins; }
        else frame = Uint8Array.from([...frame, ...frame.subarray(0, rnd.int(0, 8))]);
      }
    }
    try { v.verify(frame, now); } catch { threw++; }
  }
  const c = v.counts;
  t.equal(threw, 0, 'the verifier never throws');
  t.equal(c.accepted, expectAccepted, 'no frame beyond the genuine ones was accepted');
  t.equal(c.accepted + c.malformed + c.otherSystem + c.badTag + c.replayed, N + genuine.length, 'every frame is counted once');
  t.ok(c.malformed > 0 && c.badTag > 0 && c.replayed > 0 && c.otherSystem > 0, JSON.stringify(c));
});
