// `rb inventory` output in the exact shapes `ansible-inventory` prints, so the
// two can be compared: --list (groups + hostvars under _meta), --graph, --host.

import { groupHosts } from './group-hosts.js';
import type { Inventory } from './types.js';

/** Variables ansible-inventory never prints: they are set by the engine at run time. */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

export function printableVars(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).filter(([k]) => !INTERNAL_VARS.has(k)));
}

export interface ListedGroup {
  hosts?: string[];
  children?: string[];
}

export type InventoryList = Record<string, ListedGroup> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };

export function inventoryList(inv: Inventory): InventoryList {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string) => {
    const g = inv.groups.get(name)!;
    const entry: ListedGroup = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.children.length) entry.children = [...g.children];
    for (const child of g.children) {
      if (seen.has(child)) continue;
      format(child);
      seen.add(child);
    }
    // Empty groups are left out, though their parents still list them.
    if (entry.hosts || entry.children) out[name] = entry;
  };
  format('all');
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const name of groupHosts(inv, 'all')) {
    const vars = printableVars(inv.hosts.get(name)!.vars);
    if (Object.keys(vars).length) hostvars[name] = vars;
  }
  out._meta = { hostvars };
  return out as InventoryList;
}

/** `ansible-inventory --graph [GROUP]`: the group tree, each group's own hosts under it. */
export function inventoryGraph(inv: Inventory, start = 'all'): string {
  const lines: string[] = [];
  const label = (text: string, depth: number) => (depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const walk = (name: string, depth: number) => {
    const g = inv.groups.get(name)!;
    lines.push(label(`@${name}:`, depth));
    for (const child of g.children) walk(child, depth + 1);
    if (name !== 'all') for (const h of g.hosts) lines.push(label(h, depth + 1));
  };
  walk(start, 0);
  return lines.join('\n');
}

/** JSON as Python's json.dumps(sort_keys=True, indent=4, ensure_ascii=False) writes it. */
export function ansibleJson(value: unknown, indent = ''): string {
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => inner + ansibleJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    // Sorted as strings, like Python: "10" before "9" (a JS object would put integer keys first).
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!keys.length) return '{}';
    const obj = value as Record<string, unknown>;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${ansibleJson(obj[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(value) ?? 'null';
}
