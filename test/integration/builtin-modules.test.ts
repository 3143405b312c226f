// Built-in modules for real on this machine, through the local transport and
// the engine's host context, inside a temporary directory: check predicts the
// run, the run converges, the second run is a no-op, tampering is drift, and
// rollback puts the old state back. No system file or service is touched.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { hostContext } from '../../core/engine/context.js';
import type { HostContext, ModuleDef, Plan } from '../../core/module.js';
import { validateFields } from '../../core/schema/validate.js';
import { LocalTransport } from '../../core/transport/local.js';
import { modules } from '../../modules/index.js';

// Tests reach modules directly (not through a playbook): every one imported.
await modules.loadAll();

let dir: string;

function context(check: boolean, vars: Record<string, unknown> = {}): HostContext {
  const transport = new LocalTransport({ name: 'local', become: false });
  return hostContext({ transport, vars, check, playbookDir: dir, taskDir: dir, log: () => {} });
}

function params(def: ModuleDef, args: unknown): Record<string, unknown> {
  const { value, problems } = validateFields(def.params, args, '', {}, def.rules);
  if (problems.length) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return value;
}

const shape = (plan: Plan) => plan.changes.map((c) => ({ kind: c.kind, resource: c.resource, field: c.field, before: c.before, after: c.after }));

interface Outcome {
  plan: Plan;
  snapshot: unknown;
  result: unknown;
}

/** check → run → check again: the check predicted the run, and the second check is a no-op. */
async function converge(name: string, args: unknown, vars: Record<string, unknown> = {}): Promise<Outcome> {
  const def = modules.get(name)!;
  const p = params(def, args);
  const pctx = { host: 'local', vars, taskName: 'test' };
  const checkCtx = context(true, vars);
  const predicted = def.plan!(p, await def.facts!(checkCtx, p), pctx);
  const ctx = context(false, vars);
  const snapshot = await def.facts!(ctx, p);
  const plan = def.plan!(p, snapshot, pctx);
  expect(shape(plan), 'check predicts the run').to.deep.equal(shape(predicted));
  expect(plan.changes, 'first run changes something').to.not.be.empty;
  const result = await def.apply!(ctx, p, plan, snapshot);
  const again = def.plan!(p, await def.facts!(ctx, p), pctx);
  expect(shape(again), 'second run is a no-op').to.deep.equal([]);
  expect(again.reason).to.be.a('string').and.not.empty;
  return { plan, snapshot, result };
}

async function planOf(name: string, args: unknown): Promise<Plan> {
  const def = modules.get(name)!;
  const p = params(def, args);
  return def.plan!(p, await def.facts!(context(true), p), { host: 'local', vars: {}, taskName: 'test' });
}

async function rollback(name: string, args: unknown, o: Outcome): Promise<void> {
  const def = modules.get(name)!;
  await def.rollback!(context(false), params(def, args), o.snapshot, o.plan);
}

