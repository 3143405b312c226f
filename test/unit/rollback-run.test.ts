// `rb rollback RUN`: a finished run's changes undone from the journal on this
// machine (ansible_connection: local, rb's own modules): newest first, the
// handlers of what was restored run, --check changes nothing, a host changed
// since the run is refused unless --force, secrets are not kept.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollbackCommand } from '../../core/cli/rollback.js';
import { journalRecord } from '../../core/cli/run-record.js';
import { clearSecrets } from '../../core/secrets.js';
import { readJournal, writeJournal } from '../../core/engine/journal.js';
import { runPlaybooks } from '../../core/engine/run.js';
import type { Reporter } from '../../core/engine/types.js';
import { modules } from '../../modules/index.js';

const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };

describe('rb rollback RUN (local host)', function () {
  this.timeout(30_000);
  let dir: string;
  const f = (n: string) => join(dir, n);
  const saved = process.env.RB_JOURNAL_DIR;
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeEach(async () => {
    // Secrets registered by earlier tests in this process must not make these files look secret.
    clearSecrets();
    dir = await mkdtemp(join(tmpdir(), 'rb-undo-'));
    process.env.RB_JOURNAL_DIR = f('journal');
    await writeFile(f('inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n');
    await writeFile(f('a'), 'old a');
  });
  afterEach(async () => {
    process.env.RB_JOURNAL_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  });

  async function realRun(playVars: Record<string, unknown> = {}, extraVars: Record<string, unknown> = {}): Promise<string> {
    await writeFile(
      f('play.yml'),
      `- hosts: all\n  vars: ${JSON.stringify({ d: dir, ...playVars })}\n  tasks:\n` +
        '    - name: write a\n      copy: { dest: "{{ d }}/a", content: "new a" }\n      notify: reload\n' +
        '    - name: write b\n      copy: { dest: "{{ d }}/b", content: "new b" }\n' +
        '  handlers:\n    - name: reload\n      shell: echo reload >> {{ d }}/log\n',
    );
    const s = await runPlaybooks({ playbooks: [f('play.yml')], inventories: [f('inventory.yml')], registry: modules, reporter: silent, options: { check: false, diff: false, tags: [], skipTags: [], extraVars, forks: 5, rollback: true, verbose: 0 } });
    await writeJournal(journalRecord(s, [f('play.yml')], [f('inventory.yml')]));
    await rm(f('log'));
    return s.runId!;
  }

  async function rollback(...args: string[]): Promise<number> {
    out.length = 0;
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    try {
      return await rollbackCommand(args);
    } finally {
      process.stdout.write = write;
    }
  }

  it('--check says exactly what it would do and changes nothing; then the run is undone and its handlers fire', async () => {
    const id = await realRun();
    expect((await readJournal())[0].hosts.h1.undo!.map((u) => `${u.task}${u.unrestorable ? ` (${u.unrestorable})` : ''}`)).to.deep.equal(['write a', 'write b', 'reload (shell cannot roll back)']);
    expect(await rollback(id, '--check', '--diff')).to.equal(0);
    expect(out.join('')).to.include('would restore: write b (copy)').and.include('would restore: write a (copy)').and.include('would run handler: reload').and.include('not restored: reload (shell: shell cannot roll back)');
    expect(out.join('').indexOf('write b')).to.be.below(out.join('').indexOf('write a'));
    expect(await readFile(f('a'), 'utf8')).to.equal('new a');
    expect(existsSync(f('log'))).to.equal(false);

    expect(await rollback(id)).to.equal(0);
    expect(await readFile(f('a'), 'utf8')).to.equal('old a');
    expect(existsSync(f('b'))).to.equal(false);
    expect(await readFile(f('log'), 'utf8')).to.equal('reload\n');
  });

  it('refuses a host changed since the run unless --force', async () => {
    const id = await realRun();
    await writeFile(f('a'), 'edited by hand');
    expect(await rollback(id)).to.equal(3);
    expect(out.join('')).to.include('REFUSED [h1]').and.include('write a');
    expect(await readFile(f('a'), 'utf8')).to.equal('edited by hand');
    expect(await rollback(id, '--force')).to.equal(0);
    expect(await readFile(f('a'), 'utf8')).to.equal('old a');
  });

  /** A lock held by a live process of this controller (this one), under another run id. */
  async function holdLock(path: string): Promise<void> {
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await writeFile(path, `run=other-run\ncontroller=${hostname()}\nuser=someone\npid=${process.pid}\nstarted=2026-01-01T00:00:00.000Z\nboot=${boot}\n`);
  }

  it("takes the lock the run took (rb_lock_path from the play's vars, in the journal): waits --lock-timeout for a holder, then fails naming it and changes nothing", async () => {
    const id = await realRun({ rb_lock_path: f('play.lock') });
    expect((await readJournal())[0].hosts.h1.lock).to.deep.equal({ path: f('play.lock') });
    expect(existsSync(f('play.lock')), 'the run released its lock').to.equal(false);
    await holdLock(f('play.lock'));
    const t0 = Date.now();
    expect(await rollback(id, '--lock-timeout', '0.5')).to.equal(3);
    expect(Date.now() - t0).to.be.at.least(500);
    expect(out.join('')).to.include('FAILED [h1]').and.include('locked by run other-run by someone@').and.include('waited 0.5 s');
    expect(await readFile(f('a'), 'utf8')).to.equal('new a');
    await rm(f('play.lock'));
    expect(await rollback(id)).to.equal(0);
    expect(await readFile(f('a'), 'utf8')).to.equal('old a');
    expect(existsSync(f('play.lock')), 'the rollback released its lock').to.equal(false);
  });

  it('rb_lock_path given by -e is honoured by the run (journal) and, given again, by the rollback', async () => {
    const id = await realRun({}, { rb_lock_path: f('extra.lock') });
    expect((await readJournal())[0].hosts.h1.lock).to.deep.equal({ path: f('extra.lock') });
    await holdLock(f('other.lock'));
    expect(await rollback(id, '-e', `rb_lock_path=${f('other.lock')}`, '--lock-timeout', '0.3')).to.equal(3);
    expect(out.join('')).to.include('locked by run other-run');
    expect(await readFile(f('a'), 'utf8')).to.equal('new a');
    await holdLock(f('extra.lock'));
    expect(await rollback(id, '--lock-timeout', '0.3')).to.equal(3);
    await rm(f('extra.lock'));
    expect(await rollback(id)).to.equal(0);
    expect(await readFile(f('a'), 'utf8')).to.equal('old a');
  });

  it('a local host without rb_lock_path is not locked, by the run or the rollback', async () => {
    const id = await realRun();
    expect((await readJournal())[0].hosts.h1.lock).to.equal(undefined);
    expect(await rollback(id)).to.equal(0);
  });
});
