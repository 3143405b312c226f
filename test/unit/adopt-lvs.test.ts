// rb adopt for the LVS tables and daemons, on facts captured from the real
// tools (ipvsadm on the qemu guest's IPVS, test/fixtures/ipvs/guest-capture.ts;
// real-world ldirectord.cf and heartbeat files): each adopted task validates and
// plans nothing against the facts it was read from (drift 0), and a change made
// to it then plans as that change.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { validateFields } from '../../core/schema/validate.js';
import ipvs from '../../modules/ipvs/index.js';
import { parseIpvsFacts, type IpvsFacts } from '../../modules/ipvs/facts.js';
import { planIpvs } from '../../modules/ipvs/plan.js';

const fixture = (path: string) => readFileSync(`test/fixtures/${path}`, 'utf8');

function valid(def: { params: any; rules?: any }, params: Record<string, unknown>): any {
  const r = validateFields(def.params, params, '', {}, def.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value;
}

describe('rb adopt: LVS', () => {
  describe('ipvs', () => {
    const facts = (name: string): IpvsFacts => parseIpvsFacts(fixture(`ipvs/${name}.stdout`));

    it('discovery asks for the table only where the kernel has one and ipvsadm can read it', () => {
      const d = ipvs.adopt!.discover!;
      expect(d.probes('table\n')).to.have.length(1);
      expect(d.probes('')).to.deep.equal([]);
      expect(d.command).to.contain('/proc/net/ip_vs');
    });

    it('every live service (fwmark, IPv6, persistence, flags, tunnel, NAT, thresholds) and the timeouts adopt to one task that plans nothing', () => {
      const f = facts('mixed');
      const tasks = ipvs.adopt!.params(f, 'd1');
      expect(tasks).to.have.length(1);
      const t = tasks[0] as { services: Array<Record<string, unknown>>; timeouts: unknown; persist?: string };
      expect(t.services.map((s) => s.fwmark ?? `${String(s.protocol)} ${String(s.address)}:${String(s.port)}`)).to.deep.equal([
        'tcp 198.18.0.100:80', 'tcp 198.18.0.100:443', 'udp 198.18.0.100:53', 'udp 198.18.0.100:514', 'tcp 2001:db8::100:80', 3, 4,
      ]);
      expect(t.timeouts).to.deep.equal({ tcp: 1800, tcpfin: 60, udp: 120 });
      expect(planIpvs(valid(ipvs, t), f).changes).to.deep.equal([]);
      const nat = t.services[1].real_servers as Array<Record<string, unknown>>;
      expect(nat[1]).to.deep.equal({ address: '10.0.0.5', port: 8443, forward: 'masq', weight: 3, u_threshold: 100, l_threshold: 50 });
    });

    it('a weight changed on the adopted task plans that one edit', () => {
      const f = facts('mixed');
      const t = ipvs.adopt!.params(f, 'd1')[0] as { services: Array<{ real_servers: Array<{ weight: number }> }> };
      t.services[0].real_servers[0].weight = 7;
      const plan = planIpvs(valid(ipvs, t), f);
      expect(plan.changes.map((c) => `${c.kind} ${c.resource} ${c.field ?? ''} ${String(c.before)}->${String(c.after)}`)).to.deep.equal(['edit-real-server tcp 198.18.0.100:80 -> 198.18.0.13:80 weight 1->7']);
    });

    it('seed 003: the table saved in /etc/ipvsadm.rules with AUTO="true" is adopted with the default persistence', () => {
      const f = facts('seed003');
      const tasks = ipvs.adopt!.params(f, 'd1');
      expect(tasks).to.deep.equal([{ services: [{ protocol: 'tcp', address: '198.18.0.100', port: 21, scheduler: 'wrr', real_servers: [{ address: '198.18.0.13', forward: 'gate', weight: 3 }, { address: '198.18.0.14', forward: 'gate', weight: 1 }] }] }]);
      expect(planIpvs(valid(ipvs, tasks[0]), f).changes).to.deep.equal([]);
    });

    it('services keepalived or ldirectord manage are left to them (their timeouts stay adopted); a host with an empty table adopts nothing', () => {
      const f = facts('managers');
      const tasks = ipvs.adopt!.params(f, 'd1');
      expect(tasks).to.deep.equal([{ timeouts: { tcp: 1800, tcpfin: 60, udp: 120 }, persist: 'none' }]);
      expect(planIpvs(valid(ipvs, tasks[0]), f).changes).to.deep.equal([]);
      expect(ipvs.adopt!.params(facts('fresh'), 'd1')).to.deep.equal([]);
    });
  });
});
