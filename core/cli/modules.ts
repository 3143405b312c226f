// `rb modules` lists the modules; `rb modules NAME` documents one from its schema.

import { describeFields } from '../schema/describe.js';
import { didYouMean } from '../schema/suggest.js';
import { loadRegistry } from './registry.js';

export async function modulesCommand(argv: string[]): Promise<number> {
  const registry = await loadRegistry();
  await registry.load?.(argv.length ? [argv[0]] : registry.keys());
  if (!argv.length) {
    const w = Math.max(...[...registry.keys()].map((n) => n.length));
    for (const [name, def] of [...registry].sort(([a], [b]) => a.localeCompare(b))) process.stdout.write(`${name.padEnd(w)}  ${def.summary}\n`);
    return 0;
  }
  const def = registry.get(argv[0]);
  if (!def) {
    process.stderr.write(`rb: no module "${argv[0]}"${didYouMean(argv[0], registry.keys())}\n`);
    return 1;
  }
  const caps = Object.entries(def.supports).filter(([, v]) => v).map(([k]) => k);
  const lines = [`${def.name} — ${def.summary}`, '', `supports: ${caps.join(', ') || 'nothing special'}${def.freeForm ? `; free form value → ${def.freeForm}` : ''}`, '', 'parameters:', ...describeFields(def.params)];
  if (def.example) lines.push('', 'example:', ...def.example.trim().split('\n').map((l) => `  ${l}`));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
