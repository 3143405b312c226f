// One task on one host: when → loop → render → validate → facts → plan →
// check or apply → register. Never throws: every outcome is a TaskResult.

import { ConfigError, ConnectError, RbError, formatLocation } from '../errors.js';
import type { ModuleRegistry, Plan } from '../module.js';
import { resolveTaskKeywords } from '../playbook/keyword-values.js';
import type { Play, Task } from '../playbook/types.js';
import { evalCondition, markUnsafe, renderValue } from '../template/index.js';
import { controllerSubdir, globDirs, itemVars, loopItems } from './loops.js';
import type { Transport } from '../transport/types.js';
import { FactsCarrier } from './facts-carrier.js';
import { MASK } from '../secrets.js';
import { declare } from './unmanaged.js';
import { factsForPlan, gatherNow, keepCarried, nextQuery } from './gather.js';
import { factsBeforeRender } from './system-facts.js';
import type { HostState } from './host-state.js';
import { retryRead } from './read-retry.js';
import { becomeOf, isCheck, renderParams, taskContext } from './task-context.js';
import { DeadlineTransport, taskLimit, timeoutMessage, withLimit } from './task-timeout.js';
import type { RunOptions, Status, TaskResult } from './types.js';

export interface TaskEnv {
  registry: ModuleRegistry;
  options: RunOptions;
  play: Play;
  transport(state: HostState): Transport;
  /** Variables every host sees (groups, hostvars, extra vars, ...). */
  vars(state: HostState, task: Task): Record<string, unknown>;
  log(host: string, message: string): void;
  /** The state of a host a task is delegated to (an inventory host, or an implicit localhost). */
  delegate?(name: string): HostState;
  /** The tasks that run after `task` on the same hosts, in order: their facts may be gathered ahead. */
  following?(task: Task): Iterable<Task>;
  /** Called before a task applies changes to the host (takes the host's lock). */
  beforeChange?(state: HostState, task: Task): Promise<void>;
}

export async function runTask(env: TaskEnv, task: Task, state: HostState, handler: boolean): Promise<TaskResult> {
  const limit = taskLimit(task, env.registry);
  if (!limit) return runTaskNow(env, task, state, handler);
  const started = Date.now();
  const deadline = started + limit.seconds * 1000;
  const limited: TaskEnv = { ...env, transport: (s) => (s === state ? new DeadlineTransport(env.transport(s), deadline) : env.transport(s)) };
  const work = runTaskNow(limited, task, state, handler);
  const r = await withLimit<TaskResult>(limit.seconds * 1000, work, () => ({
    host: state.name, task, status: 'failed', changes: [], warnings: [], data: {}, checked: isCheck(env, task), handler, durationMs: Date.now() - started,
    msg: timeoutMessage(limit, 'it was still running; what it did is rolled back with the host'),
  }));
  if (r.status === 'failed' && Date.now() >= deadline && !r.msg?.startsWith('timed out')) r.msg = timeoutMessage(limit, r.msg);
  return r;
}

async function runTaskNow(env: TaskEnv, task: Task, state: HostState, handler: boolean): Promise<TaskResult> {
  const started = Date.now();
  const base: TaskResult = { host: state.name, task, status: 'ok', changes: [], warnings: [], data: {}, checked: isCheck(env, task), handler, durationMs: 0 };
  let result: TaskResult;
  try {
    await factsBeforeRender(env, task, state);
    const vars = env.vars(state, task);
    task = resolveTaskKeywords(task, vars);
    base.task = task;
    base.checked = isCheck(env, task);
    if (task.loop === undefined) {
      result = (await whenHolds(task, vars)) ? await runUntil(env, task, state, vars, base) : skipped(base, task);
    } else {
      result = await runLoop(env, task, state, vars, base);
    }
  } catch (e) {
    result = failure(base, e, task);
  }
  result.durationMs = Date.now() - started;
  // Host output is data, never a template: `{{` in a command's stdout stays as it is.
  if (task.register && result.status !== 'unreachable') state.facts[task.register] = markUnsafe(registered(result));
  // In check mode too: handlers then report what they would do.
  if (result.status === 'changed') for (const n of task.notify) state.notified.add(n);
  return result;
}

async function whenHolds(task: Task, vars: Record<string, unknown>): Promise<boolean> {
  return task.when === undefined || evalCondition(task.when, vars);
}

function skipped(base: TaskResult, task: Task): TaskResult {
  return { ...base, status: 'skipped', msg: `condition is false: ${JSON.stringify(task.when)}` };
}

