// playbooks/heartbeat-ldirectord.yml without hosts: its heartbeat task,
// rendered with each box's inventory vars, must be valid params giving seed
// 004's ha.cf per box (only the peer differs), the same authkeys and
// haresources on both, a startvip script sh can read, and a plan on a fresh
// box that starts heartbeat only after ldirectord.cf is written.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { validateFields } from '../../core/schema/validate.js';
import { renderValue } from '../../core/template/index.js';
import { modules } from '../../modules/index.js';
import { diffHaCf } from '../../modules/heartbeat/diff.js';
import type { HeartbeatFacts } from '../../modules/heartbeat/facts.js';
import { parseHaCf } from '../../modules/heartbeat/hacf.js';
import heartbeat from '../../modules/heartbeat/index.js';
import { render, wanted } from '../../modules/heartbeat/model.js';
import type { HeartbeatParams } from '../../modules/heartbeat/params.js';
import { planHeartbeat } from '../../modules/heartbeat/plan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PLAYBOOK = join(ROOT, 'playbooks', 'heartbeat-ldirectord.yml');

async function boxParams(inventoryDir: string, extra: Record<string, unknown> = {}): Promise<Map<string, HeartbeatParams>> {
  const inv = await loadInventory([join(ROOT, inventoryDir)], { playbookDir: join(ROOT, 'playbooks') });
  const [book] = await loadPlaybooks([PLAYBOOK], { registry: modules });
  const play = book.plays[0];
  const modulesInOrder = play.tasks.map((t) => t.module);
  expect(modulesInOrder.indexOf('ldirectord'), 'ldirectord.cf is written before heartbeat starts ldirectord').to.be.below(modulesInOrder.indexOf('heartbeat'));
  const task = play.tasks.find((t) => t.module === 'heartbeat')!;
  const out = new Map<string, HeartbeatParams>();
  for (const name of inv.groups.get('lvs_boxes')!.hosts) {
    const vars = { ...inv.hosts.get(name)!.vars, ...play.vars, ...extra, inventory_hostname: name };
    const { value, problems } = validateFields(heartbeat.params, renderValue(task.args, vars), '', {}, heartbeat.rules);
    expect(problems, `${name}: heartbeat params`).to.deep.equal([]);
    out.set(name, value as unknown as HeartbeatParams);
  }
  return out;
}

function freshFacts(nodename: string, address: string): HeartbeatFacts {
  return {
    path: '/etc/ha.d',
    nodename,
    addresses: [address],
    available: ['IPaddr', 'ldirectord'],
    ha_cf: { exists: false },
    authkeys: { exists: false },
    haresources: { exists: false },
    scripts: { startvip: { exists: false } },
    daemon: { running: false, params: {} },
  };
}

describe('heartbeat in playbooks/heartbeat-ldirectord.yml', () => {
  it('gives each lab box its ha.cf (peer = the other box) and both the same authkeys, haresources and startvip', async () => {
    const boxes = await boxParams('inventory/lab/heartbeat-ldirectord');
    expect([...boxes.keys()]).to.deep.equal(['rb1', 'rb2']);
    const [r1, r2] = [render(wanted(boxes.get('rb1')!)), render(wanted(boxes.get('rb2')!))];
    expect(r1.haCf.split('\n').slice(1)).to.deep.equal([
      'logfile /var/log/ha-log',
      'debugfile /var/log/ha-debug',
      'logfacility local0',
      'keepalive 1',
      'deadtime 5',
      'initdead 10',
      'ucast eth0 198.18.0.12',
      'auto_failback on',
      'crm off',
      'node rb1',
      'node rb2',
      '',
    ]);
    expect(r2.haCf).to.equal(r1.haCf.replace('ucast eth0 198.18.0.12', 'ucast eth0 198.18.0.11'));
    expect(r1.authkeys).to.equal(r2.authkeys);
    expect(r1.haresources).to.equal(r2.haresources);
    expect(r1.haresources!.split('\n')[1]).to.equal('rb1 startvip ldirectord');
    const script = wanted(boxes.get('rb1')!).scripts.startvip;
    expect(script).to.include('VIP=198.18.0.100\nIF=eth0\n');
    expect(spawnSync('sh', ['-n'], { input: script }).status, 'sh reads the startvip script').to.equal(0);
  });

  it('plans the files and then the start on a fresh box, with no warnings', async () => {
    const boxes = await boxParams('inventory/lab/heartbeat-ldirectord');
    const plan = planHeartbeat(boxes.get('rb2')!, freshFacts('rb2', '198.18.0.12'), 'rb2');
    expect(plan.warnings).to.deep.equal([]);
    const kinds = plan.changes.map((c) => c.kind);
    expect([kinds[0], kinds.at(-1)]).to.deep.equal(['create-script', 'start-heartbeat']);
    expect(JSON.stringify(plan)).not.to.include('46b61a7f417d395c712d9ecf30665aaf');
  });

  it("with the seed's inventory, differs from seed 004's ha.cf only where the playbook says why", async () => {
    const boxes = await boxParams('inventory/heartbeat-ldirectord', { heartbeat_authkey: 'from-extra-vars' });
    const seed = parseHaCf(readFileSync(join(ROOT, 'test', 'fixtures', 'heartbeat', 'seed004-dr1.ha.cf'), 'utf8'));
    const diff = diffHaCf(seed, wanted(boxes.get('centos6-ocfs2-1')!).haCf);
    expect(diff.map((d) => [d.field, d.before, d.after])).to.deep.equal([
      ['ha.cf deadtime', undefined, 30],
      ['ha.cf initdead', undefined, 120],
      ['ha.cf bcast', ['eth0'], undefined],
      ['ha.cf crm', undefined, 'off'],
    ]);
    expect(wanted(boxes.get('centos6-ocfs2-2')!).haCf.values.ucast).to.deep.equal(['eth0 192.168.57.101']);
  });
});
