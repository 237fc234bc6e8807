// The emulated radio medium: range per strength, walls, seeded loss, delay, stats; the activation kit.
import t from 'tap';
import { World } from '../../../hal/world/world.js';
import { EmulatedRadio } from '../../../hal/radio/emulated.js';
import { radioMediumOf, SENSITIVITY_DBM, STRENGTH_RANGE_M, DEFAULT_DELIVERY_DELAY_MS } from '../../../hal/radio/medium.js';
import { ActivationKit, activationKitRangeMetres } from '../../../hal/radio/activation-kit.js';
import { BroadcastVerifier, broadcastCryptoReady } from '../../../protocols/broadcast.js';
import type { RadioFrame, RadioStrength } from '../../../hal/radio/contract.js';

await broadcastCryptoReady();

function setup(seed = 1) {
  const world = new World({ seed });
  const radio = (name: string, x: number, y = 0) => {
    world.setPosition(name, { x, y });
    const r = new EmulatedRadio(world, name, world.timeline.clock());
    const heard: RadioFrame[] = [];
    r.onFrame((f) => heard.push(f));
    return { r, heard };
  };
  return { world, medium: radioMediumOf(world), radio };
}

t.test('one medium per world', async (t) => {
  const w = new World();
  t.equal(radioMediumOf(w), radioMediumOf(w));
  t.not(radioMediumOf(w), radioMediumOf(new World()));
});

t.test('a frame reaches radios within the strength range, after the delivery delay, with an RSSI', async (t) => {
  for (const strength of ['high', 'medium', 'low'] as RadioStrength[]) {
    const { world, medium, radio } = setup();
    const range = STRENGTH_RANGE_M[strength];
    const a = radio('a', 0), near = radio('near', range - 1), edge = radio('edge', 0, range), far = radio('far', range + 1);
    await a.r.send(new Uint8Array([1, 2, 3]), strength);
    t.equal(near.heard.length, 0, 'never delivered inside send');
    await world.timeline.advance(DEFAULT_DELIVERY_DELAY_MS);
    t.equal(near.heard.length, 1, `${strength}: heard at ${range - 1} m`);
    t.equal(edge.heard.length, 1, `${strength}: heard at exactly ${range} m`);
    t.equal(far.heard.length, 0, `${strength}: not heard at ${range + 1} m`);
    t.equal(a.heard.length, 0, 'a radio never hears itself');
    t.same([...near.heard[0]!.bytes], [1, 2, 3]);
    t.equal(near.heard[0]!.atMs, DEFAULT_DELIVERY_DELAY_MS);
    t.ok(near.heard[0]!.rssiDbm! > edge.heard[0]!.rssiDbm!, 'closer is louder');
    t.ok(Math.abs(edge.heard[0]!.rssiDbm! - SENSITIVITY_DBM) < 0.2, `edge RSSI ${edge.heard[0]!.rssiDbm}`);
    t.same(medium.stats(), { sent: 1, delivered: 2, lost: 0, outOfRange: 1 });
  }
});

t.test('walls: attenuation shortens the reach, globally or on one link', async (t) => {
  const { world, medium, radio } = setup();
  const a = radio('a', 0), b = radio('b', 30), c = radio('c', 0, 30);
  medium.setAttenuation(20, 'a', 'b');
  await a.r.send(new Uint8Array([1]), 'high');
  await world.timeline.advance(10);
  t.equal(b.heard.length, 0, '20 dB wall between a and b at 30 m');
  t.equal(c.heard.length, 1, 'no wall between a and c');
  medium.setAttenuation(20);
  await a.r.send(new Uint8Array([1]), 'high');
  await world.timeline.advance(10);
  t.equal(c.heard.length, 1, 'a global 20 dB now hides c too');
  t.throws(() => medium.setAttenuation(-1), RangeError);
});

t.test('loss is seeded: the same seed loses the same frames', async (t) => {
  const run = async (seed: number) => {
    const { world, medium, radio } = setup(seed);
    const a = radio('a', 0), b = radio('b', 10);
    medium.setLoss(0.3);
    for (let i = 0; i < 200; i++) { await a.r.send(new Uint8Array([i]), 'high'); }
    await world.timeline.advance(10);
    return { got: b.heard.map((f) => f.bytes[0]), stats: medium.stats() };
  };
  const x = await run(5), y = await run(5);
  t.same(x.got, y.got);
  t.equal(x.stats.lost + x.stats.delivered, 200);
  t.ok(x.stats.lost > 30 && x.stats.lost < 90, `lost ${x.stats.lost} of 200 at p=0.3`);
  t.throws(() => radioMediumOf(new World()).setLoss(1.5), RangeError);
});

t.test('moving and closing', async (t) => {
  const { world, medium, radio } = setup();
  const a = radio('a', 0), b = radio('b', 200);
  await a.r.send(new Uint8Array([1]), 'high');
  medium.move('b', 50, 0);
  await a.r.send(new Uint8Array([2]), 'high');
  await world.timeline.advance(10);
  t.same(b.heard.map((f) => f.bytes[0]), [2]);
  let closed: unknown = 'not yet';
  b.r.onClose((e) => { closed = e; });
  await b.r.close();
  t.equal(closed, undefined);
  await a.r.send(new Uint8Array([3]), 'high');
  await world.timeline.advance(10);
  t.equal(b.heard.length, 1, 'a closed radio hears nothing');
  await t.rejects(b.r.send(new Uint8Array([1]), 'high'), { code: 'ECLOSED' });
  await t.rejects(a.r.send(new Uint8Array(0), 'high'), RangeError);
  await t.rejects(a.r.send(new Uint8Array(257), 'high'), RangeError);
  await t.rejects(a.r.send(new Uint8Array(1), 'loud' as RadioStrength), RangeError);
});

t.test('activation kit: authenticated type-3 pulse every 3 s, reach set by Range', async (t) => {
  const { world, medium, radio } = setup();
  const key = new Uint8Array(32).fill(3);
  const kit = new ActivationKit(world, { serial: 'W401-1', systemId: 'sys', key, position: { x: 0, y: 0 }, range: 10 });
  const inside = radio('inside', 0, 9), outside = radio('outside', 0, 11);
  await kit.start();
  await world.timeline.advance(9_100);
  t.equal(kit.pulses, 4, 'pulses at 0, 3, 6 and 9 s');
  t.equal(inside.heard.length, 4);
  t.equal(outside.heard.length, 0, `Range 10 reaches ${activationKitRangeMetres(10)} m`);
  const v = new BroadcastVerifier({ systemId: 'sys', key });
  const verdicts = inside.heard.map((f) => v.verify(f.bytes, world.timeline.epoch + f.atMs));
  t.ok(verdicts.every((x) => x.ok && x.message.messageType === 3 && x.message.senderSerial === 'W401-1'));
  kit.setRange(30);
  await world.timeline.advance(3_000);
  t.equal(outside.heard.length, 1, 'Range 30 reaches 11 m');
  t.throws(() => kit.setRange(31), RangeError);
  await kit.close();
  await world.timeline.advance(6_000);
  t.equal(inside.heard.length, 5, 'a closed kit is silent');
  t.equal(medium.stats().lost, 0);
});
