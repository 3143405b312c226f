// rb adopt, pure parts: each real-world keepalived.conf read as the vrrp facts
// read it, adopted, validated as a task and planned against the same facts:
// no change (drift 0). The layout puts per-host differences in host_vars and
// secrets in vars files, never in the playbook.

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout, type AdoptedHost } from '../../core/adopt/layout.js';
import { secretPaths } from '../../core/adopt/secret-paths.js';
import { validateFields } from '../../core/schema/validate.js';
import { renderValue } from '../../core/template/index.js';
import sysctl from '../../modules/sysctl/index.js';
import { vrrp } from '../../modules/vrrp/index.js';
import { readConfigTree, type VrrpFacts } from '../../modules/vrrp/facts.js';
import { fromTree } from '../../modules/vrrp/model.js';
import { planVrrp } from '../../modules/vrrp/plan.js';
import type { SysctlFacts } from '../../modules/sysctl/facts.js';
import { planSysctl } from '../../modules/sysctl/plan.js';

const DIR = 'test/fixtures/vrrp/real-world';

async function factsOf(file: string, running = true): Promise<VrrpFacts> {
  const path = '/etc/keepalived/keepalived.conf';
  const read = await readConfigTree(readFileSync(file, 'utf8'), path, 'lb1', () => Promise.resolve({}));
  return { path, exists: true, config: fromTree(read.nodes), included: [], running, pid: 42, masterOf: [] };
}

