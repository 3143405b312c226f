// rb lint --facts on lab hosts: the playbook is right (no findings before any
// connection), but what runs on a DR real server is checked too: a fresh host
// without the VIP on lo, or with arp_ignore put back to 0 by hand, is a
// finding of what runs now (exit 2); after rb run, nothing (exit 0).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-lint-'));
const playbook = join(dir, 'dr.yml');
writeFileSync(playbook, JSON.stringify([
  {
    name: 'DR real server',
    hosts: 'rb3',
    tasks: [
      { name: 'ARP hiding', sysctl: { settings: { 'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.all.arp_announce': 2 }, persist: false } },
      { name: 'VIP on lo', ifalias: { address: '198.18.0.200/32', interface: 'lo', label: 'lo:0', persist: 'none' } },
    ],
  },
  {
    name: 'director (only its config is read)',
    hosts: 'rb2',
    tasks: [{ name: 'ldirectord.cf', ldirectord: { managed_by: 'heartbeat', virtuals: [{ virtual: '198.18.0.200:80', real: ['198.18.0.13:80 gate'], fallback: '127.0.0.1:80 gate' }] } }],
  },
], null, 2));

describe('rb lint --facts on lab hosts', function () {
  this.timeout(180_000);
  useLab(3);
  before(() => resetHosts(['rb2', 'rb3']));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts(['rb2', 'rb3']);
  });

  const lint = (...extra: string[]) => rbRun(['lint', playbook, '-i', LAB_INVENTORY, '--json', ...extra], { noReport: true });

  it('checks what runs as well as what the playbook asks, and says which is which', async () => {
    const planned = await lint();
    expect(planned.code, planned.stderr).to.equal(0);

    const fresh = await lint('--facts');
    expect(fresh.code, fresh.stderr + fresh.stdout).to.equal(2);
    const live = JSON.parse(fresh.stdout).findings as Array<{ rule: string; hosts: string[]; live?: boolean; message: string }>;
    expect(live.map((f) => [f.rule, f.hosts, f.live])).to.deep.include.members([
      ['lvs/dr-vip-on-lo', ['rb2', 'rb3'], true],
      ['lvs/dr-arp', ['rb2', 'rb3'], true],
    ]);
    expect(live.every((f) => f.message.startsWith('running now: '))).to.equal(true);

    const run = await rbRun(['run', playbook, '-i', LAB_INVENTORY, '--limit', 'rb3']);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const converged = await lint('--facts');
    expect(converged.code, converged.stdout + converged.stderr).to.equal(0);

    await labSh('rb3', 'sysctl -qw net.ipv4.conf.all.arp_ignore=0');
    const tampered = await lint('--facts');
    expect(tampered.code, tampered.stdout).to.equal(2);
    expect((JSON.parse(tampered.stdout).findings as Array<{ rule: string; message: string }>).map((f) => f.rule)).to.deep.equal(['lvs/dr-arp']);
    expect(tampered.stdout).to.match(/effective arp_ignore 0, arp_announce 2/);
    expect((await lint()).code).to.equal(0);
  });
});
