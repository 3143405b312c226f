// The engine's promises that do not need a lab, on this machine
// (ansible_connection: local, a real sh, rb's own modules): handlers run only
// for changed tasks, in definition order, by name or `listen`, at the end or
// at flush_handlers; a failed host is rolled back newest first; check mode
// never applies and reports what it cannot predict as unknown.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybooks } from '../../core/engine/run.js';
import type { Reporter, RunSummary } from '../../core/engine/types.js';
import { modules } from '../../modules/index.js';

const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };

describe('engine semantics (local host)', function () {
  this.timeout(30_000);
  let dir: string;
  const f = (name: string) => join(dir, name);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-engine-'));
    await writeFile(f('inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(play: string, opts: { check?: boolean; rollback?: boolean } = {}): Promise<RunSummary> {
    await writeFile(f('play.yml'), `- hosts: all\n  vars: { d: ${JSON.stringify(dir)} }\n${play}`);
    return runPlaybooks({
      playbooks: [f('play.yml')],
      inventories: [f('inventory.yml')],
      registry: modules,
      reporter: silent,
      options: { check: opts.check ?? false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: opts.rollback ?? true, verbose: 0 },
    });
  }
  const log = async () => (existsSync(f('log')) ? (await readFile(f('log'), 'utf8')).trim().split('\n') : []);
  const handler = (name: string, extra = '') => `    - name: ${name}\n      shell: echo ${name} >> {{ d }}/log\n${extra}`;
  const copy = (file: string, content: string, notify: string) =>
    `    - name: write ${file}\n      copy: { dest: "{{ d }}/${file}", content: "${content}" }\n      notify: ${notify}\n`;

  it('runs handlers once, in definition order, only for tasks that changed', async () => {
    await writeFile(f('same'), 'same');
    const s = await run(
      '  tasks:\n' +
        copy('b', 'b', 'second') +
        copy('same', 'same', 'never') +
        copy('a', 'a', 'first') +
        copy('c', 'c', 'second') +
        '  handlers:\n' +
        handler('never') +
        handler('first') +
        handler('second'),
    );
    expect(s.results.filter((r) => !r.handler).map((r) => r.status)).to.deep.equal(['changed', 'ok', 'changed', 'changed']);
    expect(await log()).to.deep.equal(['first', 'second']);
  });

  it('changed_when false makes a task that changed ok (and notifies nothing); changed_when true makes an ok one changed', async () => {
    await writeFile(f('same'), 'same');
    const s = await run(
      '  tasks:\n' +
        copy('a', 'a', 'first').replace('      notify:', '      changed_when: false\n      notify:') +
        copy('same', 'same', 'second').replace('      notify:', '      changed_when: true\n      notify:') +
        '  handlers:\n' +
        handler('first') +
        handler('second'),
    );
    expect(s.results.filter((r) => !r.handler).map((r) => r.status)).to.deep.equal(['ok', 'changed']);
    expect(await readFile(f('a'), 'utf8')).to.equal('a');
    expect(await log()).to.deep.equal(['second']);
  });

  it('notifies by listen topic, and flush_handlers runs them before the next task', async () => {
    const s = await run(
      '  tasks:\n' +
        copy('a', 'a', 'restart web') +
        '    - meta: flush_handlers\n' +
        '    - name: read the log after the flush\n      command: cat {{ d }}/log\n      register: seen\n' +
        copy('b', 'b', 'restart web') +
        '  handlers:\n' +
        handler('web1', '      listen: restart web\n') +
        handler('web2', '      listen: restart web\n'),
    );
    const seen = s.results.find((r) => r.task.name === 'read the log after the flush')!;
    expect(String(seen.data.stdout).trim().split('\n')).to.deep.equal(['web1', 'web2']);
    // Notified again after the flush: they run again at the end of the play.
    expect(await log()).to.deep.equal(['web1', 'web2', 'web1', 'web2']);
  });

  it('rolls a failed host back newest first, and its files are as they were', async () => {
    await writeFile(f('a'), 'old a');
    const s = await run('  tasks:\n' + copy('a', 'new a', 'x') + copy('b', 'new b', 'x') + '    - name: fails\n      command: "false"\n  handlers:\n' + handler('x'));
    expect(s.results.filter((r) => !r.handler).map((r) => r.status)).to.deep.equal(['changed', 'changed', 'failed']);
    expect(s.rollbacks).to.have.length(1);
    expect(s.rollbacks[0]!.undone.map((u) => [u.task, u.ok])).to.deep.equal([
      ['write b', true],
      ['write a', true],
    ]);
    expect(await readFile(f('a'), 'utf8')).to.equal('old a');
    expect(existsSync(f('b'))).to.equal(false);
  });

  it('--check applies nothing, executes no handler, and reports command and shell as unknown', async () => {
    await writeFile(f('a'), 'old a');
    const s = await run(
      '  tasks:\n' +
        copy('a', 'new a', 'x') +
        '    - name: a command\n      command: touch {{ d }}/touched\n' +
        '    - name: a shell line\n      shell: touch {{ d }}/touched2\n' +
        '    - name: a command that says what it creates\n      command: touch {{ d }}/made\n      args: { creates: "{{ d }}/made" }\n' +
        '  handlers:\n' +
        handler('x'),
      { check: true },
    );
    expect(s.results.map((r) => [r.task.name, r.status])).to.deep.equal([
      ['write a', 'changed'],
      ['a command', 'unknown'],
      ['a shell line', 'unknown'],
      ['a command that says what it creates', 'changed'],
      // The notified handler is reported as it would run, and is not executed.
      ['x', 'unknown'],
    ]);
    expect(s.results.at(-1)!.handler).to.equal(true);
    expect(s.stats.h1!.unknown).to.equal(3);
    expect(await readFile(f('a'), 'utf8')).to.equal('old a');
    for (const n of ['touched', 'touched2', 'made', 'log']) expect(existsSync(f(n)), n).to.equal(false);
  });

  it('reads nothing for a command without creates/removes: a rerun costs one exec per command, each carrying the next facts', async () => {
    const play =
      '  tasks:\n' +
      '    - command: "true"\n' +
      '    - { file: { path: "{{ d }}/dir", state: directory } }\n' +
      '    - command: "true"\n' +
      '    - { copy: { dest: "{{ d }}/c", content: "c" } }\n';
    const check = await run(play, { check: true });
    expect(check.transport!.h1!.execs, 'check: the file and copy facts in one exec').to.equal(1);
    await run(play);
    const rerun = await run(play);
    expect(rerun.results.map((r) => r.status)).to.deep.equal(['changed', 'ok', 'changed', 'ok']);
    // Each command's exec carries the facts of the task after it (file, then copy).
    expect(rerun.transport!.h1!.execs).to.equal(2);
  });

  it('a command whose creates exists is ok and does not run, in check mode and in a run', async () => {
    await writeFile(f('made'), '');
    const play = '  tasks:\n    - name: make\n      command: touch {{ d }}/ran\n      args: { creates: "{{ d }}/made" }\n';
    for (const check of [true, false]) {
      const s = await run(play, { check });
      expect(s.results.map((r) => r.status), `check ${check}`).to.deep.equal(['ok']);
    }
    expect(existsSync(f('ran'))).to.equal(false);
  });
});
