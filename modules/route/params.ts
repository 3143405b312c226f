// Params of the route module: one route of the main table, by destination.

import type { Fields, ObjectSpec } from '../../core/schema/types.js';
import { isIP } from 'node:net';
import { parsePrefix, type IpPrefix } from '../../core/net/address.js';

export interface RouteParams {
  destination: string;
  gateway?: string;
  interface?: string;
  metric?: number;
  state: 'present' | 'absent';
  persist: 'auto' | 'debian' | 'redhat' | 'none';
}

// Linux interface names: at most 15 bytes, no '/', ':' or whitespace (an alias label is not a device).
const IFNAME = /^[A-Za-z0-9_.@+-]{1,15}$/;

export const routeParams: Fields = {
  destination: {
    type: 'string',
    required: true,
    aliases: ['dest', 'to'],
    description: '`default`, a host (`198.18.0.100`, route add -host) or a network (`10.1.0.0/16`).',
  },
  gateway: { type: 'string', aliases: ['via'], description: 'Next hop (the LVS-NAT real servers\' director inside address).' },
  interface: {
    type: 'string',
    aliases: ['dev'],
    pattern: IFNAME,
    patternName: 'an interface name (eth0; for an alias such as ens33:0 give its interface, ens33)',
    description: 'Output device.',
  },
  metric: { type: 'int', min: 0, max: 4294967295, description: 'Route metric (priority); routes differing only in metric are distinct routes.' },
  state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
  persist: {
    type: 'string',
    enum: ['auto', 'debian', 'redhat', 'none'],
    default: 'auto',
    description: 'Boot persistence: a Debian if-up.d hook, a RHEL route-<interface> line; auto detects the distribution.',
  },
};

/** The destination as a prefix: `default` is 0.0.0.0/0 (or ::/0 with an IPv6 gateway). */
export function destinationPrefix(p: Pick<RouteParams, 'destination' | 'gateway'>): IpPrefix | null {
  const d = p.destination.trim();
  if (d === 'default') return isIP(p.gateway ?? '') === 6 ? { family: 'inet6', address: '::', prefix: 0 } : { family: 'inet', address: '0.0.0.0', prefix: 0 };
  return parsePrefix(d);
}

/** Whether the prefix has host bits set (`ip route add 10.0.0.5/24` is refused by the kernel). */
function hostBitsSet(p: IpPrefix): boolean {
  if (p.family !== 'inet') return false;
  const n = p.address.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - p.prefix);
  return n % size !== 0;
}

export const routeRules: ObjectSpec['check'] = (v) => {
  const p = v as unknown as RouteParams;
  const problems: Array<[string, string]> = [];
  const dst = destinationPrefix(p);
  if (!dst) problems.push(['destination', `expected "default", an IP address or a network ADDR/PREFIX, got ${JSON.stringify(p.destination)}`]);
  else if (hostBitsSet(dst)) problems.push(['destination', `${p.destination} has host bits set: the network is ${networkOf(dst)}`]);
  if (p.gateway !== undefined) {
    const fam = isIP(p.gateway);
    if (fam === 0) problems.push(['gateway', `expected an IP address, got ${JSON.stringify(p.gateway)}`]);
    else if (dst && (fam === 4) !== (dst.family === 'inet')) problems.push(['gateway', `${p.gateway} is not of the destination's address family`]);
  }
  if (p.state === 'present' && p.gateway === undefined && p.interface === undefined) {
    problems.push(['gateway', 'a route needs a gateway, an interface, or both']);
  }
  if (p.persist === 'redhat' && p.interface === undefined) problems.push(['interface', 'persist: redhat writes route-<interface>, so an interface is needed']);
  return problems;
};

function networkOf(p: IpPrefix): string {
  const n = p.address.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const net = n - (n % 2 ** (32 - p.prefix));
  return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${p.prefix}`;
}
