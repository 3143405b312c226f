// VRRP (keepalived) across the nodes of one instance: the peers must agree on
// what they elect (router id, auth, VIPs, advert interval) and differ in
// priority; only one may start MASTER; a router id is used once per segment.

import type { Finding, Rule } from '../types.js';
import { inOrder, ownedAddresses, type Model, type VrrpInstance } from '../model.js';

/** The nodes of each instance (same name), when it runs on two hosts or more. */
function peerGroups(m: Model): Array<{ name: string; nodes: VrrpInstance[] }> {
  const by = new Map<string, VrrpInstance[]>();
  for (const i of m.vrrp) by.set(i.name, [...(by.get(i.name) ?? []), i]);
  return [...by].filter(([, n]) => new Set(n.map((i) => i.host)).size > 1).map(([name, nodes]) => ({ name, nodes }));
}

const hostsOf = (m: Model, nodes: VrrpInstance[]) => inOrder(m, nodes.map((n) => n.host));
const show = (nodes: VrrpInstance[], f: (i: VrrpInstance) => unknown) => nodes.map((i) => `${i.host}: ${JSON.stringify(f(i)) ?? 'unset'}`).join(', ');

/** A rule that the nodes of every instance hold the same value of `field`. */
function same(id: string, what: string, f: (i: VrrpInstance) => unknown, why: string, fix: string, secret = false): Rule<Model> {
  return {
    id,
    summary: `the nodes of a VRRP instance have the same ${what}`,
    check: (m) =>
      peerGroups(m)
        .filter(({ nodes }) => new Set(nodes.map((i) => JSON.stringify(f(i)))).size > 1)
        .map(({ name, nodes }) => ({
          rule: id,
          severity: 'error',
          hosts: hostsOf(m, nodes),
          message: `VRRP instance ${name}: ${what} differs between its nodes${secret ? ' (values not shown)' : ` (${show(nodes, f)})`}`,
          why,
          fix,
          loc: nodes[0].loc,
        })),
  };
}

const BOTH_MASTER = 'each node stops hearing the other\'s adverts, so every node becomes MASTER and puts the VIP up: two hosts answer ARP for the VIP (the ARP problem between directors), clients flap between them and connections break';

