// rb's inventory against what ansible-inventory printed for the same files
// (test/fixtures/inventory/capture.sh). Compared field by field so a
// difference names the group or host and variable that differs.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory, groupsMap } from '../../core/inventory/index.js';
import { runInventoryCommand } from '../../core/inventory/cli.js';
import { inventoryGraph, inventoryList } from '../../core/inventory/render.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));
const at = (p: string) => join(FIXTURES, p);
const expected = (name: string) => readFileSync(at(`expected/${name}`), 'utf8');

const CASES: Array<{ name: string; sources: string[]; playbookDir?: string }> = [
  { name: 'yaml-lb', sources: ['yaml-lb/inventory.yml'] },
  { name: 'ini-lb', sources: ['ini-lb/hosts'] },
  { name: 'dir-lb', sources: ['dir-lb'] },
  { name: 'dir-lb-playbook', sources: ['dir-lb'], playbookDir: 'playbook-lb' },
  { name: 'multi', sources: ['dir-lb', 'multi-extra/hosts.yml'] },
  { name: 'ranges', sources: ['ranges/hosts.ini', 'ranges/hosts.yml'] },
  { name: 'quirks', sources: ['quirks/hosts.yml', 'quirks/extra', 'quirks/more.ini'] },
];

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInventoryCommand(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('inventory compared with ansible-inventory', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const load = () =>
        loadInventory(c.sources.map(at), { playbookDir: c.playbookDir === undefined ? undefined : at(c.playbookDir) });
      const want = JSON.parse(expected(`${c.name}.list.json`));

      it('has the same groups, with the same hosts and children in the same order', async () => {
        const got = inventoryList(await load());
        const groupsOf = (list: Record<string, unknown>) => Object.keys(list).filter((k) => k !== '_meta').sort();
        expect(groupsOf(got)).to.deep.equal(groupsOf(want));
        for (const g of groupsOf(want)) expect(got[g], `group ${g}`).to.deep.equal(want[g]);
      });

      it('gives every host the same merged variables', async () => {
        const got = inventoryList(await load())._meta.hostvars;
        const wantVars: Record<string, Record<string, unknown>> = want._meta.hostvars;
        expect(Object.keys(got).sort()).to.deep.equal(Object.keys(wantVars).sort());
        for (const [host, vars] of Object.entries(wantVars)) {
          expect(Object.keys(got[host]).sort(), `variables of ${host}`).to.deep.equal(Object.keys(vars).sort());
          for (const [k, v] of Object.entries(vars)) expect(got[host][k], `${host}.${k}`).to.deep.equal(v);
        }
      });

      it('draws the same --graph', async () => {
        expect(`${inventoryGraph(await load())}\n`).to.equal(expected(`${c.name}.graph.txt`));
      });

      it('prints --list byte for byte as ansible-inventory does', async () => {
        const argv = c.sources.flatMap((s) => ['-i', at(s)]);
        if (c.playbookDir) argv.push('--playbook-dir', at(c.playbookDir));
        const r = await run([...argv, '--list']);
        expect(r.err).to.equal('');
        expect(r.code).to.equal(0);
        expect(r.out).to.equal(expected(`${c.name}.list.json`));
      });
    });
  }

  it('prints --host like ansible-inventory --host', async () => {
    const r = await run(['-i', at('yaml-lb/inventory.yml'), '--host', 'lb01']);
    expect(r.code).to.equal(0);
    expect(r.out).to.equal(expected('yaml-lb.host-lb01.json'));
  });

  it('prints the implicit localhost like ansible-inventory --host localhost', async () => {
    const r = await run(['-i', at('dir-lb'), '--playbook-dir', at('playbook-lb'), '--host', 'localhost']);
    expect(r.code).to.equal(0);
    const want = JSON.parse(expected('dir-lb-playbook.host-localhost.json'));
    // The Python interpreter of the control machine means nothing to rb.
    delete want.ansible_python_interpreter;
    expect(JSON.parse(r.out)).to.deep.equal(want);
  });

  it('draws --graph from a given group', async () => {
    const r = await run(['-i', at('yaml-lb/inventory.yml'), '--graph', 'lvs']);
    expect(r.out).to.equal(expected('yaml-lb.graph-lvs.txt'));
  });

  it('builds the `groups` variable with descendants\' hosts, all and ungrouped included', async () => {
    const inv = await loadInventory([at('dir-lb')]);
    const groups = groupsMap(inv);
    expect(groups.directors).to.deep.equal(['lb01', 'lb02']);
    expect(groups.ungrouped).to.deep.equal(['mgmt01']);
    expect(groups.all).to.deep.equal(JSON.parse(expected('dir-lb.patterns.json')).patterns.all);
    expect(Object.keys(groups)).to.deep.equal([...inv.groups.keys()]);
  });

  it("lists each host's groups in the order their variables apply", async () => {
    const inv = await loadInventory([at('dir-lb')]);
    expect(inv.hosts.get('lb01')!.groups).to.deep.equal(['all', 'directors', 'lvs', 'lvs_master']);
    // canary and realservers share depth 1; canary's ansible_group_priority=3 puts it last.
    expect(inv.hosts.get('rs02')!.groups).to.deep.equal(['all', 'realservers', 'canary']);
  });

  it("keeps a group's own vars apart from inherited ones", async () => {
    const inv = await loadInventory([at('dir-lb')], { playbookDir: at('playbook-lb') });
    expect(inv.groups.get('lvs')!.vars).to.deep.equal({
      tier: 'inline-lvs',
      vrrp_state: 'BACKUP',
      role: 'pb-lvs',
      vrrp_interface: 'eth0',
    });
    expect(inv.groups.get('canary')!.vars).to.not.have.property('ansible_group_priority');
  });
});
