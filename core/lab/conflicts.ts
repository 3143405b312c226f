// Does something that is not the lab already use the lab's addresses? Pure
// functions over `ip -j addr show` and `ip -j route show` output.

import { BRIDGE, NAME_PREFIX, SUBNET } from './topology.js';

interface IpAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
}
interface IpLink {
  ifname: string;
  addr_info?: IpAddrInfo[];
}
interface IpRoute {
  dst: string;
  dev?: string;
}

function toInt(addr: string): number {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${addr}`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function parseCidr(cidr: string): { base: number; len: number } {
  const [addr, len = '32'] = cidr.split('/');
  const n = Number(len);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return { base: (toInt(addr) & mask) >>> 0, len: n };
}

export function inSubnet(addr: string, cidr: string): boolean {
  const { base, len } = parseCidr(cidr);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((toInt(addr) & mask) >>> 0) === base;
}

const ours = (dev: string | undefined) => dev === BRIDGE || (dev ?? '').startsWith(NAME_PREFIX);

/**
 * Conflicts: an address inside the lab subnet on an interface that is not
 * the lab's, or a route as specific as the lab's /24 (or more) pointing
 * elsewhere. Broader routes (a /16 on eth1) lose to the lab's /24 and are fine.
 */
export function findConflicts(addrJson: string, routeJson: string, subnet = SUBNET): string[] {
  const links = JSON.parse(addrJson) as IpLink[];
  const routes = JSON.parse(routeJson) as IpRoute[];
  const subnetLen = parseCidr(subnet).len;
  const problems: string[] = [];
  for (const link of links) {
    if (ours(link.ifname)) continue;
    for (const a of link.addr_info ?? []) {
      if (a.family === 'inet' && inSubnet(a.local, subnet)) {
        problems.push(`${a.local}/${a.prefixlen} on ${link.ifname} is inside the lab network ${subnet}`);
      }
    }
  }
  for (const r of routes) {
    if (r.dst === 'default' || ours(r.dev) || !/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(r.dst)) continue;
    const { len } = parseCidr(r.dst);
    if (len >= subnetLen && inSubnet(r.dst.split('/')[0], subnet)) {
      problems.push(`route ${r.dst} via ${r.dev ?? 'another interface'} overlaps the lab network ${subnet}`);
    }
  }
  return problems;
}
