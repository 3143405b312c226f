// The hosts of a group, its descendants' included, in Ansible's order: the
// group's own hosts, then its children's level by level (breadth first).

import type { Inventory } from './types.js';

export function groupHosts(inv: Inventory, name: string): string[] {
  const start = inv.groups.get(name);
  if (!start) return [];
  const ordered = [start.name, ...start.children];
  const seen = new Set(ordered);
  let level = start.children;
  while (level.length) {
    const next: string[] = [];
    for (const g of level) {
      for (const child of inv.groups.get(g)?.children ?? []) {
        if (seen.has(child)) continue;
        seen.add(child);
        ordered.push(child);
        next.push(child);
      }
    }
    level = next;
  }
  const hosts = new Set<string>();
  for (const g of ordered) for (const h of inv.groups.get(g)!.hosts) hosts.add(h);
  return [...hosts];
}

/** The `groups` template variable: every group → its hosts (descendants included), `all` and `ungrouped` too. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) out[name] = groupHosts(inv, name);
  return out;
}
