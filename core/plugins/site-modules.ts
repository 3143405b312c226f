// Site modules: modules a site writes against rb's public API (core/index.ts)
// and keeps beside its playbooks, as Ansible keeps its own in `library/`.
//
// Where they are found, first found wins:
//   1. `library/` beside each playbook given on the command line (and in roles)
//   2. the folders of RB_MODULE_PATH (colon-separated)
//   3. npm packages named in RB_MODULE_PACKAGES (comma-separated), resolved from
//      the current folder; a package exports `modules`: an array of definitions
// A module is `NAME.js`, `NAME.mjs` or `NAME/index.js|mjs` exporting its
// definition as `default`. Other files (Ansible's Python modules) are ignored.
// A site module is imported only when a playbook uses it, and is checked as a
// built-in is: the same schema validation, check, diff, rollback and reports.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigProblem } from '../errors.js';
import type { ModuleDef } from '../module.js';
import { moduleDefProblems } from './check-definition.js';

export const MODULE_NAME = /^[a-z][a-z0-9_]*$/;

/** Where a site module comes from, and how to import it. */
export interface SiteModule {
  name: string;
  /** File or package it comes from (messages). */
  origin: string;
  load(): Promise<ModuleDef>;
}

/** The site modules in one `library/`-style folder. A missing folder has none. */
export function modulesInDir(dir: string): SiteModule[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: SiteModule[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    const file = /^(.+)\.(m?js)$/.exec(entry);
    let name: string | undefined;
    let path: string | undefined;
    if (file && statSync(full).isFile()) [name, path] = [file[1], full];
    else if (statSync(full).isDirectory()) {
      const index = ['index.js', 'index.mjs'].map((f) => join(full, f)).find((f) => existsSync(f));
      if (index) [name, path] = [entry, index];
    }
    if (!name || !path || !MODULE_NAME.test(name)) continue;
    const origin = path;
    out.push({ name, origin, load: () => importDefinition(origin, name!) });
  }
  return out;
}

async function importDefinition(path: string, name: string): Promise<ModuleDef> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new ConfigError([{ message: `site module "${name}" could not be loaded: ${(e as Error).message.split('\n')[0]}`, loc: { file: path, line: 1, col: 1 } }]);
  }
  return checked(mod.default, name, path);
}

function checked(def: unknown, name: string, origin: string): ModuleDef {
  const problems = moduleDefProblems(def, name);
  if (problems.length) {
    throw new ConfigError(problems.map((message): ConfigProblem => ({ message: `site module "${name}": ${message}`, loc: { file: origin, line: 1, col: 1 } })));
  }
  return def as ModuleDef;
}

/** The modules of the npm packages a site names; imported now (their names are not known before). */
export async function modulesInPackages(names: readonly string[], from = process.cwd()): Promise<SiteModule[]> {
  const req = createRequire(join(resolve(from), 'package.json'));
  const out: SiteModule[] = [];
  for (const pkg of names) {
    let mod: { modules?: unknown; default?: { modules?: unknown } };
    try {
      mod = (await import(pathToFileURL(req.resolve(pkg)).href)) as typeof mod;
    } catch (e) {
      throw new ConfigError([{ message: `RB_MODULE_PACKAGES: cannot load package "${pkg}": ${(e as Error).message.split('\n')[0]}` }]);
    }
    const list = mod.modules ?? mod.default?.modules;
    if (!Array.isArray(list)) throw new ConfigError([{ message: `RB_MODULE_PACKAGES: package "${pkg}" does not export "modules" (an array of module definitions)` }]);
    for (const def of list) {
      const name = (def as { name?: unknown })?.name;
      if (typeof name !== 'string' || !MODULE_NAME.test(name)) throw new ConfigError([{ message: `RB_MODULE_PACKAGES: package "${pkg}" exports a module without a valid name` }]);
      const origin = `npm package ${pkg}`;
      const def1 = checked(def, name, origin);
      out.push({ name, origin, load: async () => def1 });
    }
  }
  return out;
}

export interface SiteModuleSources {
  /** Folders of the playbooks given (their `library/` is searched). */
  playbookDirs: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Every site module, in precedence order (first of a name wins). */
export async function findSiteModules(src: SiteModuleSources): Promise<SiteModule[]> {
  const env = src.env ?? process.env;
  const dirs = [...src.playbookDirs.map((d) => join(d, 'library')), ...(env.RB_MODULE_PATH ?? '').split(':').filter(Boolean)];
  const found = dirs.flatMap((d) => modulesInDir(resolve(src.cwd ?? process.cwd(), d)));
  const packages = (env.RB_MODULE_PACKAGES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  found.push(...(await modulesInPackages(packages, src.cwd)));
  const seen = new Set<string>();
  return found.filter((m) => !seen.has(m.name) && seen.add(m.name));
}
