// rb adopt for heartbeat, pure: every heartbeat fixture (the real-world
// corpus, seed 004's files and output captured from a running node) read as
// the heartbeat facts read it, adopted, validated as a task and planned
// against the same facts: nothing to change. The authkeys secrets become
// vault-marked variables; per-node values (the ucast peer) go to host_vars.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layout } from '../../core/adopt/layout.js';
import { secretPaths } from '../../core/adopt/secret-paths.js';
import { validateFields } from '../../core/schema/validate.js';
import { adoptedScripts, heartbeatTask } from '../../modules/heartbeat/adopt.js';
import { parseAuthkeys } from '../../modules/heartbeat/authkeys.js';
import { parseHeartbeatFacts, type FileState, type HeartbeatFacts } from '../../modules/heartbeat/facts.js';
import { parseHaCf } from '../../modules/heartbeat/hacf.js';
import { parseHaresources } from '../../modules/heartbeat/haresources.js';
import heartbeat from '../../modules/heartbeat/index.js';
import type { HeartbeatParams } from '../../modules/heartbeat/params.js';
import { planHeartbeat } from '../../modules/heartbeat/plan.js';

const ROOT = 'test/fixtures/heartbeat';
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const file = (content: string | undefined, mode = '0644'): FileState => (content === undefined ? { exists: false } : { exists: true, mode, owner: 'root', content });

/** Facts as the facts command gives them for these files, heartbeat stopped, on the first node ha.cf names. */
function facts(files: { haCf: string; authkeys?: string; haresources?: string; scripts?: Record<string, string> }): HeartbeatFacts {
  const ha = parseHaCf(files.haCf);
  return {
    path: '/etc/ha.d',
    nodename: (ha.values.node as string[] | undefined)?.[0] ?? 'node1',
    addresses: ['127.0.0.1'],
    available: ['IPaddr', 'IPaddr2', 'Filesystem', 'ldirectord', ...Object.keys(files.scripts ?? {})],
    ha_cf: { ...file(files.haCf), model: ha },
    authkeys: { ...file(files.authkeys, '0600'), ...(files.authkeys !== undefined ? { model: parseAuthkeys(files.authkeys) } : {}) },
    haresources: { ...file(files.haresources), ...(files.haresources !== undefined ? { model: parseHaresources(files.haresources) } : {}) },
    scripts: Object.fromEntries(Object.entries(files.scripts ?? {}).map(([n, c]) => [n, file(c, '0755')])),
    daemon: { running: false, params: {} },
  };
}

