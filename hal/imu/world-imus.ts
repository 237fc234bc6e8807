/**
 * The emulated IMUs of a World, one per device (the camera a wearer carries), so a board creates
 * a device's IMU and a rig or simulator finds the same one by device name to play a fall.
 */
import type { Clock } from '../clock/contract.js';
import type { World } from '../world/world.js';
import { EmulatedImu, type EmulatedImuOptions } from './emulated.js';

const worlds = new WeakMap<World, Map<string, EmulatedImu>>();

/** The World's IMUs by device name. */
export function imusOf(world: World): ReadonlyMap<string, EmulatedImu> {
  return registry(world);
}

/**
 * The IMU of `device` in `world`, made on first use with `clock` (the device's clock), a noise
 * seed from the device's name (so other users of the world's random draws are not shifted), and
 * `options`. A device that boots again gets
 * its IMU again (closed ones are replaced).
 */
export function emulatedImuFor(world: World, device: string, clock: Clock, options: Partial<EmulatedImuOptions> = {}): EmulatedImu {
  const map = registry(world);
  const existing = map.get(device);
  if (existing && !existing.ended) return existing;
  const imu = new EmulatedImu({
    clock, name: `emulated:${device} imu`, seed: nameSeed(device), baseline: existing?.baseline(), ...options,
  });
  map.set(device, imu);
  return imu;
}

/** The IMU of `device`, or a TypeError naming the devices that have one. */
export function imuOf(world: World, device: string): EmulatedImu {
  const imu = registry(world).get(device);
  if (!imu) throw new TypeError(`no emulated IMU for device ${device}: devices with one are ${[...registry(world).keys()].join(', ') || 'none'}`);
  return imu;
}

function registry(world: World): Map<string, EmulatedImu> {
  let m = worlds.get(world);
  if (!m) { m = new Map(); worlds.set(world, m); }
  return m;
}

/** FNV-1a of the name: a stable seed per device. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
