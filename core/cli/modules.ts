// `rb modules` lists the modules (built-in and the site's: ./library,
// RB_MODULE_PATH, RB_MODULE_PACKAGES); `rb modules NAME` documents one from its
// schema; `rb modules new NAME` and `rb modules test [DIR]` are for site modules.

import { describeFields } from '../schema/describe.js';
import { didYouMean } from '../schema/suggest.js';
import { loadRegistry } from './registry.js';

export async function modulesCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'new') return (await import('./modules-site.js')).newModuleCommand(argv.slice(1));
  if (argv[0] === 'test') return (await import('./modules-site.js')).testModulesCommand(argv.slice(1));
  const registry = await loadRegistry([], [process.cwd()]);
  await registry.load?.(argv.length ? [argv[0]] : registry.keys());
  if (!argv.length) {
    const w = Math.max(...[...registry.keys()].map((n) => n.length));
    for (const [name, def] of [...registry].sort(([a], [b]) => a.localeCompare(b))) {
      const origin = registry.origin(name);
      process.stdout.write(`${name.padEnd(w)}  ${def.summary}${origin ? `  [site: ${origin}]` : ''}\n`);
    }
    return 0;
  }
  const def = registry.get(argv[0]);
  if (!def) {
    process.stderr.write(`rb: no module "${argv[0]}"${didYouMean(argv[0], registry.keys())}\n`);
    return 1;
  }
  const caps = Object.entries(def.supports).filter(([, v]) => v).map(([k]) => k);
  const origin = registry.origin(def.name);
  const lines = [`${def.name} — ${def.summary}${origin ? ` [site module: ${origin}]` : ''}`, '', `supports: ${caps.join(', ') || 'nothing special'}${def.freeForm ? `; free form value → ${def.freeForm}` : ''}`, '', 'parameters:', ...describeFields(def.params)];
  if (def.example) lines.push('', 'example:', ...def.example.trim().split('\n').map((l) => `  ${l}`));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
