// The registry a run uses: rb's built-in modules plus the site's own. A site
// module with a built-in's name replaces it only when its definition says so
// (`shadowsBuiltin: true`): a stray library/copy.js must not silently change
// what every `copy:` task does.

import { ConfigError } from '../errors.js';
import type { ModuleDef, ModuleRegistry } from '../module.js';
import type { SiteModule } from './site-modules.js';

export class SiteModuleRegistry implements ModuleRegistry {
  private readonly site = new Map<string, SiteModule>();
  private readonly loaded = new Map<string, ModuleDef>();

  constructor(
    private readonly builtin: ModuleRegistry,
    site: readonly SiteModule[],
  ) {
    for (const m of site) if (!this.site.has(m.name)) this.site.set(m.name, m);
  }

  /** Add the modules of one more folder (a role's `library/`); earlier ones keep precedence. */
  add(site: readonly SiteModule[]): void {
    for (const m of site) if (!this.site.has(m.name)) this.site.set(m.name, m);
  }

  async load(names: Iterable<string>): Promise<void> {
    const builtin: string[] = [];
    const jobs: Array<Promise<void>> = [];
    for (const n of new Set(names)) {
      const m = this.site.get(n);
      if (!m) builtin.push(n);
      else if (!this.loaded.has(n)) jobs.push(this.loadSite(m));
    }
    await Promise.all([this.builtin.load?.(builtin), ...jobs]);
  }

  private async loadSite(m: SiteModule): Promise<void> {
    const def = await m.load();
    if (this.builtin.has(m.name) && (def as { shadowsBuiltin?: unknown }).shadowsBuiltin !== true) {
      throw new ConfigError([
        { message: `site module "${m.name}" has the name of an rb built-in module; set shadowsBuiltin: true in its definition to replace the built-in on purpose`, loc: { file: m.origin, line: 1, col: 1 } },
      ]);
    }
    this.loaded.set(m.name, def);
  }

  /** Where a module comes from: a site module's file or package, or undefined for a built-in. */
  origin(name: string): string | undefined {
    return this.site.get(name)?.origin;
  }

  has(name: string): boolean {
    return this.site.has(name) || this.builtin.has(name);
  }

  get(name: string): ModuleDef | undefined {
    if (!this.site.has(name)) return this.builtin.get(name);
    const def = this.loaded.get(name);
    if (!def) throw new Error(`site module "${name}" is used before it was loaded (registry.load)`);
    return def;
  }

  get size(): number {
    return this.names().length;
  }

  private names(): string[] {
    return [...new Set([...this.builtin.keys(), ...this.site.keys()])];
  }

  keys(): MapIterator<string> {
    return new Map(this.names().map((k) => [k, k])).keys();
  }

  entries(): MapIterator<[string, ModuleDef]> {
    return new Map(this.names().map((n): [string, ModuleDef] => [n, this.get(n)!])).entries();
  }

  values(): MapIterator<ModuleDef> {
    return new Map(this.entries()).values();
  }

  forEach(fn: (def: ModuleDef, name: string, map: ReadonlyMap<string, ModuleDef>) => void): void {
    for (const [n, d] of this.entries()) fn(d, n, this);
  }

  [Symbol.iterator](): MapIterator<[string, ModuleDef]> {
    return this.entries();
  }
}
