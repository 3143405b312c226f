// The topology rb lint checks: what every host's resolved tasks say about
// addresses, kernel settings, VRRP, virtual services, marks, heartbeat and
// content sync, in one shape whatever module said it.

import type { Location } from '../errors.js';
import type { Resolution, ResolvedTask } from '../engine/resolve.js';

export type Forward = 'dr' | 'nat' | 'tun';
export type Tool = 'ipvs' | 'keepalived' | 'ldirectord';

export interface RealServer {
  ip: string;
  port?: number;
  forward: Forward;
}

/** One IPVS virtual service, as one tool on one host manages it. */
export interface Service {
  host: string;
  tool: Tool;
  /** `tcp 10.0.0.1:80` or `fwmark 3`. */
  key: string;
  vip?: string;
  port?: number;
  fwmark?: number;
  reals: RealServer[];
  /** ldirectord run by heartbeat on the active node only. */
  activeOnly: boolean;
  loc: Location;
}

export interface VrrpInstance {
  host: string;
  name: string;
  state?: string;
  interface?: string;
  vrid?: number;
  priority?: number;
  advertInt?: number;
  auth?: string;
  vips: string[];
  unicastPeers: string[];
  nopreempt: boolean;
  notify: string[];
  loc: Location;
}

export interface Mark {
  host: string;
  destination?: string;
  dport?: string;
  macSource?: string;
  setMark?: number;
  loc: Location;
}

/** A nat PREROUTING REDIRECT: traffic it matches goes to the host's own address, not to IPVS or a VIP it holds. */
export interface Redirect {
  host: string;
  /** As written, `! ` and a /prefix allowed. */
  destination?: string;
  protocol?: string;
  dport?: string;
  /** The rule is wanted only while the host does not hold this address. */
  unlessAddress?: string;
  loc: Location;
}

export interface Alias {
  host: string;
  address: string;
  prefix: number;
  interface: string;
  loc: Location;
}

export interface HostModel {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
  /** ansible_host, or the name when it is an address. */
  address?: string;
  sysctl: Map<string, { value: string; loc: Location }>;
  aliases: Alias[];
  routes: Array<{ destination: string; gateway?: string; loc: Location }>;
  /** Whether any task of the playbooks runs on the host. */
  managed: boolean;
}

export interface Model {
  hosts: Map<string, HostModel>;
  groups: Record<string, string[]>;
  services: Service[];
  vrrp: VrrpInstance[];
  marks: Mark[];
  redirects: Redirect[];
  heartbeat: Array<{ host: string; params: Record<string, any>; loc: Location }>;
  rsyncd: Array<{ host: string; modules: Record<string, Record<string, any>>; global: Record<string, any>; loc: Location }>;
  sersync: Array<{ host: string; remotes: Array<{ ip: string; module: string }>; user?: string; loc: Location }>;
  tasks: ResolvedTask[];
}

