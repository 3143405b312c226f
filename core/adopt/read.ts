// The read side of `rb adopt`: on each host, every module with an adopt hook
// gathers its facts read-only (check mode: the transport refuses writes) from
// the hook's probe, and the hook turns them into task params. Each adopted
// task is validated as a playbook task would be, so what is written is a
// playbook rb accepts.

import { ConfigError } from '../errors.js';
import { hostContext } from '../engine/context.js';
import type { InventoryHost } from '../inventory/index.js';
import { runFactsQuery, type HostContext, type ModuleAdopt, type ModuleDef, type ModuleRegistry } from '../module.js';
import { validateFields } from '../schema/validate.js';
import type { ConnectionPool } from '../transport/connect.js';
import { connectionFromVars } from '../transport/connect.js';
import type { AdoptedHost } from './layout.js';
import { secretPaths } from './secret-paths.js';

/** The modules that can adopt, in registry order. */
export async function adoptingModules(registry: ModuleRegistry): Promise<ModuleDef[]> {
  const names = [...registry.keys()];
  await registry.load?.(names);
  return names.map((n) => registry.get(n)!).filter((d) => d.adopt && (d.facts || d.factsQuery));
}

function validated(def: ModuleDef, params: Record<string, unknown>, what: string): Record<string, unknown> {
  const { value, problems } = validateFields(def.params, params, '', {}, def.rules);
  if (problems.length) throw new ConfigError(problems.map((p) => ({ message: `${def.name} ${what}: ${p.path ? `${p.path}: ` : ''}${p.message}` })));
  return value;
}

export async function readHost(h: InventoryHost, defs: ModuleDef[], pool: ConnectionPool, dir: string, warn: (m: string) => void): Promise<AdoptedHost> {
  const transport = await pool.get(connectionFromVars(h.name, h.vars, {}));
  const ctx = hostContext({ transport, vars: h.vars, check: true, playbookDir: dir, taskDir: dir, log: () => undefined });
  const tasks: AdoptedHost['tasks'] = [];
  for (const def of defs) {
    const probes = def.adopt!.discover ? await discovered(ctx, def.name, def.adopt!.discover) : [def.adopt!.probe].flat();
    for (const raw of probes) {
      const probe = validated(def, raw, 'probe');
      const facts = def.factsQuery ? await runFactsQuery(ctx, await def.factsQuery(ctx, probe)) : await def.facts!(ctx, probe);
      for (const params of def.adopt!.params(facts, h.name, raw)) {
        try {
          const value = validated(def, params, 'task');
          // Only what was read is written: defaults the schema adds stay implicit.
          tasks.push({ module: def.name, params, secrets: secretPaths(def.params, value) });
        } catch (e) {
          warn(`${h.name}: ${def.name}: not adopted, rb cannot express what the host has: ${(e as Error).message}`);
        }
      }
    }
  }
  return { host: h.name, tasks };
}

async function discovered(ctx: HostContext, module: string, d: NonNullable<ModuleAdopt<unknown>['discover']>): Promise<Array<Record<string, unknown>>> {
  const r = await ctx.exec(d.command);
  if (r.code !== 0) throw new Error(`${module}: cannot list what to adopt (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`);
  return d.probes(r.stdout);
}
