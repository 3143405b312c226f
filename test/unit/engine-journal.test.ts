// Handlers that survive a failed or stopped run, force_handlers, host locks,
// the journal's permissions and pruning, and the drift reports — on this
// machine (ansible_connection: local, a real sh, rb's own modules).

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybooks } from '../../core/engine/run.js';
import { pendingFor, pruneJournal, readJournal, writeJournal, type JournalRecord } from '../../core/engine/journal.js';
import { lockContent, lockScript, parseHolder, staleReason } from '../../core/engine/host-lock.js';
import type { Reporter, RunOptions, RunSummary } from '../../core/engine/types.js';
import { journalRecord, driftLines } from '../../core/cli/run-record.js';
import { jsonReport } from '../../core/report/json.js';
import { prometheusText } from '../../core/report/prometheus.js';
import { modules } from '../../modules/index.js';
import { clearSecrets, registerSecret } from '../../core/secrets.js';

describe('engine journal: pending handlers, force_handlers, locks, reports', function () {
  this.timeout(30_000);
  let dir: string;
  let warnings: string[];
  const f = (name: string) => join(dir, name);
  const reporter = (): Reporter => ({ playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn: (m) => void warnings.push(m), runEnd() {} });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-journal-'));
    warnings = [];
    await writeFile(f('inventory.yml'), `all:\n  hosts:\n    h1: { ansible_connection: local, rb_lock_path: ${JSON.stringify(join(dir, 'rb.lock'))} }\n`);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(play: string, opts: Partial<RunOptions> = {}, rep: Reporter = reporter()): Promise<RunSummary> {
    await writeFile(f('play.yml'), `- hosts: all\n  name: p\n  vars: { d: ${JSON.stringify(dir)} }\n${play}`);
    return runPlaybooks({
      playbooks: [f('play.yml')],
      inventories: [f('inventory.yml')],
      registry: modules,
      reporter: rep,
      options: { check: false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: false, verbose: 0, ...opts },
    });
  }
  const log = async () => (existsSync(f('log')) ? (await readFile(f('log'), 'utf8')).trim().split('\n') : []);
  const handlers = '  handlers:\n    - name: restart\n      shell: echo restart >> {{ d }}/log\n';
  const failing = (content: string) =>
    `  tasks:\n    - name: write\n      copy: { dest: "{{ d }}/conf", content: "${content}" }\n      notify: restart\n    - name: breaks\n      command: "false"\n${handlers}`;

  it('a failed run parks its notification; the next run fires it first and says from which run', async () => {
    const first = await run(failing('v1'));
    expect(await log()).to.deep.equal([]);
    expect(first.pending).to.have.property('h1');
    expect(first.pending!.h1[0]).to.include({ play: 'p', playbook: f('play.yml'), fromRun: first.runId });
    expect(first.pending!.h1[0].handlers).to.deep.equal(['restart']);

    const rec = journalRecord(first, [f('play.yml')]);
    const owed = pendingFor([rec], [f('play.yml')]);
    const second = await run('  tasks:\n    - name: nothing\n      command: "true"\n' + handlers, { owed });
    expect(await log()).to.deep.equal(['restart']);
    expect(warnings.join('\n')).to.include(`pending from run ${first.runId}`);
    const order = second.results.map((r) => `${r.handler ? 'handler:' : ''}${r.task.name}`);
    expect(order).to.deep.equal(['handler:restart', 'nothing']);
    // Fired: the newer record owes nothing, so a third run fires nothing.
    const again = pendingFor([journalRecord(second, [f('play.yml')]), rec], [f('play.yml')]);
    expect(again.size).to.equal(0);
  });

  it('--force-handlers and force_handlers run the notified handler on the failed host', async () => {
    const s = await run(failing('v2'), { forceHandlers: true });
    expect(await log()).to.deep.equal(['restart']);
    expect(s.pending).to.deep.equal({});
    await rm(f('log'));
    await rm(f('conf'));
    await writeFile(f('play.yml'), '');
    const t = await run(failing('v3').replace('  tasks:', '  force_handlers: true\n  tasks:'));
    expect(await log()).to.deep.equal(['restart']);
    expect(t.pending).to.deep.equal({});
  });

  it('a stop request lets the running task finish, starts no new task, runs no handler and parks the notification', async () => {
    const stop: { signal?: string } = {};
    const play = `  tasks:\n    - name: write\n      copy: { dest: "{{ d }}/conf", content: "x" }\n      notify: restart\n    - name: never\n      shell: echo never >> {{ d }}/log\n${handlers}`;
    // The signal arrives while "write" runs: its result is the last one.
    const rep = { ...reporter(), taskStart: () => void (stop.signal = 'SIGTERM') };
    const s = await run(play, { stop }, rep);
    expect(await readFile(f('conf'), 'utf8')).to.equal('x');
    expect(await log()).to.deep.equal([]);
    expect(s.interrupted).to.equal('SIGTERM');
    expect(s.results.map((r) => `${r.task.name}=${r.status}`)).to.deep.equal(['write=changed']);
    expect(s.pending!.h1.map((p) => p.handlers)).to.deep.equal([['restart']]);
  });

  it('takes the host lock on the first change only, releases it, and fails a host another live run holds', async () => {
    const lock = join(dir, 'rb.lock');
    const noop = await run('  tasks:\n    - name: nothing\n      command: "true"\n      changed_when: false\n');
    expect(noop.stats.h1.failed).to.equal(0);
    // Held by a live process of this controller (this one): the run waits, then fails naming it.
    await writeFile(lock, `${lockContent('other-run')}\nboot=${(await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim()}\n`);
    const t0 = Date.now();
    const blocked = await run('  tasks:\n    - name: write\n      copy: { dest: "{{ d }}/c", content: "x" }\n', { lockTimeoutMs: 600 });
    expect(Date.now() - t0).to.be.at.least(600);
    expect(blocked.stats.h1.failed).to.equal(1);
    expect(blocked.results[0].msg).to.match(/locked by run other-run by .*@.* \(pid \d+, since .*\); waited 0\.6 s/);
    expect(existsSync(f('c'))).to.equal(false);
    // A holder whose host rebooted since is broken and reported; the lock is gone after the run.
    await writeFile(lock, `${lockContent('old-run')}\nboot=not-this-boot\n`);
    const ok = await run('  tasks:\n    - name: write\n      copy: { dest: "{{ d }}/c", content: "x" }\n');
    expect(ok.stats.h1.changed).to.equal(1);
    expect(warnings.join('\n')).to.match(/broke a stale lock of run old-run .*: the host rebooted since it was taken/);
    expect(existsSync(lock)).to.equal(false);
  });

  it('the lock script creates the file exclusively and private, and reads a holder back', async () => {
    const p = join(dir, 'l');
    const { execFileSync } = await import('node:child_process');
    const sh = (c: string) => execFileSync('sh', ['-c', c], { encoding: 'utf8' });
    expect(sh(lockScript(p, lockContent('r1')))).to.equal('locked\n');
    expect((await stat(p)).mode & 0o777).to.equal(0o600);
    const out = sh(lockScript(p, lockContent('r2')));
    const holder = parseHolder(out.slice(out.indexOf('@@holder\n') + 9));
    expect(holder).to.include({ run: 'r1', pid: process.pid });
    expect(staleReason(holder, holder.boot, holder.controller, () => true)).to.equal(undefined);
    expect(staleReason(holder, holder.boot, holder.controller, () => false)).to.match(/has ended/);
    expect(staleReason({ ...holder, controller: 'elsewhere' }, holder.boot, 'here', () => false)).to.equal(undefined);
  });

  it('journal: directory 0700, files 0600, secrets masked, oldest pruned', async () => {
    const jd = join(dir, 'j');
    await mkdir(jd, { mode: 0o755 });
    registerSecret('journal-secret-x');
    try {
      const base = { rbVersion: '1', startedAt: 'x', finishedAt: 'y', controller: 'c', user: 'u', pid: 1, playbooks: ['/p'], check: false, hosts: {}, report: { note: 'journal-secret-x' } };
      for (let i = 0; i < 5; i++) await writeJournal({ ...base, runId: `2026010${i}T000000000-aaaaaa` } as JournalRecord, jd);
      expect((await stat(jd)).mode & 0o777).to.equal(0o700);
      const files = await readdir(jd);
      for (const x of files) expect((await stat(join(jd, x))).mode & 0o777).to.equal(0o600);
      expect(await readFile(join(jd, files[0]), 'utf8')).not.to.include('journal-secret-x');
      await pruneJournal(jd, 2);
      expect((await readJournal(jd)).map((r) => r.runId)).to.deep.equal(['20260104T000000000-aaaaaa', '20260103T000000000-aaaaaa']);
    } finally {
      clearSecrets();
    }
  });

  it('drift reports: JSON top-level fields, one stdout line per drifted host, Prometheus textfile', async () => {
    await writeFile(f('conf'), 'old');
    const s = await run('  tasks:\n    - name: "conf \\"x\\""\n      copy: { dest: "{{ d }}/conf", content: "new" }\n', { check: true });
    const j = jsonReport(s);
    expect(j).to.include({ drift: true, runId: s.runId, startedAt: s.startedAt });
    expect(j.rbVersion).to.match(/^\d+\.\d+\.\d+/);
    expect(j.summary).to.deep.equal({ hostsChecked: 1, hostsDrifted: 1, changes: { h1: 1 } });
    expect(driftLines(j)).to.deep.equal(['DRIFT h1: 1 change (conf "x")']);
    const prom = prometheusText(j, 'drift', 1_700_000_000_000);
    expect(prom).to.include('rb_drift_changes{host="h1",task="conf \\"x\\""} 1');
    expect(prom).to.include('rb_host_drifted{host="h1"} 1');
    expect(prom).to.include('rb_last_run_success{mode="drift"} 1');
    expect(prom).to.include('rb_last_run_timestamp_seconds{mode="drift"} 1700000000');
  });
});
