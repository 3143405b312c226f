// A module registry that imports a module's code only when a playbook uses it:
// a run pays for the handful of modules it names, not for all of them. The
// names are known up front (for "unknown module" and "did you mean"); a
// module's definition is there once `load` has brought it in.

import type { ModuleDef, ModuleRegistry } from './module.js';

export type ModuleLoader = () => Promise<ModuleDef>;

export class LazyModuleRegistry implements ModuleRegistry {
  private readonly loaded = new Map<string, ModuleDef>();
  private readonly pending = new Map<string, Promise<void>>();

  /**
   * `aliases` are other names of a module (Ansible's `apt` for `package`,
   * `ansible.posix.sysctl` for `sysctl`): `has`, `get` and `load` take them,
   * the keys and entries are the modules' own names.
   */
  constructor(
    private readonly loaders: Readonly<Record<string, ModuleLoader>>,
    private readonly aliases: Readonly<Record<string, string>> = {},
  ) {}

  /** The module's own name for a name or an alias. */
  canonical(name: string): string {
    return Object.hasOwn(this.aliases, name) ? this.aliases[name] : name;
  }

  /** Every alias and the module it names. */
  aliasNames(): Readonly<Record<string, string>> {
    return this.aliases;
  }

  /** Import the named modules; names the registry does not know are left to the caller's checks. */
  async load(names: Iterable<string>): Promise<void> {
    const wanted = [...new Set([...names].map((n) => this.canonical(n)))].filter((n) => this.has(n) && !this.loaded.has(n));
    await Promise.all(wanted.map((n) => this.loadOne(n)));
  }

  /** Every module: for `rb modules` and the registry's own tests. */
  async loadAll(): Promise<this> {
    await this.load(Object.keys(this.loaders));
    return this;
  }

  private loadOne(name: string): Promise<void> {
    let p = this.pending.get(name);
    if (!p) {
      p = this.loaders[name]().then((def) => {
        if (def.name !== name) throw new Error(`module registry: "${name}" loads a module named "${def.name}"`);
        this.loaded.set(name, def);
      });
      this.pending.set(name, p);
    }
    return p;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.loaders, this.canonical(name));
  }

  get(name: string): ModuleDef | undefined {
    name = this.canonical(name);
    const def = this.loaded.get(name);
    if (!def && this.has(name)) throw new Error(`module "${name}" is used before it was loaded (registry.load)`);
    return def;
  }

  get size(): number {
    return Object.keys(this.loaders).length;
  }

  keys(): MapIterator<string> {
    return new Map(Object.keys(this.loaders).map((k) => [k, k])).keys();
  }

  entries(): MapIterator<[string, ModuleDef]> {
    return this.all().entries();
  }

  values(): MapIterator<ModuleDef> {
    return this.all().values();
  }

  forEach(fn: (def: ModuleDef, name: string, map: ReadonlyMap<string, ModuleDef>) => void): void {
    this.all().forEach((def, name) => fn(def, name, this));
  }

  [Symbol.iterator](): MapIterator<[string, ModuleDef]> {
    return this.entries();
  }

  /** Iterating means every module: only after loadAll. */
  private all(): Map<string, ModuleDef> {
    if (this.loaded.size !== this.size) throw new Error('iterating the module registry needs loadAll() first');
    return new Map(Object.keys(this.loaders).map((k) => [k, this.loaded.get(k)!]));
  }
}
