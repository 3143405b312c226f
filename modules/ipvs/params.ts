// Params of the ipvs module, the rules ipvsadm or the kernel would otherwise
// only enforce at run time (or silently: the kernel rewrites a DR real
// server's port to the service's), and their conversion into the table model.

import type { Fields, ObjectSpec, ParamSpec } from '../../core/schema/types.js';
import { ipProblem } from '../../core/schema/formats.js';
import { IPVS_SCHEDULERS } from '../lib/config-values.js';
import { HOST_NETMASK, realId, serviceId, type Forward, type Protocol, type RealServer, type ServiceKey, type VirtualService } from '../lib/ipvs-table/model.js';

export interface RealServerParams {
  address: string;
  port?: number;
  forward: string;
  weight: number;
  u_threshold: number;
  l_threshold: number;
}

export interface ServiceParams {
  protocol?: Protocol;
  address?: string;
  port?: number;
  fwmark?: number;
  ipv6?: boolean;
  scheduler: string;
  persistent?: number;
  netmask?: string;
  sched_flags: string[];
  pe?: string;
  ops: boolean;
  real_servers: RealServerParams[];
}

export interface IpvsParams {
  services: ServiceParams[];
  purge: boolean;
  timeouts?: { tcp?: number; tcpfin?: number; udp?: number };
  persist: 'auto' | 'debian' | 'redhat' | 'none';
  drain: number;
  force: boolean;
  state: 'present' | 'absent';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ADDRESS: ParamSpec = { type: 'string', check: ipProblem, patternName: 'an IPv4 or IPv6 address' };

const FORWARDS: Record<string, Forward> = { gate: 'gate', dr: 'gate', masq: 'masq', nat: 'masq', ipip: 'ipip', tun: 'ipip' };
const FLAGS: Record<string, string> = { 'sh-fallback': 'sh', 'sh-port': 'sh', 'mh-fallback': 'mh', 'mh-port': 'mh' };

const realServerSpec: ParamSpec = {
  type: 'object',
  fields: {
    address: { ...ADDRESS, required: true, description: 'real server address' },
    port: { type: 'int', min: 0, max: 65535, description: 'real server port (default: the service port; 0 for fwmark services = the request\'s port)' },
    forward: { type: 'string', enum: Object.keys(FORWARDS), default: 'gate', description: 'gate (direct routing, -g), masq (NAT, -m), ipip (tunnel, -i); dr, nat, tun are accepted too' },
    weight: { type: 'int', min: 0, max: 2147483647, default: 1, description: 'relative capacity; 0 = quiescent (no new connections)' },
    u_threshold: { type: 'int', min: 0, max: 65535, default: 0, description: 'upper connection threshold (-x), 0 = none' },
    l_threshold: { type: 'int', min: 0, max: 65535, default: 0, description: 'lower connection threshold (-y), 0 = none' },
  },
};

const serviceSpec: ObjectSpec = {
  type: 'object',
  fields: {
    protocol: { type: 'string', enum: ['tcp', 'udp', 'sctp'], description: 'with address and port (default tcp)' },
    address: { ...ADDRESS, description: 'virtual IP' },
    port: { type: 'int', min: 0, max: 65535, description: 'virtual port (0 = every port, persistent services only)' },
    fwmark: { type: 'int', min: 1, max: 4294967295, description: 'firewall mark naming the service instead of protocol/address/port' },
    ipv6: { type: 'bool', description: 'fwmark service for IPv6 packets (-6)' },
    scheduler: { type: 'string', default: 'wlc', enum: IPVS_SCHEDULERS, description: 'scheduling method (ipvsadm default wlc)' },
    persistent: { type: 'int', min: 1, max: 4294967295, description: 'persistence timeout in seconds (absent = not persistent)' },
    netmask: { type: 'string', description: 'persistence granularity: dotted quad (IPv4) or prefix length (IPv6)' },
    sched_flags: { type: 'list', single: true, items: { type: 'string', enum: Object.keys(FLAGS) }, default: [], description: 'scheduler flags (-b)' },
    pe: { type: 'string', enum: ['sip'], description: 'persistence engine (--pe)' },
    ops: { type: 'bool', default: false, description: 'one-packet scheduling (UDP)' },
    real_servers: { type: 'list', items: realServerSpec, default: [], description: 'the complete list of real servers of this service' },
  },
  check: checkService,
};

function isV6(address: string): boolean {
  return address.includes(':');
}

function checkService(v: Record<string, unknown>): Array<[string, string]> {
  const s = v as unknown as ServiceParams;
  const out: Array<[string, string]> = [];
  const byAddress = s.address !== undefined || s.port !== undefined;
  if (s.fwmark !== undefined && byAddress) out.push(['fwmark', 'give either fwmark or address and port, not both']);
  else if (s.fwmark === undefined && (s.address === undefined || s.port === undefined)) out.push(['', 'a service needs address and port, or fwmark']);
  if (s.fwmark !== undefined && s.protocol !== undefined) out.push(['protocol', 'a fwmark service has no protocol (the mark covers every protocol it marks)']);
  if (s.ipv6 !== undefined && s.fwmark === undefined) out.push(['ipv6', 'only for fwmark services (the address says the family)']);
  if (s.port === 0 && s.persistent === undefined) out.push(['port', 'port 0 (every port) needs persistent']);
  const v6 = s.fwmark !== undefined ? Boolean(s.ipv6) : isV6(s.address ?? '');
  if (s.netmask !== undefined) {
    if (s.persistent === undefined) out.push(['netmask', 'netmask is the persistence granularity: it needs persistent']);
    else if (v6 ? !/^\d+$/.test(s.netmask) || Number(s.netmask) < 1 || Number(s.netmask) > 128 : !IPV4.test(s.netmask)) {
      out.push(['netmask', v6 ? 'an IPv6 service takes a prefix length from 1 to 128' : 'an IPv4 service takes a dotted quad such as 255.255.255.0']);
    }
  }
  for (const f of s.sched_flags) if (FLAGS[f] !== s.scheduler) out.push(['sched_flags', `${f} is a flag of the ${FLAGS[f]} scheduler, not ${s.scheduler}`]);
  if (s.pe !== undefined && s.persistent === undefined) out.push(['pe', 'a persistence engine needs persistent']);
  if (s.ops && s.fwmark === undefined && (s.protocol ?? 'tcp') !== 'udp') out.push(['ops', 'one-packet scheduling is only for UDP (or fwmark) services']);
  const seen = new Set<string>();
  s.real_servers.forEach((r, i) => {
    const where = `real server ${i + 1} (${r.address})`;
    const port = realPort(s, r);
    const id = realId({ address: r.address, port });
    if (seen.has(id)) out.push(['real_servers', `${where}: ${id} is listed twice`]);
    seen.add(id);
    const forward = FORWARDS[r.forward];
    if (s.fwmark === undefined && forward !== 'masq' && port !== s.port) {
      out.push(['real_servers', `${where}: with forward ${r.forward} the kernel uses the service port ${s.port}; port ${port} needs forward masq`]);
    }
    if (forward !== 'ipip' && isV6(r.address) !== v6) out.push(['real_servers', `${where}: an ${v6 ? 'IPv6' : 'IPv4'} service needs ${v6 ? 'IPv6' : 'IPv4'} real servers (mixed families only with ipip)`]);
    if (r.l_threshold && r.u_threshold && r.l_threshold > r.u_threshold) out.push(['real_servers', `${where}: l_threshold ${r.l_threshold} is above u_threshold ${r.u_threshold}`]);
  });
  return out;
}

function realPort(s: ServiceParams, r: RealServerParams): number {
  return r.port ?? (s.fwmark !== undefined ? 0 : s.port!);
}

export const ipvsParams: Fields = {
  services: { type: 'list', items: serviceSpec, default: [], description: 'virtual services rb manages, each with its complete list of real servers' },
  purge: { type: 'bool', default: false, description: 'remove every other virtual service of the table (and of the saved rules file)' },
  timeouts: {
    type: 'object',
    fields: {
      tcp: { type: 'int', min: 1, max: 2147483647, description: 'TCP session timeout (s)' },
      tcpfin: { type: 'int', min: 1, max: 2147483647, description: 'TCP timeout after FIN (s)' },
      udp: { type: 'int', min: 1, max: 2147483647, description: 'UDP timeout (s)' },
    },
    description: 'connection timeouts (ipvsadm --set); the ones not given are left as they are',
  },
  persist: { type: 'string', enum: ['auto', 'debian', 'redhat', 'none'], default: 'auto', description: 'saved rules file restored at boot: Debian /etc/ipvsadm.rules (+ AUTO="true"), RHEL /etc/sysconfig/ipvsadm; auto picks by distribution' },
  drain: { type: 'int', min: 0, max: 86400, default: 0, description: 'seconds to wait, weight 0, for a leaving real server\'s active connections to end before it is removed (0 = remove at once)' },
  force: { type: 'bool', default: false, description: 'manage services that keepalived or ldirectord on the host also manage' },
  state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'absent removes the listed services' },
};