export function stripPrefix(a: string): string {
  return a.split('/')[0].trim().toLowerCase();
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export const isAddress = (s: string) => IPV4.test(s) || s.includes(':');

const FORWARD: Record<string, Forward> = { gate: 'dr', dr: 'dr', route: 'dr', masq: 'nat', nat: 'nat', ipip: 'tun', tun: 'tun', tunnel: 'tun' };

/** `10.0.0.1:80`, `[::1]:80`, `3` (fwmark). */
function hostPort(s: string): { ip?: string; port?: number; fwmark?: number } {
  if (/^\d+$/.test(s)) return { fwmark: Number(s) };
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (v6) return { ip: v6[1].toLowerCase(), port: Number(v6[2]) };
  const m = /^([^:]+):(\d+)$/.exec(s);
  return m ? { ip: m[1].toLowerCase(), port: Number(m[2]) } : { ip: s.toLowerCase() };
}

export function buildModel(r: Resolution): Model {
  const hosts = new Map<string, HostModel>();
  for (const h of r.hosts.values()) {
    const ah = typeof h.vars.ansible_host === 'string' ? h.vars.ansible_host : isAddress(h.name) ? h.name : undefined;
    hosts.set(h.name, { name: h.name, groups: h.groups, vars: h.vars, address: ah?.toLowerCase(), sysctl: new Map(), aliases: [], routes: [], managed: false });
  }
  const m: Model = { hosts, groups: r.groups, services: [], vrrp: [], marks: [], redirects: [], heartbeat: [], rsyncd: [], sersync: [], tasks: r.tasks };
  for (const t of r.tasks) {
    const h = hosts.get(t.host)!;
    h.managed = true;
    const p = t.params as Record<string, any>;
    if (p.state === 'absent') continue;
    switch (t.module) {
      case 'sysctl':
        if (p.name !== undefined) h.sysctl.set(p.name, { value: String(p.value), loc: t.loc });
        for (const [k, v] of Object.entries(p.settings ?? {})) h.sysctl.set(k, { value: String(v), loc: t.loc });
        break;
      case 'ifalias': {
        const [addr, prefix] = String(p.address).split('/');
        h.aliases.push({ host: t.host, address: addr.toLowerCase(), prefix: prefix ? Number(prefix) : addr.includes(':') ? 128 : 32, interface: p.interface, loc: t.loc });
        break;
      }
      case 'route':
        h.routes.push({ destination: String(p.destination), gateway: p.gateway?.toLowerCase(), loc: t.loc });
        break;
      case 'ipvs':
        for (const s of p.services ?? []) {
          if (s.state === 'absent') continue;
          const key = s.fwmark !== undefined ? `fwmark ${s.fwmark}` : `${s.protocol ?? 'tcp'} ${s.address}:${s.port}`;
          m.services.push({ host: t.host, tool: 'ipvs', key, vip: s.address?.toLowerCase(), port: s.port, fwmark: s.fwmark, activeOnly: false, loc: t.loc, reals: (s.real_servers ?? []).map((x: any) => ({ ip: String(x.address).toLowerCase(), port: x.port ?? s.port, forward: FORWARD[x.forward] ?? 'dr' })) });
        }
        break;
      case 'vrrp':
        for (const i of p.instances ?? []) m.vrrp.push(vrrpInstance(t, i));
        for (const s of p.virtual_servers ?? []) {
          const kind = FORWARD[String(s.lb_kind ?? 'NAT').toLowerCase()] ?? 'nat';
          const key = s.fwmark !== undefined ? `fwmark ${s.fwmark}` : s.group !== undefined ? `group ${s.group}` : `${String(s.protocol ?? 'TCP').toLowerCase()} ${s.ip}:${s.port}`;
          m.services.push({ host: t.host, tool: 'keepalived', key, vip: s.ip?.toLowerCase(), port: s.port, fwmark: s.fwmark, activeOnly: false, loc: t.loc, reals: (s.real_servers ?? []).map((x: any) => ({ ip: String(x.ip).toLowerCase(), port: x.port ?? s.port, forward: FORWARD[String(x.lb_kind ?? '').toLowerCase()] ?? kind })) });
        }
        break;
      case 'ldirectord':
        for (const v of p.virtuals ?? []) {
          const at = hostPort(String(v.virtual));
          const key = at.fwmark !== undefined ? `fwmark ${at.fwmark}` : `${v.protocol ?? 'tcp'} ${at.ip}:${at.port}`;
          const reals = (Array.isArray(v.real) ? v.real : v.real ? [v.real] : []).map((line: string) => {
            const [addr, fwd] = String(line).trim().split(/\s+/);
            const hp = hostPort(addr);
            return { ip: hp.ip ?? addr, port: hp.port ?? at.port, forward: FORWARD[fwd ?? 'gate'] ?? 'dr' };
          });
          m.services.push({ host: t.host, tool: 'ldirectord', key, vip: at.ip, port: at.port, fwmark: at.fwmark, reals, activeOnly: p.managed_by === 'heartbeat', loc: t.loc });
        }
        break;
      case 'iptables_mark':
        if ((p.jump ?? 'MARK') === 'MARK' && p.set_mark !== undefined) m.marks.push({ host: t.host, destination: p.destination ? stripPrefix(p.destination) : undefined, dport: p.dport, macSource: p.mac_source, setMark: Number(p.set_mark), loc: t.loc });
        if (p.jump === 'REDIRECT' && p.table === 'nat' && (p.chain ?? 'PREROUTING') === 'PREROUTING') m.redirects.push({ host: t.host, destination: p.destination, protocol: p.protocol, dport: p.dport === undefined ? undefined : String(p.dport), unlessAddress: p.unless_address?.toLowerCase(), loc: t.loc });
        break;
      case 'heartbeat':
        m.heartbeat.push({ host: t.host, params: p, loc: t.loc });
        break;
      case 'rsyncd':
        m.rsyncd.push({ host: t.host, modules: p.modules ?? {}, global: p, loc: t.loc });
        break;
      case 'sersync':
        m.sersync.push({ host: t.host, remotes: (p.remotes ?? []).map((x: any) => ({ ip: String(x.ip).toLowerCase(), module: String(x.module) })), user: p.auth?.user, loc: t.loc });
        break;
    }
  }
  return m;
}

function vrrpInstance(t: ResolvedTask, i: Record<string, any>): VrrpInstance {
  const auth = i.authentication ? `${i.authentication.auth_type ?? ''} ${i.authentication.auth_pass ?? ''}` : undefined;
  const vips = (i.virtual_ipaddress ?? []).map((v: unknown) => stripPrefix(String(typeof v === 'object' && v ? (v as any).address ?? Object.values(v)[0] : v).split(/\s+/)[0]));
  const notify = ['notify', 'notify_master', 'notify_backup', 'notify_fault'].filter((k) => i[k] !== undefined).map((k) => `${k} ${String(i[k])}`);
  return {
    host: t.host,
    name: String(i.name),
    state: i.state,
    interface: i.interface,
    vrid: i.virtual_router_id,
    priority: i.priority,
    advertInt: i.advert_int ?? 1,
    auth,
    vips: [...vips].sort(),
    unicastPeers: (i.unicast_peer ?? []).map((x: unknown) => stripPrefix(String(x).split(/\s+/)[0])),
    nopreempt: !!i.nopreempt,
    notify,
    loc: t.loc,
  };
}

/** The inventory host whose address (or name) is `ip`, if any. */
export function hostByAddress(m: Model, ip: string): HostModel | undefined {
  const a = stripPrefix(ip);
  for (const h of m.hosts.values()) if (h.address === a || h.name.toLowerCase() === a) return h;
  return undefined;
}

/** Every address a host owns: its inventory address and its aliases off loopback. */
export function ownedAddresses(h: HostModel): string[] {
  return [...(h.address ? [h.address] : []), ...h.aliases.filter((a) => a.interface !== 'lo').map((a) => a.address)];
}

/** Hosts named in inventory order. */
export function inOrder(m: Model, names: Iterable<string>): string[] {
  const set = new Set(names);
  return [...m.hosts.keys()].filter((n) => set.has(n));
}
