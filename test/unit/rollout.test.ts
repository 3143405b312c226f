// rollout: ha — grouping and order from memberships, the gate's health rule,
// the play keyword's checks; per-task time limits; read retries.

import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ConnectError, ConnectionLost } from '../../core/errors.js';
import type { HaMembership } from '../../core/module.js';
import { describeOrder, planRollout, unhealthy, waveOf } from '../../core/engine/rollout/groups.js';
import { retryRead } from '../../core/engine/read-retry.js';
import { DeadlineTransport, withLimit } from '../../core/engine/task-timeout.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { parseProbe } from '../../core/playbook/rollout.js';
import type { Transport } from '../../core/transport/types.js';
import { testRegistry } from '../helpers/registry.js';

const vrrp = (vrid: number, held: boolean, running = true): HaMembership => ({
  group: `vrrp eth0 vrid ${vrid}`,
  daemon: 'keepalived',
  running,
  resources: [`10.0.0.${vrid}`],
  held: held ? [`10.0.0.${vrid}`] : [],
});

describe('rollout: ha — groups and order', () => {
  it('puts the VIP holder last, whatever the inventory order, and keeps other hosts out of groups', () => {
    const plan = planRollout(['d1', 'd2', 'web'], new Map([['d1', [vrrp(51, true)]], ['d2', [vrrp(51, false)]]]));
    expect(plan.ungrouped).to.deep.equal(['web']);
    expect(plan.clusters.map((c) => c.order)).to.deep.equal([['d2', 'd1']]);
    expect(describeOrder(plan.clusters[0])).to.equal('d2, then d1 (holds 10.0.0.51)');
    expect(waveOf(plan, 0, new Set())).to.deep.equal(['web', 'd2']);
    expect(waveOf(plan, 1, new Set())).to.deep.equal(['d1']);
    expect(waveOf(plan, 1, new Set(plan.clusters))).to.deep.equal([]);
  });

  it('separate groups run side by side; groups sharing a node are one cluster, fewest held first', () => {
    const members = new Map([
      ['a1', [vrrp(1, true)]],
      ['a2', [vrrp(1, false)]],
      ['b1', [vrrp(2, true), vrrp(3, true)]],
      ['b2', [vrrp(2, false), vrrp(3, false)]],
      ['b3', [vrrp(3, false), vrrp(4, true)]],
    ]);
    const plan = planRollout(['a1', 'a2', 'b1', 'b2', 'b3'], members);
    expect(plan.clusters.map((c) => [c.label, c.order])).to.deep.equal([
      ['vrrp eth0 vrid 1', ['a2', 'a1']],
      ['vrrp eth0 vrid 2 + vrrp eth0 vrid 3 + vrrp eth0 vrid 4', ['b2', 'b3', 'b1']],
    ]);
    expect(waveOf(plan, 0, new Set())).to.deep.equal(['a2', 'b2']);
    expect(waveOf(plan, 2, new Set())).to.deep.equal(['b1']);
  });

  it('the gate wants the daemon on changed nodes and every resource held by exactly one node', () => {
    const view = (host: string, m: HaMembership) => ({ host, membership: m });
    expect(unhealthy([view('d1', vrrp(51, true)), view('d2', vrrp(51, false))], new Set(['d2']))).to.deep.equal([]);
    expect(unhealthy([view('d1', vrrp(51, false)), view('d2', vrrp(51, false, false))], new Set(['d2']))).to.deep.equal([
      'keepalived is not running on d2',
      'vrrp eth0 vrid 51: 10.0.0.51 is held by no node',
    ]);
    expect(unhealthy([view('d1', vrrp(51, true)), view('d2', vrrp(51, true))], new Set())).to.deep.equal(['vrrp eth0 vrid 51: 10.0.0.51 is held by 2 nodes (d1, d2)']);
    // A node not changed yet may be down: it is not the gate's business.
    expect(unhealthy([view('d1', vrrp(51, true)), view('d2', vrrp(51, false, false))], new Set(['d1']))).to.deep.equal([]);
  });
});

