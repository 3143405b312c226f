// rb adopt on two lab hosts built by hand with seed 002's scheme 1 commands and
// no rb: each box marks VIP:80 with its own fwmark except from the peer
// director's MAC (iptables -t mangle -I ... -m mac ! --mac-source), accepts
// VRRP in and out, hides ARP on eth0 and forwards (live and in
// /etc/sysctl.conf), has the VIP on lo:0, and runs keepalived's VRRP instance
// (its `virtual_server fwmark` needs IPVS, which the namespace lab lacks).
// Adopt writes a playbook whose per-host peer MAC and mark are host_vars; its
// first drift is zero; a priority changed in host_vars applies, drift zero again.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { flatChanges } from '../harness/converge.js';
import { adoptedFiles, ran, rbRun } from '../harness/rb.js';

const HOSTS = ['rb11', 'rb12'];
const VIP = '198.18.0.173';
const out = join(mkdtempSync(join(tmpdir(), 'rb-adopt-2box-')), 'adopted');
const macs: Record<string, string> = {};

const keepalivedConf = (state: string, priority: number) => `vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 73
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        ${VIP}
    }
}
`;

/** Seed 002 scheme 1, box by box, as the write-up types it (its 0x3 on director A, 0x4 on B). */
async function buildByHand(): Promise<void> {
  for (const h of HOSTS) macs[h] = (await labSh(h, 'cat /sys/class/net/eth0/address')).trim();
  const boxes = [['rb11', 'rb12', '0x3', 'MASTER', 100], ['rb12', 'rb11', '0x4', 'BACKUP', 50]] as const;
  for (const [host, peer, mark, state, prio] of boxes) {
    await labSh(host, [
      'echo 1 > /proc/sys/net/ipv4/ip_forward',
      'echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_ignore',
      'echo 2 > /proc/sys/net/ipv4/conf/eth0/arp_announce',
      "printf 'net.ipv4.ip_forward = 1\\nnet.ipv4.conf.eth0.arp_ignore = 1\\nnet.ipv4.conf.eth0.arp_announce = 2\\n' >> /etc/sysctl.conf",
      `ip addr add ${VIP}/32 dev lo label lo:0`,
      `iptables -t mangle -I PREROUTING -d ${VIP} -p tcp -m tcp --dport 80 -m mac ! --mac-source ${macs[peer]} -j MARK --set-mark ${mark}`,
      'iptables -A INPUT -i eth0 -d 224.0.0.18 -p vrrp -j ACCEPT',
      'iptables -A OUTPUT -o eth0 -d 224.0.0.18 -p vrrp -j ACCEPT',
    ].join(' && '));
    await labSh(host, 'mkdir -p /etc/keepalived && cat > /etc/keepalived/keepalived.conf && keepalived -f /etc/keepalived/keepalived.conf', { input: keepalivedConf(state, prio) });
  }
}

describe('rb adopt on hand-built two-box fwmark directors (seed 002, scheme 1)', function () {
  this.timeout(180_000);
  useLab(12);
  before(async () => {
    await resetHosts(HOSTS);
    await buildByHand();
  });
  after(async () => {
    rmSync(join(out, '..'), { recursive: true, force: true });
    await resetHosts(HOSTS);
  });

  it('writes a playbook with the mark, VRRP accept rules and keepalived; the peer MAC and the mark are host_vars', async () => {
    ran(await rbRun(['adopt', '-i', LAB_INVENTORY, '--limit', HOSTS.join(':'), '--out', out], { noReport: true }));
    const files = adoptedFiles(out);
    console.log(`      files written: ${files.join(', ')}`);
    const site = readFileSync(join(out, 'site.yml'), 'utf8');
    expect(site.match(/iptables_mark:/g), site).to.have.length(3);
    expect(site).to.include('find_by: rule');
    for (const [host, peer, mark] of [['rb11', 'rb12', 3], ['rb12', 'rb11', 4]] as const) {
      const vars = readFileSync(join(out, `host_vars/${host}.yml`), 'utf8');
      expect(vars).to.include(`! ${macs[peer]}`);
      expect(vars).to.match(new RegExp(`set_mark: ${mark}$`, 'm'));
      expect(vars).to.match(/vrrp_instances_vi_1_priority: (100|50)/);
    }
  });

  it('the first drift of the adopted playbook against the same hosts is zero', async () => {
    const r = ran(await rbRun(['drift', join(out, 'site.yml'), '-i', LAB_INVENTORY]));
    expect(flatChanges(r.report!)).to.deep.equal([]);
    expect(Object.keys(r.report!.hosts).sort()).to.deep.equal(HOSTS);
  });

  it('a priority changed in host_vars applies; the hand rules are untouched; drift zero again', async () => {
    const before = await labSh('rb12', 'iptables-save -t mangle | grep -c MARK');
    const file = join(out, 'host_vars/rb12.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/vrrp_instances_vi_1_priority: 50/, 'vrrp_instances_vi_1_priority: 90'));
    const r = ran(await rbRun(['run', join(out, 'site.yml'), '-i', LAB_INVENTORY]));
    expect(flatChanges(r.report!).map((c) => [c.host, c.kind, c.field])).to.deep.equal([
      ['rb12', 'set-option', 'vrrp_instance VI_1.priority'],
      ['rb12', 'reload-keepalived', 'config'],
    ]);
    expect(await labSh('rb12', 'grep -c "priority 90" /etc/keepalived/keepalived.conf')).to.equal('1\n');
    expect(await labSh('rb12', 'iptables-save -t mangle | grep -c MARK')).to.equal(before);
    const again = ran(await rbRun(['drift', join(out, 'site.yml'), '-i', LAB_INVENTORY]));
    expect(flatChanges(again.report!)).to.deep.equal([]);
  });
});
