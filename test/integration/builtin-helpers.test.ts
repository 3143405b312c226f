// The shared file and service helpers against this machine, through the local
// transport, inside a temporary directory: real stat/sha256sum/base64, real
// install scripts, a real rsync daemon. No system file or service is touched.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CommandError } from '../../core/errors.js';
import { hostContext } from '../../core/engine/context.js';
import { fileFacts } from '../../core/files/facts.js';
import { installFile, KEEP_BACKUPS, restoreFile, sha256 } from '../../core/files/write.js';
import { serviceAction, serviceFacts } from '../../core/services/index.js';
import type { HostContext } from '../../core/module.js';
import { LocalTransport } from '../../core/transport/local.js';

const transport = new LocalTransport({ name: 'local', become: false });

function localContext(dir: string): HostContext {
  return hostContext({ transport, vars: {}, check: false, playbookDir: dir, taskDir: dir, log: () => {} });
}

describe('file helpers on this machine', () => {
  let dir: string;
  let ctx: HostContext;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rb-files-'));
    ctx = localContext(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fileFacts reads every kind of path in one exec, as fs sees them', async () => {
    const odd = join(dir, "it's a file with spaces");
    writeFileSync(odd, 'hello\n', { mode: 0o640 });
    chmodSync(odd, 0o640);
    writeFileSync(join(dir, 'empty'), '');
    mkdirSync(join(dir, 'sub'));
    symlinkSync('sub', join(dir, 'link'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const paths = [odd, join(dir, 'empty'), join(dir, 'sub'), join(dir, 'link'), join(dir, 'fifo'), join(dir, 'missing')];
    const execsBefore = transport.stats.execs;
    const f = await fileFacts(ctx, paths, { withContent: true });
    expect(transport.stats.execs - execsBefore).to.equal(1);
    expect(f[odd]).to.include({ exists: true, type: 'file', mode: '0640', size: 6, sha256: sha256('hello\n'), content: 'hello\n' });
    expect(f[odd].owner).to.equal(execFileSync('id', ['-un']).toString().trim());
    expect(f[join(dir, 'empty')]).to.include({ type: 'file', size: 0, content: '', sha256: sha256('') });
    expect(f[join(dir, 'sub')]).to.include({ type: 'directory', mode: '0' + (lstatSync(join(dir, 'sub')).mode & 0o7777).toString(8) });
    expect(f[join(dir, 'link')]).to.include({ type: 'link', target: 'sub' });
    expect(f[join(dir, 'fifo')]).to.include({ type: 'other' });
    expect(f[join(dir, 'missing')]).to.deep.equal({ path: join(dir, 'missing'), exists: false });
  });

  it('installFile creates parents, sets the mode, keeps bytes exact (binary too)', async () => {
    const path = join(dir, 'new/deeper/blob.bin');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 0x27, 0x22]);
    const r = await installFile(ctx, { path, content: bytes, mode: '0600' });
    expect(r.backup).to.equal(undefined);
    expect(readFileSync(path).equals(bytes)).to.equal(true);
    expect(lstatSync(path).mode & 0o7777).to.equal(0o600);
    expect(readdirSync(join(dir, 'new/deeper'))).to.deep.equal(['blob.bin']);
  });

  it('installFile keeps the replaced file\'s mode when none is given, and an empty content works', async () => {
    const path = join(dir, 'keep-mode.conf');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o751);
    await installFile(ctx, { path, content: '', backup: false });
    expect(readFileSync(path, 'utf8')).to.equal('');
    expect(lstatSync(path).mode & 0o7777).to.equal(0o751);
  });

  it('a failing validator leaves the host as it was and reports the validator output', async () => {
    const path = join(dir, 'validated.conf');
    writeFileSync(path, 'good = 1\n');
    const before = readdirSync(dir).sort();
    let err: unknown;
    try {
      await installFile(ctx, { path, content: 'bad\n', validate: (tmp) => `grep -q '^good' ${tmp} || { echo "line 1: unknown keyword bad" >&2; exit 5; }` });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CommandError);
    expect((err as CommandError).code).to.equal(5);
    expect((err as CommandError).message).to.include('line 1: unknown keyword bad').and.include('nothing changed');
    expect(readFileSync(path, 'utf8')).to.equal('good = 1\n');
    expect(readdirSync(dir).sort()).to.deep.equal(before);
  });

  it('a passing validator sees the temp file; backups are made and only the newest are kept', async () => {
    const path = join(dir, 'rotated.conf');
    writeFileSync(path, 'v0\n');
    const backups: string[] = [];
    for (let i = 1; i <= KEEP_BACKUPS + 2; i++) {
      const r = await installFile(ctx, { path, content: `v${i}\n`, validate: (tmp) => `grep -q '^v${i}$' ${tmp}` });
      backups.push(r.backup!);
      await new Promise((res) => setTimeout(res, 2)); // distinct millisecond stamps
    }
    expect(readFileSync(path, 'utf8')).to.equal(`v${KEEP_BACKUPS + 2}\n`);
    const kept = readdirSync(dir).filter((f) => f.startsWith('rotated.conf.') && f.endsWith('.rb-bak')).sort();
    expect(kept.map((f) => join(dir, f))).to.deep.equal(backups.slice(-KEEP_BACKUPS));
    expect(readFileSync(backups[backups.length - 1], 'utf8')).to.equal(`v${KEEP_BACKUPS + 1}\n`);
    // A file whose name merely starts like this one keeps its own backups.
    expect(existsSync(join(dir, 'rotated.conf'))).to.equal(true);
    await restoreFile(ctx, path, backups[backups.length - 1]);
    expect(readFileSync(path, 'utf8')).to.equal(`v${KEEP_BACKUPS + 1}\n`);
    await restoreFile(ctx, path, null);
    expect(existsSync(path)).to.equal(false);
  });

  it("rotation of one file's backups never touches another file's", async () => {
    const a = join(dir, 'a.conf');
    const ab = join(dir, 'a.conf.1');
    writeFileSync(ab, 'x\n');
    const other = await installFile(ctx, { path: ab, content: 'y\n' });
    writeFileSync(a, '0\n');
    for (let i = 0; i < KEEP_BACKUPS + 1; i++) {
      await installFile(ctx, { path: a, content: `${i + 1}\n` });
      await new Promise((res) => setTimeout(res, 2));
    }
    expect(existsSync(other.backup!)).to.equal(true);
  });
});

