// Seed 002 scheme 1 end to end on real IPVS (the shared qemu guest, 3 hosts):
// rb1 and rb2 are each a keepalived director and a real server (fwmark 3 / 4,
// the peer director's MAC left unmarked), rb3 a client. Proves: --check exact
// on fresh hosts, rerun no-op; both boxes answer through the VIP; no request
// loops between the boxes (the BACKUP marks and balances nothing: its mark
// rule and its IPVS service count no packet, while the MASTER's count them
// all and the BACKUP's web server answers half); after the MASTER's keepalived
// stops, the BACKUP takes the VIP and both boxes still serve, again without a loop.

import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { labSh } from '../harness/lab.js';
import { useSharedIpvsLab } from '../fixtures/ipvs/shared-guest.js';
import { fetchMany, fetchPage, until } from './web.js';

const PLAYBOOK = 'playbooks/two-box-fwmark.yml';
const INVENTORY = 'inventory/lab/two-box-fwmark';
const VIP = '198.18.0.100';
const CLIENT = 'rb3';
const REQUESTS = 20;

async function hasVip(host: string): Promise<boolean> {
  const links = JSON.parse(await labSh(host, 'ip -j addr show dev eth0')) as Array<{ addr_info: Array<{ local: string }> }>;
  return links[0].addr_info.some((a) => a.local === VIP);
}

/** Packets counted by the box's fwmark rule (mangle PREROUTING, the VIP's port 80). */
async function markedPackets(host: string): Promise<number> {
  const out = await labSh(host, 'iptables -t mangle -L PREROUTING -n -v -x');
  const line = out.split('\n').find((l) => /MARK set 0x[34]/.test(l) && l.includes(VIP));
  expect(line, `the mark rule on ${host}:\n${out}`).to.not.equal(undefined);
  return Number(line!.trim().split(/\s+/)[0]);
}

/** Connections IPVS scheduled on the box (ipvsadm --stats, every service), or 0 without a service. */
async function balancedConns(host: string): Promise<number> {
  const out = await labSh(host, 'ipvsadm -Ln --stats');
  return out.split('\n').filter((l) => /^FWM\s/.test(l)).reduce((n, l) => n + Number(l.trim().split(/\s+/)[2]), 0);
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

async function zeroCounters(): Promise<void> {
  for (const h of ['rb1', 'rb2']) await labSh(h, 'iptables -t mangle -Z PREROUTING && ipvsadm -Z');
}

describe('seed 002 scheme 1: two boxes with fwmarks (playbooks/two-box-fwmark.yml, real IPVS)', function () {
  this.timeout(900_000);
  useSharedIpvsLab(3, 'the two-box fwmark end-to-end test');
  let t0 = Date.now();
  before(() => { t0 = Date.now(); });
  after(() => console.log(`      two-box-fwmark.test.ts: ${((Date.now() - t0) / 1000).toFixed(0)} s`));

  it('converges: --check predicts the first run exactly, a rerun changes nothing', async () => {
    const r = await converge({ playbook: PLAYBOOK, inventory: INVENTORY });
    const services = r.changes.filter((c) => c.module === 'vrrp' && c.kind === 'add-virtual-server').map((c) => [c.host, c.field]);
    expect(services.sort()).to.deep.equal([
      ['rb1', 'virtual_server fwmark 3'],
      ['rb2', 'virtual_server fwmark 4'],
    ]);
    const marks = r.changes.filter((c) => c.module === 'iptables_mark' && c.kind === 'add-rule').map((c) => c.host);
    expect(marks.sort()).to.deep.equal(['rb1', 'rb1', 'rb1', 'rb2', 'rb2', 'rb2']);
  });

  it('the MASTER holds the VIP on eth0, both boxes hold it on lo, each balances its own mark to both boxes', async () => {
    await until('VIP on rb1', 30_000, () => hasVip('rb1'));
    expect(await hasVip('rb2')).to.equal(false);
    for (const [h, mark] of [['rb1', 3], ['rb2', 4]] as const) {
      expect(await labSh(h, 'ip -o addr show dev lo')).to.include(`inet ${VIP}/32`);
      const table = await until(`both boxes in IPVS on ${h}`, 30_000, async () => {
        const t = await labSh(h, 'ipvsadm -Sn');
        return t.includes('-r 198.18.0.11:0') && t.includes('-r 198.18.0.12:0') ? t : null;
      });
      expect(table.value).to.include(`-A -f ${mark} -s rr`);
    }
  });

  it(`${REQUESTS} requests from a client are answered by both boxes, and none loops back`, async () => {
    await zeroCounters();
    const counts = await fetchMany(CLIENT, VIP, REQUESTS);
    console.log(`      answers: ${JSON.stringify(counts)}`);
    expectBothServe(counts);
    // The MASTER marked every request's packets and scheduled the connections (a client port
    // reused while IPVS still holds its old entry goes to the same server without a new one)...
    expect(await balancedConns('rb1')).to.be.within(REQUESTS / 2, REQUESTS);
    expect(await markedPackets('rb1')).to.be.at.least(REQUESTS * 3);
    // ...the BACKUP got half of them from the MASTER's MAC: not marked, not balanced again, served locally.
    expect(await markedPackets('rb2'), 'packets rb2 marked (a loop would balance them)').to.equal(0);
    expect(await balancedConns('rb2'), 'connections rb2 balanced').to.equal(0);
    expect(await labSh('rb2', 'ipvsadm -Lnc'), 'IPVS connection entries on rb2').to.not.match(/198\.18\.0\.100/);
  });

  it("after the MASTER's keepalived stops, the BACKUP takes the VIP and both boxes still serve, without a loop", async () => {
    await labSh('rb1', 'kill -TERM "$(cat /run/keepalived.pid)"');
    const moved = await until('VIP on rb2', 15_000, () => hasVip('rb2'));
    const answered = await until('an answer through rb2', 20_000, () => fetchPage(CLIENT, VIP));
    console.log(`      VIP on rb2 after ${moved.ms} ms, answered ${answered.ms} ms later`);
    expect(await hasVip('rb1')).to.equal(false);
    await zeroCounters();
    const counts = await fetchMany(CLIENT, VIP, REQUESTS);
    console.log(`      answers after failover: ${JSON.stringify(counts)}`);
    expectBothServe(counts);
    expect(await balancedConns('rb2')).to.be.within(REQUESTS / 2, REQUESTS);
    expect(await markedPackets('rb1'), 'packets rb1 marked').to.equal(0);
    expect(await balancedConns('rb1'), 'connections rb1 balanced').to.equal(0);
  });
});