function valid(params: Record<string, unknown>): HeartbeatParams {
  const r = validateFields(heartbeat.params, params, '', {}, heartbeat.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value as unknown as HeartbeatParams;
}

const changes = (p: HeartbeatParams, f: HeartbeatFacts, host = f.nodename) => planHeartbeat(p, f, host).changes.map((c) => `${c.kind} ${c.field ?? ''}`);

const corpus = readdirSync(join(ROOT, 'real-world')).filter((d) => statSync(join(ROOT, 'real-world', d)).isDirectory());
const seed = (node: 1 | 2) => facts({ haCf: read(`seed004-dr${node}.ha.cf`), authkeys: read('seed004.authkeys'), haresources: read('seed004.haresources'), scripts: { startvip: read('seed004-startvip') } });

describe('rb adopt: heartbeat', () => {
  for (const set of corpus) {
    it(`real-world/${set}: ha.cf, authkeys and haresources adopted, then planned against the same host: nothing to change`, () => {
      const at = (f: string) => read(join('real-world', set, f));
      const f = facts({ haCf: at('ha.cf'), authkeys: at('authkeys'), haresources: at('haresources') });
      const t = heartbeatTask(f, [])!;
      expect(changes(valid(t), f)).to.deep.equal([]);
    });
  }

  it("seed 004: typed directives, the key, haresources and the hand-written startvip script; a changed keepalive plans that one field", () => {
    const f = seed(1);
    const t = heartbeatTask(f, ['startvip']) as Record<string, any>;
    expect(t.state).to.equal('stopped');
    expect(t.ha_cf).to.deep.equal({
      debugfile: '/var/log/ha-debug', logfile: '/var/log/ha-log', logfacility: 'local0', bcast: ['eth0'], ucast: ['eth0 192.168.57.102'],
      keepalive: 2, auto_failback: 'on', node: ['centos6-ocfs2-1', 'centos6-ocfs2-2'],
    });
    expect(t.authkeys).to.deep.equal({ method: 'sha1', key: '46b61a7f417d395c712d9ecf30665aaf' });
    expect(t.resources).to.deep.equal([{ node: 'centos6-ocfs2-1', resources: ['startvip', 'ldirectord'] }]);
    expect(t.resource_scripts).to.deep.equal({ startvip: read('seed004-startvip') });
    expect(changes(valid(t), f)).to.deep.equal([]);
    t.ha_cf.keepalive = 1;
    expect(changes(valid(t), f)).to.deep.equal(['set-directive ha.cf keepalive']);
  });

  it('a running node (output captured on a lab host): started, its resource script adopted, and no change but what heartbeat reads differently', () => {
    const f = parseHeartbeatFacts({ path: '/etc/ha.d', scripts: ['hbvip'] }, readFileSync(join(ROOT, 'captured', 'facts-running.out'), 'utf8'));
    const t = heartbeatTask(f, ['hbvip']) as Record<string, any>;
    expect(t.state).to.equal('started');
    expect(Object.keys(t.resource_scripts)).to.deep.equal(['hbvip']);
    // That ha.cf has udpport after its ucast line: rb writes it first, which is a change heartbeat sees.
    expect(f.ha_cf.model!.late).to.deep.equal(['udpport']);
    expect(changes(valid(t), f)).to.deep.equal(['set-directive ha.cf order', 'reload-heartbeat config']);
  });

  it('several keys (rotation): the signing one by `auth N`, the others still accepted; each key a secret', () => {
    const at = (f: string) => read(join('real-world', '02-bcast-rotation', f));
    const f = facts({ haCf: at('ha.cf'), authkeys: 'auth 2\n1 md5 old-secret-one\n2 sha1 new-secret-two\n', haresources: at('haresources') });
    const t = heartbeatTask(f, [])!;
    expect(t.authkeys).to.deep.equal({ method: 'sha1', key: 'new-secret-two', index: 2, also_accept: [{ index: 1, method: 'md5', key: 'old-secret-one' }] });
    const v = valid(t);
    expect([...secretPaths(heartbeat.params, v as unknown as Record<string, unknown>)].sort()).to.deep.equal(['["authkeys","also_accept",0,"key"]', '["authkeys","key"]']);
    expect(changes(v, f)).to.deep.equal([]);
  });

  it('crm on: heartbeat ignores haresources, so it is left alone', () => {
    const at = (f: string) => read(join('real-world', '08-crm-respawn', f));
    const f = facts({ haCf: at('ha.cf'), authkeys: at('authkeys'), haresources: at('haresources') });
    expect(heartbeatTask(f, [])).not.to.have.property('resources');
  });

  it('no ha.cf: nothing to adopt; an unreadable authkeys leaves the task to say authkeys is missing', () => {
    expect(heartbeatTask({ ...seed(1), ha_cf: { exists: false } }, [])).to.equal(undefined);
    const t = heartbeatTask({ ...seed(1), authkeys: { exists: true, error: 'x' } }, [])!;
    expect(validateFields(heartbeat.params, t, '', {}, heartbeat.rules).problems.map((p) => p.path)).to.deep.equal(['authkeys']);
  });

  it('discovery: the scripts haresources names that are in resource.d/ and that no package installed', () => {
    const out = ['hacf', 'file startvip', 'file IPaddr', 'file ldirectord', 'file mine', 'file unused', 'packaged IPaddr', 'packaged ldirectord', 'haresources # comment', 'haresources n1 10.0.0.1 startvip \\', 'haresources   IPaddr::10.0.0.2 mine::a::b ldirectord::ldirectord.cf missing'].join('\n');
    expect(adoptedScripts(out)).to.deep.equal(['startvip', 'mine']);
    // Scripts heartbeat ships are never adopted, even where no package database says so.
    expect(adoptedScripts('hacf\nfile IPaddr2\nfile mine\nharesources n1 IPaddr2::10.0.0.1 mine')).to.deep.equal(['mine']);
    const d = heartbeat.adopt!.discover!;
    expect(d.probes('')).to.deep.equal([]);
    expect(d.probes(out)).to.have.length(1);
    expect(Object.keys(d.probes(out)[0].resource_scripts as object)).to.deep.equal(['startvip', 'mine']);
    expect(validateFields(heartbeat.params, d.probes(out)[0], '', {}, heartbeat.rules).problems).to.deep.equal([]);
    // The command itself, run by sh over a copy of /etc/ha.d in a temporary directory.
    const root = mkdtempSync(join(tmpdir(), 'rb-hb-discover-'));
    try {
      mkdirSync(join(root, 'ha.d', 'resource.d'), { recursive: true });
      for (const f of ['ha.cf', 'resource.d/startvip', 'resource.d/IPaddr', 'resource.d/unused']) writeFileSync(join(root, 'ha.d', f), '');
      writeFileSync(join(root, 'ha.d', 'haresources'), 'n1 IPaddr::10.0.0.1 startvip \\\n httpd # unused\n');
      const run = () => spawnSync('sh', ['-c', d.command.replaceAll('/etc/ha.d', `${root}/ha.d`)], { encoding: 'utf8' }).stdout;
      expect(adoptedScripts(run())).to.deep.equal(['startvip']);
      rmSync(join(root, 'ha.d', 'ha.cf'));
      expect(d.probes(run())).to.deep.equal([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('two nodes: shared values in the playbook, the ucast peer in host_vars, the key a vault-marked variable in group_vars', () => {
    const hosts = ([1, 2] as const).map((n) => {
      const params = heartbeatTask(seed(n), ['startvip'])!;
      return { host: `dr${n}`, tasks: [{ module: 'heartbeat', params, secrets: secretPaths(heartbeat.params, valid(params) as unknown as Record<string, unknown>) }] };
    });
    const l = layout(hosts, new Map([['directors', ['dr1', 'dr2']]]));
    const task = l.plays[0].tasks[0].heartbeat as Record<string, any>;
    expect(task.ha_cf.ucast).to.deep.equal(['{{ heartbeat_ha_cf_ucast_0 }}']);
    expect(task.ha_cf.node).to.deep.equal(['centos6-ocfs2-1', 'centos6-ocfs2-2']);
    expect(task.authkeys.key).to.equal('{{ heartbeat_authkeys_key }}');
    expect(l.hostVars).to.deep.equal({ dr1: { heartbeat_ha_cf_ucast_0: 'eth0 192.168.57.102' }, dr2: { heartbeat_ha_cf_ucast_0: 'eth0 192.168.57.101' } });
    expect(l.groupVars.directors).to.deep.equal({ heartbeat_authkeys_key: '46b61a7f417d395c712d9ecf30665aaf' });
    expect(l.secrets).to.deep.equal([{ variable: 'heartbeat_authkeys_key', file: 'group_vars/directors' }]);
  });
});
