// sysctl on real lab hosts over SSH: the seeds' ARP keys converge live and in
// /etc/sysctl.d/90-rb.conf, tampering with either is reported as drift, a
// missing key fails with a clear message, and rollback puts values and file back.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const FILE = '/etc/sysctl.d/90-rb.conf';
const ARP = {
  'net.ipv4.conf.lo.arp_ignore': 1,
  'net.ipv4.conf.lo.arp_announce': 2,
  'net.ipv4.conf.all.arp_ignore': 1,
  'net.ipv4.conf.all.arp_announce': 2,
};
const KEYS = Object.keys(ARP);

const dir = mkdtempSync(join(tmpdir(), 'rb-sysctl-'));
let n = 0;

/** A one-play playbook on rb3, written to a file so it can be run again after converge. */
function play(tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'sysctl', hosts: 'rb3', tasks }], null, 2)}\n`);
  return file;
}
const arpTask = { name: 'ARP hiding', sysctl: { settings: ARP } };

async function live(host: string, keys: string[]): Promise<string[]> {
  return (await labSh(host, `sysctl -n ${keys.join(' ')}`)).trim().split('\n');
}

describe('sysctl on lab hosts', function () {
  this.timeout(120_000);
  useLab(4);
  beforeEach(() => resetHosts(['rb3']));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts(['rb3']);
  });

  it('converges the ARP keys live and persisted; a live reset is drift', async () => {
    expect(await live('rb3', KEYS)).to.deep.equal(['0', '0', '0', '0']);
    const r = await converge({ playbook: play([arpTask]), tamper: { host: 'rb3', cmd: 'sysctl -qw net.ipv4.conf.lo.arp_ignore=0' } });
    expect(r.changes.map((c) => [c.kind, c.resource, c.field, c.before ?? null, c.after])).to.deep.equal([
      ['set-sysctl', 'net.ipv4.conf.lo.arp_ignore', 'value', '0', '1'],
      ['set-sysctl', 'net.ipv4.conf.lo.arp_announce', 'value', '0', '2'],
      ['set-sysctl', 'net.ipv4.conf.all.arp_ignore', 'value', '0', '1'],
      ['set-sysctl', 'net.ipv4.conf.all.arp_announce', 'value', '0', '2'],
      ['persist-sysctl', 'net.ipv4.conf.lo.arp_ignore', `value in ${FILE}`, null, '1'],
      ['persist-sysctl', 'net.ipv4.conf.lo.arp_announce', `value in ${FILE}`, null, '2'],
      ['persist-sysctl', 'net.ipv4.conf.all.arp_ignore', `value in ${FILE}`, null, '1'],
      ['persist-sysctl', 'net.ipv4.conf.all.arp_announce', `value in ${FILE}`, null, '2'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.resource, c.before, c.after])).to.deep.equal([['set-sysctl', 'net.ipv4.conf.lo.arp_ignore', '0', '1']]);
    // The file is what a boot would load: sysctl -p applies it back.
    expect(await labSh('rb3', `sysctl -p ${FILE} >/dev/null && sysctl -n net.ipv4.conf.lo.arp_ignore`)).to.equal('1\n');
    expect(await labSh('rb3', `cat ${FILE}`)).to.equal(
      '# Managed by rb (sysctl module): keys set by rb tasks; other lines are kept.\n' +
        'net.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.conf.lo.arp_announce = 2\nnet.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\n',
    );
  });

  it('an edit of the persisted file is drift of the persisted value only; foreign lines survive the repair', async () => {
    const playbook = play([{ name: 'forwarding', sysctl: { name: 'net.ipv4.ip_forward', value: 1 } }]);
    const r = await converge({
      playbook,
      tamper: { host: 'rb3', cmd: `sed -i 's/^net.ipv4.ip_forward = 1$/net.ipv4.ip_forward=0/' ${FILE} && echo 'net.core.somaxconn = 1024' >> ${FILE}` },
    });
    expect(r.drift!.changes.map((c) => [c.kind, c.resource, c.field, c.before, c.after])).to.deep.equal([
      ['persist-sysctl', 'net.ipv4.ip_forward', `value in ${FILE}`, '0', '1'],
    ]);
    const again = await rbRun(['run', playbook, '-i', LAB_INVENTORY]);
    expect(again.code, again.stdout).to.equal(0);
    expect(await labSh('rb3', `grep -v '^#' ${FILE}`)).to.equal('net.ipv4.ip_forward = 1\nnet.core.somaxconn = 1024\n');
  });

  it('a key the host does not have fails with host, key and likely cause', async () => {
    const r = await rbRun(['run', '-i', LAB_INVENTORY, play([{ name: 'typo', sysctl: { name: 'net.ipv4.conf.eth9.arp_ignore', value: 1 } }])]);
    expect(r.code).to.equal(3);
    const task = r.report!.tasks.find((t) => t.task === 'typo')!;
    expect(task.status).to.equal('failed');
    expect(task.msg).to.contain('rb3: sysctl key does not exist on this host: net.ipv4.conf.eth9.arp_ignore: no network interface "eth9" on this host');
    expect(await labSh('rb3', `test -e ${FILE} && echo present || echo absent`)).to.equal('absent\n');
  });

  it('rollback after a later failure restores the old live values and removes the new file', async () => {
    await labSh('rb3', 'sysctl -qw net.ipv4.conf.lo.arp_announce=1');
    const r = await rbRun(['run', '-i', LAB_INVENTORY, play([arpTask, { name: 'fails', command: '/bin/false' }])]);
    expect(r.code, r.stdout).to.equal(3);
    expect(r.stdout).to.contain('restored: ARP hiding (sysctl)');
    expect(await live('rb3', KEYS)).to.deep.equal(['0', '1', '0', '0']);
    expect(await labSh('rb3', `test -e ${FILE} && echo present || echo absent`)).to.equal('absent\n');
  });
});

