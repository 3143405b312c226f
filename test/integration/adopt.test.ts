// rb adopt on lab hosts built by hand, with the commands of the dr-keepalived
// write-ups (seeds 000/001) and no rb: two directors with keepalived (VRRP
// instance, vrrp_script, PASS auth, VIP on eth0, ip_forward in
// /etc/sysctl.conf) and a real server with ARP hiding set live and in
// /etc/sysctl.conf. Adopt writes a playbook and vars; its first drift against
// the same hosts is zero; a priority changed in host_vars then applies.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { flatChanges } from '../harness/converge.js';
import { adoptedFiles, ran, rbRun } from '../harness/rb.js';

const DIRECTORS = ['rb11', 'rb12'];
const REAL = 'rb13';
const HOSTS = [...DIRECTORS, REAL];
const VIP = '198.18.0.172';
const PASS = 'h4ndmade';
const out = join(mkdtempSync(join(tmpdir(), 'rb-adopt-')), 'adopted');

const keepalivedConf = (state: string, priority: number) => `! Configuration File for keepalived
global_defs {
   router_id LVS_${state}
   script_user root
   enable_script_security
}
vrrp_script chk_web {
    script "/bin/true"
    interval 2
}
vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 72
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass ${PASS}
    }
    virtual_ipaddress {
        ${VIP}
    }
    track_script {
        chk_web
    }
}
`;

/** The write-ups' hand commands: files edited with an editor, sysctl -p, the daemon started. */
async function buildByHand(): Promise<void> {
  for (const [host, state, prio] of [['rb11', 'MASTER', 100], ['rb12', 'BACKUP', 50]] as const) {
    await labSh(host, 'mkdir -p /etc/keepalived && cat > /etc/keepalived/keepalived.conf', { input: keepalivedConf(state, prio) });
    await labSh(host, "echo 'net.ipv4.ip_forward = 1' >> /etc/sysctl.conf && sysctl -p >/dev/null && keepalived -f /etc/keepalived/keepalived.conf");
  }
  await labSh(REAL, 'echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce; echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce');
  await labSh(REAL, "printf 'net.ipv4.conf.lo.arp_ignore = 1\\nnet.ipv4.conf.lo.arp_announce = 2\\n' >> /etc/sysctl.conf");
}

const pidOf = async (host: string) => Number((await labSh(host, 'cat /run/keepalived.pid')).trim());

describe('rb adopt on hand-built dr-keepalived hosts', function () {
  this.timeout(180_000);
  useLab(13);
  before(async () => {
    await resetHosts(HOSTS);
    await buildByHand();
  });
  after(async () => {
    rmSync(join(out, '..'), { recursive: true, force: true });
    await resetHosts(HOSTS);
  });

  it('writes a playbook, group_vars and host_vars; per-host values are variables, the password only in a vars file', async () => {
    const r = ran(await rbRun(['adopt', '-i', LAB_INVENTORY, '--limit', HOSTS.join(':'), '--out', out], { noReport: true }));
    expect(r.stdout).not.to.include(PASS);
    const site0 = readFileSync(join(out, 'site.yml'), 'utf8');
    expect(r.stdout, site0).to.match(/^rb11: sysctl, vrrp$/m);
    expect(r.stdout).to.match(/^rb12: sysctl, vrrp$/m);
    expect(r.stdout).to.match(/^rb13: sysctl, sysctl$/m);
    const site = readFileSync(join(out, 'site.yml'), 'utf8');
    expect(site).not.to.include(PASS);
    expect(site).to.include('{{ vrrp_instances_vi_1_priority }}');
    const files = adoptedFiles(out);
    console.log(`      files written: ${files.join(', ')}`);
    expect(readFileSync(join(out, 'host_vars/rb11.yml'), 'utf8')).to.match(/vrrp_instances_vi_1_priority: 100/);
    expect(readFileSync(join(out, 'host_vars/rb12.yml'), 'utf8')).to.match(/vrrp_instances_vi_1_state: BACKUP/);
    const secretFile = files.filter((f) => f !== 'site.yml').find((f) => readFileSync(join(out, f), 'utf8').includes(PASS));
    expect(secretFile, 'the password is in one vars file').to.be.a('string');
    expect(readFileSync(join(out, secretFile!), 'utf8')).to.match(/^# Holds secrets \(.*auth_pass.*\): encrypt this file/m);
  });

  it('the first drift of the adopted playbook against the same hosts is zero', async () => {
    const r = ran(await rbRun(['drift', join(out, 'site.yml'), '-i', LAB_INVENTORY]));
    expect(flatChanges(r.report!)).to.deep.equal([]);
    expect(Object.keys(r.report!.hosts).sort()).to.deep.equal(HOSTS);
    expect(JSON.stringify(r.report)).not.to.include(PASS);
  });

  it('a priority changed in host_vars applies as usual: one field, keepalived reloaded, drift zero again', async () => {
    const pid = await pidOf('rb12');
    const file = join(out, 'host_vars/rb12.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/vrrp_instances_vi_1_priority: 50/, 'vrrp_instances_vi_1_priority: 90'));
    const r = ran(await rbRun(['run', join(out, 'site.yml'), '-i', LAB_INVENTORY]));
    expect(flatChanges(r.report!).map((c) => [c.host, c.kind, c.field])).to.deep.equal([
      ['rb12', 'set-option', 'vrrp_instance VI_1.priority'],
      ['rb12', 'reload-keepalived', 'config'],
    ]);
    expect(await labSh('rb12', 'grep -c "priority 90" /etc/keepalived/keepalived.conf')).to.equal('1\n');
    expect((await labExec('rb12', `kill -0 ${pid}`)).code, 'keepalived reloaded, not restarted').to.equal(0);
    const again = ran(await rbRun(['drift', join(out, 'site.yml'), '-i', LAB_INVENTORY]));
    expect(flatChanges(again.report!)).to.deep.equal([]);
  });
});
