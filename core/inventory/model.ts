// The inventory graph while sources are read: the same operations, in the same
// order, as Ansible's InventoryData (add_group, add_host, add_child,
// set_variable, reconcile_inventory), because host order, group order and the
// membership of `ungrouped` all follow from that order.

export class ModelError extends Error {
  override name = 'ModelError';
}

export interface GroupNode {
  name: string;
  /** Direct members, in the order they were added. */
  hosts: string[];
  children: string[];
  parents: string[];
  /** Variables set in the inventory source itself (not group_vars/). */
  vars: Record<string, unknown>;
  /** `ansible_group_priority`: orders groups of the same depth when vars merge. */
  priority: number;
}

export interface HostNode {
  name: string;
  vars: Record<string, unknown>;
  /** Groups the host was put in directly. */
  groups: string[];
}

export class InventoryModel {
  readonly groups = new Map<string, GroupNode>();
  readonly hosts = new Map<string, HostNode>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): GroupNode {
    if (!name) throw new ModelError('a group name may not be empty');
    if (/[\s\x00-\x1f\x7f,:!&[\]*?]/.test(name) || name.startsWith('-') || name.startsWith('~'))
      throw new ModelError(`group name ${JSON.stringify(name)}: no blanks, control characters, pattern characters (, : ! & [ ] * ? ~) or leading "-"`);
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: {}, priority: 1 };
      this.groups.set(name, g);
    }
    return g;
  }

  /** Adds the host if new (the port only counts then, as in Ansible), and puts it in `group`. */
  addHost(name: string, group?: string, port?: number): HostNode {
    if (!name) throw new ModelError('a host name may not be empty');
    if (/[\s\x00-\x1f\x7f]/.test(name) || name.startsWith('-')) throw new ModelError(`host name ${JSON.stringify(name)}: no blanks, control characters or leading "-"`);
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {}, groups: [] };
      if (port) h.vars.ansible_port = port;
      this.hosts.set(name, h);
    }
    if (group !== undefined) {
      const g = this.groups.get(group);
      if (!g) throw new ModelError(`unknown group "${group}"`);
      if (!g.hosts.includes(name)) {
        g.hosts.push(name);
        h.groups.push(group);
      }
    }
    return h;
  }

  addChild(parent: string, child: string): void {
    const p = this.groups.get(parent);
    const c = this.groups.get(child);
    if (!p || !c) throw new ModelError(`unknown group "${p ? child : parent}"`);
    if (parent === child) throw new ModelError(`group "${parent}" cannot be its own child`);
    if (p.children.includes(child)) return;
    if (this.ancestors(parent).has(child)) {
      throw new ModelError(`adding group "${child}" as a child of "${parent}" creates a loop`);
    }
    p.children.push(child);
    c.parents.push(parent);
  }

  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.groups.get(group);
    if (!g) throw new ModelError(`unknown group "${group}"`);
    if (key === 'ansible_group_priority') {
      const n =
        typeof value === 'string' ? (/^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN)
        : typeof value === 'number' || typeof value === 'boolean' ? Number(value)
        : NaN;
      if (!Number.isFinite(n)) {
        throw new ModelError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`);
      }
      g.priority = Math.trunc(n);
      return;
    }
    setOwn(g.vars, key, value);
  }

  setHostVar(host: string, key: string, value: unknown): void {
    const h = this.hosts.get(host);
    if (!h) throw new ModelError(`unknown host "${host}"`);
    setOwn(h.vars, key, value);
  }

  ancestors(group: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...(this.groups.get(group)?.parents ?? [])];
    while (stack.length) {
      const g = stack.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      stack.push(...this.groups.get(g)!.parents);
    }
    return seen;
  }

  /** Every group a host is in, directly or through a parent group. */
  hostGroups(host: string): Set<string> {
    const known = this.frozenHostGroups?.get(host);
    if (known) return known;
    const out = new Set<string>();
    for (const g of this.hosts.get(host)?.groups ?? []) {
      out.add(g);
      for (const a of this.ancestors(g)) out.add(a);
    }
    return out;
  }

  /** Ansible's reconcile_inventory: parentless groups go under `all`, groupless hosts into `ungrouped`. */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const h of this.hosts.values()) {
      const mine = this.hostGroups(h.name);
      if (mine.has('ungrouped')) {
        const elsewhere = [...mine].some((g) => g !== 'all' && g !== 'ungrouped');
        if (elsewhere) {
          ungrouped.hosts = ungrouped.hosts.filter((x) => x !== h.name);
          h.groups = h.groups.filter((x) => x !== 'ungrouped');
        }
      } else if (mine.size === 0 || (mine.size === 1 && mine.has('all'))) {
        this.addHost(h.name, 'ungrouped');
      }
    }
  }

  private frozenHostGroups?: Map<string, Set<string>>;

  /** Once every source is read the graph no longer changes: remember each host's groups. */
  freeze(): void {
    const all = new Map<string, Set<string>>();
    for (const name of this.hosts.keys()) all.set(name, this.hostGroups(name));
    this.frozenHostGroups = all;
  }

  /** Longest path from `all`: Ansible's group depth, the first key when group vars merge. */
  depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const visit = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const g = this.groups.get(name)!;
      const d = g.parents.length ? Math.max(...g.parents.map(visit)) + 1 : 0;
      depth.set(name, d);
      return d;
    };
    for (const name of this.groups.keys()) visit(name);
    return depth;
  }
}

/** A variable of any name, `__proto__` included, becomes an ordinary key. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
