/**
 * IPv6 address text for dock links: parse and print in the canonical RFC 5952 form, derive a
 * link-local address from a MAC (modified EUI-64), and recognise link-local multicast groups.
 */

/** The 8 16-bit groups of an IPv6 address, or undefined when `text` is not one (zone ignored). */
export function parseIPv6(text: string): number[] | undefined {
  const at = text.indexOf('%');
  let s = (at >= 0 ? text.slice(0, at) : text).toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    s = s.slice(0, v4.index) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups: number[] = [];
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

/** RFC 5952 text of 8 groups: lower case, no leading zeros, longest zero run (>= 2) as `::`. */
export function formatIPv6(groups: readonly number[]): string {
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: readonly number[]) => a.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** The canonical form of an IPv6 address (zone dropped), or undefined when it is not one. */
export function canonicalIPv6(text: string): string | undefined {
  const g = parseIPv6(text);
  return g && formatIPv6(g);
}

/** True for a 48-bit hardware address written `aa:bb:cc:dd:ee:ff`. */
export const isMac = (mac: string) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac);

/** The link-local address Linux gives an interface with this MAC (addr_gen_mode eui64). */
export function linkLocalFromMac(mac: string): string {
  if (!isMac(mac)) throw new TypeError(`MAC must be six hex octets aa:bb:cc:dd:ee:ff, got ${JSON.stringify(mac)}`);
  const b = mac.split(':').map((x) => parseInt(x, 16));
  return formatIPv6([0xfe80, 0, 0, 0, ((b[0]! ^ 0x02) << 8) | b[1]!, (b[2]! << 8) | 0xff, 0xfe00 | b[3]!, (b[4]! << 8) | b[5]!]);
}

/** True for a link-local address (fe80::/10). */
export function isLinkLocal(address: string): boolean {
  const g = parseIPv6(address);
  return g !== undefined && (g[0]! & 0xffc0) === 0xfe80;
}

/** True for a link-scope multicast group (ffX2::/16, e.g. ff02::1). */
export function isLinkLocalMulticast(group: string): boolean {
  const g = parseIPv6(group);
  return g !== undefined && (g[0]! & 0xff0f) === 0xff02;
}

/** True for any multicast address (ff00::/8). */
export function isMulticast(address: string): boolean {
  const g = parseIPv6(address);
  return g !== undefined && (g[0]! >> 8) === 0xff;
}

/** A TCP/UDP port number; 0 ("pick one") only when `allowZero`. Throws RangeError naming `what`. */
export function checkPort(port: number, what: string, allowZero: boolean): void {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new RangeError(`${what}: port must be an integer ${allowZero ? '0' : '1'}-65535, got ${port}`);
  }
}

/** Throws TypeError unless `e` is an IPv6 endpoint with a port and a scope (interface name). */
export function checkEndpoint(e: { address?: unknown; port?: unknown; scope?: unknown } | undefined, what: string): void {
  if (!e || typeof e.address !== 'string' || parseIPv6(e.address) === undefined || e.address.includes('%')) {
    throw new TypeError(`${what}: address must be an IPv6 address without %scope, got ${JSON.stringify(e?.address)}`);
  }
  if (typeof e.scope !== 'string' || !isInterfaceName(e.scope)) {
    throw new TypeError(`${what}: scope must be an interface name such as port1, got ${JSON.stringify(e.scope)}`);
  }
  if (typeof e.port !== 'number' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
    throw new TypeError(`${what}: port must be an integer 1-65535, got ${JSON.stringify(e.port)}`);
  }
}

/** A Linux interface name: 1-15 characters, no slash, colon, percent or white space. */
export const isInterfaceName = (name: string) => /^[^/:%\s]{1,15}$/.test(name) && name !== '.' && name !== '..';
