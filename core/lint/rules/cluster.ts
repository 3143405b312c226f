// The directors of one VIP as a cluster: the same real servers, equal to the
// inventory group that serves, and (when a director is also a real server of
// its peer) marks or bypass scripts against the 50% loop; a bypass rule only
// while the box is not the one directing.

import type { Finding, Rule } from '../types.js';
import { redirects, serviceProtocol } from '../bypass.js';
import { hostByAddress, inOrder, type Model, type Service } from '../model.js';

const ident = (s: Service) => s.fwmark !== undefined ? `fwmark` : `${s.vip}:${s.port}`;

/** The services of each VIP:port across the directors that serve it. */
function byVip(m: Model): Service[][] {
  const by = new Map<string, Service[]>();
  for (const s of m.services) if (s.vip || s.fwmark !== undefined) by.set(ident(s) + (s.fwmark !== undefined ? s.fwmark : ''), [...(by.get(ident(s) + (s.fwmark ?? '')) ?? []), s]);
  return [...by.values()];
}

const realSet = (s: Service) => [...new Set(s.reals.map((r) => `${r.ip}:${r.port ?? ''}`))].sort();

export const clusterRules: Array<Rule<Model>> = [
  {
    id: 'cluster/same-real-servers',
    summary: 'every director of a service has the same real servers',
    check: (m) =>
      byVip(m).filter((l) => new Set(l.map((s) => JSON.stringify(realSet(s)))).size > 1 && new Set(l.map((s) => s.host)).size > 1).map((l): Finding => ({
        rule: 'cluster/same-real-servers', severity: 'error', hosts: inOrder(m, l.map((s) => s.host)),
        message: `${l[0].key}: the directors balance to different real servers (${l.map((s) => `${s.host}: ${realSet(s).join(' ') || 'none'}`).join('; ')})`,
        why: 'after a failover the other director sends the VIP\'s traffic to another set of servers: some get no traffic, others get traffic they were not meant to serve',
        fix: 'give every director of the VIP the same real server list (one inventory group rendered into both)', loc: l[0].loc,
      })),
  },
  {
    id: 'cluster/real-servers-group',
    summary: 'the real servers of a service are the inventory group that serves it',
    check: (m) => {
      const out: Finding[] = [];
      const done = new Set<string>();
      for (const s of m.services) {
        if (done.has(`${s.key}|${JSON.stringify(realSet(s))}`)) continue;
        done.add(`${s.key}|${JSON.stringify(realSet(s))}`);
        const ips = new Set(s.reals.map((r) => r.ip));
        const hosts = [...ips].map((ip) => hostByAddress(m, ip)?.name).filter((h): h is string => !!h && h !== s.host);
        const unknown = [...ips].filter((ip) => !hostByAddress(m, ip) && !ip.startsWith('127.') && ip !== '::1');
        // The group that serves: the one holding most of the real servers (the smallest on a tie), if it holds any.
        let best: string | undefined;
        const selfServes = s.reals.some((r) => hostByAddress(m, r.ip)?.name === s.host);
        for (const [g, members] of Object.entries(m.groups)) {
          // A group holding the director is no serving group (a catch-all), unless the director serves too (two-box).
          if (g === 'all' || g === 'ungrouped' || (members.includes(s.host) && !selfServes)) continue;
          const n = hosts.filter((h) => members.includes(h)).length;
          const b = best ? hosts.filter((h) => m.groups[best!].includes(h)).length : 0;
          if (n > b || (n === b && n > 0 && best && members.length < m.groups[best].length)) best = g;
        }
        if (!best) continue;
        const members = m.groups[best].filter((h) => h !== s.host);
        const missing = members.filter((h) => !hosts.includes(h));
        const extra = hosts.filter((h) => !m.groups[best!].includes(h));
        if (!missing.length && !extra.length && !unknown.length) continue;
        out.push({
          rule: 'cluster/real-servers-group', severity: 'warning', hosts: inOrder(m, [s.host, ...missing, ...extra]),
          message: `${s.tool} on ${s.host}: ${s.key} balances to ${[...ips].join(', ')}; group ${best} ${[missing.length ? `also has ${missing.join(', ')}` : '', extra.length ? `does not have ${extra.join(', ')}` : '', unknown.length ? `and ${unknown.join(', ')} is no inventory host` : ''].filter(Boolean).join(', ')}`,
          why: 'a host of the serving group left out gets no traffic (and is not health-checked); a server outside it is not configured by the playbook as a real server (no VIP, no ARP settings) and fails the connections it is given',
          fix: `build the real server list from the group (e.g. "{{ groups['${best}'] | map('extract', hostvars, 'ansible_host') }}"), or move the host into or out of ${best}`, loc: s.loc,
        });
      }
      return out;
    },
  },
  {
    id: 'cluster/two-box-loop',
    summary: 'two directors that are also each other\'s real servers mark packets by MAC or bypass IPVS on the backup',
    check: (m) => {
        // Directors whose IPVS rules are loaded all the time (not only on the active node).
        const live = m.services.filter((s) => !s.activeOnly);
        const directors = [...new Set(live.map((s) => s.host))];
        if (directors.length < 2) return [];
        const out: Finding[] = [];
        for (const s of live) {
          const peers = s.reals.map((r) => hostByAddress(m, r.ip)?.name).filter((h): h is string => !!h && h !== s.host && directors.includes(h));
          if (!peers.length) continue;
          if (m.vrrp.some((i) => i.host === s.host && i.notify.length && (!s.vip || i.vips.includes(s.vip)))) continue;
          const marks = s.fwmark !== undefined ? m.marks.filter((k) => k.host === s.host && k.setMark === s.fwmark) : [];
          const excludes = marks.filter((k) => /^!\s*/.test(k.macSource ?? ''));
          const peerMacs = peers.map((p) => macOf(m.hosts.get(p)!.vars));
          const wrong = excludes.filter((k) => peerMacs.every((mac) => mac && mac !== k.macSource!.replace(/^!\s*/, '').toLowerCase()));
          if (excludes.length && !wrong.length) continue;
          out.push({
            rule: 'cluster/two-box-loop', severity: 'error', hosts: inOrder(m, [s.host, ...peers]),
            message: `${s.host} balances ${s.key} to ${peers.join(', ')}, which is a director of the same service too, ${s.fwmark === undefined ? 'by address and port (no fwmark)' : !marks.length ? `but no MARK rule sets mark ${s.fwmark}` : !excludes.length ? `but its MARK rule does not exclude the peer's MAC` : `but its MARK rule excludes ${wrong.map((k) => k.macSource).join(', ')}, not the peer's MAC (${peerMacs.filter(Boolean).join(', ')})`}, and no notify script bypasses IPVS on the backup`,
            why: 'the 50% loop of the two-box setup: the MASTER forwards half the packets to the BACKUP as a real server, whose own IPVS rules are loaded too and forward half of those back to the MASTER, and so on; connections hang or are reset',
            fix: 'on each box mark packets for the VIP except those from the peer director\'s MAC (iptables_mark: mac_source "! PEER-MAC", set_mark N) and make the virtual server fwmark N; or give the VRRP instance notify_master/notify_backup scripts that bypass IPVS on the backup', loc: s.loc,
          });
        }
      return out;
    },
  },
  {
    id: 'cluster/bypass-follows-role',
    summary: 'a director\'s REDIRECT bypass of its own VIP is there only while it does not hold the VIP, and its VRRP notify scripts swap it',
    check: (m) => {
      const out: Finding[] = [];
      const seen = new Set<string>();
      for (const s of m.services) {
        if (!s.vip) continue;
        for (const r of m.redirects) {
          if (r.host !== s.host || !redirects(r, s.vip, s.port, serviceProtocol(s)) || seen.has(`${s.host}|${s.vip}|${s.port}`)) continue;
          const vrrp = m.vrrp.filter((i) => i.host === s.host && i.vips.includes(s.vip!));
          const notify = (kind: string) => vrrp.some((i) => i.notify.some((n) => n.startsWith(`notify_${kind} `) || n.startsWith('notify ')));
          const always = r.unlessAddress !== s.vip;
          if (!always && (!vrrp.length || (notify('master') && notify('backup')))) continue;
          seen.add(`${s.host}|${s.vip}|${s.port}`);
          out.push({
            rule: 'cluster/bypass-follows-role', severity: 'error', hosts: [s.host],
            message: always
              ? `${s.host} directs ${s.key} (${s.tool}) but its REDIRECT rule for that address is wanted ${r.unlessAddress ? `unless it holds ${r.unlessAddress}, not the VIP` : 'all the time'}`
              : `${s.host}: the REDIRECT bypass of ${s.key} follows the VIP, but VRRP instance ${vrrp.map((i) => i.name).join(', ')} has no ${['master', 'backup'].filter((k) => !notify(k)).map((k) => `notify_${k}`).join(' / ')} script to add or remove it when the role changes`,
            why: always
              ? 'nat PREROUTING rewrites the VIP to the box\'s own address before IPVS sees the packet: while this box directs, it serves every request itself and the other real servers get nothing'
              : 'rb puts the rule right for the role at run time only; after a failover the new MASTER keeps redirecting (serving everything itself) and the new BACKUP balances again what it is sent (the 50% loop) until someone runs rb',
            fix: always
              ? `give the iptables_mark REDIRECT task unless_address: ${s.vip} (and persist: none), so it is there only while ${s.host} is not the one holding the VIP`
              : 'call the bypass script from notify_master (remove the rule) and notify_backup / notify_fault (add it) of the instance that holds the VIP',
            loc: r.loc,
          });
        }
      }
      return out;
    },
  },
];

function macOf(vars: Record<string, unknown>): string | undefined {
  const v = vars.mac ?? vars.mac_address ?? vars.macaddress;
  return typeof v === 'string' ? v.toLowerCase() : undefined;
}
