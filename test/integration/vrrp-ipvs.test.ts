// vrrp with real IPVS (`rb lab up --ipvs`, the qemu guest): seed 002's two-box
// variant, each director balancing `virtual_server fwmark 3|4` to both boxes.
// keepalived fills the IPVS table (`ipvsadm -Sn`), TCP_CHECK takes a real
// server whose port stops answering out of it and puts it back.

import { expect } from 'chai';
import { labDown } from '../../core/lab/index.js';
import { ipvsDown, ipvsUp } from '../../core/lab/qemu/index.js';
import { converge } from '../harness/converge.js';
import { isRoot, LAB_INVENTORY, labSh } from '../harness/lab.js';

const VIP = '198.18.0.100';
const BOXES = ['rb1', 'rb2'];
const WEB = 'start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile /run/web.pid --exec /bin/busybox -- httpd -f -p 80 -h /tmp';
const WEB_STOP = 'start-stop-daemon --stop --quiet --oknodo --pidfile /run/web.pid --remove-pidfile';

const play = [
  {
    name: 'two-box LVS, seed 002 scheme 1',
    hosts: BOXES.join(':'),
    tasks: [
      {
        name: 'keepalived with a fwmark virtual server',
        vrrp: {
          global_defs: { router_id: 'LVS_DEVEL' },
          instances: [
            {
              name: 'VI_1',
              state: "{{ 'MASTER' if inventory_hostname == 'rb1' else 'BACKUP' }}",
              interface: 'eth0',
              virtual_router_id: 51,
              priority: "{{ 100 if inventory_hostname == 'rb1' else 50 }}",
              advert_int: 1,
              authentication: { auth_type: 'PASS', auth_pass: '1111' },
              virtual_ipaddress: [VIP],
            },
          ],
          virtual_servers: [
            {
              fwmark: "{{ 3 if inventory_hostname == 'rb1' else 4 }}",
              delay_loop: 1,
              lb_algo: 'rr',
              lb_kind: 'DR',
              real_servers: ['198.18.0.11', '198.18.0.12'].map((ip) => ({
                ip,
                TCP_CHECK: { connect_port: 80, connect_timeout: 1, retry: 1, delay_before_retry: 1 },
              })),
            },
          ],
        },
      },
    ],
  },
];

/** Real servers of fwmark `mark` in `host`'s IPVS table. */
async function realServers(host: string, mark: number): Promise<string[]> {
  const table = await labSh(host, 'ipvsadm -Sn');
  return table
    .split('\n')
    .filter((l) => l.startsWith(`-a -f ${mark} `))
    .map((l) => /-r (\S+)/.exec(l)![1])
    .sort();
}

async function until(what: string, limitMs: number, ok: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now() - t0;
}

describe('vrrp virtual servers in real IPVS (qemu guest)', function () {
  this.timeout(900_000);

  before(async function () {
    if (!isRoot()) {
      console.warn('\n*** SKIPPED: the vrrp IPVS tests need root (rb lab up --ipvs) — they did not run ***\n');
      this.skip();
    }
    await labDown();
    await ipvsUp(3);
    for (const h of BOXES) await labSh(h, WEB);
  });

  after(async function () {
    this.timeout(400_000);
    if (!isRoot()) return;
    await ipvsDown();
    // The guest is gone; what remains is the bridge and state, which the next
    // `lab up` takes over. Seen here: this down waiting 300 s for the lab lock.
    await labDown().catch((e: Error) => console.warn(`      rb lab down after the guest: ${e.message}`));
  });

  it('seed 002 fwmark variant converges, and keepalived fills the IPVS table on both boxes', async () => {
    const r = await converge({ playbook: play, inventory: LAB_INVENTORY, tamper: { host: 'rb1', cmd: "sed -i 's/delay_loop 1/delay_loop 2/' /etc/keepalived/keepalived.conf" } });
    expect(r.changes.filter((c) => c.host === 'rb1').map((c) => [c.kind, c.field])).to.deep.equal([
      ['create-config', undefined],
      ['set-option', 'global_defs.router_id'],
      ['add-vrrp-instance', 'vrrp_instance VI_1'],
      ['add-virtual-server', 'virtual_server fwmark 3'],
      ['start-keepalived', 'state'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before, c.after])[0]).to.deep.equal(['set-option', 'virtual_server fwmark 3.delay_loop', 2, 1]);
    await until('both real servers in rb1 IPVS', 30_000, async () => (await realServers('rb1', 3)).length === 2);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.include('-A -f 3 -s rr');
    expect(await realServers('rb1', 3)).to.deep.equal(['198.18.0.11:0', '198.18.0.12:0']);
    await until('both real servers in rb2 IPVS', 30_000, async () => (await realServers('rb2', 4)).length === 2);
  });

  it('TCP_CHECK removes a real server whose port stops answering, and adds it back', async () => {
    await labSh('rb2', WEB_STOP);
    const gone = await until('198.18.0.12 out of rb1 IPVS', 20_000, async () => !(await realServers('rb1', 3)).includes('198.18.0.12:0'));
    expect(await realServers('rb1', 3)).to.deep.equal(['198.18.0.11:0']);
    await labSh('rb2', WEB);
    const back = await until('198.18.0.12 back in rb1 IPVS', 20_000, async () => (await realServers('rb1', 3)).includes('198.18.0.12:0'));
    console.log(`      removed ${gone} ms after its port closed, back ${back} ms after it reopened`);
  });
});
