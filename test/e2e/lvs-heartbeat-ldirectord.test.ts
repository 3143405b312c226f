// Seed 004 end to end on real IPVS (`rb lab up --ipvs 3`): playbooks/
// heartbeat-ldirectord.yml with inventory/lab/heartbeat-ldirectord on two
// boxes, each director and real server. --check predicts the first run;
// heartbeat makes rb1 active (VIP on eth0:0, ldirectord building the table
// from the file rb wrote); then a rerun changes nothing; requests through the
// VIP reach the boxes; when rb1's heartbeat stops, rb2 takes the VIP and
// ldirectord over and the VIP still answers.

import { join } from 'node:path';
import { expect } from 'chai';
import { compareChanges, flatChanges } from '../harness/converge.js';
import { labExec, labSh } from '../harness/lab.js';
import { rbRun, repoRoot, type RbResult } from '../harness/rb.js';
import { until, useIpvsLab, VIP } from '../fixtures/ipvs/lab.js';
import { rolloutHeartbeatSuite } from './rollout/heartbeat.js';

const PLAYBOOK = join(repoRoot(), 'playbooks', 'heartbeat-ldirectord.yml');
const INVENTORY = join(repoRoot(), 'inventory', 'lab', 'heartbeat-ldirectord');

async function rb(extra: string[] = []): Promise<RbResult> {
  const r = await rbRun(['run', PLAYBOOK, '-i', INVENTORY, ...extra], { timeoutMs: 900_000 });
  expect(r.code, `rb ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).to.equal(0);
  return r;
}

const hasVip = async (host: string) => (await labExec(host, `ip -o addr show dev eth0 | grep -q ' ${VIP}/'`)).code === 0;
const tableReals = async (host: string) => (await labSh(host, 'ipvsadm -Sn')).split('\n').filter((l) => l.startsWith(`-a -t ${VIP}:80 `)).length;

/** One HTTP request to the VIP from the client: the page names the box that served it. */
async function fetchVip(): Promise<string> {
  // bash's /dev/tcp: busybox wget crashed (SIGSEGV) in the emulated guest.
  const get = `exec 3<>/dev/tcp/${VIP}/80 && printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' >&3 && tail -n 1 <&3`;
  const r = await labExec('rb3', ['timeout', '10', 'bash', '-c', get]);
  return r.code === 0 ? r.stdout.trim() : `failed (exit ${r.code}): ${r.stderr.trim()}`;
}

describe('seed 004: heartbeat + ldirectord on two boxes (playbooks/heartbeat-ldirectord.yml, real IPVS)', function () {
  this.timeout(2_400_000);
  useIpvsLab(3, 'the heartbeat + ldirectord end-to-end test');

  it('--check predicts the first run; heartbeat makes rb1 active and ldirectord fills the table; a rerun changes nothing', async () => {
    const check = await rb(['--check']);
    const run = await rb();
    expect(compareChanges(flatChanges(check.report!), flatChanges(run.report!))).to.deep.equal({ missing: [], unexpected: [] });
    const active = await until('rb1 holds the VIP on eth0', 300_000, async () => hasVip('rb1'));
    const filled = await until('ldirectord on rb1 has both boxes in the table', 300_000, async () => (await tableReals('rb1')) === 2);
    expect(await hasVip('rb2')).to.equal(false);
    const rerun = await rb();
    expect(flatChanges(rerun.report!), rerun.stdout).to.deep.equal([]);
    const recheck = await rb(['--check']);
    expect(flatChanges(recheck.report!), recheck.stdout).to.deep.equal([]);
    console.log(`      VIP on rb1 ${active} ms after the run; table filled ${filled} ms later`);
  });

  it('serves the VIP, and keeps serving it from rb2 when rb1\'s heartbeat stops', async () => {
    expect(['rb1', 'rb2']).to.include(await fetchVip());
    await labSh('rb1', 'service heartbeat stop >/dev/null 2>&1 || /etc/init.d/heartbeat stop >/dev/null 2>&1; true');
    const moved = await until('rb2 holds the VIP', 300_000, async () => hasVip('rb2'));
    await until('ldirectord on rb2 has the boxes in its table', 300_000, async () => (await tableReals('rb2')) >= 1);
    const served = await until('the VIP answers again', 120_000, async () => !(await fetchVip()).startsWith('failed'));
    expect(['rb1', 'rb2']).to.include(await fetchVip());
    console.log(`      failover: VIP on rb2 ${moved} ms after heartbeat stopped on rb1, served again ${served} ms later`);
  });

  // On the same guest: heartbeat changed under `rollout: ha` and in parallel, measured by a polling client.
  rolloutHeartbeatSuite();
});