describe('rollout and timeout keywords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-rollout-'));
  const load = async (yaml: string) => {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, yaml);
    try {
      return { book: (await loadPlaybooks([file], { registry: testRegistry }))[0], problems: [] as string[], file };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { book: undefined, problems: e.message.split('\n').map((l) => l.replace(`${file}:`, '')), file };
    }
  };

  it('reads `rollout: ha` and the long form with its gate, defaults filled', async () => {
    const short = await load('- hosts: all\n  rollout: ha\n  tasks: []\n');
    expect(short.book!.plays[0].rollout!.gate).to.deep.equal({ timeoutS: 60, intervalS: 1, settleS: 2, probeFrom: 'controller', probeTimeoutS: 3 });
    const long = await load('- hosts: all\n  rollout:\n    mode: ha\n    gate: { timeout: 30, probe: "{{ vip }}:80", probe_from: rb5, settle: 0 }\n  tasks:\n    - say: { msg: hi }\n      timeout: 3\n');
    expect(long.problems).to.deep.equal([]);
    expect(long.book!.plays[0].rollout!.gate).to.deep.equal({ timeoutS: 30, intervalS: 1, settleS: 0, probe: '{{ vip }}:80', probeFrom: 'rb5', probeTimeoutS: 3 });
    expect(long.book!.plays[0].tasks[0].timeout).to.equal(3);
  });

  it('refuses bad values with line, column and field, all at once', async () => {
    const r = await load(
      '- hosts: all\n  serial: 1\n  rollout:\n    mode: rolling\n    gate: { timeout: -1, probe: "10.0.0.1", wait: 3 }\n  tasks:\n    - say: { msg: hi }\n      timeout: soon\n',
    );
    expect(r.problems).to.deep.equal([
      '4:11: rollout.mode: expected "ha", got "rolling"',
      '5:22: rollout.gate.timeout: expected a positive number of seconds, got -1',
      '5:33: rollout.gate.probe: expected ADDRESS:PORT, got "10.0.0.1"',
      '5:45: rollout.gate.wait: unknown key "wait" (valid: timeout, interval, settle, probe, probe_from, probe_timeout)',
      '4:5: rollout: rollout: ha orders the hosts itself: give either rollout or serial, not both',
      '8:16: tasks[0].timeout: expected an integer, got string "soon"',
    ]);
  });

  it('probe addresses', () => {
    expect(parseProbe('198.18.0.100:80')).to.deep.equal({ host: '198.18.0.100', port: 80 });
    expect(parseProbe('[fd00::1]:443')).to.deep.equal({ host: 'fd00::1', port: 443 });
    expect(parseProbe('web:0')).to.equal(undefined);
    expect(parseProbe('a b:80')).to.equal(undefined);
  });
});

describe('task time limit', () => {
  it('bounds every command by what is left, and refuses to start one after the deadline', async () => {
    const seen: Array<number | undefined> = [];
    const inner = { host: 'h', exec: async (_c: string, o?: { timeoutMs?: number }) => (seen.push(o?.timeoutMs), { code: 0, stdout: '', stderr: '', durationMs: 0 }) } as unknown as Transport;
    const t = new DeadlineTransport(inner, Date.now() + 1000);
    await t.exec('true');
    await t.exec('true', { timeoutMs: 200 });
    expect(seen[0]).to.be.within(900, 1000);
    expect(seen[1]).to.equal(200);
    const late = new DeadlineTransport(inner, Date.now() - 1);
    expect((await late.exec('true')).code).to.equal(124);
    expect(seen).to.have.length(2);
  });

  it('gives the timeout result when the work does not end at the limit', async () => {
    const never = new Promise<string>(() => undefined);
    const t0 = Date.now();
    // WIND_DOWN_MS is 5 s: a work that never ends costs the limit plus that.
    expect(await withLimit(50, never, () => 'timeout')).to.equal('timeout');
    expect(Date.now() - t0).to.be.within(50, 5600);
    expect(await withLimit(1000, Promise.resolve('done'), () => 'timeout')).to.equal('done');
  }).timeout(10_000);
});

describe('read retry', () => {
  const fast = { delaysMs: [1, 1, 1], budgetMs: 1000 };

  it('reads again after a dropped connection, up to the bound', async () => {
    let n = 0;
    expect(await retryRead(async () => (++n < 3 ? Promise.reject(new ConnectionLost('h', 'lost')) : 'facts'), fast)).to.equal('facts');
    expect(n).to.equal(3);
    n = 0;
    const err = await retryRead(async () => (++n, Promise.reject(new ConnectionLost('h', 'lost'))), fast).catch((e) => e);
    expect(err).to.be.instanceOf(ConnectionLost);
    expect(n).to.equal(4);
  });

  it('keeps trying to reconnect after a drop, but never retries a host that was never reached, nor other errors', async () => {
    let n = 0;
    const seq = [new ConnectionLost('h', 'lost'), new ConnectError('h', 'refused')];
    expect(await retryRead(async () => (n < 2 ? Promise.reject(seq[n++]) : 'ok'), fast)).to.equal('ok');
    n = 0;
    await retryRead(async () => (++n, Promise.reject(new ConnectError('h', 'refused'))), fast).catch(() => undefined);
    expect(n).to.equal(1);
    n = 0;
    await retryRead(async () => (++n, Promise.reject(new Error('parse'))), fast).catch(() => undefined);
    expect(n).to.equal(1);
  });
});