async function runLoop(env: TaskEnv, task: Task, state: HostState, vars: Record<string, unknown>, base: TaskResult): Promise<TaskResult> {
  const items = loopItems(task, vars, globDirs(task, env.play.dir), controllerSubdir(env.registry.get(task.module)));
  const results: TaskResult[] = [];
  for (const [index, item] of items.entries()) {
    // loop_control.pause: seconds between items (bounded: at most 10 minutes each).
    if (index > 0 && task.loopPause) await sleep(Math.min(task.loopPause, 600) * 1000);
    const scope = itemVars(task, vars, item, index, items.length);
    const label = task.loopLabel ? String(renderValue(task.loopLabel, scope)) : typeof item === 'object' ? JSON.stringify(item) : String(item);
    const r = (await whenHolds(task, scope)) ? await runUntil(env, task, state, scope, { ...base }) : skipped({ ...base }, task);
    r.label = label;
    results.push(r);
    if (r.status === 'failed' || r.status === 'unreachable') break;
  }
  const worst = (['unreachable', 'failed', 'changed', 'unknown', 'ok'] as Status[]).find((s) => results.some((r) => r.status === s));
  const status: Status = worst ?? 'skipped';
  return {
    ...base,
    status: results.length && results.every((r) => r.status === 'skipped') ? 'skipped' : status,
    changes: results.flatMap((r) => r.changes),
    warnings: results.flatMap((r) => r.warnings),
    items: results,
    msg: results.find((r) => r.status === 'failed' || r.status === 'unreachable')?.msg ?? (results.length ? undefined : 'no items'),
    data: { results: results.map(registered) },
    error: results.find((r) => r.error)?.error,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `until`: the task again, `delay` seconds apart, until the condition holds (Ansible: retries + 1 attempts, default 3 retries). */
async function runUntil(env: TaskEnv, task: Task, state: HostState, vars: Record<string, unknown>, base: TaskResult): Promise<TaskResult> {
  if (task.until === undefined) return runOnce(env, task, state, vars, base);
  const attempts = task.retries === undefined ? 3 : task.retries <= 0 ? 1 : task.retries + 1;
  let r: TaskResult = base;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    r = await runOnce(env, task, state, vars, { ...base });
    r.data = { ...r.data, attempts: attempt };
    if (r.status === 'unreachable') return r;
    const scope = { ...vars, ...(task.register ? { [task.register]: registered(r) } : {}) };
    if (r.status !== 'failed' && evalCondition(task.until, scope)) return r;
    if (attempt < attempts) {
      env.log(state.name, `${task.name}: retrying (${attempts - attempt} retries left)`);
      // Bounded: at most 10 minutes between attempts.
      await sleep(Math.min(task.delay ?? 5, 600) * 1000);
    }
  }
  return { ...r, status: 'failed', msg: r.status === 'failed' ? r.msg : `until did not hold after ${attempts} attempts: ${JSON.stringify(task.until)}` };
}

async function runOnce(env: TaskEnv, task: Task, state: HostState, vars: Record<string, unknown>, base: TaskResult): Promise<TaskResult> {
  const def = env.registry.get(task.module)!;
  const params = renderParams(task, def, vars);
  const check = base.checked;
  // delegate_to: the task runs on (and changes) another host, with this host's variables.
  const via = delegated(env, task, state, vars);
  const ctx = taskContext(env, task, state, vars, check, via ? env.transport(via) : undefined);
  // Facts are gathered ahead only for a task run once on its own host; loop items gather their own.
  const ahead = !base.handler && task.loop === undefined && !via;
  let r: TaskResult;
  if (def.action) {
    state.epoch++;
    if (via) via.epoch++;
    const a = await def.action(ctx, params);
    r = { ...base, status: a.failed ? 'failed' : a.changed ? 'changed' : 'ok', msg: a.msg, data: { ...a.data, ...(a.msg !== undefined ? { msg: a.msg } : {}) } };
    // delegate_facts: the facts belong to the host the task was delegated to.
    if (a.facts && !a.failed) Object.assign((task.delegateFacts && via ? via : state).facts, a.facts);
    if (a.ansibleFacts && !a.failed) {
      const owner = task.delegateFacts && via ? via : state;
      owner.systemFacts = { ...owner.systemFacts, ...a.ansibleFacts };
    }
  } else {
    const planCtx = { host: state.name, vars, taskName: task.name };
    if (check && !def.supports.check) return applyOverrides(task, { ...base, status: 'unknown', msg: `${def.name} cannot predict its changes in check mode` }, vars);
    const got = await retryRead(() => factsForPlan(env, task, state, ctx, def, params, ahead), undefined, retryNote(env, state));
    let facts = got.facts;
    let plan: Plan = def.plan!(params, facts, planCtx);
    if (!check && !got.fresh && (plan.unknown || plan.changes.length)) {
      // Prefetched facts only ever prove "nothing to do": a change is planned on fresh
      // ones, gathered alone since the apply will make any others stale.
      facts = await retryRead(() => gatherNow(env, task, state, ctx, def, params, false), undefined, retryNote(env, state));
      plan = def.plan!(params, facts, planCtx);
    }
    // Without diff support a module's text diffs are not shown (its before/after values are).
    // `diff: false` on the task keeps its diffs out of the output too (a file holding secrets).
    const changes = def.supports.diff && task.diff !== false ? plan.changes : plan.changes.map(({ diff: _diff, ...c }) => c);
    r = { ...base, changes, warnings: plan.warnings ?? [], msg: plan.reason, data: def.registers ? def.registers(params, facts) : {} };
    if (check && env.options.unmanaged && def.unmanaged) declare(state, def.name, { params, facts, taskName: task.name });
    if (check) {
      // A module that repeats its work (command, shell) is `ok` only with a reason (creates/removes say so).
      const unproven = def.supports.idempotent === false && !plan.changes.length && !plan.reason;
      r.status = plan.unknown || unproven ? 'unknown' : plan.changes.length ? 'changed' : 'ok';
    } else if (plan.unknown || plan.changes.length) {
      // The host that changes holds the lock: the delegate when the task is delegated.
      await env.beforeChange?.(via ?? state, task);
      state.epoch++;
      state.justApplied = true;
      if (via) via.epoch++;
      state.journal.push({ task, def, params, snapshot: facts, plan, changes: plan.changes, via });
      const next = ahead ? await nextQuery(env, task, state) : undefined;
      const carrier = next && new FactsCarrier(env.transport(state), next.query.command, becomeOf(env, task));
      try {
        const data = (await def.apply!(carrier ? taskContext(env, task, state, vars, check, carrier) : ctx, params, plan, facts)) ?? {};
        r.data = data;
        r.status = data.failed === true || (typeof data.rc === 'number' && data.rc !== 0 && data.failed !== false) ? 'failed' : data.changed === false ? 'ok' : 'changed';
        if (r.status === 'failed') r.msg = String(data.msg ?? data.stderr ?? `exit code ${data.rc}`).trim();
        const carried = carrier?.carried();
        if (carried && r.status !== 'failed') keepCarried(state, next!, carried);
      } catch (e) {
        if (e instanceof ConnectError) throw e;
        r = failure(r, e, task);
        if (e instanceof RbError && 'code' in e) r.data = { rc: (e as any).code, stdout: (e as any).stdout, stderr: (e as any).stderr };
      }
    } else {
      r.status = 'ok';
      state.justApplied = false;
    }
  }
  return applyOverrides(task, r, vars);
}

/** The host a delegate_to names (undefined: the task's own host). */
function delegated(env: TaskEnv, task: Task, state: HostState, vars: Record<string, unknown>): HostState | undefined {
  if (task.delegateTo === undefined) return undefined;
  const name = String(renderValue(task.delegateTo, vars)).trim();
  if (!name || name === state.name) return undefined;
  if (!env.delegate) throw new ConfigError([{ message: 'delegate_to is not available here', loc: task.locate('delegate_to'), path: `${task.path}.delegate_to` }]);
  return env.delegate(name);
}

/** Says that a read is being retried, and why. */
function retryNote(env: TaskEnv, state: HostState) {
  return (e: Error, attempt: number, delayMs: number) => env.log(state.name, `${e.message.replace(`${state.name}: `, '')} while reading facts: reading them again in ${delayMs / 1000} s (retry ${attempt})`);
}

/** changed_when / failed_when, evaluated with the result registered under its name. */
function applyOverrides(task: Task, r: TaskResult, vars: Record<string, unknown>): TaskResult {
  if (task.changedWhen === undefined && task.failedWhen === undefined) return r;
  if (r.status === 'unreachable') return r;
  const scope = { ...vars, ...(task.register ? { [task.register]: registered(r) } : {}), result: registered(r) };
  if (task.failedWhen !== undefined && !r.checked) {
    const failed = evalCondition(task.failedWhen, scope);
    if (failed && r.status !== 'failed') r = { ...r, status: 'failed', msg: `failed_when is true: ${JSON.stringify(task.failedWhen)}` };
    if (!failed && r.status === 'failed') r = { ...r, status: 'changed', error: undefined };
  }
  if (task.changedWhen !== undefined && r.status !== 'failed' && r.status !== 'skipped') {
    const changed = evalCondition(task.changedWhen, scope);
    if (!changed) r = { ...r, status: 'ok' };
    else if (r.status === 'ok' || r.status === 'unknown') r = { ...r, status: 'changed' };
  }
  return r;
}

export function failure(base: TaskResult, e: unknown, task: Task): TaskResult {
  if (e instanceof ConnectError) return { ...base, status: 'unreachable', msg: e.message, error: e };
  let msg: string;
  if (e instanceof ConfigError) msg = e.message;
  else if (e instanceof RbError) msg = `${e.message} (${formatLocation(task.loc)})`;
  else msg = `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
  return { ...base, status: 'failed', msg, error: e instanceof Error ? e : new Error(String(e)) };
}

/** The value `register:` stores, Ansible's shape. */
export function registered(r: TaskResult): Record<string, unknown> {
  return {
    ...r.data,
    changed: r.status === 'changed',
    failed: r.status === 'failed' || r.status === 'unreachable',
    skipped: r.status === 'skipped',
    ...(r.status === 'unreachable' ? { unreachable: true } : {}),
    ...(r.msg !== undefined && r.data.msg === undefined ? { msg: r.msg } : {}),
    changes: r.changes.map((c) => ({ kind: c.kind, resource: c.resource, field: c.field, before: c.secret ? MASK : c.before, after: c.secret ? MASK : c.after })),
  };
}
