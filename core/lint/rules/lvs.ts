// LVS forwarding across director and real servers: DR real servers hold the
// VIP quietly (the ARP problem) or take its traffic by a REDIRECT bypass, NAT
// real servers answer through a director that forwards, and one service has
// one owner per host.

import type { Finding, Rule } from '../types.js';
import { bypassOf } from '../bypass.js';
import { hostByAddress, inOrder, ownedAddresses, type HostModel, type Model, type Service } from '../model.js';

/** Each (service, real server host) pair whose real server is an inventory host, the director itself left out. */
function realHosts(m: Model, forward: 'dr' | 'nat'): Array<{ s: Service; h: HostModel; port?: number }> {
  const out: Array<{ s: Service; h: HostModel; port?: number }> = [];
  const seen = new Set<string>();
  for (const s of m.services) {
    for (const r of s.reals) {
      if (r.forward !== forward) continue;
      const h = hostByAddress(m, r.ip);
      if (!h || h.name === s.host || !h.managed) continue;
      const key = `${s.vip ?? s.key}|${h.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ s, h, port: r.port });
    }
  }
  return out;
}

/** The effective value of an ARP sysctl: the kernel takes the larger of `all` and the interface's. */
function arpValue(h: HostModel, key: 'arp_ignore' | 'arp_announce'): number {
  let v = Number(h.sysctl.get(`net.ipv4.conf.all.${key}`)?.value ?? 0);
  for (const [k, x] of h.sysctl) {
    const iface = /^net\.ipv4\.conf\.([^.]+)\./.exec(k)?.[1];
    if (k.endsWith(`.${key}`) && iface && !['all', 'default', 'lo'].includes(iface)) v = Math.max(v, Number(x.value));
  }
  return v;
}

export const lvsRules: Array<Rule<Model>> = [
  {
    id: 'lvs/dr-vip-on-lo',
    summary: 'DR real servers hold the VIP on lo as a /32, or redirect its traffic to themselves (nat PREROUTING REDIRECT)',
    check: (m) =>
      realHosts(m, 'dr').flatMap(({ s, h }): Finding[] => {
        if (!s.vip) return [];
        const a = h.aliases.find((x) => x.address === s.vip);
        if (a && a.interface === 'lo' && a.prefix === (s.vip.includes(':') ? 128 : 32)) return [];
        // The bypass: no VIP needed, the REDIRECT rule delivers the VIP's traffic locally.
        if (!a && bypassOf(m, h.name, s)) return [];
        const near = m.redirects.find((r) => r.host === h.name);
        if (!a && near) {
          return [{
            rule: 'lvs/dr-vip-on-lo', severity: 'error', hosts: inOrder(m, [s.host, h.name]),
            message: `real server ${h.name} of ${s.key} (direct routing) holds no VIP, and its REDIRECT rule (${[near.destination ?? 'any address', near.protocol, near.dport].filter(Boolean).join(' ')}) does not take ${s.key}`,
            why: 'in DR the director forwards frames with the VIP as destination; a real server that neither holds the VIP nor redirects that address and port to itself drops them (or forwards them back), so the connections it is given fail',
            fix: `make the REDIRECT rule on ${h.name} match destination ${s.vip}, protocol ${s.key.split(' ')[0]}, dport ${s.port ?? 'any'}; or put ${s.vip}/32 on lo`, loc: near.loc,
          }];
        }
        return [{
          rule: 'lvs/dr-vip-on-lo', severity: 'error', hosts: inOrder(m, [s.host, h.name]),
          message: a ? `real server ${h.name} of ${s.key} has the VIP on ${a.interface}/${a.prefix}, not on lo as a host address` : `real server ${h.name} of ${s.key} (direct routing) is not given the VIP ${s.vip} on lo`,
          why: a ? (a.interface === 'lo' ? 'a wider prefix on lo makes the real server treat the whole subnet as local: its replies to clients in that subnet never leave the box' : 'the VIP on a real interface is announced by ARP: clients and the router reach the real server directly, bypassing the director (the ARP problem)') : 'in DR the director forwards frames with the VIP as destination; a real server without the VIP drops them, so every connection it is given fails',
          fix: `put ${s.vip}/${s.vip.includes(':') ? 128 : 32} on lo of ${h.name} (ifalias: { address: "${s.vip}/32", interface: lo, label: "lo:0" })`, loc: a?.loc ?? s.loc,
        }];
      }),
  },
  {
    id: 'lvs/dr-arp',
    summary: 'DR real servers that hold the VIP have arp_ignore=1 and arp_announce=2',
    check: (m) =>
      realHosts(m, 'dr').flatMap(({ s, h }): Finding[] => {
        // A real server that takes the VIP's traffic by a REDIRECT rule holds no VIP to answer ARP for.
        if (s.vip && !h.aliases.some((x) => x.address === s.vip) && bypassOf(m, h.name, s)) return [];
        const ig = arpValue(h, 'arp_ignore');
        const an = arpValue(h, 'arp_announce');
        if (ig >= 1 && an >= 2) return [];
        const loOnly = ['arp_ignore', 'arp_announce'].some((k) => h.sysctl.has(`net.ipv4.conf.lo.${k}`));
        return [{
          rule: 'lvs/dr-arp', severity: 'error', hosts: inOrder(m, [s.host, h.name]),
          message: `real server ${h.name} of ${s.key} (direct routing): effective arp_ignore ${ig}, arp_announce ${an}${loOnly ? ' (the lo settings do not count: ARP arrives on the real interface)' : ''}`,
          why: 'the real server answers ARP requests for the VIP it holds on lo (the ARP problem): the router learns the real server\'s MAC for the VIP, clients bypass the director and the load is no longer balanced (or connections reset)',
          fix: `set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 on ${h.name} (sysctl, persisted)`, loc: h.sysctl.get('net.ipv4.conf.all.arp_ignore')?.loc ?? s.loc,
        }];
      }),
  },
  {
    id: 'lvs/nat-forward',
    summary: 'a NAT director forwards (ip_forward=1)',
    check: (m) => {
      const hosts = new Map<string, Service>();
      for (const s of m.services) if (s.reals.some((r) => r.forward === 'nat')) hosts.set(s.host, s);
      return [...hosts].filter(([h]) => m.hosts.get(h)!.sysctl.get('net.ipv4.ip_forward')?.value !== '1').map(([h, s]) => ({
        rule: 'lvs/nat-forward', severity: 'error' as const, hosts: [h],
        message: `${h} masquerades ${s.key} to its real servers but the playbook ${m.hosts.get(h)!.sysctl.has('net.ipv4.ip_forward') ? 'sets net.ipv4.ip_forward=0' : 'does not set net.ipv4.ip_forward=1'}`,
        why: 'in NAT the replies of the real servers pass through the director to be rewritten back to the VIP; without forwarding the director drops them and clients time out',
        fix: `set net.ipv4.ip_forward=1 on ${h} (sysctl, persisted)`, loc: m.hosts.get(h)!.sysctl.get('net.ipv4.ip_forward')?.loc ?? s.loc,
      }));
    },
  },
  {
    id: 'lvs/nat-gateway',
    summary: 'NAT real servers route through the director',
    check: (m) =>
      realHosts(m, 'nat').flatMap(({ s, h }): Finding[] => {
        const directors = m.services.filter((x) => (x.vip && x.vip === s.vip) || x.key === s.key).map((x) => m.hosts.get(x.host)!);
        const via = new Set([...directors.flatMap(ownedAddresses), ...m.vrrp.filter((i) => directors.some((d) => d.name === i.host)).flatMap((i) => i.vips)]);
        const dflt = h.routes.filter((r) => r.destination === 'default' || r.destination === '0.0.0.0/0');
        if (dflt.some((r) => r.gateway && via.has(r.gateway))) return [];
        return [{
          rule: 'lvs/nat-gateway', severity: 'error', hosts: inOrder(m, [s.host, h.name]),
          message: `real server ${h.name} of ${s.key} (NAT) ${dflt.length ? `routes through ${dflt.map((r) => r.gateway ?? 'no gateway').join(', ')}, not a director address (${[...via].join(', ')})` : 'is given no default route through the director'}`,
          why: 'the real server\'s replies must go back through the director to be rewritten from its own address to the VIP; through another gateway they reach the client from the wrong address and the client drops them',
          fix: `route default via the director's inside address on ${h.name} (route: { destination: default, gateway: ${directors[0]?.address ?? 'DIRECTOR'} }), or a VRRP inside VIP when there are two directors`, loc: dflt[0]?.loc ?? s.loc,
        }];
      }),
  },
  {
    id: 'lvs/one-owner',
    summary: 'one IPVS service on a host is managed by one tool',
    check: (m) => {
      const by = new Map<string, Service[]>();
      for (const s of m.services) by.set(`${s.host}|${s.key}`, [...(by.get(`${s.host}|${s.key}`) ?? []), s]);
      return [...by.values()].filter((l) => new Set(l.map((s) => s.tool)).size > 1).map((l) => ({
        rule: 'lvs/one-owner', severity: 'error' as const, hosts: [l[0].host],
        message: `${l[0].host}: ${l[0].key} is managed by ${[...new Set(l.map((s) => s.tool))].join(' and ')}`,
        why: 'each tool rewrites the service to its own list: keepalived and ldirectord re-add what ipvsadm rules remove (and the reverse) at every check, real servers come and go, and drift never settles',
        fix: 'let one tool own the service: drop it from the ipvs task when keepalived or ldirectord manages it, or from their config', loc: l[1].loc,
      }));
    },
  },
];
