// The HA groups vrrp and heartbeat report for `rollout: ha`, from facts
// captured on lab hosts (a keepalived MASTER holding its VIP; heartbeat on
// rb11 holding its own resources).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { parseAuthkeys } from '../../modules/heartbeat/authkeys.js';
import { parseHeartbeatFacts } from '../../modules/heartbeat/facts.js';
import heartbeat from '../../modules/heartbeat/index.js';
import vrrp from '../../modules/vrrp/index.js';
import { gatherFacts } from '../../modules/vrrp/facts.js';
import { FIXTURES } from '../fixtures/vrrp/local.js';
import type { HostContext } from '../../core/module.js';

const hbCaptured = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heartbeat', 'captured', 'facts-running.out'), 'utf8');

function params(def: { params: any; rules?: any }, raw: Record<string, unknown>): any {
  const { value, problems } = validateFields(def.params, raw, '', {}, def.rules);
  expect(problems).to.deep.equal([]);
  return value;
}

describe('HA groups of modules', () => {
  it('heartbeat: one group per node list, the resource group held where cl_status says local', () => {
    const facts = parseHeartbeatFacts({ path: '/etc/ha.d', scripts: ['hbvip'] }, hbCaptured);
    const p = params(heartbeat, {
      ha_cf: { ucast: 'eth0 198.18.0.22', node: ['rb12', 'rb11'] },
      authkeys: { key: 'k' },
      resources: [{ node: 'rb11', resources: ['hbvip'] }],
    });
    expect(heartbeat.haGroup!(p, facts, 'rb11').map(({ pending: _, ...m }) => m)).to.deep.equal([
      { group: 'heartbeat rb11 rb12', daemon: 'heartbeat', running: true, resources: ['rb11: hbvip'], held: ['rb11: hbvip'] },
    ]);
    // The peer's view of the same group: it holds the group only when it holds foreign resources.
    const peer = { ...facts, nodename: 'rb12' };
    expect(heartbeat.haGroup!(p, peer, 'rb12')[0].held).to.deep.equal([]);
    expect(heartbeat.haGroup!(p, { ...peer, daemon: { ...facts.daemon, resources: 'all' } }, 'rb12')[0].held).to.deep.equal(['rb11: hbvip']);
    expect(heartbeat.haGroup!(p, { ...facts, daemon: { running: false, params: {} } }, 'rb11')[0]).to.include({ running: false }).and.deep.include({ held: [] });
  });

  it('heartbeat: a group is held where each of its resources says so (its status), whatever rscstatus believes', () => {
    const read = (name: string) =>
      parseHeartbeatFacts({ path: '/etc/ha.d', scripts: ['hbvip'] }, readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heartbeat', 'captured', name), 'utf8'));
    const p = params(heartbeat, {
      ha_cf: { ucast: 'eth0 198.18.0.12', node: ['rb1', 'rb2'] },
      authkeys: { key: 'k' },
      resources: [{ node: 'rb1', resources: ['hbvip'] }],
    });
    const held = (name: string, host: string) => heartbeat.haGroup!(p, read(name), host)[0].held;
    // Captured by test/fixtures/heartbeat/capture.ts: rb1 active, rb2 taking over, then handing back.
    expect(read('pair-active-rb1.out').daemon).to.deep.include({ resources: 'local', groups: { hbvip: '1' } });
    expect(read('pair-takeover-rb2.out').daemon).to.deep.include({ resources: 'all', groups: { hbvip: '1' } });
    expect(read('pair-given-back-rb2.out').daemon).to.deep.include({ resources: 'local', groups: { hbvip: '0' } });
    expect([held('pair-active-rb1.out', 'rb1'), held('pair-active-rb2.out', 'rb2')]).to.deep.equal([['rb1: hbvip'], []]);
    expect(held('pair-takeover-rb2.out', 'rb2')).to.deep.equal(['rb1: hbvip']);
    expect([held('pair-given-back-rb1.out', 'rb1'), held('pair-given-back-rb2.out', 'rb2')]).to.deep.equal([['rb1: hbvip'], []]);
    // rscstatus still saying `all` on the node that handed the group back does not make it a holder.
    const stale = read('pair-given-back-rb2.out');
    expect(heartbeat.haGroup!(p, { ...stale, daemon: { ...stale.daemon, resources: 'all' } }, 'rb2')[0].held).to.deep.equal([]);
    // A group half taken (one resource of two up) is held by no one yet.
    const two = params(heartbeat, { ha_cf: { ucast: 'eth0 198.18.0.12', node: ['rb1', 'rb2'] }, authkeys: { key: 'k' }, resources: [{ node: 'rb1', resources: ['hbvip', 'ldirectord'] }] });
    const half = read('pair-active-rb1.out');
    expect(heartbeat.haGroup!(two, { ...half, daemon: { ...half.daemon, groups: { hbvip: '10' } } }, 'rb1')[0].held).to.deep.equal([]);
    expect(heartbeat.haGroup!(two, { ...half, daemon: { ...half.daemon, groups: { hbvip: '11' } } }, 'rb1')[0].held).to.deep.equal(['rb1: hbvip ldirectord']);
  });

  it('heartbeat: what the task would do to the daemon: nothing disruptive, a new signing key the nodes take at once, or a restart node by node', () => {
    // The pair as test/fixtures/heartbeat/capture.ts built it, rb1 active.
    const SCRIPT = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heartbeat', 'capture.ts'), 'utf8');
    const script = /const SCRIPT = `([^`]*)`/.exec(SCRIPT)![1].replaceAll('${VIP}', '198.18.0.150');
    const facts = parseHeartbeatFacts({ path: '/etc/ha.d', scripts: ['hbvip'] }, readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heartbeat', 'captured', 'pair-active-rb1.out'), 'utf8'));
    const raw = (haCf: Record<string, unknown> = {}, resources = ['hbvip'], key = 'capture-key') => ({
      ha_cf: { logfile: '/var/log/ha-log', keepalive: 1, deadtime: 5, warntime: 3, initdead: 10, udpport: 694, ucast: 'eth0 198.18.0.12', auto_failback: 'on', crm: 'no', node: ['rb1', 'rb2'], ...haCf },
      authkeys: { method: 'sha1', key },
      resources: [{ node: 'rb1', resources }],
      resource_scripts: { hbvip: script },
    });
    const pending = (r: Record<string, unknown>) => heartbeat.haGroup!(params(heartbeat, r), facts, 'rb1')[0].pending;
    expect(pending(raw())).to.equal('none');
    // An ha.cf change is a reload that keeps the resources: node by node like any other.
    expect(pending(raw({ deadtime: 6 }))).to.equal('none');
    const together = { together: '/etc/ha.d/authkeys signs with a key the peer does not hold yet: on both nodes at once, as heartbeat does not hear a node signing with a key it lacks' };
    expect(pending(raw({}, ['hbvip'], 'new-key'))).to.deep.equal(together);
    expect(pending(raw({ deadtime: 6 }, ['hbvip'], 'new-key'))).to.deep.equal(together);
    // A rotation's second step: the key is already accepted (listed as key 2), only `auth` moves to it.
    const content = 'auth 1\n1 sha1 capture-key\n2 sha1 next-key\n';
    const listed = { ...facts, authkeys: { ...facts.authkeys, content, model: parseAuthkeys(content) } };
    const rotate = params(heartbeat, { ...raw(), authkeys: { index: 2, method: 'sha1', key: 'next-key', also_accept: [{ index: 1, method: 'sha1', key: 'capture-key' }] } });
    expect(heartbeat.plan!(rotate, listed, { host: 'rb1', vars: {}, taskName: 't' }).changes.map((c) => c.field)).to.deep.equal(['authkeys auth', 'config']);
    expect(heartbeat.haGroup!(rotate, listed, 'rb1')[0].pending).to.equal('none');
    // haresources is read only at start: a restart, node by node.
    expect(pending(raw({ deadtime: 6 }, ['hbvip', 'IPaddr::198.18.0.151']))).to.equal(undefined);
    expect(heartbeat.haGroup!(params(heartbeat, raw()), { ...facts, daemon: { running: false, params: {} } }, 'rb1')[0].pending).to.equal(undefined);
  });

  it('vrrp: one group per instance (interface + virtual_router_id), its VIPs held on the MASTER', async () => {
    const out = readFileSync(join(FIXTURES, 'captured', 'facts-running-master.out'), 'utf8');
    const ctx = { host: 'k1', exec: async () => ({ code: 0, stdout: out, stderr: '', durationMs: 0 }) } as unknown as HostContext;
    const facts = await gatherFacts(ctx, { path: '/tmp/vrrp-k1.conf', service: 'keepalived', pidFile: '/run/keepalived.pid' });
    const inst = (name: string, vrid: number, vip: string) => ({ name, state: 'BACKUP', interface: 'veth0', virtual_router_id: vrid, priority: 50, virtual_ipaddress: [vip] });
    const p = params(vrrp, { instances: [inst('VI_1', 51, '10.99.0.100/32'), inst('VI_2', 52, '10.99.0.200/32')] });
    expect(vrrp.haGroup!(p, facts, 'k1')).to.deep.equal([
      { group: 'vrrp veth0 vrid 51', daemon: 'keepalived', running: true, resources: ['10.99.0.100'], held: ['10.99.0.100'] },
      { group: 'vrrp veth0 vrid 52', daemon: 'keepalived', running: true, resources: ['10.99.0.200'], held: [] },
    ]);
    expect(vrrp.haGroup!({ ...p, state: 'stopped' }, facts, 'k1')).to.deep.equal([]);
  });
});
