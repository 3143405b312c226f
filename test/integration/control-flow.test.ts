// Control flow over real SSH on lab hosts: block/rescue/always with rollback,
// delegate_to another lab host, run_once.

import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

describe('control flow on lab hosts', function () {
  this.timeout(180_000);
  useLab(2);
  before(async () => {
    await resetHosts(['rb1', 'rb2']);
  });

  it('rescues on one host, delegates to the other, runs once, and rolls back only the unrescued failure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rb-cf-'));
    const file = join(dir, 'pb.yml');
    await writeFile(file, `- hosts: rb1:rb2
  gather_facts: no
  tasks:
    - name: baseline
      copy: { dest: /etc/rb-cf.conf, content: "old\\n" }
    - block:
        - name: change
          copy: { dest: /etc/rb-cf.conf, content: "new\\n" }
        - name: fail on rb2
          command: /bin/false
          when: inventory_hostname == 'rb2'
      rescue:
        - name: rescued
          copy: { dest: /etc/rb-cf.rescued, content: "{{ ansible_failed_task.name }}\\n" }
    - name: delegated
      copy: { dest: "/etc/rb-cf.from-{{ inventory_hostname }}", content: "x\\n" }
      delegate_to: rb1
    - name: once
      shell: hostname >> /etc/rb-cf.once
      run_once: true
    - name: unrescued failure on rb1
      command: /bin/false
      when: inventory_hostname == 'rb1'
`);
    const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    // rb2 was rescued: its change stays.
    expect(await labSh('rb2', 'cat /etc/rb-cf.conf /etc/rb-cf.rescued')).to.equal('new\nfail on rb2\n');
    // rb1 failed outside any block: rolled back to how it was before the run (no such file).
    expect(await labSh('rb1', 'test -e /etc/rb-cf.conf && echo yes || echo no')).to.equal('no\n');
    // Both hosts' delegated copies were made on rb1; rb1's own was rolled back with it, rb2's stays.
    expect(await labSh('rb1', 'ls /etc/ | grep rb-cf.from || true')).to.equal('rb-cf.from-rb2\n');
    expect(await labSh('rb2', 'ls /etc/ | grep rb-cf.from || true')).to.equal('');
    expect(await labSh('rb1', 'cat /etc/rb-cf.once')).to.equal('rb1\n');
    expect(await labSh('rb2', 'test -e /etc/rb-cf.once && echo yes || echo no')).to.equal('no\n');
  });
});
