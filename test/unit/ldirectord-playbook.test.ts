// playbooks/heartbeat-ldirectord.yml without hosts: its ldirectord task,
// rendered with each box's inventory vars, must be valid params giving seed
// 004's ldirectord.cf, which the real ldirectord accepts, and the same file on
// both boxes (heartbeat may start ldirectord on either).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { validateFields } from '../../core/schema/validate.js';
import { renderValue } from '../../core/template/index.js';
import { modules } from '../../modules/index.js';
import ldirectord from '../../modules/ldirectord/index.js';
import { renderModel } from '../../modules/lib/ldirectord-conf/model.js';
import { modelFromParams } from '../../modules/ldirectord/params.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PLAYBOOK = join(ROOT, 'playbooks', 'heartbeat-ldirectord.yml');

async function boxFiles(inventoryDir: string): Promise<Map<string, string>> {
  const inv = await loadInventory([join(ROOT, inventoryDir)], { playbookDir: join(ROOT, 'playbooks') });
  const [book] = await loadPlaybooks([PLAYBOOK], { registry: modules });
  const play = book.plays[0];
  const task = play.tasks.find((t) => t.module === 'ldirectord')!;
  const out = new Map<string, string>();
  for (const name of inv.groups.get('lvs_boxes')!.hosts) {
    const vars = { ...inv.hosts.get(name)!.vars, ...play.vars, inventory_hostname: name };
    const { value, problems } = validateFields(ldirectord.params, renderValue(task.args, vars), '', {}, ldirectord.rules);
    expect(problems, `${name}: ldirectord params`).to.deep.equal([]);
    expect(value.managed_by, 'heartbeat starts ldirectord').to.equal('heartbeat');
    out.set(name, renderModel(modelFromParams(value)));
  }
  return out;
}

describe('ldirectord in playbooks/heartbeat-ldirectord.yml', () => {
  it('writes seed 004\'s ldirectord.cf, the same on both lab boxes', async () => {
    const files = await boxFiles('inventory/lab/heartbeat-ldirectord');
    expect([...files.keys()]).to.deep.equal(['rb1', 'rb2']);
    expect(files.get('rb1')).to.equal(files.get('rb2'));
    expect(files.get('rb1')!.split('\n').slice(1)).to.deep.equal([
      'checktimeout=3',
      'checkinterval=1',
      'logfile="/var/log/ldirectord.log"',
      'autoreload=yes',
      'quiescent=no',
      '',
      'virtual=198.18.0.100:80',
      '\treal=198.18.0.11:80 gate',
      '\treal=198.18.0.12:80 gate',
      '\tfallback=127.0.0.1:80 gate',
      '\tservice=http',
      '\trequest="healthcheck.html"',
      '\treceive="OK"',
      '\tvirtualhost="www.testing.net"',
      '\tscheduler=rr',
      '\tpersistent=600',
      '\tprotocol=tcp',
      '\tchecktype=negotiate',
      '\tcheckport=80',
      '',
    ]);
  });

  it('gives files the real ldirectord accepts, with the seed\'s addresses from inventory/heartbeat-ldirectord', async function () {
    this.timeout(20_000);
    const files = await boxFiles('inventory/heartbeat-ldirectord');
    expect(files.get('centos6-ocfs2-1')).to.include('virtual=192.168.57.200:80\n\treal=192.168.57.101:80 gate\n\treal=192.168.57.102:80 gate\n');
    const dir = mkdtempSync(join(tmpdir(), 'rb-ld-playbook-'));
    try {
      for (const [box, text] of files) {
        const file = join(dir, `${box}.cf`);
        writeFileSync(file, text.replace(/^logfile=.*$/m, `logfile="${join(dir, 'ld.log')}"`));
        const r = spawnSync('ldirectord', [file, 'status'], { encoding: 'utf8' });
        expect({ box, code: r.status, stderr: r.stderr }).to.deep.equal({ box, code: 3, stderr: '' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
