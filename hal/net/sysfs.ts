/**
 * Reads Linux network interfaces from sysfs (`/sys/class/net/<name>/{ifindex,address,operstate,
 * carrier}`) and their usable link-local addresses from procfs (`/proc/net/if_inet6`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { NetInterface } from './contract.js';
import { formatIPv6 } from './address.js';

export interface InterfaceSources {
  /** Directory with one entry per interface. Default `/sys/class/net`. */
  sysfsRoot: string;
  /** The kernel's IPv6 address table. Default `/proc/net/if_inet6`. */
  inet6Path: string;
}

export const DEFAULT_SOURCES: InterfaceSources = { sysfsRoot: '/sys/class/net', inet6Path: '/proc/net/if_inet6' };

// Flags of /proc/net/if_inet6 (IFA_F_*): an address that is tentative or failed DAD is not usable.
const IFA_F_DADFAILED = 0x08;
const IFA_F_TENTATIVE = 0x40;
const SCOPE_LINK = 0x20;

/** One row of /proc/net/if_inet6. */
export interface Inet6Row { address: string; index: number; scope: number; flags: number; name: string }

/** Parse /proc/net/if_inet6: `<32 hex> <ifindex> <prefixlen> <scope> <flags> <name>` per line. */
export function parseInet6(text: string): Inet6Row[] {
  const rows: Inet6Row[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^[0-9a-f]{32}$/i.test(f[0]!)) continue;
    const groups = Array.from({ length: 8 }, (_, i) => parseInt(f[0]!.slice(i * 4, i * 4 + 4), 16));
    rows.push({ address: formatIPv6(groups), index: parseInt(f[1]!, 16), scope: parseInt(f[3]!, 16), flags: parseInt(f[4]!, 16), name: f[5]! });
  }
  return rows;
}

/** Usable (not tentative, not DAD-failed) link-local address of each interface, by name. */
async function linkLocals(src: InterfaceSources): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(src.inet6Path, 'utf8');
  } catch {
    // No table (IPv6 off, unusual procfs): fall back to getifaddrs, which cannot tell DAD state.
    for (const [name, addrs] of Object.entries(networkInterfaces())) {
      const ll = addrs?.find((a) => a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'));
      if (ll) out.set(name, ll.address.split('%')[0]!);
    }
    return out;
  }
  for (const r of parseInet6(text)) {
    if (r.scope !== SCOPE_LINK || (r.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) !== 0 || out.has(r.name)) continue;
    out.set(r.name, r.address);
  }
  return out;
}

const readTrim = (path: string) => readFile(path, 'utf8').then((s) => s.trim(), () => undefined);

/**
 * The interface `name`, or undefined when sysfs has no such interface. Up means carrier present
 * and operstate up (or unknown, which some drivers report while working).
 */
export async function readInterface(src: InterfaceSources, name: string, lls?: Map<string, string>): Promise<NetInterface | undefined> {
  const dir = join(src.sysfsRoot, name);
  const ifindex = await readTrim(join(dir, 'ifindex'));
  if (ifindex === undefined || name.includes('/') || name.startsWith('.')) return undefined;
  const [address, operstate, carrier, addrs] = await Promise.all([
    readTrim(join(dir, 'address')),
    readTrim(join(dir, 'operstate')),
    readTrim(join(dir, 'carrier')), // EINVAL while administratively down: counts as no carrier
    lls ?? linkLocals(src),
  ]);
  return {
    name,
    index: Number(ifindex),
    up: carrier === '1' && (operstate === 'up' || operstate === 'unknown'),
    linkLocal: addrs.get(name),
    mac: (address ?? '00:00:00:00:00:00').toLowerCase(),
  };
}

/** Every interface in sysfs, by index. */
export async function readInterfaces(src: InterfaceSources): Promise<NetInterface[]> {
  let names: string[];
  try {
    names = await readdir(src.sysfsRoot);
  } catch {
    return [];
  }
  const lls = await linkLocals(src);
  const found = await Promise.all(names.map((n) => readInterface(src, n, lls)));
  return found.filter((i): i is NetInterface => i !== undefined).sort((a, b) => a.index - b.index);
}

/** Names sysfs knows, for error messages. */
export async function interfaceNames(src: InterfaceSources): Promise<string[]> {
  return (await readInterfaces(src)).map((i) => i.name);
}
