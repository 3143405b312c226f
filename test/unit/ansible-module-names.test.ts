// Ansible's module names for modules rb has under another name: a playbook
// written for Ansible loads with `apt`, `yum`, `dnf`, `systemd`,
// `ansible.posix.sysctl` (and their FQCN spellings) as rb's package, service and
// sysctl, with the module's own params; a parameter rb lacks is refused by name.

import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { modules } from '../../modules/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rb-names-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function load(tasks: string): Promise<Array<[string, Record<string, unknown>]>> {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(file, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  const [book] = await loadPlaybooks([file], { registry: modules });
  return book.plays[0].tasks.map((t) => [t.module, t.args]);
}

async function problems(tasks: string): Promise<string> {
  try {
    await load(tasks);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('the playbook loaded');
}

describe("Ansible's module names", () => {
  it('runs apt, yum, dnf and their FQCN spellings as package, with their params', async () => {
    const tasks = await load(`
    - apt: { name: [keepalived, ipvsadm], update_cache: true, cache_valid_time: 3600, state: latest }
    - ansible.builtin.apt: name=rsync state=present
    - yum: { name: keepalived, state: absent }
    - ansible.builtin.dnf: { name: [ipvsadm], state: present, update_cache: true }
    - ansible.legacy.yum: { name: ipvsadm }
`);
    expect(tasks.map(([m]) => m)).to.deep.equal(['package', 'package', 'package', 'package', 'package']);
    expect(tasks[1][1]).to.deep.equal({ name: 'rsync', state: 'present' });
  });

  it('runs systemd and systemd_service as service, ansible.posix.sysctl as sysctl', async () => {
    const tasks = await load(`
    - systemd: { name: keepalived, state: started, enabled: true, daemon_reload: true }
    - ansible.builtin.systemd_service: { name: keepalived, masked: false }
    - ansible.builtin.systemd: name=rsync state=restarted
    - ansible.posix.sysctl: { name: net.ipv4.ip_forward, value: '1', sysctl_set: true, reload: true, sysctl_file: /etc/sysctl.d/99-lb.conf }
`);
    expect(tasks.map(([m]) => m)).to.deep.equal(['service', 'service', 'service', 'sysctl']);
  });

  it('refuses a parameter the module does not have, naming it and the file line', async () => {
    const msg = await problems(`
    - apt: { name: keepalived, autoremove: true }
    - systemd: { name: keepalived, scope: user }
`);
    expect(msg).to.match(/:5:\d+: tasks\[0\]\.apt\.autoremove: unknown parameter/);
    expect(msg).to.match(/:6:\d+: tasks\[1\]\.systemd\.scope: unknown parameter/);
  });

  it('loads user, group, file recurse and copy remote_src as Ansible spells them (FQCN, key=value, the play keyword user: beside the user module)', async () => {
    const tasks = await load(`
    - ansible.builtin.user: { name: lbadmin, uid: 1500, groups: [adm], append: true, password: "$6$x$y", update_password: on_create }
    - user: name=olduser state=absent remove=yes
    - ansible.builtin.group: { name: haclient, gid: 491, system: true }
    - group: name=oldgroup state=absent
    - ansible.builtin.file: { path: /srv/www, state: directory, recurse: yes, mode: "u=rwX,g=rX,o=", owner: www-data }
    - ansible.builtin.copy: { src: /etc/keepalived/keepalived.conf.dist, dest: /etc/keepalived/keepalived.conf, remote_src: yes }
`);
    expect(tasks.map(([m]) => m)).to.deep.equal(['user', 'user', 'group', 'group', 'file', 'copy']);
    expect(tasks[1][1]).to.deep.equal({ name: 'olduser', state: 'absent', remove: 'yes' });
    const file = join(dir, 'play-user.yml');
    await writeFile(file, '- hosts: all\n  user: root\n  gather_facts: false\n  tasks:\n    - user: { name: lbadmin }\n');
    const [book] = await loadPlaybooks([file], { registry: modules });
    expect(book.plays[0].tasks.map((t) => t.module)).to.deep.equal(['user']);
  });

  it('refuses user, group, file and copy parameters rb lacks, naming the file line', async () => {
    const msg = await problems(`
    - user: { name: lbadmin, generate_ssh_key: true }
    - group: { name: haclient, non_unique: true }
    - file: { path: /srv/www, state: directory, recurse: true, follow: true }
`);
    expect(msg).to.match(/:5:\d+: tasks\[0\]\.user\.generate_ssh_key: unknown parameter/);
    expect(msg).to.match(/:6:\d+: tasks\[1\]\.group\.non_unique: unknown parameter/);
    expect(msg).to.match(/:7:\d+: tasks\[2\]\.file\.follow: unknown parameter/);
  });

  it('does not take other collections\' modules for rb\'s', async () => {
    const msg = await problems(`
    - ansible.posix.copy: { src: a, dest: /tmp/a }
`);
    expect(msg).to.include('unknown module or task keyword "ansible.posix.copy"');
  });
});