function valid(def: typeof vrrp | typeof sysctl, params: Record<string, unknown>): any {
  const r = validateFields(def.params, params, '', {}, def.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value;
}

describe('rb adopt', () => {
  describe('vrrp: every real-world keepalived.conf adopts to a task that plans nothing', () => {
    for (const name of readdirSync(DIR).filter((f) => f.endsWith('.conf'))) {
      it(name, async () => {
        const facts = await factsOf(join(DIR, name));
        const tasks = vrrp.adopt!.params(facts, 'lb1');
        expect(tasks).to.have.length(1);
        const plan = planVrrp(valid(vrrp, tasks[0]), facts);
        expect(plan.changes.map((c) => `${c.kind} ${c.field}`)).to.deep.equal([]);
      });
    }
    it('a stopped keepalived is adopted stopped; a missing or unreadable file adopts nothing', async () => {
      const stopped = await factsOf(join(DIR, '04-lvs-dr-http.conf'), false);
      expect(vrrp.adopt!.params(stopped, 'lb1')[0].state).to.equal('stopped');
      expect(vrrp.adopt!.params({ ...stopped, exists: false, config: {} }, 'lb1')).to.deep.equal([]);
      expect(vrrp.adopt!.params({ ...stopped, parseError: 'line 3: unbalanced }' }, 'lb1')).to.deep.equal([]);
    });
    it('a changed priority on the adopted task is planned as that one field', async () => {
      const facts = await factsOf(join(DIR, '04-lvs-dr-http.conf'));
      const p = vrrp.adopt!.params(facts, 'lb1')[0] as { instances: Array<{ priority: number }> };
      p.instances[0].priority += 1;
      const plan = planVrrp(valid(vrrp, p), facts);
      expect(plan.changes.map((c) => c.kind)).to.deep.equal(['set-option', 'reload-keepalived']);
      expect(plan.changes[0].field).to.match(/priority$/);
    });
  });

  describe('sysctl', () => {
    const values = (over: Record<string, string>) => ({ 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.lo.arp_ignore': '0', 'net.ipv4.conf.eth0.rp_filter': '2', 'net.ipv4.conf.eth9.arp_ignore': null, ...over });
    it('persisted keys become a task on their file, live-only non-default keys a live task; both plan nothing', () => {
      const facts: SysctlFacts = {
        values: values({ 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.lo.arp_ignore': '1' }),
        file: null,
        elsewhere: [{ file: '/etc/sysctl.conf', key: 'net.ipv4.ip_forward', value: '1' }],
      };
      const tasks = sysctl.adopt!.params(facts, 'd1');
      expect(tasks).to.deep.equal([{ settings: { 'net.ipv4.ip_forward': '1' }, file: '/etc/sysctl.conf' }, { settings: { 'net.ipv4.conf.lo.arp_ignore': '1' }, persist: false }]);
      const sysconf = { ...facts, file: 'net.ipv4.ip_forward = 1\n' };
      expect(planSysctl(valid(sysctl, tasks[0]), sysconf).changes).to.deep.equal([]);
      expect(planSysctl(valid(sysctl, tasks[1]), facts).changes).to.deep.equal([]);
    });
    it('a persisted value the running kernel does not have is adopted as it is on both sides', () => {
      const facts: SysctlFacts = { values: values({}), file: null, elsewhere: [{ file: '/etc/sysctl.d/10-lvs.conf', key: 'net.ipv4.ip_forward', value: '1' }] };
      expect(sysctl.adopt!.params(facts, 'd1')).to.deep.equal([
        { settings: { 'net.ipv4.ip_forward': '1' }, file: '/etc/sysctl.d/10-lvs.conf', live: false },
        { settings: { 'net.ipv4.ip_forward': '0' }, persist: false },
      ]);
    });
    it('a file read under two names (a symbolic link in sysctl.d) is adopted once, as /etc/sysctl.conf', () => {
      const twice = ['/etc/sysctl.d/99-sysctl.conf', '/etc/sysctl.conf'].map((file) => ({ file, key: 'net.ipv4.ip_forward', value: '1' }));
      expect(sysctl.adopt!.params({ values: values({ 'net.ipv4.ip_forward': '1' }), file: null, elsewhere: twice }, 'd1')).to.deep.equal([{ settings: { 'net.ipv4.ip_forward': '1' }, file: '/etc/sysctl.conf' }]);
    });
    it('a host at kernel and distribution defaults adopts nothing', () => {
      expect(sysctl.adopt!.params({ values: values({}), file: null, elsewhere: [] }, 'd1')).to.deep.equal([]);
      const vendor = [{ file: '/usr/lib/sysctl.d/50-default.conf', key: 'net.ipv4.conf.eth0.rp_filter', value: '2' }];
      expect(sysctl.adopt!.params({ values: values({}), file: null, elsewhere: vendor }, 'd1')).to.deep.equal([]);
    });
  });

  describe('layout', () => {
    const task = (priority: number, state: string, pass: string) => {
      const params = { instances: [{ name: 'VI_1', state, interface: 'eth0', virtual_router_id: 51, priority, authentication: { auth_type: 'PASS', auth_pass: pass }, virtual_ipaddress: ['198.18.0.100/32'] }] };
      return { module: 'vrrp', params, secrets: secretPaths(vrrp.params, valid(vrrp, params)) };
    };
    const hosts: AdoptedHost[] = [
      { host: 'lb1', tasks: [task(100, 'MASTER', 's3cret')] },
      { host: 'lb2', tasks: [task(50, 'BACKUP', 's3cret')] },
      { host: 'web1', tasks: [] },
    ];
    const groups = new Map([['directors', ['lb2', 'lb1']], ['all', ['lb1', 'lb2', 'web1']]]);

    it('differences go to host_vars, a shared secret to the group that has exactly the play hosts, the rest stays in the playbook', () => {
      const l = layout(hosts, groups);
      expect(l.plays).to.have.length(1);
      expect(l.plays[0].hosts).to.equal('directors');
      expect(l.plays[0].tasks[0].vrrp).to.deep.equal({
        instances: [{ name: 'VI_1', state: '{{ vrrp_instances_vi_1_state }}', interface: 'eth0', virtual_router_id: 51, priority: '{{ vrrp_instances_vi_1_priority }}', authentication: { auth_type: 'PASS', auth_pass: '{{ vrrp_instances_vi_1_authentication_auth_pass }}' }, virtual_ipaddress: ['198.18.0.100/32'] }],
      });
      expect(l.hostVars).to.deep.equal({ lb1: { vrrp_instances_vi_1_state: 'MASTER', vrrp_instances_vi_1_priority: 100 }, lb2: { vrrp_instances_vi_1_state: 'BACKUP', vrrp_instances_vi_1_priority: 50 } });
      expect(l.groupVars).to.deep.equal({ directors: { vrrp_instances_vi_1_authentication_auth_pass: 's3cret' } });
      expect(l.secrets).to.deep.equal([{ variable: 'vrrp_instances_vi_1_authentication_auth_pass', file: 'group_vars/directors' }]);
      expect(JSON.stringify(l.plays)).not.to.contain('s3cret');
    });

    it('rendered with each host vars, the playbook gives back each host its own params', () => {
      const l = layout(hosts, new Map());
      expect(l.plays[0].hosts).to.equal('lb1:lb2');
      for (const h of hosts.slice(0, 2)) {
        const vars = { ...l.groupVars.all, ...l.hostVars[h.host] };
        expect(renderValue(l.plays[0].tasks[0].vrrp, vars)).to.deep.equal(h.tasks[0].params);
      }
    });

    it('secrets differing per host go to host_vars; text that looks like a template stays text', () => {
      const odd = [
        { host: 'a', tasks: [{ ...task(1, 'BACKUP', 'one'), params: { ...task(1, 'BACKUP', 'one').params, global_defs: { extra: ['script_user {{x}}'] } } }] },
        { host: 'b', tasks: [{ ...task(1, 'BACKUP', 'two'), params: { ...task(1, 'BACKUP', 'two').params, global_defs: { extra: ['script_user {{x}}'] } } }] },
      ];
      const l = layout(odd, new Map());
      expect(l.secrets.map((s) => s.file)).to.deep.equal(['host_vars/a', 'host_vars/b']);
      const vars = { ...l.groupVars.all, ...l.hostVars.a };
      expect(renderValue(l.plays[0].tasks[0].vrrp, vars)).to.deep.equal(odd[0].tasks[0].params);
    });
  });
});
