// playbooks/dr-keepalived.yml end to end on `rb lab up --ipvs 5` (real IPVS in
// the qemu guest): two keepalived directors, two real servers, rb5 as the
// client. Proves the service: the VIP is answered by both real servers, the
// MASTER's failure moves the VIP and requests keep being answered, a second
// run changes nothing, a hand-made change is reported by --check as drift.

import { expect } from 'chai';
import { labDown } from '../../core/lab/index.js';
import { ipvsDown, ipvsUp } from '../../core/lab/qemu/index.js';
import { compareChanges, flatChanges } from '../harness/converge.js';
import { isRoot, labExec, labSh } from '../harness/lab.js';
import { rbRun, type RbResult } from '../harness/rb.js';
import { until } from './web.js';
import { rolloutKeepalivedSuite } from './rollout/keepalived.js';

const PLAYBOOK = 'playbooks/dr-keepalived.yml';
const INVENTORY = 'inventory/lab/dr-keepalived';
const VIP = '198.18.0.100';
const CLIENT = 'rb5';
const CONF = '/etc/keepalived/keepalived.conf';
/** A run against hosts in an emulated guest on a busy machine can take minutes. */
const RUN_TIMEOUT_MS = 600_000;

// bash's /dev/tcp, not a download tool: nothing to install on the client, and
// busybox-static's wget crashes on this Debian.
const GET = `timeout 3 bash -c 'exec 3<>/dev/tcp/${VIP}/80 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3'`;

/** One HTTP request to the VIP from the client: the page (a real server's name) or null. */
async function fetchVip(): Promise<string | null> {
  const r = await labExec(CLIENT, GET);
  const body = r.stdout.split('\r\n\r\n')[1];
  return r.code === 0 && /^HTTP\/1\.\d 200/.test(r.stdout) && body !== undefined ? body.trim() : null;
}

