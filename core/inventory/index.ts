// Ansible-compatible inventories: YAML, INI, directories, host ranges,
// group_vars/ and host_vars/ next to the inventory and the playbook, and host
// patterns. The result is what `ansible-inventory --list` shows for the same
// files (test/fixtures/inventory holds captured comparisons).

import { ConfigError, type ConfigProblem } from '../errors.js';
import { hostVars, implicitLocalhostVars, ownGroupVars, sortGroups, type VarsContext } from './merge.js';
import { InventoryModel } from './model.js';
import { LOCALHOST_NAMES, setImplicitLocalhost } from './patterns.js';
import { readSource, varsDirOf } from './sources.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';
import { VarsFiles } from './vars-files.js';

export type { Inventory, InventoryGroup, InventoryHost } from './types.js';
export { selectHosts } from './patterns.js';
export { groupsMap, groupHosts } from './group-hosts.js';

export interface LoadOptions {
  /** The playbook's directory: its group_vars/ and host_vars/ override the inventory's. */
  playbookDir?: string;
}

/** Read every source in order; all problems found are thrown together as one ConfigError. */
export async function loadInventory(sources: string[], opts: LoadOptions = {}): Promise<Inventory> {
  const problems: ConfigProblem[] = [];
  if (!sources.length) throw new ConfigError([{ message: 'no inventory given (-i FILE|DIR)' }]);
  const model = new InventoryModel();
  for (const source of sources) readSource(source, model, problems);
  // Carry on after bad sources: the vars files' problems are reported in the same go.
  model.reconcile();
  model.freeze();

  const files = new VarsFiles(problems);
  const ctx: VarsContext = {
    model,
    files,
    depths: model.depths(),
    inventoryDirs: sources.map(varsDirOf).filter((d): d is string => d !== undefined),
    playbookDir: opts.playbookDir,
  };
  const hosts = new Map<string, InventoryHost>();
  for (const name of model.hosts.keys()) {
    hosts.set(name, { name, vars: hostVars(ctx, name), groups: sortGroups(ctx, model.hostGroups(name)) });
  }
  const groups = new Map<string, InventoryGroup>();
  for (const g of model.groups.values()) {
    groups.set(g.name, { name: g.name, hosts: [...g.hosts], children: [...g.children], vars: ownGroupVars(ctx, g.name) });
  }
  const inventory: Inventory = { hosts, groups, sources: [...sources] };
  // As in Ansible, an inventory that lists a localhost of its own gets no implicit one.
  if (!LOCALHOST_NAMES.some((n) => hosts.has(n))) {
    setImplicitLocalhost(inventory, LOCALHOST_NAMES.map((name) => ({ name, vars: implicitLocalhostVars(ctx, name), groups: [] })));
  }
  if (problems.length) throw new ConfigError(byPosition(problems));
  return inventory;
}

/** Files in the order they were read, each file's problems by line; unlocated problems stay in place. */
function byPosition(problems: ConfigProblem[]): ConfigProblem[] {
  const order = new Map<string, number>();
  const groupOf = (p: ConfigProblem, i: number) => (p.loc ? `file:${p.loc.file}` : `at:${i}`);
  problems.forEach((p, i) => order.has(groupOf(p, i)) || order.set(groupOf(p, i), order.size));
  return problems
    .map((p, i) => ({ p, g: order.get(groupOf(p, i))! }))
    .sort((a, b) => a.g - b.g || (a.p.loc?.line ?? 0) - (b.p.loc?.line ?? 0) || (a.p.loc?.col ?? 0) - (b.p.loc?.col ?? 0))
    .map((x) => x.p);
}
