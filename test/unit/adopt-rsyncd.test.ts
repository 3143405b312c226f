// rb adopt for rsync daemons, pure: every rsyncd.conf fixture (the seed's and
// the real-world ones) read as the rsyncd facts read it, adopted, validated as
// a task and planned against the same facts: nothing to change. Keys rb does
// not type stay verbatim; the secrets file is adopted by path, its content
// never read.

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFields } from '../../core/schema/validate.js';
import rsyncd from '../../modules/rsyncd/index.js';
import type { RsyncdFacts } from '../../modules/rsyncd/facts.js';
import { planRsyncd } from '../../modules/rsyncd/plan.js';
import type { RsyncdParams } from '../../modules/rsyncd/params.js';

const FIXTURES = ['test/fixtures/rsyncd', 'test/fixtures/rsyncd/real-world'].flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.conf') && f !== 'malformed.conf')
    .map((f) => join(d, f)),
);

function facts(config: string, content: string, args?: string): RsyncdFacts {
  return {
    config: { path: config, exists: true, type: 'file', content },
    secrets: { path: '/etc/rsyncd.secrets', exists: true, type: 'file', mode: '0600', owner: 'root', group: 'root', sha256: 'x' },
    defaults: { path: '/etc/default/rsync', exists: false },
    paths: {},
    daemon: args ? { running: true, pid: 7, args } : { running: false },
    rsync: true,
  } as RsyncdFacts;
}

function task(params: Record<string, unknown>): RsyncdParams {
  const r = validateFields(rsyncd.params, params, '', {}, rsyncd.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value as unknown as RsyncdParams;
}

/** The probed facts with the module paths the adopted task names, all present. */
function plannedAgainst(p: RsyncdParams, f: RsyncdFacts) {
  const paths = Object.fromEntries(Object.values(p.modules).map((m) => [String(m.path), true]));
  return planRsyncd(p, { ...f, paths, secrets: { ...f.secrets, path: p.secrets_file } });
}

describe('rb adopt: rsyncd', () => {
  for (const file of FIXTURES) {
    const content = readFileSync(file, 'utf8');
    // rb writes a pid file line whatever the file has: only files that name one adopt to no change.
    const pid = /^\s*pid\s*file\s*=/im.test(content);
    it(`${file}: adopted, then planned against the same host: ${pid ? 'nothing to change' : 'only the pid file rb needs'}`, () => {
      const f = facts('/etc/rsync/rsync.conf', content, 'rsync --daemon --config=/etc/rsync/rsync.conf');
      const tasks = rsyncd.adopt!.params(f, 'rl2');
      expect(tasks).to.have.length(1);
      const plan = plannedAgainst(task(tasks[0]), f);
      const fields = plan.changes.map((c) => c.field ?? c.kind);
      expect(fields).to.deep.equal(pid ? [] : ['pid file', 'read at start']);
    });
  }

  it("the seed's file: typed keys as booleans and numbers, the running daemon as started, a module by name", () => {
    const content = readFileSync('test/fixtures/rsyncd/seed000-rsync.conf', 'utf8');
    const [t] = rsyncd.adopt!.params(facts('/etc/rsync/rsync.conf', content, 'rsync --daemon --config=/etc/rsync/rsync.conf'), 'rl2');
    expect(t).to.deep.include({ config: '/etc/rsync/rsync.conf', state: 'started', port: 873, use_chroot: true, read_only: false, max_connections: 5, pid_file: '/var/run/rsync.pid' });
    expect((t.modules as Record<string, unknown>).data).to.deep.equal({ path: '/data', list: true, ignore_errors: true, hosts_allow: '192.168.1.0/255.255.255.0 10.0.1.0/255.255.255.0', hosts_deny: '*' });
  });

  it('keys rb does not type are kept verbatim in extra; auth users keep their secrets file by path, no password is read', () => {
    const content = 'pid file = /run/r.pid\nfrobnicate level = 3\n[s]\npath = /srv\nauth users = web\nsecrets file = /etc/rsync/secret\nsome future key = a b\n';
    const f = facts('/etc/rsyncd.conf', content);
    const [t] = rsyncd.adopt!.params(f, 'h');
    expect(t.extra).to.deep.equal({ 'frobnicate level': '3' });
    expect((t.modules as Record<string, Record<string, unknown>>).s).to.deep.equal({ path: '/srv', auth_users: 'web', secrets_file: '/etc/rsync/secret', extra: { 'some future key': 'a b' } });
    expect(t).to.not.have.property('secrets');
    expect(t.state).to.equal('stopped');
    expect(plannedAgainst(task(t), f).changes).to.deep.equal([]);
  });

  it('a file the running daemon does not read is not adopted (the one it reads is); a missing or unreadable file gives nothing', () => {
    const content = 'pid file = /run/r.pid\n[s]\npath = /srv\n';
    expect(rsyncd.adopt!.params(facts('/etc/rsyncd.conf', content, 'rsync --daemon --config=/etc/rsync/rsync.conf'), 'h')).to.deep.equal([]);
    expect(rsyncd.adopt!.params(facts('/etc/rsyncd.conf', content, 'rsync --daemon --config /etc/rsyncd.conf'), 'h')).to.have.length(1);
    expect(rsyncd.adopt!.params({ ...facts('/etc/rsyncd.conf', ''), config: { path: '/etc/rsyncd.conf', exists: false } } as RsyncdFacts, 'h')).to.deep.equal([]);
    expect(rsyncd.adopt!.params({ ...facts('/etc/rsyncd.conf', ''), config: { path: '/etc/rsyncd.conf', exists: true, parseError: 'x' } } as RsyncdFacts, 'h')).to.deep.equal([]);
  });
});
