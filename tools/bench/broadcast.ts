/**
 * Issue 5's wireless broadcast targets: virtual ms from a camera's recording start to in-range
 * peers' startRecording (emulated medium, zero loss; target <= 250 ms), and the frame seal+verify
 * rate against libsodium's bare crypto_auth over the same bytes in the same run.
 */
import sodium from 'libsodium-wrappers';
import { World } from '../../hal/world/world.js';
import { EmulatedRadio } from '../../hal/radio/emulated.js';
import { STRENGTH_RANGE_M } from '../../hal/radio/medium.js';
import { BroadcastService } from '../../firmware/camera/broadcast/broadcast-service.js';
import { DEFAULT_PROFILE, type CameraProfile } from '../../firmware/camera/profile/profile.js';
import { BroadcastVerifier, broadcastCryptoReady, sealBroadcast } from '../../protocols/broadcast.js';
import { median, say, type Row } from './report.js';

const KEY = new Uint8Array(32).fill(0x5a);

/** Virtual ms from A's recordingStarted() to each in-range peer's startRecording, plus a second hop. */
async function activationLatency(): Promise<{ direct: number[]; secondHop: number }> {
  const world = new World({ seed: 7 });
  const profile = structuredClone(DEFAULT_PROFILE) as CameraProfile;
  profile.activation.broadcast.enabled = true;
  profile.activation.recordOnReceivedBroadcast = true;
  const started = new Map<string, number>();
  const services: BroadcastService[] = [];
  const range = STRENGTH_RANGE_M.high;
  // Peers in range at 5..95 m around A at the origin; Z beyond A's range, 60 m from the nearest peer.
  const layout: [string, number, number][] = [['A', 0, 0], ['P1', 5, 0], ['P2', 0, 40], ['P3', -70, 0], ['P4', 0, -95], ['P5', 60, 60], ['Z', -130, 0]];
  for (const [serial, x, y] of layout) {
    world.setPosition(serial, { x, y });
    const clock = world.timeline.clock();
    let svc: BroadcastService;
    svc = await BroadcastService.open(new EmulatedRadio(world, serial, clock), clock, { systemId: 'bench', serial, key: KEY, profile }, {
      startRecording: () => { started.set(serial, clock.monotonic()); svc.recordingStarted(); },
      alert: () => {},
    });
    services.push(svc);
  }
  await world.timeline.advance(1000);
  const t0 = world.timeline.time;
  services[0]!.recordingStarted();
  await world.timeline.advance(15_000);
  for (const s of services) s.stop();
  const direct = layout.slice(1, -1).map(([serial]) => {
    const at = started.get(serial);
    if (at === undefined) throw new Error(`bench: ${serial} within ${range} m never started recording`);
    return at - t0;
  });
  const z = started.get('Z');
  if (z === undefined) throw new Error('bench: the second hop never started recording');
  return { direct, secondHop: z - t0 };
}

/** Frames per second for `fn` over about `ms` of wall time. */
function rate(fn: () => void, ms = 300): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) { for (let i = 0; i < 100; i++) fn(); n += 100; t = performance.now(); }
  return n / ((t - t0) / 1000);
}

async function sealVerifyRate(): Promise<{ codec: number; bare: number }> {
  await broadcastCryptoReady();
  const now = Date.UTC(2026, 0, 1);
  const v = new BroadcastVerifier({ systemId: 'bench-system', key: KEY });
  let counter = 1;
  const codec = rate(() => {
    const f = sealBroadcast({ systemId: 'bench-system', senderSerial: 'B8A44F000001', messageType: 1, counter: counter++, timeMs: now }, KEY);
    if (!v.verify(f, now).ok) throw new Error('bench: a sealed frame did not verify');
  });
  const sample = sealBroadcast({ systemId: 'bench-system', senderSerial: 'B8A44F000001', messageType: 1, counter: 1, timeMs: now }, KEY);
  const bare = rate(() => {
    const tag = sodium.crypto_auth(sample, KEY);
    if (!sodium.crypto_auth_verify(tag, sample, KEY)) throw new Error('bench: bare crypto_auth failed');
  });
  return { codec, bare };
}

export async function broadcast(): Promise<Row[]> {
  const { direct, secondHop } = await activationLatency();
  const worst = Math.max(...direct);
  say(`  broadcast activation: peers ${direct.join(', ')} ms, second hop ${secondHop} ms (virtual)`);
  const { codec, bare } = await sealVerifyRate();
  say(`  seal+verify ${codec.toFixed(0)} frames/s, bare crypto_auth+verify ${bare.toFixed(0)} /s`);
  return [
    { target: 'wireless broadcast: recording start to in-range peers\' start (emulated, no loss)', measured: `${worst.toFixed(0)} ms virtual (worst of ${direct.length}, median ${median(direct).toFixed(0)})`, baseline: `second hop ${secondHop.toFixed(0)} ms`, ratio: (worst / 250).toFixed(2), limit: '<= 250 ms', ok: worst <= 250 },
    { target: 'broadcast frame seal + verify rate', measured: `${(codec / 1000).toFixed(1)} k frames/s`, baseline: `bare crypto_auth ${(bare / 1000).toFixed(1)} k/s`, ratio: (codec / bare).toFixed(2), limit: '>= 5 k frames/s', ok: codec >= 5000 },
  ];
}
