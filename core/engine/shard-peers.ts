// For --shard: the HA keys each selected host's tasks place it in, from params
// rendered with the host's variables (nothing is read from a host).

import type { Task } from '../playbook/types.js';
import type { HostState } from './host-state.js';
import { haSources } from './rollout/members.js';
import type { TaskEnv } from './task-runner.js';

export function haKeysOf(env: TaskEnv, tasks: readonly Task[], state: HostState): string[] {
  return haSources(env, tasks, state, (d) => !!d.haKeys).flatMap((s) => s.def.haKeys!(s.params, state.name));
}
