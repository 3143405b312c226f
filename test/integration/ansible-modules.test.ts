// Ansible's module names and the look-only modules on a real lab host, run by
// rb and by ansible-playbook on the same host: ansible.posix.sysctl converges
// (first run changes, second none, --check predicted it, tampering is drift)
// to the same live value and file entry as Ansible's; stat and slurp register
// the same values as Ansible's, written to the host by both and compared.

import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';
import { ansiblePlaybook, tempPlays } from '../harness/ansible-lab.js';

const HOST = 'rb3';
const { dir, play } = tempPlays(HOST, 'rb-ansmods-');

/** `key = value` lines of a sysctl file as [key, value] pairs (spacing as each tool writes it aside). */
async function sysctlEntries(file: string): Promise<string[][]> {
  const text = await labSh(HOST, `cat ${file}`);
  return text.split('\n').filter((l) => /^\s*[a-z]/.test(l)).map((l) => l.split('=').map((s) => s.trim()));
}

describe("Ansible's module names and stat/slurp on a lab host, compared with ansible-playbook", function () {
  this.timeout(240_000);
  useLab(4);
  beforeEach(() => resetHosts([HOST]));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts([HOST]);
  });

  const sysctlTask = {
    name: 'nonlocal bind',
    'ansible.posix.sysctl': { name: 'net.ipv4.ip_nonlocal_bind', value: '1', sysctl_set: true, reload: true, sysctl_file: '/etc/sysctl.d/99-lb.conf' },
  };

  it('ansible.posix.sysctl converges, is idempotent, reports drift, and ends where Ansible ends', async () => {
    expect((await labSh(HOST, 'sysctl -n net.ipv4.ip_nonlocal_bind')).trim()).to.equal('0');
    const r = await converge({ playbook: play([sysctlTask]), tamper: { host: HOST, cmd: 'sysctl -qw net.ipv4.ip_nonlocal_bind=0' } });
    expect(r.changes.map((c) => [c.module, c.kind, c.resource, c.after])).to.deep.equal([
      ['sysctl', 'set-sysctl', 'net.ipv4.ip_nonlocal_bind', '1'],
      ['sysctl', 'persist-sysctl', 'net.ipv4.ip_nonlocal_bind', '1'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.before, c.after])).to.deep.equal([['set-sysctl', '0', '1']]);
    await rbRun(['run', play([sysctlTask]), '-i', LAB_INVENTORY]);
    const rb = { live: (await labSh(HOST, 'sysctl -n net.ipv4.ip_nonlocal_bind')).trim(), file: await sysctlEntries('/etc/sysctl.d/99-lb.conf') };

    await resetHosts([HOST]);
    const out = await ansiblePlaybook(play([sysctlTask]));
    expect(out).to.match(/changed=1/);
    const ansible = { live: (await labSh(HOST, 'sysctl -n net.ipv4.ip_nonlocal_bind')).trim(), file: await sysctlEntries('/etc/sysctl.d/99-lb.conf') };
    expect(rb).to.deep.equal(ansible);
    expect(rb).to.deep.equal({ live: '1', file: [['net.ipv4.ip_nonlocal_bind', '1']] });
  });

  it('reload: false writes only the file, as Ansible does', async () => {
    const task = { 'ansible.posix.sysctl': { name: 'net.ipv4.ip_nonlocal_bind', value: '1', reload: false, sysctl_file: '/etc/sysctl.d/99-lb.conf' } };
    const r = await converge({ playbook: play([task]) });
    expect(r.changes.map((c) => c.kind)).to.deep.equal(['persist-sysctl']);
    expect((await labSh(HOST, 'sysctl -n net.ipv4.ip_nonlocal_bind')).trim()).to.equal('0');
    await resetHosts([HOST]);
    await ansiblePlaybook(play([task]));
    expect((await labSh(HOST, 'sysctl -n net.ipv4.ip_nonlocal_bind')).trim()).to.equal('0');
    expect(await sysctlEntries('/etc/sysctl.d/99-lb.conf')).to.deep.equal([['net.ipv4.ip_nonlocal_bind', '1']]);
  });

  // The registered values both tools see, written to the host as JSON by the same task.
  const lookTasks = (out: string) => [
    { copy: { dest: '/etc/rb-look.conf', content: 'virtual_server 198.18.0.100 80 {\n}\n', mode: '0640' } },
    { file: { path: '/etc/rb-look.link', src: '/etc/rb-look.conf', state: 'link' } },
    { stat: { path: '/etc/rb-look.conf' }, register: 'f' },
    { stat: { path: '/etc/rb-look.link' }, register: 'l' },
    { stat: { path: '/etc/rb-look.link', follow: true, checksum_algorithm: 'sha256' }, register: 'lf' },
    { 'ansible.builtin.stat': { path: '/etc/no-such-file' }, register: 'm' },
    { stat: { path: '/etc' }, register: 'd' },
    { slurp: { src: '/etc/rb-look.conf' }, register: 's' },
    {
      copy: {
        dest: out,
        content:
          "{{ {'f': [f.stat.exists, f.stat.mode, f.stat.isreg, f.stat.isdir, f.stat.islnk, f.stat.size, f.stat.checksum, f.stat.pw_name, f.stat.gr_name, f.stat.uid, f.stat.rusr, f.stat.wgrp, f.stat.roth, f.stat.readable, f.stat.executable]," +
          " 'l': [l.stat.islnk, l.stat.lnk_target, l.stat.lnk_source, l.stat.isreg], 'lf': [lf.stat.isreg, lf.stat.checksum, lf.stat.mode]," +
          " 'm': m.stat, 'd': [d.stat.isdir, d.stat.mode], 's': [s.content, s.encoding, s.source, s.content | b64decode], 'changed': [f.changed, s.changed]} | to_json }}\n",
      },
    },
  ];

  it('stat and slurp register what Ansible registers, and change nothing (a check afterwards neither)', async () => {
    const first = await rbRun(['run', play(lookTasks('/etc/rb-look.rb.json')), '-i', LAB_INVENTORY]);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const looks = first.report!.tasks.filter((t) => t.module === 'stat' || t.module === 'slurp');
    expect(looks.map((t) => t.status)).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    await ansiblePlaybook(play(lookTasks('/etc/rb-look.ansible.json')));
    const rb = JSON.parse(await labSh(HOST, 'cat /etc/rb-look.rb.json'));
    const ansible = JSON.parse(await labSh(HOST, 'cat /etc/rb-look.ansible.json'));
    expect(rb).to.deep.equal(ansible);
    expect(rb.f.slice(0, 3)).to.deep.equal([true, '0640', true]);
    expect(rb.m).to.deep.equal({ exists: false });
    expect(rb.s[3]).to.equal('virtual_server 198.18.0.100 80 {\n}\n');
    const again = await rbRun(['check', play(lookTasks('/etc/rb-look.rb.json')), '-i', LAB_INVENTORY]);
    expect(again.report!.tasks.map((t) => t.status)).to.not.include('changed');
  });

  it('slurp of a missing file fails the task naming the path, as Ansible does', async () => {
    const r = await rbRun(['run', play([{ slurp: { src: '/etc/no-such-file' } }]), '-i', LAB_INVENTORY]);
    expect(r.code).to.not.equal(0);
    expect(r.report!.tasks[0].status).to.equal('failed');
    expect(r.report!.tasks[0].msg).to.include('file not found: /etc/no-such-file');
  });
});
