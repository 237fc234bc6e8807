/**
 * Serial ports from sysfs, for machines without udev (containers, minimal SBC images): every
 * `/sys/class/tty/<name>` with a `device` link is a real port; USB ids come from the USB device
 * directory above it.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PortInfo } from './contract.js';

export interface SysfsPortSources {
  /** Default `/sys/class/tty`. */
  sysClassTty: string;
  /** Where device nodes live. Default `/dev`. */
  devDir: string;
}

export const DEFAULT_SYSFS_PORT_SOURCES: SysfsPortSources = { sysClassTty: '/sys/class/tty', devDir: '/dev' };

const readAttr = async (file: string): Promise<string | undefined> => {
  try {
    const v = (await readFile(file, 'utf8')).trim();
    return v.length > 0 ? v : undefined;
  } catch {
    return undefined;
  }
};

/** USB attributes of the nearest USB device above `devicePath` (at most 6 levels up). */
async function usbInfo(devicePath: string): Promise<Omit<PortInfo, 'path'>> {
  let dir = devicePath;
  for (let i = 0; i < 6 && dir !== dirname(dir); i++, dir = dirname(dir)) {
    const vendorId = await readAttr(join(dir, 'idVendor'));
    if (vendorId === undefined) continue;
    const info: Omit<PortInfo, 'path'> = { vendorId: vendorId.toLowerCase() };
    const productId = await readAttr(join(dir, 'idProduct'));
    const manufacturer = await readAttr(join(dir, 'manufacturer'));
    const serialNumber = await readAttr(join(dir, 'serial'));
    if (productId !== undefined) info.productId = productId.toLowerCase();
    if (manufacturer !== undefined) info.manufacturer = manufacturer;
    if (serialNumber !== undefined) info.serialNumber = serialNumber;
    return info;
  }
  return {};
}

/**
 * Ports listed by sysfs, sorted by path. Virtual terminals and PTYs have no `device` link and
 * are left out; so are legacy 8250 ports whose `type` is 0 (no UART behind them).
 */
export async function listSysfsPorts(sources: SysfsPortSources = DEFAULT_SYSFS_PORT_SOURCES): Promise<PortInfo[]> {
  let names: string[];
  try {
    names = await readdir(sources.sysClassTty);
  } catch {
    return [];
  }
  const ports: PortInfo[] = [];
  for (const name of names.sort()) {
    let device: string;
    try {
      device = await realpath(join(sources.sysClassTty, name, 'device'));
    } catch {
      continue;
    }
    if ((await readAttr(join(sources.sysClassTty, name, 'type'))) === '0') continue;
    ports.push({ path: join(sources.devDir, name), ...(await usbInfo(device)) });
  }
  return ports;
}
