/** The contract suite's topology in an emulated world: one controller, two stations, three cameras. */
import { World } from '../../../hal/world/world.js';
import { EmulatedNet, dockLink, stationLink } from '../../../hal/net/emulated.js';
import { Agent, fromWireError, toWireError } from './agent.js';
import type { CameraName, HostName, NetHarness, NetHost } from './suite.js';

export interface EmulatedHarness extends NetHarness {
  world: World;
  nets: Record<HostName, EmulatedNet>;
}

export async function emulatedHarness(): Promise<EmulatedHarness> {
  const world = new World();
  world.docks.addStation('station1', 1);
  world.docks.addStation('station2', 2);
  const ctl = new EmulatedNet(world.links, 'ctl', world.timeline.clock(), ['port1', 'port2']);
  stationLink(world, ctl, 1);
  stationLink(world, ctl, 2);
  const cams = { a: ['station1', 1], b: ['station1', 2], c: ['station2', 1] } as const;
  const nets = { ctl } as Record<HostName, EmulatedNet>;
  for (const [id, [station, bay]] of Object.entries(cams)) {
    const net = new EmulatedNet(world.links, id, world.timeline.clock(), ['dock0']);
    dockLink(world, net, 'dock0');
    world.docks.dock(id, station, bay);
    nets[id as CameraName] = net;
  }
  const agents = new Map<HostName, Agent>();
  for (const [id, net] of Object.entries(nets)) agents.set(id as HostName, new Agent(net, world.timeline.clock()));

  // Virtual time moves while any action is pending, so actions may wait on the clock.
  let pending = 0;
  let pumping: Promise<void> | undefined;
  const pump = async () => {
    while (pending > 0) await world.timeline.advance(5);
    pumping = undefined;
  };
  const host = (name: HostName): NetHost => ({
    async call<T>(action: string, args: Record<string, unknown> = {}): Promise<T> {
      pending++;
      pumping ??= pump();
      try {
        // A JSON round trip, as for a host in another process.
        return JSON.parse(JSON.stringify((await agents.get(name)!.call(action, args)) ?? null)) as T;
      } catch (e) {
        throw fromWireError(toWireError(e));
      } finally {
        pending--;
      }
    },
  });
  return {
    world,
    nets,
    host,
    async setLink(camera: CameraName, up: boolean) {
      if (up) world.docks.dock(camera, cams[camera][0], cams[camera][1]);
      else world.docks.undock(camera);
    },
    async close() {
      for (const a of agents.values()) await a.shutdown();
      await pumping;
    },
  };
}
