// `ipaddr`-style filters for IPv4 (ansible.utils semantics, hand-written):
// '198.18.0.11/24' | ipaddr('address') → '198.18.0.11', ipaddr('prefix') → 24,
// ipaddr('network') → '198.18.0.0', ipaddr('netmask') → '255.255.255.0',
// '198.18.0.0/24' | ipaddr(100) → '198.18.0.100/24'. Invalid input gives false,
// a query that does not apply to a valid address gives none (as ansible.utils);
// a list gives the results that are neither. IPv6 is recognised, barely computed.

import { isIPv4, isIPv6 } from 'node:net';
import { TemplateError } from '../../errors.js';
import { pyStr, unbox } from '../python.js';
import type { Filter } from './registry.js';

interface V4 {
  ip: number;
  prefix: number;
  /** Written with a prefix or mask (a network), or a bare address. */
  cidr: boolean;
}

const toInt = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
export const toDotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

function maskToPrefix(mask: string): number | undefined {
  if (!isIPv4(mask)) return undefined;
  const m = toInt(mask);
  for (let p = 0; p <= 32; p++) if (maskOf(p) === m) return p;
  return undefined;
}

export function parseV4(value: unknown): V4 | undefined {
  const v = unbox(value);
  if (typeof v !== 'string') return undefined;
  const [addr, pfx, extra] = v.trim().split('/');
  if (extra !== undefined || !isIPv4(addr)) return undefined;
  if (pfx === undefined) return { ip: toInt(addr), prefix: 32, cidr: false };
  const prefix = /^\d{1,2}$/.test(pfx) ? Number(pfx) : maskToPrefix(pfx);
  if (prefix === undefined || prefix > 32) return undefined;
  return { ip: toInt(addr), prefix, cidr: true };
}

function isV6(value: unknown): boolean {
  const v = unbox(value);
  if (typeof v !== 'string') return false;
  const [addr, pfx, extra] = v.split('/');
  return extra === undefined && isIPv6(addr) && (pfx === undefined || (/^\d{1,3}$/.test(pfx) && Number(pfx) <= 128));
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15', '169.254.0.0/16', '127.0.0.0/8'].map((c) => parseV4(c)!);
const within = (ip: number, net: V4) => (ip & maskOf(net.prefix)) >>> 0 === net.ip;

/** One query on one parsed address; null when the query does not apply. */
function query(a: V4, q: unknown, original: string): unknown {
  const mask = maskOf(a.prefix);
  const network = (a.ip & mask) >>> 0;
  const size = 2 ** (32 - a.prefix);
  const broadcast = network + size - 1;
  const isHost = a.ip !== network || a.prefix >= 31;
  if (typeof q === 'number') {
    const i = q < 0 ? size + q : q;
    return Number.isInteger(q) && i >= 0 && i < size ? `${toDotted(network + i)}/${a.prefix}` : false;
  }
  switch (q) {
    case '':
    case null:
    case undefined:
      return original;
    case 'address':
      return isHost ? toDotted(a.ip) : null;
    case 'host':
      return size === 1 ? `${toDotted(a.ip)}/32` : isHost ? `${toDotted(a.ip)}/${a.prefix}` : null;
    case 'address/prefix':
    case 'host/prefix':
      return size > 1 && isHost ? `${toDotted(a.ip)}/${a.prefix}` : false;
    case 'network':
      return toDotted(network);
    case 'netmask':
      return toDotted(mask);
    case 'hostmask':
      return toDotted(~mask >>> 0);
    case 'prefix':
      return a.prefix;
    case 'broadcast':
      return size > 2 ? toDotted(broadcast) : null;
    case 'size':
      return size;
    case 'subnet':
      return `${toDotted(network)}/${a.prefix}`;
    case 'cidr':
      return `${toDotted(a.ip)}/${a.prefix}`;
    case 'net':
      return size > 1 && a.ip === network ? `${toDotted(network)}/${a.prefix}` : null;
    case 'version':
      return 4;
    case 'bool':
      return true;
    case 'private':
      return PRIVATE.some((n) => within(a.ip, n)) ? original : null;
    case 'public':
      return PRIVATE.some((n) => within(a.ip, n)) ? null : original;
    default:
      throw new TemplateError(`ipaddr: unknown query "${pyStr(q)}"`);
  }
}

function ipFilter(name: string, allowV4: boolean, allowV6: boolean): Filter {
  const one = (value: unknown, q: unknown): unknown => {
    const a = allowV4 ? parseV4(value) : undefined;
    if (a) return query(a, q, pyStr(value).trim());
    if (allowV6 && isV6(value)) {
      if (q === undefined || q === '' || q === null) return pyStr(value);
      if (q === 'bool') return true;
      if (q === 'version') return 6;
      if (q === 'address') return pyStr(value).split('/')[0];
      throw new TemplateError(`${name}('${pyStr(q)}'): only IPv4 is supported for this query`);
    }
    return false;
  };
  return (value: unknown, q?: unknown) => {
    const v = unbox(value);
    if (Array.isArray(v)) return v.map((x) => one(x, q)).filter((r) => r !== false && r !== null);
    return one(v, q);
  };
}

export const ipFilters: Record<string, Filter> = {
  ipaddr: ipFilter('ipaddr', true, true),
  ipv4: ipFilter('ipv4', true, false),
  ipv6: ipFilter('ipv6', false, true),
  /** '198.18.0.10' | ipmath(5) → '198.18.0.15' */
  ipmath(value: unknown, n: unknown) {
    const a = parseV4(value);
    if (!a) throw new TemplateError(`ipmath: "${pyStr(value)}" is not an IPv4 address`);
    const r = a.ip + Number(n);
    if (!Number.isInteger(Number(n)) || r < 0 || r > 0xffffffff) throw new TemplateError(`ipmath: ${pyStr(value)} + ${pyStr(n)} is out of range`);
    return toDotted(r);
  },
  /** '198.18.0.0/24' | nthhost(10) → '198.18.0.10' */
  nthhost(value: unknown, n: unknown) {
    const a = parseV4(value);
    if (!a) return false;
    const r = query(a, Number(n), pyStr(value));
    return r === false ? false : String(r).split('/')[0];
  },
};
