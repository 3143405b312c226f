// file with recurse and copy with remote_src on a real lab host: the first run
// changes, the second nothing, --check predicted the first run, tampering is
// drift; the tree and files rb leaves are the ones ansible-playbook leaves from
// the same playbook on the same fresh host; a failed host gets them back.

import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';
import { ansiblePlaybook, tempPlays } from '../harness/ansible-lab.js';

const HOST = 'rb3';
const { dir, play } = tempPlays(HOST, 'rb-files-');

const SETUP =
  'mkdir -p /srv/rbtree/conf.d/empty /srv/rbtree/bin "/srv/rbtree/odd name" && printf "a\\n" >/srv/rbtree/conf.d/a.conf && printf "b\\n" >/srv/rbtree/notes && ' +
  'printf "#!/bin/sh\\n" >/srv/rbtree/bin/run && touch "/srv/rbtree/odd name/x" && ln -s ../notes /srv/rbtree/conf.d/notes.link && ' +
  'chmod 0700 /srv/rbtree /srv/rbtree/conf.d && chmod 0750 /srv/rbtree/bin && chmod 0600 /srv/rbtree/conf.d/a.conf && chmod 0754 /srv/rbtree/bin/run && ' +
  'chown daemon /srv/rbtree/notes && printf "old\\n" >/etc/rb-remote.old && chmod 0640 /etc/rb-remote.old';

async function state(): Promise<string> {
  return labSh(
    HOST,
    "cd /srv/rbtree && find . -printf '%y %m %u %g %P\\n' | sort -k5; for f in /etc/rb-remote.conf /etc/rb-remote.old /etc/rb-notes.copy; do " +
      'if [ -e $f ]; then stat -c "%n %a %U %G" $f; cat $f; else echo "$f missing"; fi; done',
  );
}

const tasks = [
  { name: 'tree', 'ansible.builtin.file': { path: '/srv/rbtree', state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=', group: 'adm' } },
  { name: 'new copy', copy: { src: '/srv/rbtree/conf.d/a.conf', dest: '/etc/rb-remote.conf', remote_src: true } },
  { name: 'over an old file', copy: { src: '/srv/rbtree/notes', dest: '/etc/rb-remote.old', remote_src: true } },
  { name: 'with a mode', 'ansible.builtin.copy': { src: '/srv/rbtree/notes', dest: '/etc/rb-notes.copy', remote_src: true, mode: '0600' } },
];

describe('file recurse and copy remote_src on a lab host, compared with ansible-playbook', function () {
  this.timeout(240_000);
  useLab(4);
  beforeEach(async () => {
    await resetHosts([HOST]);
    await labSh(HOST, SETUP);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts([HOST]);
  });

  it('converges, is idempotent, reports drift, and leaves what Ansible leaves', async () => {
    const r = await converge({ playbook: play(tasks), tamper: { host: HOST, cmd: 'chmod 0777 /srv/rbtree/conf.d/a.conf && chgrp root "/srv/rbtree/odd name/x"' } });
    expect(r.changes.map((c) => [c.task, c.kind, c.field])).to.deep.equal([
      ['tree', 'set-mode', 'mode'],
      ['tree', 'set-group', 'group'],
      ['tree', 'set-tree-mode', 'mode'],
      ['tree', 'set-tree-mode', 'mode'],
      ['tree', 'set-tree-group', 'group'],
      ['new copy', 'create-file', 'content'],
      ['over an old file', 'write-file', 'content'],
      ['with a mode', 'create-file', 'content'],
      ['with a mode', 'create-file', 'mode'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.before, c.after])).to.deep.equal([
      ['set-tree-mode', '0777', '0750'],
      ['set-tree-group', 'root', 'adm'],
    ]);
    await resetHosts([HOST]);
    await labSh(HOST, SETUP);
    const first = await rbRun(['run', play(tasks), '-i', LAB_INVENTORY]);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const rb = await state();
    expect(rb).to.include('f 640 root adm conf.d/a.conf\n');
    expect(rb).to.include('/etc/rb-remote.conf 644 root root\na\n');
    expect(rb).to.include('/etc/rb-remote.old 640 root root\nb\n');

    await resetHosts([HOST]);
    await labSh(HOST, SETUP);
    await ansiblePlaybook(play(tasks));
    expect(await state()).to.equal(rb);
  });

  it('a failed host gets its tree and files back', async () => {
    const before = await state();
    const r = await rbRun(['run', play([...tasks, { command: '/bin/false' }]), '-i', LAB_INVENTORY]);
    expect(r.code).to.not.equal(0);
    expect(r.report!.tasks.slice(0, 4).map((t) => t.status)).to.deep.equal(['changed', 'changed', 'changed', 'changed']);
    expect(await state()).to.equal(before);
  });

  it('a missing remote source fails the task naming it, as Ansible does', async () => {
    const r = await rbRun(['run', play([{ copy: { src: '/etc/no-such-file', dest: '/etc/x', remote_src: true } }]), '-i', LAB_INVENTORY]);
    expect(r.code).to.not.equal(0);
    expect(r.report!.tasks[0].msg).to.include('Source /etc/no-such-file not found');
  });
});
