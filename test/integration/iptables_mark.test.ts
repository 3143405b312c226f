// iptables_mark on real lab hosts over SSH, with real packets: the two-box
// seed's MARK rule counts traffic for the VIP from a lab host and not from the
// excluded peer MAC; duplicates, edited rules and an edited rules file are
// drift; rollback puts the old rule back where it was; seed 002's playbook
// converges both directors, and its VRRP accept rule counts real keepalived
// adverts.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const VIP = '198.18.0.100';
const RULES = '/etc/iptables/rules.v4';
const OURS = `-A PREROUTING -d ${VIP}/32 -p tcp -m tcp --dport 80 -m mac ! --mac-source 02:72:62:00:00:02 -m comment --comment "rb:fwmark 3 for the VIP" -j MARK --set-xmark 0x3/0xffffffff`;
const dir = mkdtempSync(join(tmpdir(), 'rb-iptables-'));
let n = 0;

function play(hosts: string, tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'iptables_mark', hosts, tasks }], null, 2)}\n`);
  return file;
}

const markTask = (mark = 3) => ({
  name: 'fwmark 3 for the VIP',
  iptables_mark: { destination: VIP, protocol: 'tcp', dport: 80, mac_source: '! 02:72:62:00:00:02', set_mark: mark },
});

/** Packet counter of the rule carrying `comment` (iptables-save -c). */
async function counter(host: string, table: string, comment: string): Promise<number> {
  const lines = (await labSh(host, `iptables-save -c -t ${table}`)).split('\n').filter((l) => l.includes(`--comment "${comment}"`));
  expect(lines, `one rule "${comment}" on ${host}`).to.have.length(1);
  return Number(/^\[(\d+):\d+\]/.exec(lines[0])![1]);
}

/** Three TCP connection attempts to VIP:80; each must be refused by rb1 (proof the SYN arrived). */
async function knock(from: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const r = await labExec(from, `timeout 3 bash -c 'exec 3<>/dev/tcp/${VIP}/80'`);
    expect({ code: r.code, refused: r.stderr.includes('Connection refused') }, `${from} → ${VIP}:80`).to.deep.equal({ code: 1, refused: true });
  }
}

async function chainRules(host: string, table: string): Promise<string[]> {
  return (await labSh(host, `iptables-save -t ${table}`)).split('\n').filter((l) => l.startsWith('-A '));
}

describe('iptables_mark on lab hosts', function () {
  this.timeout(120_000);
  useLab(4);
  beforeEach(() => resetHosts(['rb1', 'rb2', 'rb3']));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts(['rb1', 'rb2', 'rb3']);
  });

  it('marks traffic for the VIP from rb3 but not from the excluded MAC of rb2; a duplicate is drift', async () => {
    const playbook = play('rb1', [markTask()]);
    const r = await converge({ playbook, tamper: { host: 'rb1', cmd: `iptables -t mangle -A ${OURS.slice(3).replace(/"/g, "'")}` } });
    expect(r.changes.map((c) => [c.kind, c.field, c.after])).to.deep.equal([
      ['add-rule', 'rule', OURS],
      ['persist-rule', `rule in ${RULES}`, OURS],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.before, c.after ?? null])).to.deep.equal([['remove-duplicate-rule', OURS, null]]);
    const repair = await rbRun(['run', playbook, '-i', LAB_INVENTORY]);
    expect(repair.code, repair.stdout).to.equal(0);
    expect(await chainRules('rb1', 'mangle')).to.deep.equal([OURS]);

    await labSh('rb1', `ip addr add ${VIP}/32 dev lo`);
    const start = await counter('rb1', 'mangle', 'rb:fwmark 3 for the VIP');
    await knock('rb3');
    expect(await counter('rb1', 'mangle', 'rb:fwmark 3 for the VIP'), 'SYNs from rb3 are marked').to.equal(start + 3);
    await knock('rb2');
    expect(await counter('rb1', 'mangle', 'rb:fwmark 3 for the VIP'), 'SYNs from the peer MAC are not').to.equal(start + 3);
  });

  it('an edited rule is drift per field; an edited rules file is drift of the saved line; foreign saved rules are kept', async () => {
    await labSh('rb1', `mkdir -p /etc/iptables && printf '*filter\\n:INPUT ACCEPT [0:0]\\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\\nCOMMIT\\n' > ${RULES}`);
    const playbook = play('rb1', [markTask()]);
    const r = await converge({
      playbook,
      tamper: { host: 'rb1', cmd: `iptables -t mangle -R PREROUTING 1 -d ${VIP}/32 -p tcp -m tcp --dport 80 -m comment --comment 'rb:fwmark 3 for the VIP' -j MARK --set-mark 0x4` },
    });
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before ?? null, c.after])).to.deep.equal([
      ['update-rule', 'mac_source', null, '! 02:72:62:00:00:02'],
      ['update-rule', 'set_mark', '0x4/0xffffffff', '0x3/0xffffffff'],
    ]);
    expect(await labSh('rb1', `cat ${RULES}`)).to.contain('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n').and.contain(`${OURS}\n`);
    expect((await labExec('rb1', `iptables-restore --test < ${RULES}`)).code, 'the saved file restores').to.equal(0);

    expect((await rbRun(['run', playbook, '-i', LAB_INVENTORY])).code).to.equal(0);
    await labSh('rb1', `sed -i 's#0x3/0xffffffff#0x7/0xffffffff#' ${RULES}`);
    const check = await rbRun(['run', playbook, '-i', LAB_INVENTORY, '--check']);
    const changes = check.report!.tasks.flatMap((t) => t.changes);
    expect(changes.map((c) => [c.kind, c.before, c.after])).to.deep.equal([['persist-rule', OURS.replace('0x3/', '0x7/'), OURS]]);
  });

  it('rollback after a later failure puts the old rule back at its position and the old rules file', async () => {
    expect((await rbRun(['run', play('rb1', [markTask()]), '-i', LAB_INVENTORY])).code).to.equal(0);
    await labSh('rb1', 'iptables -t mangle -I PREROUTING -p icmp -j MARK --set-mark 0x9');
    const before = { rules: await chainRules('rb1', 'mangle'), file: await labSh('rb1', `cat ${RULES}`) };
    expect(before.rules).to.deep.equal(['-A PREROUTING -p icmp -j MARK --set-xmark 0x9/0xffffffff', OURS]);

    const r = await rbRun(['run', play('rb1', [markTask(5), { name: 'fails', command: '/bin/false' }]), '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout).to.equal(3);
    expect(r.stdout).to.contain('restored: fwmark 3 for the VIP (iptables_mark)');
    expect({ rules: await chainRules('rb1', 'mangle'), file: await labSh('rb1', `cat ${RULES}`) }).to.deep.equal(before);
  });

  it("seed 002's two-box marking converges both directors; its VRRP accept rule counts real keepalived adverts", async () => {
    const r = await converge({
      playbook: 'playbooks/two-box-fwmark-marks.yml',
      inventory: 'inventory/lab/two-box-fwmark-marks',
      tamper: { host: 'rb2', cmd: 'iptables -t mangle -F PREROUTING' },
    });
    expect(r.drift!.changes.map((c) => [c.host, c.kind])).to.deep.equal([['rb2', 'add-rule']]);
    expect((await chainRules('rb1', 'mangle'))[0]).to.contain('! --mac-source 02:72:62:00:00:02 ').and.contain('--set-xmark 0x3/0xffffffff');

    // rb2 is the MAC rb1 excludes and vice versa.
    expect((await rbRun(['run', 'playbooks/two-box-fwmark-marks.yml', '-i', 'inventory/lab/two-box-fwmark-marks'])).code).to.equal(0);
    expect((await chainRules('rb2', 'mangle'))[0]).to.contain('! --mac-source 02:72:62:00:00:01 ').and.contain('--set-xmark 0x4/0xffffffff');

    // keepalived on both, as in the seed: rb1 (BACKUP) joins 224.0.0.18, rb2 (MASTER) sends the adverts.
    const vrrp = (state: string, prio: number) =>
      `mkdir -p /etc/keepalived && printf 'vrrp_instance VI_T {\\n state ${state}\\n interface eth0\\n virtual_router_id 77\\n priority ${prio}\\n advert_int 1\\n` +
      `virtual_ipaddress {\\n 198.18.0.200/32\\n }\\n}\\n' > /etc/keepalived/vrrp-test.conf && keepalived -f /etc/keepalived/vrrp-test.conf -p /run/kt.pid -r /run/kt-vrrp.pid`;
    const adverts = () => counter('rb1', 'filter', 'rb:accept VRRP in');
    const start = await adverts();
    await labSh('rb1', vrrp('BACKUP', 50));
    await labSh('rb2', vrrp('MASTER', 100));
    let count = start;
    for (let i = 0; i < 40 && count < start + 2; i++) {
      await new Promise((res) => setTimeout(res, 250));
      count = await adverts();
    }
    expect(count, 'VRRP adverts from rb2 pass rb1\'s accept rule').to.be.at.least(start + 2);
  });
});