describe('built-in modules on this machine', function () {
  this.timeout(20_000);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rb-mod-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('copy: create, no-op, drift reported with a diff, validate refusal, rollback of a replace', async () => {
    const dest = join(dir, 'www/index.html');
    const args = { dest, content: 'rs1\n', mode: '0640' };
    const first = await converge('copy', args);
    expect(readFileSync(dest, 'utf8')).to.equal('rs1\n');
    expect(lstatSync(dest).mode & 0o7777).to.equal(0o640);
    expect(first.result).to.include({ changed: true });
    writeFileSync(dest, 'tampered\n');
    const drift = await planOf('copy', args);
    expect(drift.changes.map((c) => c.kind)).to.deep.equal(['write-file']);
    expect((drift.changes[0].data as { diff: string }).diff).to.include('-tampered\n+rs1');
    const second = await converge('copy', args);
    await rollback('copy', args, second);
    expect(readFileSync(dest, 'utf8')).to.equal('tampered\n');
    const refused = modules.get('copy')!;
    const p = params(refused, { dest, content: 'bad\n', validate: 'grep -q rs %s' });
    const f = await refused.facts!(context(false), p);
    let err: unknown;
    try {
      await refused.apply!(context(false), p, refused.plan!(p, f, { host: 'local', vars: {}, taskName: 't' }), f);
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.include('validation of');
    expect(readFileSync(dest, 'utf8')).to.equal('tampered\n');
  });

  it('copy remote_src of a directory merges the tree as Ansible\'s copy does (src/ and src, existing and missing dest), and a rollback undoes it', async () => {
    // The same tree and destination, once for rb and once for Ansible's copy module run locally.
    const setup = (root: string) => {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(join(root, 'src/conf.d'), { recursive: true });
      mkdirSync(join(root, 'src/bin'));
      mkdirSync(join(root, 'dest'));
      writeFileSync(join(root, 'src/conf.d/a.conf'), 'a\n', { mode: 0o600 });
      writeFileSync(join(root, 'src/bin/run'), '#!/bin/sh\n', { mode: 0o754 });
      writeFileSync(join(root, 'src/notes'), 'new notes\n', { mode: 0o644 });
      writeFileSync(join(root, 'dest/notes'), 'old\n', { mode: 0o640 });
      writeFileSync(join(root, 'dest/extra'), 'kept\n');
    };
    const listing = (root: string) =>
      spawnSync('sh', ['-c', `cd '${root}' && find . -path ./src -prune -o -printf '%y %m %P ' -exec sh -c 'if [ -f "$1" ]; then sha256sum < "$1" | cut -c1-12; else echo; fi' _ {} \\; | sort -k3`], { encoding: 'utf8' }).stdout;
    for (const [src, dest] of [['src/', 'dest'], ['src', 'dest'], ['src', 'dest2'], ['src/', 'dest3']]) {
      const rb = join(dir, 'rdir-rb');
      const ans = join(dir, 'rdir-ansible');
      setup(rb);
      setup(ans);
      const before = listing(rb);
      const args = { src: join(rb, src) + (src.endsWith('/') ? '/' : ''), dest: join(rb, dest), remote_src: true };
      const o = await converge('copy', args);
      const r = spawnSync('ansible', ['all', '-i', 'localhost,', '-c', 'local', '-m', 'copy', '-a', `src=${join(ans, src)}${src.endsWith('/') ? '/' : ''} dest=${join(ans, dest)} remote_src=yes`], { encoding: 'utf8', env: { ...process.env, ANSIBLE_DEPRECATION_WARNINGS: 'false' } });
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(listing(rb), `${src} -> ${dest}`).to.equal(listing(ans));
      await rollback('copy', args, o);
      expect(listing(rb), `rollback of ${src} -> ${dest}`).to.equal(before);
    }
  });

  it('copy: rollback of a created file removes it', async () => {
    const dest = join(dir, 'created-then-undone.conf');
    const o = await converge('copy', { dest, content: 'x\n' });
    await rollback('copy', { dest, content: 'x\n' }, o);
    expect(existsSync(dest)).to.equal(false);
  });

  it('template: renders host vars from a templates/ file next to the playbook', async () => {
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'templates/rsyncd.conf.j2'), 'address = {{ addr }}\n{% for m in mods %}[{{ m }}]\n{% endfor %}');
    const dest = join(dir, 'etc/rsyncd.conf');
    await converge('template', { src: 'rsyncd.conf.j2', dest }, { addr: '198.18.0.11', mods: ['data', 'www'] });
    expect(readFileSync(dest, 'utf8')).to.equal('address = 198.18.0.11\n[data]\n[www]\n');
  });

  it('file: directory with mode, a link, touch, absent', async () => {
    const d = join(dir, 'data/www');
    await converge('file', { path: d, state: 'directory', mode: '0750' });
    expect(lstatSync(d).isDirectory()).to.equal(true);
    expect(lstatSync(d).mode & 0o7777).to.equal(0o750);
    const link = join(dir, 'current');
    await converge('file', { path: link, state: 'link', src: d });
    expect(readlinkSync(link)).to.equal(d);
    const o = await converge('file', { path: link, state: 'link', src: join(dir, 'data') });
    await rollback('file', { path: link, state: 'link', src: join(dir, 'data') }, o);
    expect(readlinkSync(link)).to.equal(d);
    await converge('file', { path: join(d, 'ready'), state: 'touch', mode: '0600' });
    await converge('file', { path: d, state: 'absent' });
    expect(existsSync(d)).to.equal(false);
  });

  it('lineinfile: insert, replace by regexp, absent; the rest of the file is kept', async () => {
    const path = join(dir, 'sysctl.conf');
    writeFileSync(path, '# keep me\n#net.ipv4.ip_forward=1\n');
    await converge('lineinfile', { path, regexp: '^#?net\\.ipv4\\.ip_forward', line: 'net.ipv4.ip_forward = 1' });
    expect(readFileSync(path, 'utf8')).to.equal('# keep me\nnet.ipv4.ip_forward = 1\n');
    await converge('lineinfile', { path, line: 'vm.swappiness = 10', insertbefore: 'BOF' });
    const o = await converge('lineinfile', { path, regexp: '^# keep', state: 'absent' });
    expect(readFileSync(path, 'utf8')).to.equal('vm.swappiness = 10\nnet.ipv4.ip_forward = 1\n');
    await rollback('lineinfile', { path, regexp: '^# keep', state: 'absent' }, o);
    expect(readFileSync(path, 'utf8')).to.equal('vm.swappiness = 10\n# keep me\nnet.ipv4.ip_forward = 1\n');
  });

  it('command with creates runs once; command quotes words (only $VAR and ~ expand, as in Ansible), shell gets a real shell', async () => {
    const marker = join(dir, 'built');
    const o = await converge('command', { cmd: `touch '${marker}'`, creates: marker });
    expect(o.result).to.include({ rc: 0, changed: true });
    const echo = modules.get('command')!;
    const p = params(echo, { cmd: "printf %s|%s|%s|%s \"$HOME\" * '$(id)' '$RB_NO_SUCH_VAR'" });
    const plan = echo.plan!(p, {}, { host: 'local', vars: {}, taskName: 't' });
    expect(plan.unknown).to.equal(true);
    const r = (await echo.apply!(context(false), p, plan, {})) as Record<string, unknown>;
    // Ansible's command expands a variable of the environment (os.path.expandvars), nothing else.
    expect(r.stdout).to.equal(`${process.env.HOME}|*|$(id)|$RB_NO_SUCH_VAR`);
    const sh = modules.get('shell')!;
    const sp = params(sh, { cmd: 'echo "$((6*7))" | tr 4 X; echo err >&2; exit 3', chdir: dir });
    const sr = (await sh.apply!(context(false), sp, sh.plan!(sp, {}, { host: 'local', vars: {}, taskName: 't' }), {})) as Record<string, unknown>;
    expect(sr).to.include({ rc: 3, stdout: 'X2', stderr: 'err' });
    expect(sr.stdout_lines).to.deep.equal(['X2']);
    expect(sr.delta).to.match(/^0:00:00\.\d{6}$/);
  });

  it('wait_for: a path that appears, and a closed port that times out', async () => {
    const def = modules.get('wait_for')!;
    const path = join(dir, 'appears');
    setTimeout(() => writeFileSync(path, ''), 300);
    const ok = await def.action!(context(false), params(def, { path, timeout: 5 }));
    expect(ok).to.include({ changed: false });
    expect(ok.failed).to.not.equal(true);
    const closed = await def.action!(context(false), params(def, { port: 1, timeout: 1 }));
    expect(closed).to.include({ failed: true });
    expect(closed.msg).to.include('timed out after 1 s waiting for port 1 on 127.0.0.1 to be open');
  });
});
