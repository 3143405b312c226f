// Variable precedence, exactly as Ansible's VariableManager layers inventory
// variables for one host (lowest first):
//
//   1. `all` vars set in the inventory source
//   2. every other group's vars set in the inventory source
//   3. group_vars/all next to each inventory source, in source order
//   4. group_vars/all next to the playbook
//   5. group_vars/<group> next to each inventory source (source by source)
//   6. group_vars/<group> next to the playbook
//   7. the host's vars set in the inventory source
//   8. host_vars/<host> next to each inventory source
//   9. host_vars/<host> next to the playbook
//
// Within 2, 5 and 6 groups are applied in (depth, ansible_group_priority, name)
// order, so a child group beats its parent, and of two groups at the same
// depth the higher priority, then the alphabetically later name, wins. Note
// that 3 beats 2: group_vars/all.yml overrides vars a child group sets inline.
// Merging is per top-level key (Ansible's default hash_behaviour=replace).

import type { InventoryModel } from './model.js';
import type { VarsFiles } from './vars-files.js';

export interface VarsContext {
  model: InventoryModel;
  files: VarsFiles;
  depths: Map<string, number>;
  /** Directories whose group_vars/ and host_vars/ count, one per inventory source. */
  inventoryDirs: string[];
  playbookDir?: string;
}

/** Groups in the order their variables are applied (Ansible's sort_groups). */
export function sortGroups(ctx: VarsContext, names: Iterable<string>): string[] {
  const key = (n: string) => [ctx.depths.get(n) ?? 0, ctx.model.groups.get(n)?.priority ?? 1] as const;
  return [...names].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    return da - db || pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
}

export function hostVars(ctx: VarsContext, host: string): Record<string, unknown> {
  const { model, files, inventoryDirs, playbookDir } = ctx;
  const groups = sortGroups(ctx, model.hostGroups(host)).filter((g) => g !== 'all');
  const v: Record<string, unknown> = { ...model.groups.get('all')!.vars };
  for (const g of groups) layer(v, model.groups.get(g)!.vars);
  for (const dir of inventoryDirs) layer(v, files.vars(dir, 'group_vars', 'all'));
  if (playbookDir !== undefined) layer(v, files.vars(playbookDir, 'group_vars', 'all'));
  for (const dir of inventoryDirs) {
    for (const g of groups) layer(v, files.vars(dir, 'group_vars', g));
  }
  if (playbookDir !== undefined) {
    for (const g of groups) layer(v, files.vars(playbookDir, 'group_vars', g));
  }
  layer(v, model.hosts.get(host)!.vars);
  for (const dir of inventoryDirs) layer(v, files.vars(dir, 'host_vars', host));
  if (playbookDir !== undefined) layer(v, files.vars(playbookDir, 'host_vars', host));
  return v;
}

/** A group's own variables (not inherited): inline < inventory group_vars < playbook group_vars. */
export function ownGroupVars(ctx: VarsContext, group: string): Record<string, unknown> {
  const v: Record<string, unknown> = { ...ctx.model.groups.get(group)!.vars };
  for (const dir of ctx.inventoryDirs) layer(v, ctx.files.vars(dir, 'group_vars', group));
  if (ctx.playbookDir !== undefined) layer(v, ctx.files.vars(ctx.playbookDir, 'group_vars', group));
  return v;
}

/**
 * Ansible's implicit localhost (a play on `localhost` that the inventory does
 * not list): in no group, connection local, `all`'s inline vars set on the host
 * itself — so they beat group_vars/all here — then host_vars/<name>.
 */
export function implicitLocalhostVars(ctx: VarsContext, name: string): Record<string, unknown> {
  const { model, files, inventoryDirs, playbookDir } = ctx;
  const allInline = model.groups.get('all')!.vars;
  const v: Record<string, unknown> = { ...allInline };
  for (const dir of inventoryDirs) layer(v, files.vars(dir, 'group_vars', 'all'));
  if (playbookDir !== undefined) layer(v, files.vars(playbookDir, 'group_vars', 'all'));
  layer(v, allInline);
  layer(v, { ansible_connection: 'local' });
  for (const dir of inventoryDirs) layer(v, files.vars(dir, 'host_vars', name));
  if (playbookDir !== undefined) layer(v, files.vars(playbookDir, 'host_vars', name));
  return v;
}

/** One precedence layer over the lower ones, per top-level key. A variable named __proto__ stays a variable. */
function layer(target: Record<string, unknown>, src: Record<string, unknown>): void {
  if (!Object.hasOwn(src, '__proto__')) {
    Object.assign(target, src);
    return;
  }
  for (const [k, value] of Object.entries(src)) {
    Object.defineProperty(target, k, { value, writable: true, enumerable: true, configurable: true });
  }
}
