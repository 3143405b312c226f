// One play: hosts → batches (serial) → each task on every host of the batch in
// parallel (bounded by forks) → handlers at the end of the batch. A failed
// host is rolled back and leaves the play; the others go on.

import type { Play, Task } from '../playbook/types.js';
import { HIDDEN } from '../report/redact.js';
import { batches } from './batches.js';
import type { HostState } from './host-state.js';
import { mapLimit } from './limit.js';
import { parkNotified, takeOwed } from './pending.js';
import { rollbackHost } from './rollback.js';
import { runRollout } from './rollout/run.js';
import { selectedByTags } from './tags.js';
import { runTask, type TaskEnv } from './task-runner.js';
import type { Reporter, RunOptions, TaskResult } from './types.js';

export interface PlayRun {
  env: TaskEnv;
  options: RunOptions;
  reporter: Reporter;
  states: Map<string, HostState>;
  results: TaskResult[];
  onRollback(r: import('./types.js').RollbackReport): void;
  /** Shared across plays for --start-at-task. */
  startAt: { pending?: string };
}

export async function runPlay(run: PlayRun, play: Play, hosts: string[]): Promise<void> {
  run.reporter.playStart(play, hosts);
  if (play.rollout) return runRollout(run, play, play.rollout, hosts);
  for (const batch of batches(hosts, play.serial)) {
    const aborted = await runBatch(run, play, batch);
    if (aborted) break;
  }
}

export async function runBatch(playRun: PlayRun, play: Play, batch: string[]): Promise<boolean> {
  const states = batch.map((h) => playRun.states.get(h)!);
  // Handlers an earlier run left pending run first.
  const owed = takeOwed(play, states);
  if (owed.length) {
    for (const line of owed) playRun.reporter.warn(line);
    await runHandlers(playRun, play, states);
  }
  try {
    return await runBatchTasks(playRun, play, states);
  } finally {
    parkNotified(play, states, playRun.options.runId ?? '');
  }
}

async function runBatchTasks(playRun: PlayRun, play: Play, states: HostState[]): Promise<boolean> {
  const selected = play.tasks.filter((t) => selectedByTags([...play.tags, ...t.tags], playRun.options.tags, playRun.options.skipTags));
  const run: PlayRun = { ...playRun, env: { ...playRun.env, following: followingIn(selected) } };
  for (const task of play.tasks) {
    if (run.startAt.pending !== undefined) {
      if (task.name !== run.startAt.pending) continue;
      run.startAt.pending = undefined;
    }
    if (!selectedByTags([...play.tags, ...task.tags], run.options.tags, run.options.skipTags)) continue;
    if (run.options.stop?.signal) return true;
    const active = states.filter((s) => s.active);
    if (!active.length) return true;
    if (task.meta) {
      if (task.meta === 'flush_handlers') await runHandlers(run, play, active);
      if (task.meta === 'end_play') return true;
      continue;
    }
    const results = await runOnHosts(run, task, active, false);
    const failed = results.filter((r) => r.status === 'failed' && !r.task.ignoreErrors);
    if (failed.length && play.anyErrorsFatal) {
      for (const s of states.filter((s) => s.active)) await failHost(run, s, `any_errors_fatal: ${task.name} failed on ${failed.map((r) => r.host).join(', ')}`);
      if (forced(run, play)) await runHandlers(run, play, states);
      return true;
    }
    if (play.maxFailPercentage !== undefined) {
      const pct = (100 * states.filter((s) => !s.active).length) / states.length;
      if (pct > play.maxFailPercentage) {
        run.reporter.warn(`max_fail_percentage ${play.maxFailPercentage}% exceeded (${pct.toFixed(0)}% of the batch failed): play aborted`);
        return true;
      }
    }
  }
  if (run.options.stop?.signal) return true;
  await runHandlers(run, play, states);
  return false;
}

/** force_handlers: notified handlers run on failed hosts too (not on unreachable ones). */
function forced(run: PlayRun, play: Play): boolean {
  return play.forceHandlers ?? run.options.forceHandlers ?? false;
}

/** The tasks after `task` in `list`, for gathering their facts ahead. */
function followingIn(list: readonly Task[]): (task: Task) => Iterable<Task> {
  const at = new Map(list.map((t, i) => [t, i]));
  return function* (task) {
    const i = at.get(task);
    if (i === undefined) return;
    for (let k = i + 1; k < list.length; k++) yield list[k];
  };
}

async function runOnHosts(run: PlayRun, task: Task, states: HostState[], handler: boolean): Promise<TaskResult[]> {
  run.reporter.taskStart(task, states.map((s) => s.name), handler);
  const results = await mapLimit(states, run.options.forks, async (s) => {
    const r = await runTask(run.env, task, s, handler);
    run.results.push(r);
    run.reporter.hostResult(r);
    if (r.status === 'unreachable') {
      s.unreachable = true;
    } else if (r.status === 'failed' && !r.task.ignoreErrors) {
      await failHost(run, s, `${task.name}: ${task.noLog ? HIDDEN : r.msg ?? 'failed'}`);
    }
    return r;
  });
  await run.reporter.taskEnd(task);
  return results;
}

export async function failHost(run: PlayRun, s: HostState, cause: string): Promise<void> {
  s.failed = true;
  if (!run.options.rollback || run.options.check || !s.journal.length) return;
  const { report, notify } = await rollbackHost(run.env, s, cause);
  run.onRollback(report);
  run.reporter.rollback(report);
  // The handlers of what was restored, so the old configuration is live again.
  s.notified.clear();
  const handlers = run.env.play.handlers.filter((h) => notify.has(h.name) || h.listen.some((l) => notify.has(l)));
  for (const h of handlers) {
    const r = await runTask(run.env, h, s, true);
    run.results.push(r);
    run.reporter.hostResult(r);
  }
}

export async function runHandlers(run: PlayRun, play: Play, states: HostState[]): Promise<void> {
  // Every handler named or listening to a notified topic runs, in definition order;
  // a handler may notify a later one.
  const force = forced(run, play);
  const eligible = states.filter((s) => s.active || (force && !s.unreachable));
  for (const h of play.handlers) {
    const names = [h.name, ...h.listen];
    const targets = eligible.filter((s) => (s.active || force) && !s.unreachable && names.some((n) => s.notified.has(n)));
    if (targets.length) await runOnHosts(run, h, targets, true);
  }
  // A host that failed (without force) keeps its notifications: they are parked for the journal.
  for (const s of eligible) if (s.active || force) s.notified.clear();
}
