// The loaded inventory, as the engine and `rb inventory` see it.

export interface InventoryHost {
  name: string;
  /** Merged variables: all < parent group < child group < host, group_vars/host_vars included (see merge.ts). */
  vars: Record<string, unknown>;
  /** Every group the host belongs to, `all` included, in the order their vars apply: (depth, priority, name). */
  groups: string[];
}

export interface InventoryGroup {
  name: string;
  /** Hosts put in this group directly, in the order they were added. */
  hosts: string[];
  children: string[];
  /** The group's own variables (not inherited): inline < inventory group_vars < playbook group_vars. */
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** In inventory order: the order hosts were first met in the sources. */
  hosts: Map<string, InventoryHost>;
  /** In the order groups were first met (`all`, `ungrouped`, then the sources'). */
  groups: Map<string, InventoryGroup>;
  sources: string[];
}
