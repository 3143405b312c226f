// The harness itself on real lab hosts: converge proves a real module, and
// fails when its contract does not hold; rbRun reports what rb said.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const forwarding = [{ name: 'forwarding', hosts: 'rb2', tasks: [{ name: 'ip_forward on', sysctl: { settings: { 'net.ipv4.ip_forward': 1 } } }] }];

describe('lab harness on lab hosts', function () {
  this.timeout(120_000);
  useLab(2);
  beforeEach(() => resetHosts(['rb2']));
  after(() => resetHosts(['rb2']));

  it('converge runs check, run, rerun, recheck and reports the drift of a tampered host', async () => {
    const r = await converge({ playbook: forwarding, tamper: { host: 'rb2', cmd: 'sysctl -qw net.ipv4.ip_forward=0' } });
    expect(r.changes.map((c) => c.host)).to.include('rb2');
    expect(r.changes.find((c) => c.kind === 'set-sysctl')).to.include({ resource: 'net.ipv4.ip_forward', before: '0', after: '1' });
    expect(await labSh('rb2', 'sysctl -n net.ipv4.ip_forward')).to.equal('0\n');
    expect(r.drift!.changes.map((c) => [c.host, c.kind, c.resource, c.after])).to.deep.equal([['rb2', 'set-sysctl', 'net.ipv4.ip_forward', '1']]);
  });

  it('converge fails when --check on the hosts predicts nothing', async () => {
    await converge({ playbook: forwarding });
    let failure: Error | undefined;
    await converge({ playbook: forwarding }).catch((e: Error) => (failure = e));
    expect(failure?.message).to.match(/\(a\) --check on fresh hosts predicted no change/);
  });

  it('rbRun gives exit code, output and no report for bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-harness-'));
    try {
      const file = join(dir, 'bad.yml');
      writeFileSync(file, '- hosts: rb2\n  tasks:\n    - sysctl: { settings: { net.ipv4.ip_forward: 1 }, no_such_param: 1 }\n');
      const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
      expect(r.code).to.equal(1);
      expect(r.report).to.equal(null);
      expect(r.stderr).to.contain(`${file}:3`).and.to.contain('no_such_param');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
