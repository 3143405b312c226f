// The module registry is found at run time, not imported: core never depends on
// modules/. RB_MODULES may point at another registry (extra modules of a site).

import { pathToFileURL } from 'node:url';
import type { ModuleRegistry } from '../module.js';

export async function loadRegistry(): Promise<ModuleRegistry> {
  const url = process.env.RB_MODULES ? pathToFileURL(process.env.RB_MODULES).href : new URL('../../modules/index.js', import.meta.url).href;
  const mod = (await import(url)) as { modules?: ModuleRegistry };
  if (!mod.modules) throw new Error(`${url}: does not export "modules"`);
  return mod.modules;
}
