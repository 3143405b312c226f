// Seed 003 end to end on real IPVS (`rb lab up --ipvs 4`): playbooks/lvs-dr-
// director.yml with inventory/lab/lvs-dr-director converges (exact --check,
// idempotent, drift on the director), and new connections to the VIP from a
// client really spread over the two real servers by direct routing: 3 to 1
// with the seed's wrr and weights, evenly with rr.

import { join } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { repoRoot } from '../harness/rb.js';
import { labSh } from '../harness/lab.js';
import { runPlay, spread, startBanner, useIpvsLab, VIP } from '../fixtures/ipvs/lab.js';

const PLAYBOOK = join(repoRoot(), 'playbooks', 'lvs-dr-director.yml');
const INVENTORY = join(repoRoot(), 'inventory', 'lab', 'lvs-dr-director');
const CONNECTIONS = 40;

describe('seed 003: LVS-DR director with wrr 3:1 (playbooks/lvs-dr-director.yml, real IPVS)', function () {
  this.timeout(1_800_000);
  useIpvsLab(4, 'the lvs-dr-director end-to-end test');

  it('converges: --check predicts the run, a rerun changes nothing, a hand-made weight on the director is drift', async () => {
    const r = await converge({
      playbook: PLAYBOOK,
      inventory: INVENTORY,
      tamper: { host: 'rb1', cmd: `ipvsadm -e -t ${VIP}:21 -r 198.18.0.12:21 -g -w 1` },
    });
    const director = r.changes.filter((c) => c.host === 'rb1' && c.module === 'ipvs').map((c) => [c.kind, c.resource]);
    expect(director).to.deep.include.members([
      ['add-service', `tcp ${VIP}:21`],
      ['persist-service', '/etc/ipvsadm.rules'],
    ]);
    expect(r.drift!.changes.map((c) => [c.host, c.kind, c.field, c.before, c.after])).to.deep.equal([['rb1', 'edit-real-server', 'weight', 1, 3]]);
    await runPlay(PLAYBOOK, INVENTORY);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.equal(`-A -t ${VIP}:21 -s wrr\n-a -t ${VIP}:21 -r 198.18.0.12:21 -g -w 3\n-a -t ${VIP}:21 -r 198.18.0.13:21 -g -w 1\n`);
  });

  it(`spreads ${CONNECTIONS} new connections 3:1 with wrr, and evenly with rr`, async () => {
    await startBanner('rb2', 21);
    await startBanner('rb3', 21);
    const wrr = await spread('rb4', 21, CONNECTIONS);
    await runPlay(PLAYBOOK, INVENTORY, ['-e', 'lvs_scheduler=rr', '--limit', 'directors']);
    const rr = await spread('rb4', 21, CONNECTIONS);
    console.log(`      wrr 3:1 → ${JSON.stringify(wrr)}; rr → ${JSON.stringify(rr)}`);
    expect(Object.keys(wrr).sort()).to.deep.equal(['rb2', 'rb3']);
    expect((wrr.rb2 ?? 0) + (wrr.rb3 ?? 0)).to.equal(CONNECTIONS);
    expect(wrr.rb2 / CONNECTIONS).to.be.within(0.7, 0.8);
    expect((rr.rb2 ?? 0) + (rr.rb3 ?? 0)).to.equal(CONNECTIONS);
    expect(rr.rb2 / CONNECTIONS).to.be.within(0.45, 0.55);
  });
});
