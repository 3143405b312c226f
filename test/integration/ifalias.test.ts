// ifalias on real lab hosts over SSH: a VIP on lo:0 with its host route and
// Debian stanza, a director VIP on eth0:0 announced by gratuitous ARP (seen in
// a neighbour's ARP table), drift on address and file, rollback; and seed
// 000's real-server playbook, proven by ARP: the real servers hold the VIP yet
// do not answer ARP for it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const VIP = '198.18.0.100';
const STANZA = '/etc/network/interfaces.d/rb-lo-0';
const dir = mkdtempSync(join(tmpdir(), 'rb-ifalias-'));
let n = 0;

function play(hosts: string, tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'ifalias', hosts, tasks }], null, 2)}\n`);
  return file;
}

interface Addr {
  local: string;
  prefixlen: number;
  label?: string;
}
async function addresses(host: string, dev: string): Promise<Addr[]> {
  const links = JSON.parse(await labSh(host, `ip -j addr show dev ${dev}`)) as Array<{ addr_info: Array<Addr & { family: string }> }>;
  return links[0].addr_info.filter((a) => a.family === 'inet').map(({ local, prefixlen, label }) => ({ local, prefixlen, label }));
}

/** Does anyone answer ARP for `ip` on the lab segment, asked from `from`? */
async function arpAnswered(from: string, ip: string): Promise<boolean> {
  const r = await labExec(from, `arping -c 2 -w 1 -i eth0 ${ip}`);
  return r.code === 0;
}

const vipTask = { name: 'VIP on lo:0', ifalias: { address: VIP, interface: 'lo', label: 'lo:0', host_route: true } };

describe('ifalias on lab hosts', function () {
  this.timeout(120_000);
  useLab(4);
  beforeEach(() => resetHosts(['rb2', 'rb3', 'rb4']));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts(['rb2', 'rb3', 'rb4']);
  });

  it('VIP on lo:0 with host route and stanza; a prefix and label change is drift, repaired without "already assigned"', async () => {
    const playbook = play('rb3', [vipTask]);
    const r = await converge({
      playbook,
      tamper: { host: 'rb3', cmd: `ip addr del ${VIP}/32 dev lo && ip addr add ${VIP}/31 dev lo label lo:9` },
    });
    expect(r.changes.map((c) => [c.kind, c.resource, c.field, c.after])).to.deep.equal([
      ['add-address', `${VIP} on lo`, 'address', `${VIP}/32 dev lo label lo:0`],
      ['add-host-route', `${VIP}/32 dev lo`, 'route', `${VIP}/32 dev lo`],
      ['persist-address', STANZA, 'address', `${VIP}/32`],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.before, c.after])).to.deep.equal([
      ['replace-address', `${VIP}/31 dev lo label lo:9`, `${VIP}/32 dev lo label lo:0`],
    ]);
    const repair = await rbRun(['run', playbook, '-i', LAB_INVENTORY]);
    expect(repair.code, repair.stdout).to.equal(0);
    expect((await addresses('rb3', 'lo')).filter((a) => a.local === VIP)).to.deep.equal([{ local: VIP, prefixlen: 32, label: 'lo:0' }]);
    expect(await labSh('rb3', `ip route show table main ${VIP}`)).to.equal(`${VIP} dev lo scope link \n`);
    expect(await labSh('rb3', `cat ${STANZA}`)).to.equal(
      `# Managed by rb (ifalias module)\nauto lo:0\niface lo:0 inet static\n    address ${VIP}/32\n    up ip route replace ${VIP}/32 dev lo\n`,
    );
  });

  it('an edited stanza is drift of the persisted address only', async () => {
    const r = await converge({ playbook: play('rb3', [vipTask]), tamper: { host: 'rb3', cmd: `sed -i 's#${VIP}/32#${VIP}/24#' ${STANZA}` } });
    expect(r.drift!.changes.map((c) => [c.kind, c.resource, c.field, c.before, c.after])).to.deep.equal([
      ['persist-address', STANZA, 'address', `${VIP}/24`, `${VIP}/32`],
    ]);
  });

  it('director VIP on eth0:0 is announced: a neighbour learns its MAC from the gratuitous ARP', async () => {
    await labSh('rb4', 'sysctl -qw net.ipv4.conf.all.arp_accept=1 net.ipv4.conf.eth0.arp_accept=1');
    expect(await labSh('rb4', `ip neigh show ${VIP}`)).to.equal('');
    const r = await converge({
      playbook: play('rb2', [{ name: 'director VIP', ifalias: { address: VIP, interface: 'eth0', label: 'eth0:0', persist: 'none' } }]),
      tamper: { host: 'rb2', cmd: `ip addr del ${VIP}/32 dev eth0` },
    });
    expect(r.changes.map((c) => [c.kind, c.field, c.after])).to.deep.equal([
      ['add-address', 'address', `${VIP}/32 dev eth0 label eth0:0`],
      ['announce-address', 'gratuitous ARP', 'sent'],
    ]);
    // rb4 never asked: only the unsolicited announcement can have taught it.
    expect(await labSh('rb4', `ip neigh show ${VIP}`)).to.match(new RegExp(`^${VIP} dev eth0 lladdr 02:72:62:00:00:02 `));
    expect(r.drift!.changes.map((c) => c.kind)).to.deep.equal(['add-address', 'announce-address']);
  });

  it('rollback after a later failure removes the address, the route and the stanza it added', async () => {
    const r = await rbRun(['run', '-i', LAB_INVENTORY, play('rb3', [vipTask, { name: 'fails', command: '/bin/false' }])]);
    expect(r.code, r.stdout).to.equal(3);
    expect(r.stdout).to.contain('restored: VIP on lo:0 (ifalias)');
    expect((await addresses('rb3', 'lo')).map((a) => a.local)).to.deep.equal(['127.0.0.1']);
    expect(await labSh('rb3', `ip route show table main ${VIP}`)).to.equal('');
    expect(await labSh('rb3', `test -e ${STANZA} && echo present || echo absent`)).to.equal('absent\n');
  });

  it("seed 000's real servers: VIP on lo:0 and ARP hiding; nobody answers ARP for the VIP, tampering rb4 shows only there", async () => {
    const r = await converge({
      playbook: 'playbooks/dr-real-server.yml',
      inventory: 'inventory/lab/dr-real-server',
      tamper: { host: 'rb4', cmd: 'sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.lo.arp_ignore=0' },
    });
    expect(new Set(r.changes.map((c) => c.host))).to.deep.equal(new Set(['rb3', 'rb4']));
    for (const h of ['rb3', 'rb4']) expect((await addresses(h, 'lo')).find((a) => a.local === VIP)).to.deep.equal({ local: VIP, prefixlen: 32, label: 'lo:0' });
    expect(r.drift!.changes.map((c) => [c.host, c.resource, c.before, c.after])).to.deep.equal([
      ['rb4', 'net.ipv4.conf.lo.arp_ignore', '0', '1'],
      ['rb4', 'net.ipv4.conf.all.arp_ignore', '0', '1'],
    ]);
    // The tampered rb4 now answers ARP for the VIP it should hide; the converged rb3 does not.
    await labSh('rb3', 'sysctl -qw net.ipv4.conf.all.arp_ignore=1');
    expect(await arpAnswered('rb1', VIP)).to.equal(true);
    await labSh('rb4', 'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.lo.arp_ignore=1');
    expect(await arpAnswered('rb1', VIP)).to.equal(false);
  });
});
