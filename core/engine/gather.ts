// Facts for a task's plan, batched: when a task's facts are gathered, the facts
// of the tasks that follow it (as long as nothing between can change their
// params) are gathered in the same exec and kept on the host's state. A later
// task uses them only while nothing was applied on the host since (its epoch),
// and a real run gathers fresh facts before applying a non-empty plan, so a
// change is never planned from stale facts. Check and no-op runs thus cost one
// exec per host for a whole run of such tasks instead of one per task.
// Right after an apply the next task gathers alone: on a host being converged
// the tasks that follow tend to change too, and their prefetched facts would be
// thrown away after every apply (quadratic remote work on a first run). Better
// still, the apply's own exec carries the next task's facts (facts-carrier.ts),
// so converging a host costs about one exec per changed task.

import { randomBytes } from 'node:crypto';
import type { FactsQuery, HostContext, ModuleDef } from '../module.js';
import type { Task } from '../playbook/types.js';
import type { ExecResult } from '../transport/types.js';
import { evalCondition } from '../template/index.js';
import { factsBatchScript, splitFactsBatch } from './facts-batch.js';
import type { HostState } from './host-state.js';
import { factsReadyAhead } from './system-facts.js';
import { becomeOf, isCheck, renderParams, taskContext } from './task-context.js';
import type { TaskEnv } from './task-runner.js';

/** At most this many tasks' facts ride along with one task's. */
export const MAX_AHEAD = 31;

export interface Gathered {
  facts: unknown;
  /** Gathered for this task just now (false: prefetched while an earlier task ran). */
  fresh: boolean;
}

export interface Prefetched {
  /** The params the facts were gathered for; a task rendering differently gathers again. */
  key: string;
  epoch: number;
  facts: unknown;
  /** Gathered after the host's last change (carried by that apply): no new gathering before an apply. */
  fresh?: boolean;
  /** The query's refine, run when the facts are used. */
  refine?: FactsQuery<unknown>['refine'];
}

const paramsKey = (params: Record<string, unknown>) => JSON.stringify(params);

/** What a query with an empty command reads: nothing, so no exec ever runs for it. */
const NOTHING_TO_READ: ExecResult = { code: 0, stdout: '', stderr: '', durationMs: 0 };

/** The task's facts: prefetched when still valid, else gathered now (with the following tasks'). */
export async function factsForPlan(env: TaskEnv, task: Task, state: HostState, ctx: HostContext, def: ModuleDef, params: Record<string, unknown>, ahead: boolean): Promise<Gathered> {
  if (!def.factsQuery) return { facts: await def.facts!(ctx, params), fresh: true };
  const hit = state.prefetched.get(task);
  state.prefetched.delete(task);
  if (hit && hit.epoch === state.epoch && hit.key === paramsKey(params)) return { facts: hit.refine ? await hit.refine(hit.facts, ctx) : hit.facts, fresh: hit.fresh === true };
  return { facts: await gatherNow(env, task, state, ctx, def, params, ahead && !state.justApplied), fresh: true };
}

/** Gather the task's facts in one exec, with the following tasks' when `ahead`. */
export async function gatherNow(env: TaskEnv, task: Task, state: HostState, ctx: HostContext, def: ModuleDef, params: Record<string, unknown>, ahead: boolean): Promise<unknown> {
  if (!def.factsQuery) return def.facts!(ctx, params);
  const head = await def.factsQuery(ctx, params);
  const finish = (facts: unknown) => (head.refine ? head.refine(facts, ctx) : facts);
  if (head.command === '') return finish(head.parse(NOTHING_TO_READ));
  const rest = ahead && !task.register ? (await queriesAhead(env, task, state)).queries : [];
  for (const a of rest) state.prefetched.delete(a.task);
  if (!rest.length) return finish(head.parse(await ctx.exec(head.command)));
  const nonce = randomBytes(8).toString('hex');
  const epoch = state.epoch;
  const r = await ctx.exec(factsBatchScript([head.command, ...rest.map((a) => a.query.command)], nonce));
  const [own, ...others] = splitFactsBatch(r, rest.length + 1, nonce);
  rest.forEach((a, i) => {
    const part = others[i];
    if (!part) return;
    try {
      state.prefetched.set(a.task, { key: a.key, epoch, facts: a.query.parse(part), refine: a.query.refine?.bind(a.query) });
    } catch {
      // Unreadable: that task gathers again at its turn and reports the error itself.
    }
  });
  // Cut short (the host's shell died mid-way): the task's own command alone.
  return finish(head.parse(own ?? (await ctx.exec(head.command))));
}

