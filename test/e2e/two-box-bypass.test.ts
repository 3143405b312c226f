// Seed 002 scheme 2 end to end on real IPVS (the shared qemu guest, 3 hosts):
// rb1 and rb2 are each a keepalived director and a real server of VIP:80,
// rb3 a client. keepalived's notify scripts (rb's own) add the bypass rule on
// the box that is not MASTER and remove it on the MASTER. Proves: --check exact
// on fresh hosts, rerun no-op; both boxes answer through the VIP; no request
// loops (the BACKUP's IPVS schedules nothing, its bypass rule redirects what
// the MASTER sent it, and forwards nothing back); drift names a bypass rule
// removed by hand; after the MASTER's keepalived stops, the roles and the
// bypass rule swap, both boxes still serve, and drift finds the rules right
// for the new roles.

import { expect } from 'chai';
import { compareChanges, flatChanges } from '../harness/converge.js';
import { labSh } from '../harness/lab.js';
import { rbRun, type RbResult } from '../harness/rb.js';
import { useSharedIpvsLab } from '../fixtures/ipvs/shared-guest.js';
import { fetchMany, fetchPage, until } from './web.js';

const PLAYBOOK = 'playbooks/two-box-bypass.yml';
const INVENTORY = 'inventory/lab/two-box-bypass';
const VIP = '198.18.0.100';
const CLIENT = 'rb3';
const REQUESTS = 20;
const RULE = `-A PREROUTING -d ${VIP}/32 -p tcp -m tcp --dport 80 -m comment --comment "rb:bypass-ipvs" -j REDIRECT`;

