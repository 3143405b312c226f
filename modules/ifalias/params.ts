// Params of the ifalias module.

import type { Fields, ObjectSpec } from '../../core/schema/types.js';
import { isIP } from 'node:net';
import { parsePrefix } from '../../core/net/address.js';
import { interfaceNameProblem } from '../../core/schema/formats.js';

export interface IfaliasParams {
  address: string;
  interface: string;
  label?: string;
  broadcast?: string;
  state: 'present' | 'absent';
  persist: 'auto' | 'debian' | 'redhat' | 'none';
  host_route: boolean;
  gratuitous_arp: boolean;
}

// Linux interface names: at most 15 bytes, no '/', ':' or whitespace (':' only in labels).
const IFNAME = /^[A-Za-z0-9_.@+-]{1,15}$/;
const LABEL = /^[A-Za-z0-9_.@+][A-Za-z0-9_.@+:-]{0,14}$/;

export const ifaliasParams: Fields = {
  address: { type: 'string', required: true, description: 'IPv4/IPv6 address with optional prefix; a VIP without one is /32 (/128).' },
  interface: { type: 'string', required: true, aliases: ['dev'], pattern: IFNAME, check: interfaceNameProblem, patternName: 'an interface name (lo, eth0)', description: 'Interface the address lives on.' },
  label: { type: 'string', pattern: LABEL, patternName: 'an address label such as lo:0 (at most 15 characters)', description: 'IPv4 alias label, e.g. lo:0 (ifconfig style).' },
  broadcast: { type: 'string', description: 'IPv4 broadcast address.' },
  state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
  persist: {
    type: 'string',
    enum: ['auto', 'debian', 'redhat', 'none'],
    default: 'auto',
    description: 'Boot persistence: Debian interfaces.d stanza, RHEL ifcfg-<label>; auto detects the distribution.',
  },
  host_route: { type: 'bool', default: false, description: 'Ensure a host route ADDR/32 dev IF (route add -host), unless the kernel already routes ADDR on IF.' },
  gratuitous_arp: { type: 'bool', default: true, description: 'After adding on a non-loopback interface, announce the address (arping -U).' },
};

export const ifaliasRules: ObjectSpec['check'] = (v) => {
  const p = v as unknown as IfaliasParams;
  const problems: Array<[string, string]> = [];
  const addr = parsePrefix(p.address);
  if (!addr) problems.push(['address', `expected an IPv4 or IPv6 address with an optional /prefix, got ${JSON.stringify(p.address)}`]);
  if (p.label !== undefined) {
    if (addr?.family === 'inet6') problems.push(['label', 'IPv6 addresses have no labels']);
    if (!p.label.startsWith(p.interface)) problems.push(['label', `must begin with the interface name (${p.interface}:N), got ${JSON.stringify(p.label)}`]);
  }
  if (p.broadcast !== undefined && (isIP(p.broadcast) !== 4 || addr?.family === 'inet6')) {
    problems.push(['broadcast', `expected an IPv4 broadcast address for an IPv4 address, got ${JSON.stringify(p.broadcast)}`]);
  }
  if (p.persist === 'redhat' && p.label === undefined) problems.push(['label', 'persist: redhat writes ifcfg-<label>, so a label is needed']);
  if (p.persist === 'redhat' && addr?.family === 'inet6') problems.push(['persist', 'ifcfg alias files carry IPv4 only; use persist: none for IPv6']);
  return problems;
};
