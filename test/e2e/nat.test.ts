// Seed 001's LVS-NAT end to end on real IPVS (the shared qemu guest, 4 hosts):
// rb1 directs between the outside network (the lab's second segment, eth1,
// VIP 198.18.1.100) and the inside one (eth0), rb2/rb3 serve, rb4 is a client
// on the outside only. Proves: --check exact on fresh hosts, rerun no-op;
// both real servers answer VIP:80 round-robin; the replies go back through the
// director (a real server without its default route stops answering, and
// rb drift names the route); a run repairs it.

import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { labExec, labSh } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';
import { useSharedIpvsLab } from '../fixtures/ipvs/shared-guest.js';
import { fetchMany } from './web.js';

const PLAYBOOK = 'playbooks/nat.yml';
const INVENTORY = 'inventory/lab/nat';
const VIP = '198.18.1.100';
const CLIENT = 'rb4';
const REQUESTS = 20;

describe('seed 001: LVS-NAT (playbooks/nat.yml, real IPVS)', function () {
  this.timeout(900_000);
  useSharedIpvsLab(4, 'the LVS-NAT end-to-end test');
  let t0 = Date.now();
  before(() => { t0 = Date.now(); });
  after(() => console.log(`      nat.test.ts: ${((Date.now() - t0) / 1000).toFixed(0)} s`));

  it('converges: --check predicts the first run exactly, a rerun changes nothing', async () => {
    const r = await converge({ playbook: PLAYBOOK, inventory: INVENTORY });
    const kinds = r.changes.filter((c) => c.module === 'route' || c.module === 'ipvs').map((c) => [c.host, c.kind, c.resource]);
    expect(kinds).to.deep.include.members([
      ['rb1', 'add-service', `tcp ${VIP}:80`],
      ['rb2', 'add-route', 'route default'],
      ['rb3', 'add-route', 'route default'],
    ]);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.equal(
      `-A -t ${VIP}:80 -s rr\n-a -t ${VIP}:80 -r 198.18.0.12:80 -m -w 1\n-a -t ${VIP}:80 -r 198.18.0.13:80 -m -w 1\n`,
    );
  });

  it(`a client on the outside gets ${REQUESTS} answers through the VIP, from both real servers in turn`, async () => {
    await labSh(CLIENT, 'ip addr add 198.18.1.14/24 dev eth1');
    // The client has no route to the inside network but its eth0 lab one; the real servers have none to the outside.
    expect((await labExec('rb2', 'ip route get 198.18.1.14')).stdout).to.match(/^198\.18\.1\.14 via 198\.18\.0\.11 dev eth0 /);
    const counts = await fetchMany(CLIENT, VIP, REQUESTS);
    console.log(`      answers: ${JSON.stringify(counts)}`);
    expect(counts).to.deep.equal({ rb2: REQUESTS / 2, rb3: REQUESTS / 2 });
    // The director rewrote them: its connection table holds the client → VIP → real server entries.
    const conns = await labSh('rb1', 'ipvsadm -Lnc');
    expect(conns).to.match(/198\.18\.1\.14:\d+\s+198\.18\.1\.100:80\s+198\.18\.0\.12:80/);
    expect(conns).to.match(/198\.18\.1\.14:\d+\s+198\.18\.1\.100:80\s+198\.18\.0\.13:80/);
  });

  it('replies go back through the director: without its default route rb2 no longer answers, and rb drift names the route', async () => {
    await labSh('rb2', 'ip route del default');
    const counts = await fetchMany(CLIENT, VIP, 6);
    console.log(`      without rb2's default route: ${JSON.stringify(counts)}`);
    expect(counts).to.deep.equal({ rb3: 3, null: 3 });
    const drift = await rbRun(['drift', PLAYBOOK, '-i', INVENTORY], { timeoutMs: 600_000 });
    expect(drift.code, drift.stdout).to.equal(2);
    const driftChanges = drift.report!.tasks.filter((t) => t.status === 'changed').flatMap((t) => t.changes.map((c) => [t.host, t.module, c.kind, c.resource, c.after]));
    expect(driftChanges).to.deep.equal([['rb2', 'route', 'add-route', 'route default', 'default via 198.18.0.11 dev eth0']]);
    const repair = await rbRun(['run', PLAYBOOK, '-i', INVENTORY], { timeoutMs: 600_000 });
    expect(repair.code, repair.stdout).to.equal(0);
    expect(await fetchMany(CLIENT, VIP, 4)).to.deep.equal({ rb2: 2, rb3: 2 });
  });

});
