// heartbeat clusters: the nodes share authkeys and haresources, the `node`
// names are the hosts' names, and unicast heartbeats point at each other.

import type { Finding, Rule } from '../types.js';
import { inOrder, ownedAddresses, type Model } from '../model.js';

type Node = Model['heartbeat'][number];

/** Nodes grouped by the cluster they name (their sorted `node` list), else by the hosts that run heartbeat together. */
function clusters(m: Model): Node[][] {
  const by = new Map<string, Node[]>();
  for (const n of m.heartbeat) {
    const nodes = [...(n.params.ha_cf?.node ?? [])].map(String).sort();
    const key = nodes.length ? nodes.join(' ') : '';
    by.set(key, [...(by.get(key) ?? []), n]);
  }
  // Hosts whose node lists differ but name each other are still one cluster (a wrong name is reported, not a split).
  const groups = [...by.values()];
  const merged: Node[][] = [];
  for (const g of groups) {
    const names = new Set(g.flatMap((n) => [n.host, ...(n.params.ha_cf?.node ?? []).map(String)]));
    const into = merged.find((x) => x.some((n) => names.has(n.host) || (n.params.ha_cf?.node ?? []).some((y: string) => names.has(String(y)))));
    if (into) into.push(...g);
    else merged.push([...g]);
  }
  return merged.filter((g) => g.length > 1);
}

function same(id: string, what: string, f: (n: Node) => unknown, why: string, fix: string, secret = false): Rule<Model> {
  return {
    id,
    summary: `the nodes of a heartbeat cluster have the same ${what}`,
    check: (m) =>
      clusters(m).filter((g) => new Set(g.map((n) => JSON.stringify(f(n)))).size > 1).map((g): Finding => ({
        rule: id, severity: 'error', hosts: inOrder(m, g.map((n) => n.host)),
        message: `heartbeat cluster ${inOrder(m, g.map((n) => n.host)).join(', ')}: ${what} differ${secret ? ' (values not shown)' : ` (${g.map((n) => `${n.host}: ${JSON.stringify(f(n))}`).join('; ')})`}`,
        why, fix, loc: g[0].loc,
      })),
  };
}

const authOf = (n: Node) => {
  const a = n.params.authkeys ?? {};
  return [a.method, a.key, a.index, ...(a.also_accept ?? []).map((x: any) => `${x.index} ${x.method} ${x.key}`).sort()];
};

export const heartbeatRules: Array<Rule<Model>> = [
  same('heartbeat/authkeys', 'authkeys', authOf, 'heartbeat drops packets whose signature does not match its own key: each node thinks the other is dead, both take the resources (the VIP on two boxes, ldirectord on both: split brain)', 'use the same authkeys (method, key and key number) on both nodes; rotate keys with also_accept on both', true),
  same('heartbeat/haresources', 'haresources', (n) => n.params.resources ?? null, 'haresources must be identical on both nodes: after a failover the other node starts other resources (or none), and auto_failback moves them to a node that does not have them', 'use the same resources list on both nodes'),
  same('heartbeat/timing', 'keepalive/deadtime/initdead/udpport', (n) => [n.params.ha_cf?.keepalive, n.params.ha_cf?.deadtime, n.params.ha_cf?.initdead, n.params.ha_cf?.udpport], 'with a different deadtime one node declares the other dead sooner than the other would (needless failovers); a different udpport means they never hear each other', 'use the same timing and port on both nodes'),
  {
    id: 'heartbeat/node-names',
    summary: 'the `node` names of a heartbeat cluster are the names of its hosts',
    check: (m) =>
      clusters(m).flatMap((g): Finding[] => {
        const hosts = g.map((n) => n.host);
        const out: Finding[] = [];
        for (const n of g) {
          const names: string[] = (n.params.ha_cf?.node ?? []).map(String);
          const unknown = names.filter((x) => !hosts.includes(x) && !hosts.some((h) => h.split('.')[0] === x));
          const absent = hosts.filter((h) => !names.includes(h) && !names.includes(h.split('.')[0]));
          if (!unknown.length && !absent.length) continue;
          out.push({
            rule: 'heartbeat/node-names', severity: 'error', hosts: inOrder(m, hosts),
            message: `heartbeat on ${n.host}: node ${names.join(' ')}${absent.length ? `; ${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} not named` : ''}${unknown.length ? `; ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} no host of the cluster` : ''}`,
            why: 'heartbeat knows a node by `uname -n`: a node whose name is not listed is refused, and a resource group preferring an unknown name is never started where it should be',
            fix: 'list exactly the cluster\'s host names (uname -n, which should equal the inventory names) in node on both nodes', loc: n.loc,
          });
        }
        return out;
      }),
  },
  {
    id: 'heartbeat/ucast-peers',
    summary: 'unicast heartbeats of each node point at the other node',
    check: (m) =>
      clusters(m).flatMap((g): Finding[] =>
        g.flatMap((n): Finding[] => {
          const peers: string[] = (n.params.ha_cf?.ucast ?? []).map((u: any) => String(u.peer).toLowerCase());
          if (!peers.length) return [];
          const others = g.filter((o) => o.host !== n.host);
          const missing = others.filter((o) => !ownedAddresses(m.hosts.get(o.host)!).some((a) => peers.includes(a) || peers.includes(o.host)));
          const self = peers.filter((p) => ownedAddresses(m.hosts.get(n.host)!).includes(p));
          // heartbeat ignores its own address in ucast (one ha.cf for both nodes is usual): only a missing peer breaks.
          if (!missing.length) return [];
          return [{
            rule: 'heartbeat/ucast-peers', severity: 'error', hosts: inOrder(m, [n.host, ...missing.map((o) => o.host)]),
            message: `heartbeat on ${n.host}: ucast to ${peers.join(', ')} does not reach ${missing.map((o) => `${o.host} (${m.hosts.get(o.host)?.address ?? 'no address'})`).join(', ')}${self.length ? ` (${self.join(', ')} is the node itself)` : ''}`,
            why: 'unicast heartbeats go only to the listed address: the peer never hears this node, declares it dead after deadtime and takes the resources while this node still holds them (split brain: the VIP on both boxes)',
            fix: 'on each node, ucast DEV <the other node\'s address>', loc: n.loc,
          }];
        }),
      ),
  },
];
