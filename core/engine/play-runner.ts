// One play: hosts → batches (serial) → each task on every host of the batch in
// parallel (bounded by forks) → handlers at the end of the batch. A failed
// host is rolled back and leaves the play; the others go on.

import type { BlockNode, Play, Task } from '../playbook/types.js';
import { HIDDEN } from '../report/redact.js';
import { batches } from './batches.js';
import type { HostState } from './host-state.js';
import { mapLimit } from './limit.js';
import { blockEnds, blockStarts, deferFailure, endBlock, runsInBlocks } from './blocks.js';
import { globDirs, itemVars, loopItems } from './loops.js';
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
  if (play.strategy && play.strategy !== 'linear') run.reporter.warn(`strategy ${play.strategy}: rb runs the play's hosts in step, task by task (linear); the results are the same, only the order in time differs`);
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
  const list: TaskList = { tasks: play.tasks, ends: blockEnds(play.tasks), starts: blockStarts(play.tasks) };
  if (await runRange(run, play, list, states, 0, play.tasks.length, 0)) return true;
  if (run.options.stop?.signal) return true;
  await runHandlers(run, play, states);
  return false;
}

interface TaskList {
  tasks: readonly Task[];
  /** Per index, the blocks whose last task is there; per block, the index of its first task. */
  ends: Map<number, BlockNode[]>;
  starts: Map<BlockNode, number>;
}

/**
 * The tasks [from, to) on the batch. A run of tasks inside the same looped include
 * (at this depth) runs once per item, on the hosts that have that many items.
 */
async function runRange(run: PlayRun, play: Play, list: TaskList, states: HostState[], from: number, to: number, depth: number): Promise<boolean> {
  for (let i = from; i < to; ) {
    const frame = list.tasks[i].loopFrames?.[depth];
    if (frame) {
      let j = i + 1;
      while (j < to && list.tasks[j].loopFrames?.[depth] === frame) j++;
      if (await runLooped(run, play, list, states, frame, i, j, depth)) return true;
      // Blocks that began before the include and end with its last task end now, once.
      await endBlocks(run, list, j - 1, states, (start) => start < i && start >= from);
      i = j;
      continue;
    }
    const stop = await runStep(run, play, list.tasks[i], states);
    await endBlocks(run, list, i, states, (start) => start >= from);
    if (stop) return true;
    i++;
  }
  return false;
}

/** Blocks whose last task is at `index` (and whose start passes `which`): unrescued failures go up, or fail their host. */
async function endBlocks(run: PlayRun, list: TaskList, index: number, states: HostState[], which: (start: number) => boolean): Promise<void> {
  for (const block of list.ends.get(index) ?? []) {
    if (!which(list.starts.get(block)!)) continue;
    for (const s of states.filter((x) => x.active)) {
      const failed = endBlock(block, s);
      if (failed) await failHost(run, s, `${failed.task.name}: ${failed.task.noLog ? HIDDEN : failed.msg ?? 'failed'}`);
    }
  }
}

/** One looped include: its items per host, then its tasks once per item (hosts in step, item by item). */
async function runLooped(run: PlayRun, play: Play, list: TaskList, states: HostState[], frame: Task, from: number, to: number, depth: number): Promise<boolean> {
  const items = new Map<HostState, unknown[]>();
  for (const s of states.filter((x) => x.active)) {
    try {
      items.set(s, loopItems(frame, run.env.vars(s, frame), globDirs(frame, play.dir)));
    } catch (e) {
      await failHost(run, s, `${frame.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const outer = new Map(states.map((s) => [s, s.loopScope]));
  const rounds = Math.max(0, ...[...items.values()].map((l) => l.length));
  try {
    for (let k = 0; k < rounds; k++) {
      const hosts = [...items].filter(([s, l]) => s.active && k < l.length).map(([s]) => s);
      if (!hosts.length) continue;
      for (const s of hosts) s.loopScope = { ...outer.get(s), ...itemVars(frame, {}, items.get(s)![k], k, items.get(s)!.length) };
      if (await runRange(run, play, list, hosts, from, to, depth + 1)) return true;
    }
  } finally {
    for (const s of states) s.loopScope = outer.get(s)!;
  }
  return false;
}

/** force_handlers: notified handlers run on failed hosts too (not on unreachable ones). */
function forced(run: PlayRun, play: Play): boolean {
  return play.forceHandlers ?? run.options.forceHandlers ?? false;
}

/** One task of the play on the batch; true when the play ends here for the batch. */
async function runStep(run: PlayRun, play: Play, task: Task, states: HostState[]): Promise<boolean> {
  if (task.roleRepeat) return false;
  if (run.startAt.pending !== undefined) {
    if (task.name !== run.startAt.pending) return false;
    run.startAt.pending = undefined;
  }
  if (!selectedByTags([...play.tags, ...task.tags], run.options.tags, run.options.skipTags)) return false;
  if (run.options.stop?.signal) return true;
  if (!states.some((s) => s.active)) return true;
  // Hosts whose block failed skip the rest of the block; rescue runs only for them.
  const active = states.filter((s) => s.active && runsInBlocks(task, s));
  if (!active.length) return false;
  if (task.meta) {
    if (task.meta === 'flush_handlers') await runHandlers(run, play, active);
    return task.meta === 'end_play';
  }
  const results = await runOnHosts(run, task, active, false);
  // A failure inside a block is the block's to rescue.
  const failed = results.filter((r) => r.status === 'failed' && !r.task.ignoreErrors && !r.task.blocks?.length);
  if (failed.length && (task.anyErrorsFatal ?? play.anyErrorsFatal)) {
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
  return false;
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
  // run_once: the first host runs it; the others get its registered result and facts.
  const targets = task.runOnce ? states.slice(0, 1) : states;
  run.reporter.taskStart(task, targets.map((s) => s.name), handler);
  const throttle = task.throttle ?? run.env.play.throttle;
  const results = await mapLimit(targets, throttle ? Math.min(throttle, run.options.forks) : run.options.forks, async (s) => {
    const r = await runTask(run.env, task, s, handler);
    run.results.push(r);
    run.reporter.hostResult(r);
    if (r.status === 'unreachable' && (task.ignoreUnreachable ?? run.env.play.ignoreUnreachable)) {
      // ignore_unreachable: the host stays in the play; its next task tries again.
      r.ignored = true;
    } else if (r.status === 'unreachable') {
      s.unreachable = true;
      // Lost mid-play: what it changed is undone if the host can be reached again, else the report says what stays.
      await failHost(run, s, `${task.name}: ${r.msg ?? 'unreachable'}`);
    } else if (r.status === 'failed' && !r.task.ignoreErrors && !deferFailure(r.task, s, r)) {
      await failHost(run, s, `${task.name}: ${task.noLog ? HIDDEN : r.msg ?? 'failed'}`);
    }
    return r;
  });
  if (task.runOnce && targets.length) shareRunOnce(task, targets[0], states.slice(1));
  await run.reporter.taskEnd(task);
  return results;
}

function shareRunOnce(task: Task, from: HostState, to: HostState[]): void {
  const keys = [...(task.register ? [task.register] : []), ...(task.module === 'set_fact' && !task.delegateFacts ? Object.keys(task.args) : [])];
  for (const s of to) for (const k of keys) if (k in from.facts) s.facts[k] = from.facts[k];
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
