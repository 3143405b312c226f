// route on real lab hosts over SSH: an LVS-NAT real server's default route via
// the director on the lab's second segment (eth1) with its if-up.d hook:
// first run changes, --check predicted it, a rerun is a no-op, a hand-made
// gateway is drift of that field; rollback after a later failure removes what
// it added; a host route (seed 001's route add -host) likewise.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const HOOK = '/etc/network/if-up.d/rb-route-default';
const dir = mkdtempSync(join(tmpdir(), 'rb-route-'));
let n = 0;

function play(hosts: string, tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'route', hosts, tasks }], null, 2)}\n`);
  return file;
}

const inside = { name: 'inside address', ifalias: { address: '198.18.1.13/24', interface: 'eth1', persist: 'none', gratuitous_arp: false } };
const gateway = { name: 'default route via the director', route: { destination: 'default', gateway: '198.18.1.1', interface: 'eth1' } };

describe('route on lab hosts', function () {
  this.timeout(120_000);
  useLab(3);
  beforeEach(() => resetHosts(['rb3']));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts(['rb3']);
  });

  it('default route via a gateway with its hook; a hand-made gateway is drift of that field, repaired in place', async () => {
    const playbook = play('rb3', [inside, gateway]);
    const r = await converge({ playbook, tamper: { host: 'rb3', cmd: 'ip route replace default via 198.18.1.254 dev eth1' } });
    expect(r.changes.filter((c) => c.module === 'route').map((c) => [c.kind, c.resource, c.field, c.after])).to.deep.equal([
      ['add-route', 'route default', 'route', 'default via 198.18.1.1 dev eth1'],
      ['persist-route', HOOK, 'route', 'default via 198.18.1.1 dev eth1'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([['replace-route', 'gateway', '198.18.1.254', '198.18.1.1']]);
    const repair = await rbRun(['run', playbook, '-i', LAB_INVENTORY]);
    expect(repair.code, repair.stdout).to.equal(0);
    expect(await labSh('rb3', 'ip route show table main exact 0.0.0.0/0')).to.equal('default via 198.18.1.1 dev eth1 \n');
    expect(await labSh('rb3', `stat -c %a ${HOOK} && cat ${HOOK}`)).to.equal(
      '755\n#!/bin/sh\n# Managed by rb (route module)\n[ "$IFACE" = "eth1" ] || exit 0\nip route replace default via 198.18.1.1 dev eth1 2>/dev/null || true\n',
    );
  });

  it('the hook puts the route back when its interface comes up, as ifupdown runs it', async () => {
    await converge({ playbook: play('rb3', [inside, gateway]) });
    await labSh('rb3', 'ip route del default');
    await labSh('rb3', `IFACE=eth0 ${HOOK} && IFACE=eth1 ${HOOK}`);
    expect(await labSh('rb3', 'ip route show table main exact 0.0.0.0/0')).to.equal('default via 198.18.1.1 dev eth1 \n');
  });

  it('an edited hook is drift of its fields only', async () => {
    const r = await converge({ playbook: play('rb3', [inside, gateway]), tamper: { host: 'rb3', cmd: `sed -i 's/dev eth1 2>/dev eth1 metric 9 2>/' ${HOOK}` } });
    expect(r.drift!.changes.map((c) => [c.kind, c.resource, c.field, c.before, c.after])).to.deep.equal([['persist-route', HOOK, 'metric', 9, undefined]]);
  });

  it('rollback after a later failure takes the route and hook away again', async () => {
    await labSh('rb3', 'ip addr add 198.18.1.13/24 dev eth1');
    const r = await rbRun(['run', '-i', LAB_INVENTORY, play('rb3', [gateway, { name: 'fails', command: '/bin/false' }])]);
    expect(r.code, r.stdout).to.equal(3);
    expect(r.stdout).to.contain('restored: default route via the director (route)');
    expect(await labSh('rb3', 'ip route show table main exact 0.0.0.0/0')).to.equal('');
    expect(await labSh('rb3', `test -e ${HOOK} && echo present || echo absent`)).to.equal('absent\n');
  });

  it("seed 001's host route (route add -host VIP dev eth1), unpersisted, then absent", async () => {
    await labSh('rb3', 'ip addr add 198.18.1.13/24 dev eth1');
    const host = { name: 'host route', route: { destination: '198.18.1.100', interface: 'eth1', persist: 'none' } };
    const r = await converge({ playbook: play('rb3', [host]), tamper: { host: 'rb3', cmd: 'ip route del 198.18.1.100/32' } });
    expect(r.changes.map((c) => [c.kind, c.after])).to.deep.equal([['add-route', '198.18.1.100/32 dev eth1']]);
    expect(r.drift!.changes.map((c) => c.kind)).to.deep.equal(['add-route']);
    await labSh('rb3', 'ip route add 198.18.1.100/32 dev eth1');
    const gone = await rbRun(['run', '-i', LAB_INVENTORY, play('rb3', [{ route: { ...host.route, state: 'absent' } }])]);
    expect(gone.code, gone.stdout).to.equal(0);
    expect(await labSh('rb3', 'ip route show table main exact 198.18.1.100/32')).to.equal('');
  });
});
