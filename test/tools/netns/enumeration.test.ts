/**
 * Dock enumeration on real IPv6 link-local networking: the real bundles on linux boards, one
 * network namespace per camera, one bridge per docking station. Root only.
 */
import t from 'tap';
import { NetnsWorld, netnsUnavailable } from '../../../tools/netns/topology.js';
import { startRealSystem, cameraSerial, type RealSystem } from '../../../tools/netns/real-devices.js';

const skip = netnsUnavailable();

t.test('controller finds cameras per port by link-local discovery, opens sessions, sees undock and re-dock', { skip: skip ?? false }, async (t) => {
  const world = await NetnsWorld.create([{ port: 1, cameras: ['a', 'b', 'c'] }, { port: 3, cameras: ['d'] }]);
  let sys: RealSystem | undefined;
  t.teardown(async () => { await sys?.stop(); await world.destroy(); });
  sys = await startRealSystem(world, { adoptCameras: true });
  const ctl = sys.controller;
  await ctl.waitFor(/^controller ready: board=linux-controller serial=W800-NETNS system=netns-system ports=1:port1,3:port3/);
  const docked = await ctl.waitFor(/docked: camera W100-\S+ .* on port \d at fe80::\S+%port\d$/, 4, 30_000);
  for (const [name, port] of [['a', 1], ['b', 1], ['c', 1], ['d', 3]] as const) {
    const line = docked.find((l) => l.includes(cameraSerial(name)));
    t.match(line, new RegExp(`on port ${port} at fe80::[0-9a-f:]+%port${port}$`), `${name} found on port ${port} with its scope`);
  }
  const sessions = await ctl.waitFor(/session with W100-\S+: protocol 1\.\d+, adopted, 0 recording\(s\)/, 4, 30_000);
  t.equal(new Set(sessions.map((l) => /session with (\S+):/.exec(l)![1])).size, 4, 'a session with each camera, each adopted');
  await ctl.waitFor(/adopted camera W100-\S+ into system netns-system/, 4);
  for (const [name, cam] of sys.cameras) await cam.waitFor(/adopted into system netns-system; certificate valid until/, 1, 5000).then(() => t.pass(`camera ${name} holds its certificate`));

  await world.setBay('b', false);
  await ctl.waitFor(/undocked: camera W100-B from port 1 \(no beacon for \d+ s\)/, 1, 30_000);
  t.pass('undock noticed without any reset from the link');
  await world.setBay('b', true);
  await ctl.waitFor(/session with W100-B: protocol 1\.\d+, member,/, 1, 30_000);
  t.pass('re-docked camera found again and in session as a member of the system');
  for (const [name, cam] of sys.cameras) t.equal(cam.exitCode, undefined, `camera ${name} still running`);
});
