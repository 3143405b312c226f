// The ipvs module on real IPVS (`rb lab up --ipvs`, a qemu guest): rb1 is the
// director, rb2 and rb3 LVS-DR real servers, rb4 a client. Convergence with
// exact --check, drift and the saved rules file restoring the table; a
// scheduler change under an open connection; a drained real server; rollback
// of a failed run; refusal of a service keepalived also manages.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labSh } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';
import {
  address,
  closeConnection,
  connectionLog,
  director,
  drRealServer,
  openConnection,
  playbookFile,
  runPlay,
  until,
  useIpvsLab,
  VIP,
} from '../fixtures/ipvs/lab.js';

const service = (port: number, scheduler: string, reals: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  name: 'director table',
  ipvs: { services: [{ protocol: 'tcp', address: VIP, port, scheduler, real_servers: reals }], ...extra },
});
const play = (...tasks: object[]) => [{ name: 'LVS director', hosts: 'rb1', tasks }];

describe('ipvs on real IPVS (qemu guest)', function () {
  this.timeout(1_800_000);
  useIpvsLab(4, 'the ipvs module on real IPVS');

  before(async function () {
    this.timeout(300_000);
    await director('rb1');
    for (const h of ['rb2', 'rb3']) await drRealServer(h, 8080);
  });

  it('converges seed 003\'s director: check predicts the run, a rerun is a no-op, a hand-made weight is drift; the saved file restores the table', async () => {
    const r = await converge({
      playbook: play(service(21, 'wrr', [{ address: address('rb2'), weight: 3 }, { address: address('rb3'), weight: 1 }])),
      inventory: LAB_INVENTORY,
      tamper: { host: 'rb1', cmd: `ipvsadm -e -t ${VIP}:21 -r ${address('rb2')}:21 -g -w 1` },
    });
    expect(r.changes.map((c) => [c.kind, c.resource, c.field ?? null])).to.deep.equal([
      ['add-service', `tcp ${VIP}:21`, null],
      ['persist-service', '/etc/ipvsadm.rules', `tcp ${VIP}:21`],
      ['enable-boot-restore', '/etc/default/ipvsadm', 'AUTO'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.resource, c.field, c.before, c.after])).to.deep.equal([
      ['edit-real-server', `tcp ${VIP}:21 -> ${address('rb2')}:21`, 'weight', 1, 3],
    ]);
    const table = `-A -t ${VIP}:21 -s wrr\n-a -t ${VIP}:21 -r ${address('rb2')}:21 -g -w 3\n-a -t ${VIP}:21 -r ${address('rb3')}:21 -g -w 1\n`;
    const original = readFileSync('/etc/ipvsadm.rules', 'utf8');
    expect(await labSh('rb1', 'cat /etc/ipvsadm.rules')).to.equal(`${original}${table}`);
    // What boot does: Debian's script clears the table and loads the saved file
    // (AUTO="true"): the file's weight 3, not the hand-made 1.
    await labSh('rb1', 'ipvsadm -C && /etc/init.d/ipvsadm start >/dev/null');
    const restored = (await labSh('rb1', 'ipvsadm -Sn')).split('\n').filter((l) => l.includes(`${VIP}:21`));
    expect(`${restored.join('\n')}\n`).to.equal(table);
  });

  it('changes rr to wrr with -E under an open connection, which keeps working', async () => {
    const reals = [{ address: address('rb2') }, { address: address('rb3') }];
    await runPlay(playbookFile(play(service(8080, 'rr', reals, { persist: 'none' }))), LAB_INVENTORY);
    await openConnection('rb4', 8080);
    const before = await connectionLog('rb4');
    expect(['rb2', 'rb3']).to.include(before.banner);
    const r = await runPlay(playbookFile(play(service(8080, 'wrr', reals, { persist: 'none' }))), LAB_INVENTORY, ['-vv']);
    expect(flatChanges(r.report!).map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([['edit-service', 'scheduler', 'rr', 'wrr']]);
    expect(r.stdout).to.include(`ipvsadm -E -t ${VIP}:8080 -s wrr`);
    const seen = (await connectionLog('rb4')).lines.length;
    await until('two more echoes on the open connection after the change', 60_000, async () => (await connectionLog('rb4')).lines.length >= seen + 2);
    await closeConnection('rb4');
    const log = await connectionLog('rb4');
    expect(log.lines.filter((l) => l.startsWith('lost'))).to.deep.equal([]);
    expect(log.lines.slice(-1)).to.deep.equal(['closed']);
    expect(log.lines.slice(0, -1).every((l, i) => l === `ping ${i + 1}`)).to.equal(true);
  });

  it('drains a leaving real server: weight 0 while its connection lasts, removed as soon as it ends', async () => {
    const both = [{ address: address('rb2') }, { address: address('rb3') }];
    await runPlay(playbookFile(play(service(8080, 'rr', both, { persist: 'none' }))), LAB_INVENTORY);
    await openConnection('rb4', 8080);
    const serving = (await connectionLog('rb4')).banner;
    const staying = serving === 'rb2' ? 'rb3' : 'rb2';
    const leave = rbRunInBackground(play(service(8080, 'rr', [{ address: address(staying) }], { persist: 'none', drain: 300 })));
    const drainedAt = await until('the leaving real server at weight 0', 120_000, async () =>
      (await labSh('rb1', 'ipvsadm -Sn')).includes(`-a -t ${VIP}:8080 -r ${address(serving)}:8080 -g -w 0`),
    );
    // Still draining: the server is in the table and its connection answers.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.include(`-r ${address(serving)}:8080 -g -w 0`);
    const during = (await connectionLog('rb4')).lines.length;
    await until('echoes while draining', 30_000, async () => (await connectionLog('rb4')).lines.length > during);
    const closedAt = Date.now();
    await closeConnection('rb4');
    const r = await leave;
    const removedAfterClose = Date.now() - closedAt;
    expect(r.code, r.stderr).to.equal(0);
    expect(flatChanges(r.report!).map((c) => [c.kind, c.resource])).to.deep.equal([
      ['drain-real-server', `tcp ${VIP}:8080 -> ${address(serving)}:8080`],
      ['remove-real-server', `tcp ${VIP}:8080 -> ${address(serving)}:8080`],
    ]);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.not.include(address(serving) + ':8080');
    expect((await connectionLog('rb4')).lines.filter((l) => l.startsWith('lost'))).to.deep.equal([]);
    // Removed once the connection ended, long before the 300 s drain bound.
    expect(removedAfterClose).to.be.below(120_000);
    console.log(`      weight 0 after ${drainedAt} ms; removed ${removedAfterClose} ms after the connection closed (bound 300 s)`);
  });

  it('rolls the table back when a later task of the run fails', async () => {
    const beforeRun = await labSh('rb1', 'ipvsadm -Sn');
    const r = await runPlay(
      playbookFile(play(service(8080, 'wlc', [{ address: address('rb2'), weight: 5 }, { address: address('rb3') }], { persist: 'none' }), { name: 'a later step fails', command: 'false' })),
      LAB_INVENTORY,
      [],
      3,
    );
    expect(r.report!.tasks.find((t) => t.task === 'a later step fails')?.status).to.equal('failed');
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.equal(beforeRun);
  });

  it('refuses a service keepalived on the host also manages, naming the file', async () => {
    await labSh('rb1', `mkdir -p /etc/keepalived && printf 'virtual_server ${VIP} 443 {\\n  lb_algo rr\\n  protocol TCP\\n}\\n' > /etc/keepalived/keepalived.conf`);
    const r = await runPlay(playbookFile(play(service(443, 'rr', [{ address: address('rb2') }]))), LAB_INVENTORY, ['--check'], 3);
    expect(r.stdout + r.stderr).to.include(`tcp ${VIP}:443 is also managed by keepalived (/etc/keepalived/keepalived.conf, not running now)`);
    await labSh('rb1', 'rm -f /etc/keepalived/keepalived.conf');
  });
});

function rbRunInBackground(plays: object[]) {
  return rbRun(['run', playbookFile(plays), '-i', LAB_INVENTORY], { timeoutMs: 600_000 });
}
