// A site module (test/fixtures/site/library/nginx_upstream.js, written only
// against rb's public API) in a playbook's library/ on real lab hosts: it
// converges, a rerun is a no-op, --check predicted the run, a hand edit is
// drift per field, and a later failure rolls it back like a built-in.

import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const LIBRARY = resolve(import.meta.dirname, '..', 'fixtures', 'site', 'library');
const FILE = '/etc/nginx/conf.d/upstream-web.conf';
const dir = mkdtempSync(join(tmpdir(), 'rb-site-lab-'));
symlinkSync(LIBRARY, join(dir, 'library'));

function playbook(name: string, tasks: object[]): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'upstream', hosts: 'rb3', tasks }], null, 2)}\n`);
  return file;
}

const upstream = { name: 'web upstream', nginx_upstream: { name: 'web', servers: [{ address: '198.18.0.12:80', weight: 3 }, { address: '198.18.0.13:80', backup: true }] } };

describe('a site module on lab hosts', function () {
  this.timeout(120_000);
  useLab(4);
  before(() => resetHosts(['rb3']));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts(['rb3']);
  });

  it('converges, reruns as a no-op, and reports a hand edit as per-field drift', async () => {
    const book = playbook('converge', [upstream]);
    const r = await converge({ playbook: book });
    expect(r.changes.map((c) => [c.module, c.kind, c.resource])).to.deep.equal([['nginx_upstream', 'create-upstream', FILE]]);
    expect(await labSh('rb3', `cat ${FILE}`)).to.equal(
      '# Managed by rb (nginx_upstream)\nupstream web {\n    server 198.18.0.12:80 weight=3;\n    server 198.18.0.13:80 weight=1 backup;\n}\n',
    );
    await labSh('rb3', `sed -i 's/weight=3/weight=1/' ${FILE}`);
    const drift = await rbRun(['drift', book, '-i', LAB_INVENTORY]);
    expect(drift.code, drift.stdout + drift.stderr).to.equal(2);
    const changes = drift.report!.tasks.flatMap((t) => t.changes);
    expect(changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([['set-weight', 'weight', 1, 3]]);
  });

  it('is rolled back when a later task fails', async () => {
    const before = await labSh('rb3', `cat ${FILE}`);
    const changed = { ...upstream, nginx_upstream: { name: 'web', servers: [{ address: '198.18.0.14:80' }] } };
    const r = await rbRun(['run', playbook('rollback', [changed, { name: 'fails', command: 'false' }]), '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    expect(r.stdout).to.match(/roll/i);
    expect(await labSh('rb3', `cat ${FILE}`)).to.equal(before);
    expect((await labExec('rb3', `grep -c 198.18.0.14 ${FILE}`)).stdout.trim()).to.equal('0');
  });
});
