// For --shard: the HA keys each selected host's tasks place it in, from params
// rendered with the host's variables (nothing is read from a host).

import type { Task } from '../playbook/types.js';
import { evalCondition } from '../template/index.js';
import type { HostState } from './host-state.js';
import { renderParams } from './task-context.js';
import type { TaskEnv } from './task-runner.js';

export function haKeysOf(env: TaskEnv, tasks: readonly Task[], state: HostState): string[] {
  const keys: string[] = [];
  for (const task of tasks) {
    if (task.meta || !env.registry.has(task.module)) continue;
    const def = env.registry.get(task.module);
    if (!def?.haKeys) continue;
    try {
      const vars = env.vars(state, task);
      if (task.when !== undefined && !evalCondition(task.when, vars)) continue;
      keys.push(...def.haKeys(renderParams(task, def, vars), state.name));
    } catch {
      // Params that need facts or registered results: the host is keyed by its name alone.
    }
  }
  return keys;
}
