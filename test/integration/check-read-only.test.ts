// Check mode cannot write: every module's facts, run by `rb check` against a
// lab host whose filesystems are all mounted read-only, succeed; the host is
// exactly as it was.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseYaml } from '../../core/yaml.js';
import { modules } from '../../modules/index.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const PLAYBOOK = join(import.meta.dirname, '..', 'fixtures', 'check-read-only', 'every-module.yml');
// Read-only bind mounts over every writable tree (a remount of / itself is refused
// while sshd and syslogd hold their logs open). /var/log stays writable, for
// sshd's log of each login; everything else under /var is read-only.
const TREES = ['/etc', '/var', '/srv', '/opt', '/root', '/home', '/tmp', '/run', '/dev/shm'];
const readOnly = [
  'mount --bind /var/log /var/log',
  ...TREES.map((d) => `if [ -d ${d} ]; then mount --rbind ${d} ${d} && mount -o remount,bind,ro ${d}; fi`),
].join(' && ');
const SNAPSHOT = "find /etc /var /srv /opt /root /home -xdev -path /var/log -prune -o -newer /proc/1 -print 2>/dev/null | sort | md5sum";

describe('check mode on a read-only host', function () {
  this.timeout(120_000);
  useLab(4);
  before(async () => {
    await resetHosts(['rb4']);
    await labSh('rb4', readOnly);
  });
  // A rebuilt host has its own writable overlay again.
  after(() => resetHosts(['rb4']));

  it('has a task for every module that gathers facts', async () => {
    await modules.loadAll();
    const withFacts = [...modules].filter(([, d]) => !d.action).map(([n]) => n).sort();
    const plays = parseYaml(readFileSync(PLAYBOOK, 'utf8'), PLAYBOOK) as Array<{ tasks: Array<Record<string, unknown>> }>;
    const used = plays.flatMap((p) => p.tasks.flatMap((t) => Object.keys(t).filter((k) => modules.has(k)))).sort();
    expect(used).to.deep.equal(withFacts);
  });

  it('the host really is read-only', async () => {
    for (const dir of ['/etc', '/tmp', '/run', '/var/tmp', '/root', '/srv']) expect((await labExec('rb4', `touch ${dir}/rb-probe`)).code, dir).to.not.equal(0);
  });

  it('gathers every module’s facts and plans, without one write', async () => {
    const before = await labSh('rb4', SNAPSHOT);
    const r = await rbRun(['check', PLAYBOOK, '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const failed = r.report!.tasks.filter((t) => t.status !== 'ok' && t.status !== 'changed');
    expect(failed.map((t) => `${t.task}: ${t.msg}`)).to.deep.equal([]);
    expect(r.report!.tasks.filter((t) => t.status === 'changed').length).to.be.greaterThan(10);
    expect(await labSh('rb4', SNAPSHOT)).to.equal(before);
  });
});
