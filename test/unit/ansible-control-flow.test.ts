// block/rescue/always with rb's rollback, on this machine (connection: local),
// the short-form argument splitter and ansible.cfg reading.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnsibleCfg, parseIni } from '../../core/config/ansible-cfg.js';
import { runPlaybooks } from '../../core/engine/run.js';
import type { Reporter, RunSummary } from '../../core/engine/types.js';
import { parseKeyValueArgs, splitArgs } from '../../core/playbook/kv-args.js';
import { modules } from '../../modules/index.js';

const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };

describe('blocks and rollback (local host)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-blocks-'));
    await writeFile(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n');
    await writeFile(join(dir, 'conf'), 'old\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(tasks: string): Promise<RunSummary> {
    await writeFile(join(dir, 'play.yml'), `- hosts: all\n  gather_facts: no\n  vars: { d: ${JSON.stringify(dir)} }\n  tasks:\n${tasks}`);
    return runPlaybooks({
      playbooks: [join(dir, 'play.yml')], inventories: [join(dir, 'inventory.yml')], registry: modules, reporter: silent,
      options: { check: false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: true, verbose: 0 },
    });
  }
  const change = '        - name: change conf\n          copy: { dest: "{{ d }}/conf", content: "new\\n" }\n        - name: fail\n          command: /bin/false\n';

  it('a rescued failure is not rolled back: the host goes on, its change stays', async () => {
    const s = await run(`    - block:\n${change}      rescue:\n        - name: note\n          copy: { dest: "{{ d }}/rescued", content: "{{ ansible_failed_task.name }}" }\n    - name: after\n      copy: { dest: "{{ d }}/after", content: "x" }\n`);
    expect(s.rollbacks).to.have.length(0);
    expect(await readFile(join(dir, 'conf'), 'utf8')).to.equal('new\n');
    expect(await readFile(join(dir, 'rescued'), 'utf8')).to.equal('fail');
    expect(await readFile(join(dir, 'after'), 'utf8')).to.equal('x');
    expect(s.stats.h1).to.include({ failed: 0, rescued: 1 });
  });

  it('a failure with only always runs always, then fails the host and rolls its changes back', async () => {
    const s = await run(`    - block:\n${change}      always:\n        - name: always\n          copy: { dest: "{{ d }}/always", content: "a" }\n    - name: after\n      copy: { dest: "{{ d }}/after", content: "x" }\n`);
    expect(s.rollbacks).to.have.length(1);
    expect(await readFile(join(dir, 'conf'), 'utf8')).to.equal('old\n');
    expect(s.stats.h1.failed).to.equal(1);
    expect(existsSync(join(dir, 'after'))).to.equal(false);
  });

  it('a failing rescue fails the host (after always)', async () => {
    const s = await run(`    - block:\n${change}      rescue:\n        - command: /bin/false\n      always:\n        - copy: { dest: "{{ d }}/always", content: "a" }\n`);
    // always ran (then the failed host was rolled back, its write included).
    expect(s.results.map((r) => [r.task.module, r.status])).to.deep.equal([['copy', 'changed'], ['command', 'failed'], ['command', 'failed'], ['copy', 'changed']]);
    expect(s.rollbacks).to.have.length(1);
    expect(existsSync(join(dir, 'always'))).to.equal(false);
    expect(await readFile(join(dir, 'conf'), 'utf8')).to.equal('old\n');
    expect(s.stats.h1.rescued).to.equal(0);
  });

  it('until retries a bounded number of times and registers the attempts', async () => {
    const s = await run('    - shell: echo x >> {{ d }}/n; wc -l < {{ d }}/n\n      register: r\n      until: r.stdout | int >= 2\n      retries: 4\n      delay: 0\n    - shell: echo nope\n      register: q\n      until: false\n      retries: 2\n      delay: 0\n      ignore_errors: true\n');
    expect(s.results[0].data.attempts).to.equal(2);
    expect(s.results[1].status).to.equal('failed');
    expect(s.results[1].data.attempts).to.equal(3);
  });
});

describe('short-form arguments (k=v)', () => {
  it('keeps spaces inside {{ }} and quotes, and splits the rest', () => {
    expect(splitArgs(`dest={{ out }}/x content="{{ a | default('b c') }}" mode=0644`)).to.deep.equal(['dest={{ out }}/x', `content="{{ a | default('b c') }}"`, 'mode=0644']);
    expect(parseKeyValueArgs(`msg="a \\"b\\"" x={{ y ~ 'z w' }}`)).to.deep.equal({ params: { msg: 'a "b"', x: "{{ y ~ 'z w' }}" }, freeForm: undefined });
    expect(parseKeyValueArgs('tasks/x.yml a=1 b=2')).to.deep.equal({ params: { a: '1', b: '2' }, freeForm: 'tasks/x.yml' });
    expect(parseKeyValueArgs('x={{ y')).to.equal(undefined);
  });
});

describe('ansible.cfg', () => {
  it('reads sections, comments and continuations as ConfigParser does', () => {
    const ini = parseIni('[defaults]\n# c\nforks = 7 ; inline\nroles_path = a:\n  b\n[ssh_connection]\nssh_args: -o ServerAliveInterval=5\n');
    expect(ini.get('defaults')!.get('forks')!.value).to.equal('7');
    expect(ini.get('defaults')!.get('roles_path')!.value).to.equal('a:\nb');
    expect(ini.get('ssh_connection')!.get('ssh_args')!.value).to.equal('-o ServerAliveInterval=5');
  });

  it('finds ANSIBLE_CONFIG before ./ansible.cfg, resolves paths beside the file, and ANSIBLE_* wins', async () => {
    const d = await mkdtemp(join(tmpdir(), 'rb-cfg-'));
    try {
      await mkdir(join(d, 'other'));
      await writeFile(join(d, 'ansible.cfg'), '[defaults]\nforks = 3\n');
      await writeFile(join(d, 'other', 'my.cfg'), '[defaults]\ninventory = hosts.ini\nforks = 9\nroles_path = roles:/abs/roles\nhost_key_checking = False\n[privilege_escalation]\nbecome = yes\nbecome_user = svc\n');
      const own = loadAnsibleCfg({ HOME: d }, d);
      expect(own).to.include({ file: join(d, 'ansible.cfg'), forks: 3 });
      const cfg = loadAnsibleCfg({ HOME: d, ANSIBLE_CONFIG: join(d, 'other', 'my.cfg'), ANSIBLE_FORKS: '12' }, d);
      expect(cfg).to.include({ forks: 12, hostKeyChecking: false, become: true, becomeUser: 'svc' });
      expect(cfg.inventory).to.deep.equal([join(d, 'other', 'hosts.ini')]);
      expect(cfg.rolesPath).to.deep.equal([join(d, 'other', 'roles'), '/abs/roles']);
      expect(() => loadAnsibleCfg({ HOME: d, ANSIBLE_BECOME: 'maybe' }, d)).to.throw(/expected a boolean/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
