// The engine over real SSH on real lab hosts: convergence with the built-in
// modules, bad input touching no host, handlers, rollback, unreachable hosts,
// drift exit codes.

import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

async function playbook(plays: object): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rb-engine-'));
  const file = join(dir, 'pb.yml');
  await writeFile(file, JSON.stringify(plays, null, 1));
  return file;
}

describe('engine on lab hosts', function () {
  this.timeout(120_000);
  useLab(7);
  before(async () => {
    await resetHosts(['rb5', 'rb6', 'rb7']);
  });

  it('converges the built-in modules: check predicts, run changes exactly that, rerun and recheck are no-ops, tampering is drift', async () => {
    const r = await converge({
      playbook: here('engine/converge.yml'),
      tamper: { host: 'rb6', cmd: 'echo extra >> /etc/rbtest/app.conf && echo owner=mallory > /etc/rbtest/static.txt' },
    });
    expect(r.changes.filter((c) => c.host === 'rb5').map((c) => c.task)).to.include.members(['config directory', 'templated config', 'static file', 'a line in a file rb does not own']);
    expect(await labSh('rb5', 'cat /etc/rbtest/app.conf')).to.equal('# managed by rb\nhost = rb5\nfirst peer = rb1\nlisten 80\nlisten 443\n');
    expect(await labSh('rb5', 'stat -c %a /etc/rbtest /etc/rbtest/app.conf')).to.equal('750\n640\n');
    // The handler ran once per host, on the first run only.
    expect((await labSh('rb5', 'cat /var/tmp/app-reloads')).trim().split('\n')).to.have.length(1);
    expect(r.drift!.changes.map((c) => `${c.task}|${c.field ?? ''}`).sort()).to.deep.equal(['reload app|', 'static file|content', 'templated config|content']);
    // The drift job says so in its exit code.
    const drift = await rbRun(['drift', here('engine/converge.yml'), '-i', LAB_INVENTORY]);
    expect(drift.code, drift.stdout + drift.stderr).to.equal(2);
    const fix = await rbRun(['run', here('engine/converge.yml'), '-i', LAB_INVENTORY]);
    expect(fix.code).to.equal(0);
    const clean = await rbRun(['drift', here('engine/converge.yml'), '-i', LAB_INVENTORY]);
    expect(clean.code, clean.stdout).to.equal(0);
  });

  it('reports every mistake of a playbook, located, and touches no host', async () => {
    const file = await playbook([
      { hosts: 'rb7', tasks: [
        { name: 'would write a marker', copy: { dest: '/etc/rb-marker', content: 'x' } },
        { name: 'bad type', file: { path: '/tmp/x', mode: '0644', state: 'sideways' } },
        { name: 'typo', lineinfle: { path: '/etc/hosts', line: 'x' } },
        { name: 'unknown key', copy: { dest: '/tmp/y', content: 'y', colour: 'blue' } },
      ] },
    ]);
    const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(r.code).to.equal(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).to.equal('rb: 3 problems:');
    expect(lines[1]).to.match(new RegExp(`^  ${file}:\\d+:\\d+: tasks\\[1\\]\\.file\\.state: expected one of .*got "sideways"`));
    expect(lines[2]).to.match(new RegExp(`^  ${file}:\\d+:\\d+: tasks\\[2\\]\\.lineinfle: unknown module or task keyword "lineinfle" \\(did you mean "lineinfile"\\?\\)`));
    expect(lines[3]).to.match(new RegExp(`^  ${file}:\\d+:\\d+: tasks\\[3\\]\\.copy\\.colour: unknown parameter`));
    expect(r.stderr).to.not.match(/\bat .*\.ts:\d+/); // no stack trace
    expect((await labExec('rb7', 'test -e /etc/rb-marker')).code).to.equal(1);
  });

  it('refuses a variable no source defines before any host, naming the variable and the task', async () => {
    const file = await playbook([{ hosts: 'rb7', tasks: [{ name: 'uses an undefined var', copy: { dest: '/etc/rb-undef', content: '{{ no_such_var }}' } }] }]);
    const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/:\d+:\d+: tasks\[0\]: undefined variable "no_such_var"/);
    expect((await labExec('rb7', 'test -e /etc/rb-undef')).code).to.equal(1);
  });

  it('rolls a failed host back: files restored from backup, handlers of the restored tasks run', async () => {
    await labSh('rb7', 'mkdir -p /etc/rbrb && printf "old\\n" > /etc/rbrb/app.conf');
    const file = await playbook([{
      hosts: 'rb7',
      tasks: [
        { name: 'new config', copy: { dest: '/etc/rbrb/app.conf', content: 'new\n' }, notify: 'reload' },
        { name: 'new extra file', copy: { dest: '/etc/rbrb/extra.conf', content: 'x\n' } },
        { name: 'a later step fails', command: 'false' },
      ],
      handlers: [{ name: 'reload', shell: 'cat /etc/rbrb/app.conf >> /var/tmp/rbrb-reloads' }],
    }]);
    const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(r.code).to.equal(3);
    expect(await labSh('rb7', 'cat /etc/rbrb/app.conf')).to.equal('old\n');
    expect((await labExec('rb7', 'test -e /etc/rbrb/extra.conf')).code).to.equal(1);
    // The reload ran after the restore, so the old config is what is live.
    expect(await labSh('rb7', 'cat /var/tmp/rbrb-reloads')).to.equal('old\n');
    const rollbacks = (r.report as unknown as { rollbacks: Array<{ undone: Array<{ task: string; ok: boolean }> }> }).rollbacks;
    expect(rollbacks[0].undone.map((u) => `${u.task}:${u.ok}`)).to.deep.equal(['new extra file:true', 'new config:true']);
    expect(r.stdout).to.contain('ROLLBACK [rb7]');
  });

  it('takes an unreachable host out of the play and goes on with the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rb-inv-'));
    const inv = join(dir, 'hosts.yml');
    const lab = await import('node:fs/promises').then((fs) => fs.readFile(LAB_INVENTORY, 'utf8'));
    await writeFile(inv, lab.replace(/(\n\s+)rb5:\n(\s+)ansible_host: 198\.18\.0\.15/, '$1rb5:\n$2ansible_host: 198.18.0.99\n$2ansible_ssh_timeout: 2'));
    const file = await playbook([{ hosts: 'rb5:rb6', tasks: [{ name: 'ping', command: 'true' }, { name: 'again', command: 'true' }] }]);
    const r = await rbRun(['run', file, '-i', inv]);
    expect(r.code).to.equal(3);
    expect(r.report!.hosts.rb5.unreachable).to.equal(1);
    expect(r.report!.tasks.filter((t) => t.host === 'rb6').map((t) => t.status)).to.deep.equal(['changed', 'changed']);
    expect(r.report!.tasks.filter((t) => t.host === 'rb5')).to.have.length(1);
  });

  it('register, when, loop and set_fact work together', async () => {
    const file = await playbook([{
      hosts: 'rb7',
      tasks: [
        { name: 'read hostname', command: 'hostname', register: 'hn', changed_when: false },
        { set_fact: { who: '{{ hn.stdout | upper }}' } },
        { name: 'files per item', copy: { dest: '/var/tmp/loop-{{ item }}', content: '{{ who }}-{{ item }}\n' }, loop: ['a', 'b'], when: "hn.stdout == 'rb7'" },
        { name: 'never runs', copy: { dest: '/var/tmp/never', content: 'x' }, when: 'hn.rc != 0' },
      ],
    }]);
    const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await labSh('rb7', 'cat /var/tmp/loop-a /var/tmp/loop-b')).to.equal('RB7-a\nRB7-b\n');
    expect(r.report!.tasks.map((t) => t.status)).to.deep.equal(['ok', 'ok', 'changed', 'skipped']);
  });
});
