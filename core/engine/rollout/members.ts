// A host's HA memberships, read from the host: the play's tasks whose module
// knows HA groups (`haGroup`), their params rendered for the host, their facts
// read (read-only: the module's haFacts, else the facts the task itself
// reads) and handed to the module's hook.

import type { HaMembership, ModuleDef } from '../../module.js';
import type { Task } from '../../playbook/types.js';
import { evalCondition } from '../../template/index.js';
import type { HostState } from '../host-state.js';
import { retryRead } from '../read-retry.js';
import { renderParams, taskContext } from '../task-context.js';
import type { TaskEnv } from '../task-runner.js';

export interface HaSource {
  task: Task;
  def: ModuleDef;
  params: Record<string, unknown>;
}

/**
 * The play's tasks that place this host in HA groups (their `when` holds, their params render now):
 * by default those whose module reads its groups from facts (`haGroup`); `--shard` asks for `haKeys`.
 */
export function haSources(env: TaskEnv, tasks: readonly Task[], state: HostState, wanted: (def: ModuleDef) => boolean = (d) => !!d.haGroup && !!d.facts): HaSource[] {
  const out: HaSource[] = [];
  for (const task of tasks) {
    if (task.meta || task.loop !== undefined || !env.registry.has(task.module)) continue;
    const def = env.registry.get(task.module);
    if (!def || !wanted(def)) continue;
    try {
      const vars = env.vars(state, task);
      if (task.when !== undefined && !evalCondition(task.when, vars)) continue;
      out.push({ task, def, params: renderParams(task, def, vars) });
    } catch {
      // Params that need what earlier tasks register: the task reports it at its turn.
    }
  }
  return out;
}

/** What the sources say about the host now. Throws when its facts cannot be read. */
export async function readMemberships(env: TaskEnv, state: HostState, sources: readonly HaSource[]): Promise<HaMembership[]> {
  const out: HaMembership[] = [];
  for (const s of sources) {
    const ctx = taskContext(env, s.task, state, env.vars(state, s.task), true);
    const read = s.def.haFacts ?? s.def.facts!;
    const facts = await retryRead(() => read(ctx, s.params));
    out.push(...s.def.haGroup!(s.params, facts, state.name));
  }
  return out;
}