export function checkIpvsParams(v: Record<string, unknown>): Array<[string, string]> {
  const p = v as unknown as IpvsParams;
  const out: Array<[string, string]> = [];
  const seen = new Map<string, number>();
  p.services.forEach((s, i) => {
    const id = serviceId(keyOf(s));
    if (seen.has(id)) out.push([`services`, `services ${seen.get(id)! + 1} and ${i + 1} are both ${id}`]);
    seen.set(id, i);
  });
  if (p.state === 'absent' && p.purge) out.push(['purge', 'purge keeps only the listed services; with state absent it would empty the table: say which services to remove instead']);
  if (p.state === 'present' && p.services.length === 0 && !p.purge && !p.timeouts) out.push(['services', 'nothing to manage: give services (or purge: true to empty the table)']);
  return out;
}

function keyOf(s: ServiceParams): ServiceKey {
  if (s.fwmark !== undefined) return s.ipv6 ? { fwmark: s.fwmark, ipv6: true } : { fwmark: s.fwmark };
  return { protocol: s.protocol ?? 'tcp', address: s.address!.toLowerCase(), port: s.port! };
}

/** The services the params describe, as the table model. */
export function desiredServices(p: Pick<IpvsParams, 'services'>): VirtualService[] {
  return p.services.map((s) => {
    const key = keyOf(s);
    const v6 = s.fwmark !== undefined ? Boolean(s.ipv6) : isV6(s.address!);
    const reals: RealServer[] = s.real_servers.map((r) => ({
      address: r.address.toLowerCase(),
      port: realPort(s, r),
      forward: FORWARDS[r.forward],
      weight: r.weight,
      uThreshold: r.u_threshold,
      lThreshold: r.l_threshold,
    }));
    const out: VirtualService = { key, scheduler: s.scheduler, schedFlags: [...s.sched_flags].sort(), ops: s.ops, reals };
    if (s.persistent !== undefined) {
      out.persistent = s.persistent;
      out.netmask = s.netmask ?? (v6 ? '128' : HOST_NETMASK);
    }
    if (s.pe !== undefined) out.pe = s.pe;
    return out;
  });
}
