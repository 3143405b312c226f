// playbooks/dr-keepalived.yml without hosts: its vrrp task, rendered with each
// director's inventory vars, must be valid params and a config the real
// keepalived accepts, with the per-host differences coming from the inventory.

import { join } from 'node:path';
import { expect } from 'chai';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { validateFields } from '../../core/schema/validate.js';
import { renderValue } from '../../core/template/index.js';
import { modules } from '../../modules/index.js';
import vrrp from '../../modules/vrrp/index.js';
import { fromParams } from '../../modules/vrrp/model.js';
import { render } from '../../modules/vrrp/render.js';
import type { KeepalivedConfig } from '../../modules/vrrp/types.js';
import { keepalivedTest } from '../fixtures/vrrp/local.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PLAYBOOK = join(ROOT, 'playbooks', 'dr-keepalived.yml');

async function directorConfigs(inventoryDir: string): Promise<Map<string, KeepalivedConfig>> {
  const inv = await loadInventory([join(ROOT, inventoryDir)], { playbookDir: join(ROOT, 'playbooks') });
  const [book] = await loadPlaybooks([PLAYBOOK], { registry: modules });
  const play = book.plays.find((p) => p.hosts === 'directors')!;
  const task = play.tasks.find((t) => t.module === 'vrrp')!;
  const out = new Map<string, KeepalivedConfig>();
  for (const name of inv.groups.get('directors')!.hosts) {
    const vars = { ...inv.hosts.get(name)!.vars, ...play.vars, inventory_hostname: name };
    const { value, problems } = validateFields(vrrp.params, renderValue(task.args, vars), '', {}, vrrp.rules);
    expect(problems, `${name}: vrrp params`).to.deep.equal([]);
    out.set(name, fromParams(value));
  }
  return out;
}

describe('vrrp in playbooks/dr-keepalived.yml', () => {
  it('gives the lab directors MASTER 100 and BACKUP 50 from the inventory, one VRID, one VIP', async () => {
    const configs = await directorConfigs('inventory/lab/dr-keepalived');
    expect([...configs.keys()]).to.deep.equal(['rb1', 'rb2']);
    const vi = (h: string) => configs.get(h)!.instances![0];
    expect([vi('rb1').state, vi('rb1').priority, vi('rb2').state, vi('rb2').priority]).to.deep.equal(['MASTER', 100, 'BACKUP', 50]);
    expect(vi('rb1').virtual_router_id).to.equal(vi('rb2').virtual_router_id);
    expect(vi('rb2').virtual_ipaddress).to.deep.equal([{ address: '198.18.0.100/32', dev: 'eth0', label: 'eth0:0' }]);
    const vs = configs.get('rb2')!.virtual_servers![0];
    expect(vs.real_servers).to.deep.equal([
      { ip: '198.18.0.13', port: 80, weight: 1, TCP_CHECK: [{ connect_timeout: 3, retry: 3, delay_before_retry: 3 }] },
      { ip: '198.18.0.14', port: 80, weight: 1, TCP_CHECK: [{ connect_timeout: 3, retry: 3, delay_before_retry: 3 }] },
    ]);
  });

  it('renders configs the real keepalived -t accepts', async () => {
    for (const [host, config] of await directorConfigs('inventory/lab/dr-keepalived')) {
      const r = keepalivedTest(render(config).text);
      expect(r.output, host).to.equal('');
      expect(r.code, host).to.equal(0);
    }
  });

  it("takes the seed's own addresses and interface from inventory/dr-keepalived", async () => {
    const configs = await directorConfigs('inventory/dr-keepalived');
    const ds1 = configs.get('ds1')!;
    expect(ds1.instances![0]).to.include({ interface: 'ens33', state: 'MASTER', virtual_router_id: 51 });
    expect(ds1.virtual_servers![0]).to.include({ ip: '192.168.254.250', port: 80, lb_kind: 'DR', lb_algo: 'rr' });
    expect(ds1.virtual_servers![0].real_servers!.map((r) => r.ip)).to.deep.equal(['192.168.254.18', '192.168.254.19']);
  });
});
