// Which clusters a rollout changes on all their nodes at once. A cluster goes
// together when its HA tasks say their pending change must reach every node at
// the same moment (HaMembership.pending: heartbeat's reload, which one node
// alone makes its peer see as a failure) and no node waits on a change that
// goes node by node — and when the rest of the play changes nothing on its
// nodes now: each other task is planned from its facts, read-only. A task rb
// cannot predict so (a controller action, a loop, a delegated or looped
// include, params from a result registered later in the run) keeps the
// cluster node by node, as does a together task that notifies a handler.

import type { HaMembership } from '../../module.js';
import { runFactsQuery } from '../../module.js';
import type { Play, Task } from '../../playbook/types.js';
import { evalCondition } from '../../template/index.js';
import type { HostState } from '../host-state.js';
import { retryRead } from '../read-retry.js';
import { selectedByTags } from '../tags.js';
import { renderParams, taskContext } from '../task-context.js';
import type { TaskEnv } from '../task-runner.js';
import type { RunOptions } from '../types.js';
import type { HaSource } from './members.js';

/** The reason all the cluster's nodes must change together, from their memberships; undefined = node by node. */
export function togetherReason(memberships: ReadonlyArray<readonly HaMembership[]>): string | undefined {
  const all = memberships.flat();
  if (!all.length || all.some((m) => m.pending === undefined)) return undefined;
  const reasons = [...new Set(all.flatMap((m) => (typeof m.pending === 'object' ? [m.pending.together] : [])))];
  return reasons.length ? reasons.join('; ') : undefined;
}

export interface TogetherInput {
  env: TaskEnv;
  options: RunOptions;
  play: Play;
  nodes: readonly string[];
  states: ReadonlyMap<string, HostState>;
  sources: ReadonlyMap<string, readonly HaSource[]>;
  members: ReadonlyMap<string, readonly HaMembership[]>;
}

/** The reason the cluster goes together, or why it does not (`alone`). */
export async function decideTogether(i: TogetherInput): Promise<{ together?: string; alone?: string }> {
  const reason = togetherReason(i.nodes.map((h) => i.members.get(h) ?? []));
  if (!reason) return {};
  const ha = new Set(i.nodes.flatMap((h) => (i.sources.get(h) ?? []).map((s) => s.task)));
  const notifying = [...ha].find((t) => t.notify.length);
  if (notifying) return { alone: `${notifying.name} notifies ${notifying.notify.join(', ')}` };
  const tasks = i.play.tasks.filter((t) => !ha.has(t) && selectedByTags([...i.play.tags, ...t.tags], i.options.tags, i.options.skipTags));
  const why = await Promise.all(i.nodes.map((h) => firstChange(i.env, tasks, i.states.get(h)!)));
  const alone = why.find((w) => w !== undefined);
  return alone ? { alone } : { together: reason };
}

/** Why some task may change the host now (a change, or no way to tell), or undefined when none will. */
async function firstChange(env: TaskEnv, tasks: readonly Task[], state: HostState): Promise<string | undefined> {
  for (const task of tasks) {
    if (task.meta) continue;
    const label = `${task.name} on ${state.name}`;
    if (task.loop !== undefined || task.loopFrames?.length || task.delegateTo !== undefined || !env.registry.has(task.module)) return `${label} cannot be predicted`;
    const def = env.registry.get(task.module)!;
    if (def.action || !def.plan || !(def.facts || def.factsQuery)) return `${label} cannot be predicted`;
    try {
      const vars = env.vars(state, task);
      if (task.when !== undefined && !evalCondition(task.when, vars)) continue;
      const params = renderParams(task, def, vars);
      const ctx = taskContext(env, task, state, vars, true);
      const facts = await retryRead(async () => (def.factsQuery ? runFactsQuery(ctx, await def.factsQuery(ctx, params)) : def.facts!(ctx, params)));
      const plan = def.plan(params, facts, { host: state.name, vars, taskName: task.name });
      if (plan.changes.length) return `${label} changes ${plan.changes[0].resource}`;
    } catch {
      return `${label} cannot be predicted`;
    }
  }
  return undefined;
}
