// playbooks/lvs-dr-director.yml without hosts: its ipvs task, rendered with
// the director's inventory vars, planned against a fresh Debian host (facts
// captured on real IPVS) must give seed 003's exact ipvsadm commands, from the
// lab inventory and from the seed-address one.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { validateFields } from '../../core/schema/validate.js';
import { renderValue } from '../../core/template/index.js';
import { modules } from '../../modules/index.js';
import ipvs from '../../modules/ipvs/index.js';
import { parseIpvsFacts } from '../../modules/ipvs/facts.js';
import type { IpvsParams } from '../../modules/ipvs/params.js';
import { planIpvs } from '../../modules/ipvs/plan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PLAYBOOK = join(ROOT, 'playbooks', 'lvs-dr-director.yml');
const FRESH = parseIpvsFacts(readFileSync(join(ROOT, 'test', 'fixtures', 'ipvs', 'fresh.stdout'), 'utf8'));

async function directorCommands(inventoryDir: string): Promise<Map<string, string[]>> {
  const inv = await loadInventory([join(ROOT, inventoryDir)], { playbookDir: join(ROOT, 'playbooks') });
  const [book] = await loadPlaybooks([PLAYBOOK], { registry: modules });
  const play = book.plays.find((p) => p.hosts === 'directors')!;
  const task = play.tasks.find((t) => t.module === 'ipvs')!;
  const out = new Map<string, string[]>();
  for (const name of inv.groups.get('directors')!.hosts) {
    const vars = { ...inv.hosts.get(name)!.vars, ...play.vars, inventory_hostname: name };
    const { value, problems } = validateFields(ipvs.params, renderValue(task.args, vars), '', {}, ipvs.rules);
    expect(problems, `${name}: ipvs params`).to.deep.equal([]);
    const plan = planIpvs(value as unknown as IpvsParams, FRESH);
    out.set(name, plan.changes.flatMap((c) => c.commands ?? []).filter((c) => /^(ipvsadm|modprobe)/.test(c)));
  }
  return out;
}

describe('ipvs in playbooks/lvs-dr-director.yml', () => {
  it('gives the lab director seed 003\'s table: wrr, DR, weights 3 and 1', async () => {
    expect(Object.fromEntries(await directorCommands('inventory/lab/lvs-dr-director'))).to.deep.equal({
      rb1: [
        'modprobe ip_vs',
        'modprobe ip_vs_wrr',
        'ipvsadm -A -t 198.18.0.100:21 -s wrr',
        'ipvsadm -a -t 198.18.0.100:21 -r 198.18.0.12:21 -g -w 3',
        'ipvsadm -a -t 198.18.0.100:21 -r 198.18.0.13:21 -g -w 1',
      ],
    });
  });

  it('takes the seed\'s own addresses from inventory/lvs-dr-director', async () => {
    expect(Object.fromEntries(await directorCommands('inventory/lvs-dr-director'))).to.deep.equal({
      director: [
        'modprobe ip_vs',
        'modprobe ip_vs_wrr',
        'ipvsadm -A -t 10.83.33.100:21 -s wrr',
        'ipvsadm -a -t 10.83.33.100:21 -r 10.83.33.76:21 -g -w 3',
        'ipvsadm -a -t 10.83.33.100:21 -r 10.83.33.2:21 -g -w 1',
      ],
    });
  });
});
