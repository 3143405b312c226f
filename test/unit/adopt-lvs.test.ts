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
import ldirectord from '../../modules/ldirectord/index.js';
import { ldirectordTask, realParam } from '../../modules/ldirectord/adopt.js';
import type { LdirectordFacts } from '../../modules/ldirectord/facts.js';
import { planLdirectord } from '../../modules/ldirectord/plan.js';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editDocument } from '../../modules/ldirectord/edit.js';
import { modelFromParams } from '../../modules/ldirectord/params.js';
import { parseLdirectord } from '../../modules/lib/ldirectord-conf/config.js';

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

  describe('ldirectord', () => {
    const ldFacts = (file: string, running = false): LdirectordFacts => ({ path: '/etc/ha.d/ldirectord.cf', exists: true, content: fixture(file), running, ...(running ? { pid: 7 } : {}), live: '' });
    const files = ['ldirectord/seed004.cf', 'ldirectord/debian-example.cf', ...readdirSync('test/fixtures/ldirectord/real-world').filter((f) => f.endsWith('.cf')).map((f) => `ldirectord/real-world/${f}`)];
    // ldirectord refuses connecttimeout wherever it stands (read_config: "deprecated in favour of negotiatetimeout").
    const refused = new Set(['ldirectord/real-world/37-negotiatetimeout.cf']);
    for (const file of files.filter((f) => !refused.has(f))) {
      it(`${file} adopts to a task that plans nothing`, () => {
        const f = ldFacts(file);
        const t = ldirectordTask(f, 'heartbeat')!;
        expect(planLdirectord(valid(ldirectord, t), f).changes.map((c) => `${c.kind} ${c.field ?? ''}`)).to.deep.equal([]);
      });
    }

    it('seed 004: typed keys typed, heartbeat starts the daemon, a changed scheduler plans that one value', () => {
      const f = ldFacts('ldirectord/seed004.cf');
      const t = ldirectordTask(f, 'heartbeat') as { virtuals: Array<Record<string, unknown>> } & Record<string, unknown>;
      expect(t).to.deep.include({ path: '/etc/ha.d/ldirectord.cf', managed_by: 'heartbeat', checktimeout: 3, autoreload: true, quiescent: false, logfile: '/var/log/ldirectord.log' });
      expect(t.virtuals[0]).to.deep.include({ virtual: '192.168.57.200:80', real: ['192.168.57.101:80 gate', '192.168.57.102:80 gate'], scheduler: 'rr', persistent: 600, checkport: 80 });
      t.virtuals[0].scheduler = 'wlc';
      expect(planLdirectord(valid(ldirectord, t), f).changes.map((c) => `${c.kind} ${c.field ?? ''} ${String(c.after)}`)).to.deep.equal(['set-option virtual=192.168.57.200:80 scheduler wlc']);
    });

    it('a file ldirectord refuses (connecttimeout) is not adopted: the task names the key', () => {
      const t = ldirectordTask(ldFacts('ldirectord/real-world/37-negotiatetimeout.cf'), 'rb')!;
      const r = validateFields(ldirectord.params, t, '', {}, ldirectord.rules);
      expect(r.problems.map((p) => p.path)).to.deep.equal(['connecttimeout']);
    });

    it('a repeated key is adopted as its last value, as ldirectord reads it, and a change to it rewrites the key', () => {
      const f = ldFacts('ldirectord/real-world/05-repeated-keys.cf');
      const t = ldirectordTask(f, 'heartbeat') as { virtuals: Array<Record<string, unknown>> };
      expect(t.virtuals[0]).to.deep.include({ scheduler: 'lc' });
      expect(t.virtuals[0]).not.to.have.property('extra');
      t.virtuals[0].scheduler = 'rr';
      const p = valid(ldirectord, t);
      expect(planLdirectord(p, f).changes.map((c) => `${c.kind} ${c.field ?? ''} ${String(c.before)}->${String(c.after)}`)).to.deep.equal(['set-option virtual=172.16.0.50:25 scheduler lc->rr']);
      const edited = editDocument(parseLdirectord(f.content!, 'f'), modelFromParams(p));
      expect(edited.split('\n').filter((l) => l.includes('scheduler'))).to.deep.equal(['\tscheduler=rr']);
    });

    it('an IPv6 firewall-mark virtual (virtual6=2) is adopted with ipv6 and written back as virtual6', () => {
      const f = ldFacts('ldirectord/real-world/49-ipv6-fwmark.cf');
      const t = ldirectordTask(f, 'rb') as { virtuals: Array<Record<string, unknown>> };
      expect(t.virtuals[0]).to.deep.include({ virtual: '2', ipv6: true, real: ['[2001:db8::31] gate', '[2001:db8::32] gate'] });
      delete t.virtuals[0].ipv6;
      expect(validateFields(ldirectord.params, t, '', {}, ldirectord.rules).problems.map((p) => p.path)).to.deep.equal(['virtuals[0].real', 'virtuals[0].real']);
    });

    it('a running daemon rb starts is adopted as rb\'s; discovery finds the configs heartbeat starts ldirectord with, else the first one ldirectord reads', () => {
      expect(ldirectordTask(ldFacts('ldirectord/seed004.cf', true), 'rb')).not.to.have.property('managed_by');
      expect(ldirectordTask({ path: '/etc/ha.d/ldirectord.cf', exists: false, running: false, live: '' }, 'rb')).to.equal(undefined);
      // The file Debian's ldirectord package installs: comments only, no virtual service.
      const dummy = '# Dummy configuration file.\n#\n# See /usr/share/doc/ldirectord/examples/ldirectord.cf.gz for\n# configuration examples.\n';
      expect(ldirectordTask({ path: '/etc/ha.d/ldirectord.cf', exists: true, content: dummy, running: false, live: '' }, 'rb')).to.equal(undefined);
      expect(ldirectordTask({ path: '/etc/ha.d/ldirectord.cf', exists: true, content: 'checktimeout=3\n', running: false, live: '' }, 'rb')).to.equal(undefined);
      const d = ldirectord.adopt!.discover!;
      expect(d.probes('path /etc/ldirectord.cf\n')).to.deep.equal([{ path: '/etc/ldirectord.cf', managed_by: 'rb' }]);
      // haresources: `ldirectord` and `ldirectord::NAME`, each config found as ldirectord finds it (the command's part, run on a host).
      expect(d.probes('heartbeat /etc/ha.d/ldirectord.cf\nheartbeat /etc/ha.d/conf/web.cf\nheartbeat /etc/ha.d/ldirectord.cf\n')).to.deep.equal([
        { path: '/etc/ha.d/ldirectord.cf', managed_by: 'heartbeat' },
        { path: '/etc/ha.d/conf/web.cf', managed_by: 'heartbeat' },
      ]);
      // The command itself, run by sh over a copy of /etc/ha.d in a temporary directory.
      const root = mkdtempSync(join(tmpdir(), 'rb-ld-discover-'));
      try {
        mkdirSync(join(root, 'ha.d', 'conf'), { recursive: true });
        for (const f of ['ha.d/ldirectord.cf', 'ha.d/conf/web.cf', 'abs.cf']) writeFileSync(join(root, f), '');
        const run = () => spawnSync('sh', ['-c', d.command.replaceAll('/etc/ha.d', `${root}/ha.d`).replaceAll('/etc/ldirectord.cf', `${root}/ldirectord.cf`)], { encoding: 'utf8' }).stdout;
        writeFileSync(join(root, 'ha.d', 'haresources'), `n1 10.0.0.1 ldirectord \\\n  startvip # ldirectord::x.cf\nn2 ldirectord::web.cf ldirectord::${root}/abs.cf ldirectord::missing.cf\n`);
        expect(d.probes(run()).map((p) => `${String(p.managed_by)} ${String(p.path).slice(root.length)}`)).to.deep.equal(['heartbeat /ha.d/ldirectord.cf', 'heartbeat /ha.d/conf/web.cf', 'heartbeat /abs.cf']);
        rmSync(join(root, 'ha.d', 'haresources'));
        expect(d.probes(run()).map((p) => `${String(p.managed_by)} ${String(p.path).slice(root.length)}`)).to.deep.equal(['rb /ha.d/ldirectord.cf']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
      expect(d.probes('')).to.deep.equal([]);
    });

    it('connection thresholds on a real server (l:N u:N) are kept as written and plan nothing', () => {
      const f = ldFacts('ldirectord/seed004.cf');
      f.content = f.content!.replace('real=192.168.57.101:80 gate', 'real=192.168.57.101:80 gate 2 l:10  u:50');
      const t = ldirectordTask(f, 'heartbeat') as { virtuals: Array<Record<string, unknown>> };
      expect(t.virtuals[0].real).to.deep.equal(['192.168.57.101:80 gate 2 l:10 u:50', '192.168.57.102:80 gate']);
      expect(planLdirectord(valid(ldirectord, t), f).changes).to.deep.equal([]);
    });

    it('a real server with a check of its own becomes an object', () => {
      expect(realParam('10.0.0.2:80 gate 2 "/check.html", "OK"')).to.deep.equal({ address: '10.0.0.2', port: 80, method: 'gate', weight: 2, request: '/check.html', receive: 'OK' });
      expect(realParam('[2001:db8::2]:80  masq')).to.equal('[2001:db8::2]:80 masq');
      // ldirectord separates request and receive by a comma or a blank.
      expect(realParam('10.0.1.1:80 gate 1 "/a.html" "A"')).to.deep.equal({ address: '10.0.1.1', port: 80, method: 'gate', weight: 1, request: '/a.html', receive: 'A' });
      expect(realParam('10.0.1.1:80 gate "/a b.html","A B"')).to.deep.equal({ address: '10.0.1.1', port: 80, method: 'gate', request: '/a b.html', receive: 'A B' });
    });
  });
});
