// The module registry is found at run time, not imported: core never depends on
// modules/. RB_MODULES may point at another registry; site modules (library/
// beside the playbooks, RB_MODULE_PATH, RB_MODULE_PACKAGES) are layered on top.

import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleRegistry } from '../module.js';
import { findSiteModules } from '../plugins/site-modules.js';
import { SiteModuleRegistry } from '../plugins/site-registry.js';

/** Set by the bundler (scripts/bundle.mjs): where the bundle keeps the registry, beside its chunks. */
declare const RB_BUNDLED_MODULES: string | undefined;
const BUILTIN = typeof RB_BUNDLED_MODULES === 'string' ? RB_BUNDLED_MODULES : '../../modules/index.js';

export async function loadBuiltinRegistry(): Promise<ModuleRegistry> {
  const url = process.env.RB_MODULES ? pathToFileURL(process.env.RB_MODULES).href : new URL(BUILTIN, import.meta.url).href;
  const mod = (await import(url)) as { modules?: ModuleRegistry };
  if (!mod.modules) throw new Error(`${url}: does not export "modules"`);
  return mod.modules;
}

/**
 * Built-ins plus the site modules for these playbooks (the `library/` beside
 * each), the `library/` of `dirs`, RB_MODULE_PATH and RB_MODULE_PACKAGES.
 */
export async function loadRegistry(playbooks: readonly string[] = [], dirs: readonly string[] = []): Promise<SiteModuleRegistry> {
  const playbookDirs = [...new Set([...playbooks.map((p) => dirname(resolve(p))), ...dirs.map((d) => resolve(d))])];
  return new SiteModuleRegistry(await loadBuiltinRegistry(), await findSiteModules({ playbookDirs }));
}