export const vrrpRules: Array<Rule<Model>> = [
  same('vrrp/router-id', 'virtual_router_id', (i) => i.vrid, `adverts carry the router id; with different ids the nodes run two separate routers: ${BOTH_MASTER}`, 'give every node of the instance the same virtual_router_id'),
  same('vrrp/auth', 'authentication (auth_type/auth_pass)', (i) => i.auth, `keepalived drops adverts that fail authentication: ${BOTH_MASTER}`, 'use the same auth_type and auth_pass on every node (keepalived keeps only the first 8 characters of auth_pass)', true),
  same('vrrp/vips', 'virtual_ipaddress list', (i) => i.vips, 'after a failover the new MASTER brings up other addresses than the old one: the missing VIPs stop answering (and keepalived logs an address-list mismatch)', 'list the same virtual_ipaddress entries on every node'),
  same('vrrp/advert-int', 'advert_int', (i) => i.advertInt, `keepalived discards adverts whose interval differs from its own: ${BOTH_MASTER}`, 'set the same advert_int on every node'),
  {
    id: 'vrrp/priority',
    summary: 'the nodes of a VRRP instance have different priorities',
    check: (m) =>
      peerGroups(m).flatMap(({ name, nodes }) => {
        const seen = new Map<number, VrrpInstance[]>();
        for (const i of nodes) if (i.priority !== undefined) seen.set(i.priority, [...(seen.get(i.priority) ?? []), i]);
        return [...seen].filter(([, n]) => n.length > 1).map(([p, n]): Finding => ({
          rule: 'vrrp/priority', severity: 'warning', hosts: hostsOf(m, n),
          message: `VRRP instance ${name}: ${n.map((i) => i.host).join(' and ')} both have priority ${p}`,
          why: 'with equal priorities the election falls to the higher interface address, not to the node you meant; which director holds the VIP after a restart is an accident',
          fix: 'give the intended MASTER a higher priority than every BACKUP (e.g. 100 and 50)', loc: n[0].loc,
        }));
      }),
  },
  {
    id: 'vrrp/one-master',
    summary: 'one node of a VRRP instance starts as MASTER, and it has the highest priority',
    check: (m) =>
      peerGroups(m).flatMap(({ name, nodes }): Finding[] => {
        const masters = nodes.filter((i) => String(i.state).toUpperCase() === 'MASTER');
        const out: Finding[] = [];
        if (masters.length > 1) out.push({
          rule: 'vrrp/one-master', severity: 'error', hosts: hostsOf(m, masters),
          message: `VRRP instance ${name}: ${masters.length} nodes start as MASTER (${masters.map((i) => i.host).join(', ')})`,
          why: 'both bring the VIP up at start and send gratuitous ARP until the adverts settle it; with nopreempt or a lost advert they stay MASTER together and the VIP answers from two directors',
          fix: 'state MASTER on one node, BACKUP on the others', loc: masters[1].loc,
        });
        const top = Math.max(...nodes.map((i) => i.priority ?? 100));
        for (const mm of masters.length === 1 ? masters : []) {
          const higher = nodes.filter((i) => i !== mm && (i.priority ?? 100) > (mm.priority ?? 100));
          if (higher.length && (mm.priority ?? 100) < top) out.push({
            rule: 'vrrp/one-master', severity: 'warning', hosts: hostsOf(m, [mm, ...higher]),
            message: `VRRP instance ${name}: ${mm.host} starts as MASTER with priority ${mm.priority ?? 100}, below ${higher.map((i) => `${i.host} (${i.priority})`).join(', ')}`,
            why: 'the BACKUP with the higher priority takes the VIP over as soon as it hears the MASTER: every start moves the VIP twice and drops connections',
            fix: 'give the MASTER the highest priority, or make the higher node the MASTER', loc: mm.loc,
          });
        }
        return out;
      }),
  },
  {
    id: 'vrrp/router-id-unique',
    summary: 'a virtual_router_id is used by one VRRP instance per network segment',
    check: (m) => {
      const seg = (i: VrrpInstance) => `${i.interface ?? ''}@${segmentOf(m.hosts.get(i.host)?.address)}`;
      const byVrid = new Map<string, Map<string, VrrpInstance[]>>();
      for (const i of m.vrrp) {
        if (i.vrid === undefined) continue;
        const k = `${i.vrid} ${seg(i)}`;
        const names = byVrid.get(k) ?? new Map<string, VrrpInstance[]>();
        names.set(i.name, [...(names.get(i.name) ?? []), i]);
        byVrid.set(k, names);
      }
      return [...byVrid].filter(([, names]) => names.size > 1).map(([k, names]): Finding => {
        const all = [...names.values()].flat();
        return {
          rule: 'vrrp/router-id-unique', severity: 'error', hosts: hostsOf(m, all),
          message: `virtual_router_id ${k.split(' ')[0]} is used by ${names.size} instances on one segment (${[...names.keys()].join(', ')})`,
          why: 'the router id is the VRRP virtual MAC (00:00:5e:00:01:ID) and what adverts are matched by: the instances read each other\'s adverts (auth or address-list errors, both sides MASTER) and their VIPs share one MAC, so the switch and ARP caches send traffic for one VIP to the other router',
          fix: 'give each VRRP instance on a segment its own virtual_router_id (1-255), the same on all of its nodes', loc: all[0].loc,
        };
      });
    },
  },
  {
    id: 'vrrp/unicast-peers',
    summary: 'unicast_peer lists of the nodes of an instance point at each other',
    check: (m) =>
      peerGroups(m).flatMap(({ name, nodes }): Finding[] => {
        if (!nodes.some((i) => i.unicastPeers.length)) return [];
        const out: Finding[] = [];
        for (const i of nodes) {
          const others = nodes.filter((o) => o.host !== i.host);
          const missing = others.filter((o) => !ownedAddresses(m.hosts.get(o.host)!).some((a) => i.unicastPeers.includes(a)));
          const self = ownedAddresses(m.hosts.get(i.host)!).filter((a) => i.unicastPeers.includes(a));
          if (!missing.length && !self.length) continue;
          out.push({
            rule: 'vrrp/unicast-peers', severity: 'error', hosts: inOrder(m, [i.host, ...missing.map((o) => o.host)]),
            message: `VRRP instance ${name} on ${i.host}: unicast_peer [${i.unicastPeers.join(', ')}]${missing.length ? ` does not name ${missing.map((o) => `${o.host} (${m.hosts.get(o.host)?.address ?? 'no address'})`).join(', ')}` : ''}${self.length ? `${missing.length ? ' and' : ''} names the host itself (${self.join(', ')})` : ''}`,
            why: `with unicast_peer set, adverts go only to the listed addresses: a peer left out never hears this node, so ${BOTH_MASTER}`,
            fix: 'list every other node\'s address in each node\'s unicast_peer (and not the node\'s own)', loc: i.loc,
          });
        }
        return out;
      }),
  },
];

/** The /24 (IPv4) a host's address is in; hosts whose address is unknown share one segment. */
function segmentOf(address?: string): string {
  return address && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? address.split('.').slice(0, 3).join('.') : '?';
}