async function run(extra: string[] = [], command = 'run'): Promise<RbResult> {
  const r = await rbRun([command, PLAYBOOK, '-i', INVENTORY, ...extra], { timeoutMs: 600_000 });
  expect(r.code, `rb ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).to.be.oneOf(command === 'drift' ? [0, 2] : [0]);
  return r;
}

async function hasVip(host: string): Promise<boolean> {
  const links = JSON.parse(await labSh(host, 'ip -j addr show dev eth0')) as Array<{ addr_info: Array<{ local: string }> }>;
  return links[0].addr_info.some((a) => a.local === VIP);
}

async function hasBypass(host: string): Promise<boolean> {
  return (await labSh(host, 'iptables-save -t nat')).split('\n').includes(RULE);
}

/** Connections IPVS scheduled for VIP:80 on the box (0 without the service). */
async function balancedConns(host: string): Promise<number> {
  const line = (await labSh(host, 'ipvsadm -Ln --stats')).split('\n').find((l) => l.includes(`${VIP}:80`));
  return line ? Number(line.trim().split(/\s+/)[2]) : 0;
}

/** Connections the box's bypass rule redirected (nat sees the first packet of each). */
async function redirected(host: string): Promise<number> {
  const line = (await labSh(host, 'iptables -t nat -L PREROUTING -n -v -x')).split('\n').find((l) => l.includes('rb:bypass-ipvs'));
  return line ? Number(line.trim().split(/\s+/)[0]) : 0;
}

/** Packets the box's kernel routed on (Ip ForwDatagrams of its namespace): what a loop would send back to the VIP's holder. */
async function forwarded(host: string): Promise<number> {
  const ip = (await labSh(host, 'cat /proc/net/snmp')).split('\n').filter((l) => l.startsWith('Ip:')).map((l) => l.trim().split(/\s+/));
  const at = ip[0].indexOf('ForwDatagrams');
  expect(at, `Ip counters of ${host}`).to.be.greaterThan(0);
  return Number(ip[1][at]);
}

/** The box's IPVS connection entries for the VIP, as client → VIP → real server (state and expiry left out). */
async function vipEntries(host: string): Promise<string[]> {
  return (await labSh(host, 'ipvsadm -Lnc')).split('\n').map((l) => l.trim().split(/\s+/)).filter((w) => w[4] === `${VIP}:80`).map((w) => w.slice(3).join(' '));
}

interface Baseline { forwarded: Record<string, number>; entries: Record<string, string[]> }

/**
 * Zeroes the nat and IPVS counters of both boxes; keeps the kernel's forward counters (which cannot be
 * zeroed) and the IPVS entries still there from earlier requests (they expire in minutes) as they are now.
 */
async function zeroCounters(): Promise<Baseline> {
  const base: Baseline = { forwarded: {}, entries: {} };
  for (const h of ['rb1', 'rb2']) {
    await labSh(h, 'iptables -w -t nat -Z && ipvsadm -Z');
    base.forwarded[h] = await forwarded(h);
    base.entries[h] = await vipEntries(h);
  }
  return base;
}

/**
 * Every request answered, by both boxes in turns. Round robin alternates new connections; a client
 * port the kernel reuses while IPVS still holds its old entry goes to the same box again, so the
 * split is near, not always exactly, half and half.
 */
function expectBothServe(counts: Record<string, number>): void {
  expect(Object.keys(counts).sort(), 'who answered (null: no answer)').to.deep.equal(['rb1', 'rb2']);
  for (const box of ['rb1', 'rb2']) expect(counts[box], `answers from ${box}`).to.be.within(REQUESTS / 4, (REQUESTS * 3) / 4);
}

/** The MASTER balanced every request once; the other box served its share through its bypass rule, balanced and forwarded nothing. */
async function expectNoLoop(master: string, other: string, counts: Record<string, number>, base: Baseline): Promise<void> {
  const figures = { [`${master} balanced`]: await balancedConns(master), [`${other} redirected`]: await redirected(other), [`${other} balanced`]: await balancedConns(other), [`${other} forwarded`]: (await forwarded(other)) - base.forwarded[other] };
  console.log(`      loop evidence: ${JSON.stringify(figures)}`);
  expect(figures[`${master} balanced`], `connections ${master} scheduled`).to.be.within(REQUESTS / 2, REQUESTS);
  expect(figures[`${other} redirected`], `connections ${other}'s bypass rule took (its answers: ${counts[other]})`).to.equal(counts[other]);
  expect(figures[`${other} balanced`], `connections ${other} balanced again`).to.equal(0);
  expect(figures[`${other} forwarded`], `packets ${other} routed back out`).to.equal(0);
  const fresh = (await vipEntries(other)).filter((e) => !base.entries[other].includes(e));
  expect(fresh, `new IPVS connection entries for the VIP on ${other}`).to.deep.equal([]);
  expect((await vipEntries(master)).filter((e) => !base.entries[master].includes(e)).length, `new IPVS connection entries on ${master}`).to.be.greaterThan(0);
}

/** rb1 MASTER or rb2 MASTER, with the bypass rule on the other box only. */
async function roles(master: string, other: string): Promise<void> {
  await until(`VIP on ${master}`, 20_000, () => hasVip(master));
  await until(`bypass rule on ${other} only`, 20_000, async () => !(await hasBypass(master)) && (await hasBypass(other)));
  expect(await hasVip(other)).to.equal(false);
}

describe('seed 002 scheme 2: two boxes with bypass scripts (playbooks/two-box-bypass.yml, real IPVS)', function () {
  this.timeout(900_000);
  useSharedIpvsLab(3, 'the two-box bypass end-to-end test');
  let t0 = Date.now();
  before(() => { t0 = Date.now(); });
  after(() => console.log(`      two-box-bypass.test.ts: ${((Date.now() - t0) / 1000).toFixed(0)} s`));

  it('--check predicts the first run exactly; once the roles settle a rerun changes nothing', async () => {
    const check = await run(['--check']);
    expect(check.report!.tasks.filter((t) => t.status === 'unknown').map((t) => `${t.host}: ${t.task}`)).to.deep.equal([]);
    const predicted = flatChanges(check.report!);
    const first = await run();
    expect(compareChanges(predicted, flatChanges(first.report!))).to.deep.equal({ missing: [], unexpected: [] });
    const bypass = predicted.filter((c) => c.module === 'iptables_mark' && c.resource.includes('rb:bypass-ipvs')).map((c) => [c.host, c.kind]);
    expect(bypass.sort()).to.deep.equal([['rb1', 'add-rule'], ['rb2', 'add-rule']]);
    const script = predicted.filter((c) => c.module === 'template').map((c) => c.host);
    expect([...new Set(script)].sort()).to.deep.equal(['rb1', 'rb2']);
    // keepalived starts: rb1 becomes MASTER, its notify_master removes its rule.
    await roles('rb1', 'rb2');
    expect(flatChanges((await run()).report!), 'rerun').to.deep.equal([]);
    expect(flatChanges((await run(['--check'])).report!), 'check after the rerun').to.deep.equal([]);
  });

  it(`${REQUESTS} requests from a client are answered by both boxes, and none loops back`, async () => {
    await until('both boxes in IPVS on rb1', 30_000, async () => {
      const t = await labSh('rb1', 'ipvsadm -Sn');
      return t.includes('-r 198.18.0.11:80') && t.includes('-r 198.18.0.12:80');
    });
    const base = await zeroCounters();
    const counts = await fetchMany(CLIENT, VIP, REQUESTS);
    console.log(`      answers: ${JSON.stringify(counts)}`);
    expectBothServe(counts);
    await expectNoLoop('rb1', 'rb2', counts, base);
  });

  it('without its bypass rule the BACKUP routes what it is sent back to the MASTER (the loop); the removal is drift on that box only, and a run puts it back', async () => {
    await labSh('rb2', `iptables -t nat -D ${RULE.slice(3)}`);
    // What the rule prevents: rb2 holds no VIP, routes the MASTER's share back to it, whose IPVS entry sends it to rb2 again.
    const base = await zeroCounters();
    const counts = await fetchMany(CLIENT, VIP, 4);
    const loop = (await forwarded('rb2')) - base.forwarded.rb2;
    console.log(`      without the bypass rule: answers ${JSON.stringify(counts)}, packets rb2 routed back ${loop}`);
    expect(counts.null, 'requests balanced to rb2 that never got an answer').to.be.at.least(1);
    expect(loop, 'packets rb2 routed back').to.be.greaterThan(0);
    const drift = await run([], 'drift');
    expect(drift.code).to.equal(2);
    expect(flatChanges(drift.report!).map((c) => [c.host, c.module, c.kind, c.after])).to.deep.equal([['rb2', 'iptables_mark', 'add-rule', RULE]]);
    expect(flatChanges((await run()).report!).map((c) => [c.host, c.kind])).to.deep.equal([['rb2', 'add-rule']]);
    expect(await hasBypass('rb2')).to.equal(true);
  });

  it("after the MASTER's keepalived stops the roles and the bypass rule swap, both boxes still serve, drift finds the rules right", async () => {
    await labSh('rb1', 'kill -TERM "$(cat /run/keepalived.pid)"');
    const t1 = Date.now();
    await roles('rb2', 'rb1');
    const swapped = Date.now() - t1;
    const answered = await until('an answer through rb2', 20_000, () => fetchPage(CLIENT, VIP));
    console.log(`      failover: VIP and bypass rules swapped ${swapped} ms after rb1's keepalived stopped, first answer through rb2 ${answered.ms} ms later (gap ${Date.now() - t1} ms)`);
    await until('both boxes in IPVS on rb2', 30_000, async () => {
      const t = await labSh('rb2', 'ipvsadm -Sn');
      return t.includes('-r 198.18.0.11:80') && t.includes('-r 198.18.0.12:80');
    });
    const base = await zeroCounters();
    const counts = await fetchMany(CLIENT, VIP, REQUESTS);
    console.log(`      answers after failover: ${JSON.stringify(counts)}`);
    expectBothServe(counts);
    await expectNoLoop('rb2', 'rb1', counts, base);
    // Only the stopped keepalived is drift: each box's bypass rule matches its new role.
    const drift = await run([], 'drift');
    const changes = flatChanges(drift.report!);
    expect(changes.filter((c) => c.module === 'iptables_mark'), 'bypass rules drifted').to.deep.equal([]);
    expect([...new Set(changes.map((c) => c.host))], 'hosts that drifted').to.deep.equal(['rb1']);
    expect(changes.map((c) => c.kind)).to.include('start-keepalived');
  });
});