describe('service helpers on this machine (rsync daemon under a private init script)', function () {
  this.timeout(30_000);
  let dir: string;
  let ctx: HostContext;
  const port = 20000 + Math.floor(Math.random() * 20000);
  let probe: { initScript: string; pidFile: string; process: string };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rb-svc-'));
    ctx = localContext(dir);
    writeFileSync(join(dir, 'rsyncd.conf'), `pid file = ${dir}/rsyncd.pid\naddress = 127.0.0.1\nport = ${port}\n[data]\npath = ${dir}\n`);
    // Like Debian's scripts: start says nothing about whether the daemon lives.
    writeFileSync(
      join(dir, 'init'),
      `#!/bin/sh\ncase "$1" in\nstart) rsync --daemon --config=${dir}/rsyncd.conf ;;\nstop) [ -r ${dir}/rsyncd.pid ] && kill $(cat ${dir}/rsyncd.pid); exit 0 ;;\nreload) kill -HUP $(cat ${dir}/rsyncd.pid) ;;\nesac\n`,
      { mode: 0o755 },
    );
    probe = { initScript: join(dir, 'init'), pidFile: join(dir, 'rsyncd.pid'), process: 'rsync' };
  });
  after(() => {
    const pidFile = join(dir, 'rsyncd.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()));
      } catch {
        // already stopped
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const facts = async () => (await serviceFacts(ctx, ['rbtest'], { rbtest: probe })).rbtest;

  it('start, restart (new pid), reload (same pid), stop (gone), each verified', async () => {
    expect(await facts()).to.include({ exists: true, running: false, manager: 'sysv' });
    const started = await serviceAction(ctx, 'rbtest', 'start', probe);
    expect(started.pid).to.be.a('number');
    expect(await facts()).to.include({ running: true, pid: started.pid });
    // The daemon really serves: list its module.
    expect(execFileSync('rsync', [`rsync://127.0.0.1:${port}/`]).toString()).to.match(/^data\b/m);
    const restarted = await serviceAction(ctx, 'rbtest', 'restart', probe);
    expect(restarted.pid).to.be.a('number').and.not.equal(started.pid);
    const reloaded = await serviceAction(ctx, 'rbtest', 'reload', probe);
    expect(reloaded.pid).to.equal(restarted.pid);
    await serviceAction(ctx, 'rbtest', 'stop', probe);
    expect(await facts()).to.include({ running: false });
    // Gone, or a zombie its parent has not reaped yet: either way not running.
    let status = 'State:\tZ (gone)';
    try {
      status = readFileSync(`/proc/${restarted.pid}/status`, 'utf8');
    } catch {
      // no such process
    }
    expect(status).to.match(/^State:\s+Z/m);
  });

  it('an init script that says 0 but starts nothing fails the action with its output', async () => {
    const liar = join(dir, 'liar');
    writeFileSync(liar, '#!/bin/sh\necho "Starting rbliar: done."\nexit 0\n', { mode: 0o755 });
    let err: unknown;
    try {
      await serviceAction(ctx, 'rbliar', 'start', { initScript: liar, pidFile: join(dir, 'liar.pid'), timeoutMs: 500 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CommandError);
    expect((err as CommandError).message).to.include('rbliar is not running after start');
    expect((err as CommandError).stderr).to.include('Starting rbliar: done.');
  });

  it('restart waits for a slow-exiting daemon, where the init script\'s own restart loses it', async () => {
    // Like keepalived: ~0.8 s to exit after TERM, and a start while it still
    // lives says "already running" and does nothing.
    const pid = join(dir, 'slow.pid');
    writeFileSync(join(dir, 'slowd'), `#!/bin/sh\ntrap 'sleep 0.8; rm -f ${pid}; exit 0' TERM\necho $$ > ${pid}\nwhile :; do sleep 0.1; done\n`, { mode: 0o755 });
    writeFileSync(
      join(dir, 'slow'),
      `#!/bin/sh\ncase "$1" in\nstart) if [ -r ${pid} ] && kill -0 $(cat ${pid}) 2>/dev/null; then echo "daemon is already running"; exit 0; fi\n  setsid ${dir}/slowd </dev/null >/dev/null 2>&1 & ;;\nstop) [ -r ${pid} ] && kill $(cat ${pid}); exit 0 ;;\nrestart) "$0" stop; "$0" start ;;\nesac\n`,
      { mode: 0o755 },
    );
    const slow = { initScript: join(dir, 'slow'), pidFile: pid };
    const first = await serviceAction(ctx, 'slow', 'start', slow);
    // The naive way: the script's restart returns 0 and, a second later, nothing runs.
    execFileSync(join(dir, 'slow'), ['restart']);
    await new Promise((res) => setTimeout(res, 1500));
    expect((await serviceFacts(ctx, ['slow'], { slow })).slow.running).to.equal(false);
    const again = await serviceAction(ctx, 'slow', 'start', slow);
    const restarted = await serviceAction(ctx, 'slow', 'restart', slow);
    expect(restarted.pid).to.not.equal(again.pid).and.not.equal(undefined);
    expect(first.pid).to.not.equal(undefined);
    await serviceAction(ctx, 'slow', 'stop', slow);
  });
});