export interface Ahead {
  task: Task;
  key: string;
  query: FactsQuery<unknown>;
}

/**
 * The query of what runs next on the host, for an apply to carry (facts-carrier.ts):
 * the next task, or after the last task the first handler the host has notified.
 */
export async function nextQuery(env: TaskEnv, task: Task, state: HostState): Promise<Ahead | undefined> {
  if (task.register) return undefined;
  const { queries, reachedEnd } = await queriesAhead(env, task, state, 1);
  if (queries.length || !reachedEnd || !env.following) return queries[0];
  // The handlers come next; this task notifies its own when its apply changes something.
  const pending = new Set([...state.notified, ...task.notify]);
  const handler = env.play.handlers.find((h) => [h.name, ...h.listen].some((n) => pending.has(n)));
  return (handler && (await aheadQuery(env, task, state, handler))) || undefined;
}

/** Keep facts an apply carried: gathered after its changes, so valid and fresh at the next task. */
export function keepCarried(state: HostState, next: Ahead, result: ExecResult): void {
  try {
    state.prefetched.set(next.task, { key: next.key, epoch: state.epoch, facts: next.query.parse(result), fresh: true, refine: next.query.refine?.bind(next.query) });
  } catch {
    // Unreadable: that task gathers again at its turn and reports the error itself.
  }
}

/**
 * The queries of the tasks following `task`, up to the first one whose params
 * or condition could depend on what runs before it (a register, a loop, a task
 * without a facts query, another become), or whose params cannot be rendered
 * yet. `reachedEnd`: nothing stopped the walk before the last task.
 */
async function queriesAhead(env: TaskEnv, task: Task, state: HostState, limit = MAX_AHEAD): Promise<{ queries: Ahead[]; reachedEnd: boolean }> {
  const queries: Ahead[] = [];
  for (const t of env.following?.(task) ?? []) {
    if (queries.length >= limit) return { queries, reachedEnd: false };
    const q = await aheadQuery(env, task, state, t);
    if (q === null) return { queries, reachedEnd: false };
    // A task that reads nothing needs no gathering; an apply carries only the very next task's facts.
    if (q && q.query.command === '') {
      if (limit === 1 || t.register) return { queries, reachedEnd: false };
      continue;
    }
    if (q) queries.push(q);
    if (t.register) return { queries, reachedEnd: false };
  }
  return { queries, reachedEnd: true };
}

/** The query of `t` gathered while `task` runs: null when it cannot be, undefined when `t` will be skipped. */
async function aheadQuery(env: TaskEnv, task: Task, state: HostState, t: Task): Promise<Ahead | null | undefined> {
  // A delegated task runs on another host: its facts are not this host's, nor gathered through its exec.
  if (t.meta || t.loop !== undefined || t.delegateTo !== undefined || task.delegateTo !== undefined || becomeOf(env, t) !== becomeOf(env, task)) return null;
  const def = env.registry.get(t.module);
  if (!def?.factsQuery) return null;
  // Its params may read gathered facts that are not read yet: it renders at its own turn.
  if (!(await factsReadyAhead(env, t, state))) return null;
  try {
    const vars = env.vars(state, t);
    if (t.when !== undefined && !evalCondition(t.when, vars)) return undefined;
    const params = renderParams(t, def, vars);
    return { task: t, key: paramsKey(params), query: await def.factsQuery(taskContext(env, t, state, vars, isCheck(env, t)), params) };
  } catch {
    return null; // its own turn renders again and reports the error where it belongs
  }
}
