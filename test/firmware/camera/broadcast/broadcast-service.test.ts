// BroadcastService on the emulated radio medium in virtual time: chains of cameras, other
// systems, delay at undock, privacy zones.
import t from 'tap';
import { World } from '../../../../hal/world/world.js';
import { EmulatedRadio } from '../../../../hal/radio/emulated.js';
import { radioMediumOf } from '../../../../hal/radio/medium.js';
import { ActivationKit } from '../../../../hal/radio/activation-kit.js';
import { BroadcastService } from '../../../../firmware/camera/broadcast/broadcast-service.js';
import { DEFAULT_PROFILE, type CameraProfile } from '../../../../firmware/camera/profile/profile.js';

const KEY = new Uint8Array(32).fill(42);

function profile(edit: (p: CameraProfile) => void = () => {}): CameraProfile {
  const p = structuredClone(DEFAULT_PROFILE) as CameraProfile;
  p.activation.broadcast.enabled = true;
  p.activation.recordOnReceivedBroadcast = true;
  p.activation.privacyZoneResponse = 'alert';
  edit(p);
  return p;
}

/** A fake camera: records when told, and reports starts to its service as the runtime would. */
async function camera(world: World, serial: string, x: number, options: { systemId?: string; key?: Uint8Array; profile?: CameraProfile } = {}) {
  world.setPosition(serial, { x, y: 0 });
  const clock = world.timeline.clock();
  const radio = new EmulatedRadio(world, serial, clock);
  const cam = { serial, starts: [] as [number, string][], alerts: [] as [number, string][], service: undefined as unknown as BroadcastService, radio };
  cam.service = await BroadcastService.open(radio, clock, { systemId: options.systemId ?? 'sys-1', serial, key: options.key ?? KEY, profile: options.profile ?? profile() }, {
    startRecording: (trigger) => {
      cam.starts.push([clock.monotonic(), trigger]);
      // The runtime reports the recording start back (a little later, as the recorder starts).
      clock.setTimeout(() => cam.service.recordingStarted(), 20);
    },
    alert: (name) => cam.alerts.push([clock.monotonic(), name]),
  });
  return cam;
}

t.test('a recording start spreads along a chain; the first camera is not set off again', async (t) => {
  const world = new World();
  const a = await camera(world, 'A', 0), b = await camera(world, 'B', 90), c = await camera(world, 'C', 180);
  const other = await camera(world, 'X', 10, { systemId: 'sys-2', key: new Uint8Array(32).fill(1) });
  const t0 = world.timeline.time;
  a.service.recordingStarted();
  await world.timeline.advance(20_000);
  t.same(a.starts, [], 'A is not set off by the echo of its own chain');
  t.equal(b.starts.length, 1);
  t.equal(c.starts.length, 1, 'C, out of A\'s reach, started through B');
  t.equal(b.starts[0]![1], 'wireless-broadcast');
  t.ok(b.starts[0]![0] - t0 <= 250, `B started ${b.starts[0]![0] - t0} ms after A`);
  t.same(other.starts, [], 'another system\'s camera ignores the frames');
  t.ok(other.service.stats().verifier.otherSystem >= 10);
  t.equal(a.service.stats().framesSent, 10, '5 s at one frame per 500 ms');
  const da = a.service.stats().decisions;
  t.ok((da.recording ?? 0) + (da.holdoff ?? 0) > 0, `A heard B's burst and ignored it: ${JSON.stringify(da)}`);
  t.same(radioMediumOf(world).stats().lost, 0);
  for (const x of [a, b, c, other]) x.service.stop();
});

t.test('profile switches: broadcast off, receive off, delay at undock', async (t) => {
  const world = new World();
  const quiet = await camera(world, 'Q', 0, { profile: profile((p) => { p.activation.broadcast.enabled = false; }) });
  const deaf = await camera(world, 'D', 20, { profile: profile((p) => { p.activation.recordOnReceivedBroadcast = false; }) });
  const delayed = await camera(world, 'W', 40, { profile: profile((p) => { p.activation.broadcast.delayAtUndockMin = 2; }) });
  const listener = await camera(world, 'L', 30);
  quiet.service.recordingStarted();
  await world.timeline.advance(10_000);
  t.same(listener.starts, [], 'broadcast off: nothing sent');
  t.equal(quiet.service.stats().framesSent, 0);
  delayed.service.undocked();
  await world.timeline.advance(60_000);
  delayed.service.recordingStarted();
  await world.timeline.advance(10_000);
  t.same(listener.starts, [], 'within 2 min of undock: withheld');
  await world.timeline.advance(60_000);
  delayed.service.recordingStarted();
  await world.timeline.advance(1_000);
  t.equal(listener.starts.length, 1, 'after the delay the broadcast goes out');
  t.same(deaf.starts, [], 'receive off: not started');
  t.ok((deaf.service.stats().decisions.disabled ?? 0) > 0);
  listener.service.docked();
  quiet.service.stop(); // stop() is idempotent and silences the service
  quiet.service.stop();
  for (const x of [deaf, delayed, listener]) x.service.stop();
});

t.test('privacy zone: alert on entering, again after 2 min of recording, again after leaving and re-entering', async (t) => {
  const world = new World();
  const kit = new ActivationKit(world, { serial: 'W401', systemId: 'sys-1', key: KEY, position: { x: 0, y: 0 }, range: 15 });
  await kit.start();
  const cam = await camera(world, 'C1', 50);
  await world.timeline.advance(10_000);
  t.same(cam.alerts, [], 'outside the kit\'s range');
  radioMediumOf(world).move('C1', 5, 0);
  cam.service.recordingStarted();
  await world.timeline.advance(4_000);
  t.same(cam.alerts.map(([, a]) => a), ['privacy-zone-entered']);
  t.ok(cam.service.stats().inPrivacyZone);
  await world.timeline.advance(120_000);
  t.same(cam.alerts.map(([, a]) => a), ['privacy-zone-entered', 'privacy-zone-still-recording']);
  radioMediumOf(world).move('C1', 100, 0);
  await world.timeline.advance(15_000);
  t.notOk(cam.service.stats().inPrivacyZone, 'left after the pulses stopped');
  radioMediumOf(world).move('C1', 1, 0);
  await world.timeline.advance(4_000);
  t.equal(cam.alerts.filter(([, a]) => a === 'privacy-zone-entered').length, 2);
  t.same(cam.starts, [], 'a privacy zone never starts a recording');
  cam.service.stop();
  await kit.close();
});

t.test('privacy zone response none: no alerts', async (t) => {
  const world = new World();
  const kit = new ActivationKit(world, { serial: 'W401', systemId: 'sys-1', key: KEY, position: { x: 0, y: 0 } });
  await kit.start();
  const cam = await camera(world, 'C1', 3, { profile: profile((p) => { p.activation.privacyZoneResponse = 'none'; }) });
  cam.service.recordingStarted();
  await world.timeline.advance(300_000);
  t.same(cam.alerts, []);
  cam.service.stop();
  await kit.close();
});
