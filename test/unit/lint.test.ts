// rb lint: every rule finds its broken fixture and is quiet on the fixed one;
// every lab playbook lints clean with its lab inventory; the CLI's exit codes,
// JSON and masking of secrets.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRegistry } from '../../core/cli/registry.js';
import { parseRunArgs } from '../../core/cli/args.js';
import { resolvePlaybooks } from '../../core/engine/resolve.js';
import { lintResolution } from '../../core/lint/lint.js';
import { lintRules } from '../../core/lint/registry.js';
import type { Finding } from '../../core/lint/types.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const FIX = root('test/fixtures/lint');
const TOPOLOGY = `${FIX}/topology.yml`;
const MAIN = root('core/cli/main.ts');

async function lint(playbook: string, inventory: string, extra: string[] = []): Promise<Finding[]> {
  const options = parseRunArgs([playbook, '-i', inventory, ...extra]);
  const r = await resolvePlaybooks({ playbooks: [playbook], inventories: [inventory], registry: await loadRegistry([playbook]), options });
  return lintResolution(r);
}

/** Broken fixture → the rule it breaks, the severity and the hosts named. */
const BROKEN: Record<string, { rule: string; severity?: 'error' | 'warning'; hosts: string[]; says?: RegExp }> = {
  'vrrp/router-id': { rule: 'vrrp/router-id', hosts: ['d1', 'd2'], says: /51.*52|virtual_router_id/ },
  'vrrp/auth': { rule: 'vrrp/auth', hosts: ['d1', 'd2'] },
  'vrrp/vips': { rule: 'vrrp/vips', hosts: ['d1', 'd2'], says: /10\.0\.0\.101/ },
  'vrrp/advert-int': { rule: 'vrrp/advert-int', hosts: ['d1', 'd2'] },
  'vrrp/priority': { rule: 'vrrp/priority', severity: 'warning', hosts: ['d1', 'd2'] },
  'vrrp/one-master': { rule: 'vrrp/one-master', hosts: ['d1', 'd2'] },
  'vrrp/master-priority': { rule: 'vrrp/one-master', severity: 'warning', hosts: ['d1', 'd2'] },
  'vrrp/router-id-unique': { rule: 'vrrp/router-id-unique', hosts: ['d1', 'd2', 'd3', 'd4'] },
  'vrrp/unicast-peers': { rule: 'vrrp/unicast-peers', hosts: ['d1', 'd2'], says: /names the host itself/ },
  'lvs-dr/dr-vip-missing': { rule: 'lvs/dr-vip-on-lo', hosts: ['d1', 'r2'] },
  'lvs-dr/dr-vip-on-eth0': { rule: 'lvs/dr-vip-on-lo', hosts: ['d1', 'r2'], says: /eth0/ },
  'lvs-dr/dr-vip-wide-prefix': { rule: 'lvs/dr-vip-on-lo', hosts: ['d1', 'r2'], says: /lo\/24/ },
  'lvs-dr/dr-arp-lo-only': { rule: 'lvs/dr-arp', hosts: ['d1', 'r2'], says: /lo settings do not count/ },
  'lvs-dr/dr-arp-announce': { rule: 'lvs/dr-arp', hosts: ['d1', 'r2'], says: /arp_announce 1/ },
  'lvs-dr/one-owner': { rule: 'lvs/one-owner', hosts: ['d1'], says: /ipvs and keepalived/ },
  'lvs-dr/real-servers-group': { rule: 'cluster/real-servers-group', severity: 'warning', hosts: ['d1', 'r3'], says: /also has r3/ },
  'nat/nat-forward': { rule: 'lvs/nat-forward', hosts: ['d1'] },
  'nat/nat-gateway': { rule: 'lvs/nat-gateway', hosts: ['d1', 'r2'], says: /10\.0\.0\.254/ },
  'nat/nat-no-route': { rule: 'lvs/nat-gateway', hosts: ['d1', 'r2'], says: /no default route/ },
  'directors/same-real-servers': { rule: 'cluster/same-real-servers', hosts: ['d1', 'd2'] },
  'two-box/no-fwmark': { rule: 'cluster/two-box-loop', hosts: ['b1', 'b2'], says: /no fwmark/ },
  'two-box/own-mac': { rule: 'cluster/two-box-loop', hosts: ['b1', 'b2'], says: /not the peer's MAC/ },
  'two-box/mark-no-mac': { rule: 'cluster/two-box-loop', hosts: ['b1', 'b2'], says: /does not exclude/ },
  'two-box/redirect-port': { rule: 'lvs/dr-vip-on-lo', hosts: ['b1', 'b2'], says: /REDIRECT rule \(10\.0\.0\.100 tcp 8080\) does not take tcp 10\.0\.0\.100:80/ },
  'two-box/redirect-always': { rule: 'cluster/bypass-follows-role', hosts: ['b1'], says: /wanted all the time/ },
  'two-box/redirect-no-notify': { rule: 'cluster/bypass-follows-role', hosts: ['b1'], says: /no notify_master \/ notify_backup script/ },
  'heartbeat/ldirectord-always-on': { rule: 'cluster/two-box-loop', hosts: ['h1', 'h2'] },
  'heartbeat/authkeys': { rule: 'heartbeat/authkeys', hosts: ['h1', 'h2'] },
  'heartbeat/haresources': { rule: 'heartbeat/haresources', hosts: ['h1', 'h2'] },
  'heartbeat/timing': { rule: 'heartbeat/timing', hosts: ['h1', 'h2'] },
  'heartbeat/node-names': { rule: 'heartbeat/node-names', hosts: ['h1', 'h2'], says: /node2 is no host/ },
  'heartbeat/ucast-peers': { rule: 'heartbeat/ucast-peers', hosts: ['h1', 'h2'] },
  'rsync/not-allowed': { rule: 'rsync/source-allowed', hosts: ['src', 'dst'], says: /does not let in src/ },
  'rsync/no-module': { rule: 'rsync/source-allowed', hosts: ['src', 'dst'], says: /no such module/ },
  'rsync/read-only': { rule: 'rsync/source-allowed', hosts: ['src', 'dst'], says: /read only/ },
};

describe('rb lint', function () {
  this.timeout(60_000);

  it('has a broken fixture for every rule and a fixed inventory for every family', () => {
    const covered = new Set(Object.values(BROKEN).map((b) => b.rule));
    expect(lintRules.map((r) => r.id).filter((id) => !covered.has(id))).to.deep.equal([]);
    for (const family of new Set(Object.keys(BROKEN).map((k) => k.split('/')[0]))) expect(existsSync(`${FIX}/${family}/fixed.yml`), family).to.equal(true);
    const files = readdirSync(FIX, { recursive: true }).map(String).filter((f) => f.endsWith('.yml') && f.includes('/') && !f.includes('fixed'));
    expect(files.map((f) => f.replace(/\.yml$/, '')).sort()).to.deep.equal(Object.keys(BROKEN).sort());
  });

  for (const family of ['vrrp', 'lvs-dr', 'nat', 'directors', 'two-box', 'heartbeat', 'rsync']) {
    it(`${family}: the fixed inventory has no findings`, async () => {
      expect(await lint(TOPOLOGY, `${FIX}/${family}/fixed.yml`)).to.deep.equal([]);
    });
  }

  it('cluster/real-servers-group: a catch-all group that also holds the director is not the serving group', async () => {
    expect(await lint(TOPOLOGY, `${FIX}/lvs-dr/fixed-catch-all-group.yml`)).to.deep.equal([]);
  });

  it('two-box: notify scripts that bypass IPVS on the backup also fix the 50% loop', async () => {
    expect(await lint(TOPOLOGY, `${FIX}/two-box/fixed-bypass.yml`)).to.deep.equal([]);
  });

  it('two-box: a REDIRECT of the VIP while the box does not hold it, swapped by notify scripts, is the bypass (no VIP on lo, no ARP settings)', async () => {
    expect(await lint(TOPOLOGY, `${FIX}/two-box/fixed-redirect.yml`)).to.deep.equal([]);
  });

  it('lvs-dr: a real server that redirects the VIP\'s network and ports to itself needs neither the VIP on lo nor ARP settings', async () => {
    expect(await lint(TOPOLOGY, `${FIX}/lvs-dr/fixed-redirect.yml`)).to.deep.equal([]);
  });

  for (const [name, want] of Object.entries(BROKEN)) {
    it(`${name}: ${want.rule}`, async () => {
      const found = await lint(TOPOLOGY, `${FIX}/${name}.yml`);
      const hit = found.filter((f) => f.rule === want.rule);
      expect(hit, JSON.stringify(found, null, 2)).to.have.length.greaterThan(0);
      const f = hit[0];
      expect(f.severity).to.equal(want.severity ?? 'error');
      expect(f.hosts).to.deep.equal(want.hosts);
      if (want.says) expect(f.message).to.match(want.says);
      expect(f.why.length, 'why').to.be.greaterThan(20);
      expect(f.fix.length, 'fix').to.be.greaterThan(10);
      expect(f.loc?.file, 'located').to.be.a('string');
    });
  }

  it('every playbook with its lab inventory lints clean', async () => {
    const books = readdirSync(root('playbooks')).filter((f) => f.endsWith('.yml'));
    const checked: string[] = [];
    for (const b of books) {
      const inv = root(`inventory/lab/${b.replace(/\.yml$/, '')}`);
      if (!existsSync(inv)) continue;
      checked.push(b);
      expect(await lint(root(`playbooks/${b}`), inv), b).to.deep.equal([]);
    }
    expect(checked.length).to.be.greaterThan(5);
  });

  it('every playbook with its seed inventory (the site\'s addresses) lints clean, the site\'s secrets given as extra vars', async () => {
    const checked: string[] = [];
    for (const b of readdirSync(root('playbooks')).filter((f) => f.endsWith('.yml'))) {
      const inv = root(`inventory/${b.replace(/\.yml$/, '')}`);
      if (!existsSync(inv)) continue;
      checked.push(b);
      expect(await lint(root(`playbooks/${b}`), inv, ['-e', 'heartbeat_authkey=lint-only']), b).to.deep.equal([]);
    }
    expect(checked).to.include.members(['two-box-bypass.yml', 'two-box-fwmark.yml', 'nat.yml', 'web-cluster.yml']);
  });

  describe('the CLI', () => {
    const rb = (...argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', '--conditions', 'rb-source', MAIN, 'lint', ...argv], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, CI: 'true' } });

    it('exits 0 on a clean topology, 2 with findings (text: severity, hosts, why, fix), 1 on bad input', () => {
      const clean = rb(TOPOLOGY, '-i', `${FIX}/vrrp/fixed.yml`);
      expect(clean.status, clean.stderr).to.equal(0);
      expect(clean.stdout).to.match(/no findings: 2 host\(s\)/);
      const broken = rb(TOPOLOGY, '-i', `${FIX}/vrrp/router-id.yml`);
      expect(broken.status, broken.stderr).to.equal(2);
      expect(broken.stdout).to.match(/^ERROR vrrp\/router-id \[d1, d2\] .*topology\.yml:\d+$/m);
      expect(broken.stdout).to.match(/^ {2}why: .+\n {2}fix: .+/m);
      const bad = rb(TOPOLOGY, '-i', `${FIX}/no-such-inventory.yml`);
      expect(bad.status).to.equal(1);
    });

    it('--json gives the findings and what was checked; auth secrets never reach the output', () => {
      const r = rb(TOPOLOGY, '-i', `${FIX}/vrrp/auth.yml`, '--json');
      expect(r.status, r.stderr).to.equal(2);
      const out = JSON.parse(r.stdout);
      expect(out.checked).to.deep.equal({ hosts: 2, tasks: 2, deferred: 0 });
      expect(out.findings[0]).to.include({ rule: 'vrrp/auth', severity: 'error' });
      expect(out.findings[0].hosts).to.deep.equal(['d1', 'd2']);
      expect(r.stdout).to.not.contain('s3cret').and.not.contain('other1');
      const hb = rb(TOPOLOGY, '-i', `${FIX}/heartbeat/authkeys.yml`);
      expect(hb.stdout).to.contain('heartbeat/authkeys').and.not.contain('k3y-');
    });
  });
});
