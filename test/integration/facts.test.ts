// Gathered facts over real SSH on lab hosts, compared with what Ansible's setup
// reports for the same host: values and types of every fact rb promises, read
// through ansible_* and hostvars; a no-op run stays at one exec per host.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const PROMISED = [
  'hostname', 'fqdn', 'nodename', 'domain', 'os_family', 'distribution', 'distribution_version', 'distribution_release',
  'distribution_major_version', 'kernel', 'architecture', 'machine', 'processor_count', 'processor_cores', 'processor_vcpus',
  'processor_nproc', 'memtotal_mb', 'interfaces', 'eth0', 'lo', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses',
  'all_ipv6_addresses', 'dns', 'service_mgr', 'pkg_mgr', 'user_id', 'user_uid', 'user_dir', 'machine_id',
];

describe('gathered facts on lab hosts (compared with Ansible setup)', function () {
  this.timeout(240_000);
  useLab(2);
  before(async () => {
    await resetHosts(['rb1', 'rb2']);
    await labSh('rb1', 'ip route replace default via 198.18.0.1 dev eth0');
  });

  it('rb gives the facts Ansible gives, as ansible_* and through hostvars, a no-op run reading facts in its first task costs two execs per host, one reading none one exec', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rb-facts-'));
    const tree = join(dir, 'tree');
    const a = spawnSync('ansible', ['rb1', '-i', LAB_INVENTORY, '-m', 'setup', '--tree', tree], { env: { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'False' }, encoding: 'utf8', timeout: 120_000 });
    expect(a.status, a.stdout + a.stderr).to.equal(0);
    const ansible = (JSON.parse(await readFile(join(tree, 'rb1'), 'utf8')) as { ansible_facts: Record<string, unknown> }).ansible_facts;

    const own = PROMISED.map((k) => `'${k}': ansible_${k}`).join(', ');
    const file = join(dir, 'pb.yml');
    await writeFile(file, `- hosts: rb1:rb2
  tasks:
    - name: facts
      copy: { dest: /tmp/rb-facts.json, content: "{{ {${own}} | to_json }}" }
    - name: the peer's address through hostvars, and ansible_facts without the prefix
      copy: { dest: /tmp/rb-peer, content: "{{ hostvars[(ansible_play_hosts | difference([inventory_hostname]))[0]].ansible_eth0.ipv4.address }} {{ ansible_facts['os_family'] }} {{ ansible_facts.default_ipv4.gateway | default('none') }}" }
`);
    const first = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const mine = JSON.parse(await labSh('rb1', 'cat /tmp/rb-facts.json')) as Record<string, unknown>;
    for (const k of PROMISED) {
      let want = ansible[`ansible_${k}`];
      let got = mine[k];
      if (k === 'interfaces') [want, got] = [[...(want as string[])].sort(), [...(got as string[])].sort()];
      if (k === 'eth0' || k === 'lo') want = Object.fromEntries(Object.entries(want as object).filter(([x]) => x !== 'speed' && x !== 'module'));
      expect(got, `ansible_${k}`).to.deep.equal(want);
    }
    expect(mine.default_ipv4).to.have.property('gateway', '198.18.0.1');
    expect(await labSh('rb1', 'cat /tmp/rb-peer')).to.equal('198.18.0.12 Debian 198.18.0.1');
    expect(await labSh('rb2', 'cat /tmp/rb-peer')).to.equal('198.18.0.11 Debian none');

    const again = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(again.report!.tasks.map((t) => t.status)).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
    // The first task reads facts to render its params: they are read first, in their own exec; both tasks' state in the next.
    const execs = (r: typeof again) => (r.report as unknown as { transport: Record<string, { execs: number }> }).transport;
    expect(execs(again).rb1.execs).to.equal(2);
    expect(execs(again).rb2.execs).to.equal(2);

    // Gathering on, no task reading a fact: the facts ride in the one exec of a no-op run.
    const plain = join(dir, 'plain.yml');
    await writeFile(plain, `- hosts: rb1:rb2\n  tasks:\n    - copy: { dest: /tmp/rb-plain, content: "x\\n" }\n    - copy: { dest: /tmp/rb-plain2, content: "y\\n" }\n`);
    expect((await rbRun(['run', plain, '-i', LAB_INVENTORY])).code).to.equal(0);
    const noop = await rbRun(['run', plain, '-i', LAB_INVENTORY]);
    expect(noop.report!.tasks.map((t) => t.status)).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
    expect(execs(noop).rb1.execs).to.equal(1);
    expect(execs(noop).rb2.execs).to.equal(1);
  });
});