/** rb run (or check) of the playbook; it must succeed. */
async function run(extra: string[] = []): Promise<RbResult> {
  const r = await rbRun(['run', PLAYBOOK, '-i', INVENTORY, ...extra], { timeoutMs: RUN_TIMEOUT_MS });
  expect(r.code, `rb ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).to.equal(0);
  return r;
}

async function hasVip(host: string): Promise<boolean> {
  const links = JSON.parse(await labSh(host, 'ip -j addr show dev eth0')) as Array<{ addr_info: Array<{ local: string }> }>;
  return links[0].addr_info.some((a) => a.local === VIP);
}

describe('playbooks/dr-keepalived.yml on the IPVS lab', function () {
  this.timeout(900_000);

  before(async function () {
    if (!isRoot()) {
      console.warn('\n*** SKIPPED: the dr-keepalived end-to-end test needs root (rb lab up --ipvs) — it did not run ***\n');
      this.skip();
    }
    // The guest's hosts take the plain lab's addresses: the plain lab goes first.
    await labDown();
    await ipvsUp(5);
  });

  after(async function () {
    this.timeout(400_000);
    if (!isRoot()) return;
    await ipvsDown();
    // The guest is gone; what remains is the bridge and state, which the next
    // `lab up` takes over. Seen here: this down waiting 300 s for the lab lock.
    await labDown().catch((e: Error) => console.warn(`      rb lab down after the guest: ${e.message}`));
  });

  it('--check predicts the first run exactly, which converges every host; a second run changes nothing', async () => {
    const check = await run(['--check']);
    const unpredictable = check.report!.tasks.filter((t) => t.status === 'unknown').map((t) => `${t.host}: ${t.task}`);
    expect(unpredictable, 'tasks --check could not predict').to.deep.equal([]);
    const predicted = flatChanges(check.report!);
    expect(predicted, 'fresh hosts need changes').to.not.be.empty;
    const first = await run();
    expect(compareChanges(predicted, flatChanges(first.report!)), 'the run made exactly the predicted changes').to.deep.equal({ missing: [], unexpected: [] });
    const vrrp = flatChanges(first.report!).filter((c) => c.module === 'vrrp');
    expect(vrrp.filter((c) => c.host === 'rb1').map((c) => c.kind)).to.deep.equal([
      'create-config',
      'set-option',
      'add-vrrp-instance',
      'add-virtual-server',
      'start-keepalived',
    ]);
    expect([...new Set(vrrp.map((c) => c.host))].sort()).to.deep.equal(['rb1', 'rb2']);
    expect(flatChanges((await run()).report!), 'second run').to.deep.equal([]);
  });

  it('the MASTER holds the VIP and IPVS balances it to both real servers', async () => {
    await until('VIP on rb1', 30_000, () => hasVip('rb1'));
    expect(await hasVip('rb2')).to.equal(false);
    const table = await until('both real servers in IPVS on rb1', 30_000, async () => {
      const t = await labSh('rb1', 'ipvsadm -Sn');
      return t.includes('-r 198.18.0.13:80') && t.includes('-r 198.18.0.14:80') ? t : null;
    });
    expect(table.value).to.include(`-A -t ${VIP}:80 -s rr`);
    expect(table.value).to.match(new RegExp(`-a -t ${VIP.replace(/\./g, '\\.')}:80 -r 198\\.18\\.0\\.13:80 -g -w 1`));
  });

  it('20 requests from a client are answered, by more than one real server', async () => {
    const answers: Array<string | null> = [];
    for (let i = 0; i < 20; i++) answers.push(await fetchVip());
    expect(answers.filter((a) => a === null), 'unanswered requests').to.have.length(0);
    const counts = answers.reduce<Record<string, number>>((m, a) => ({ ...m, [a!]: (m[a!] ?? 0) + 1 }), {});
    expect(Object.keys(counts).sort(), JSON.stringify(counts)).to.deep.equal(['rb3', 'rb4']);
    console.log(`      answers: ${JSON.stringify(counts)}`);
  });

  it('a hand-made change on one director is reported by --check as drift, and a run repairs it', async () => {
    await labSh('rb2', `sed -i 's/priority 50/priority 70/' ${CONF}`);
    const check = await run(['--check']);
    const drift = flatChanges(check.report!);
    expect(drift.map((c) => [c.host, c.kind, c.field, c.before, c.after])).to.deep.equal([
      ['rb2', 'set-option', 'vrrp_instance VI_1.priority', 70, 50],
      ['rb2', 'reload-keepalived', 'config', drift[1]?.before, 'reloaded'],
    ]);
    const drifted = await rbRun(['drift', PLAYBOOK, '-i', INVENTORY], { timeoutMs: RUN_TIMEOUT_MS });
    expect(drifted.code, 'rb drift exits 2 on drift').to.equal(2);
    expect(flatChanges((await run()).report!).map((c) => [c.host, c.kind])).to.deep.equal([
      ['rb2', 'set-option'],
      ['rb2', 'reload-keepalived'],
    ]);
    expect(await labSh('rb2', `grep priority ${CONF}`)).to.equal('    priority 50\n');
  });

  it("stopping the MASTER's keepalived moves the VIP and requests keep being answered", async () => {
    await labSh('rb1', 'kill -TERM "$(cat /run/keepalived.pid)"');
    const moved = await until('VIP on rb2', 10_000, () => hasVip('rb2'));
    const answered = await until('an answer through rb2', 15_000, fetchVip);
    const pages = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const a = await fetchVip();
      expect(a, `request ${i + 1} after failover`).to.not.equal(null);
      pages.add(a!);
    }
    expect([...pages].sort()).to.deep.equal(['rb3', 'rb4']);
    console.log(`      VIP on rb2 after ${moved.ms} ms, answered ${answered.ms} ms later`);
  });

  it('a run restarts only what was stopped, and the MASTER takes the VIP back', async () => {
    const r = await run();
    expect(flatChanges(r.report!).map((c) => [c.host, c.kind])).to.deep.equal([['rb1', 'start-keepalived']]);
    await until('VIP back on rb1', 30_000, () => hasVip('rb1'));
    await until('an answer through rb1', 30_000, fetchVip);
  });

  // On the same guest, converged: keepalived changed under `rollout: ha` and in parallel, measured by a polling client.
  rolloutKeepalivedSuite();
});
