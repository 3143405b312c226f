// block / rescue / always over the play's flat task list. Each task knows its
// block frames; each host keeps, per block, how it failed there. A failed task
// inside a block does not fail the host: its block's remaining tasks are
// skipped for it, the rescue section runs (with ansible_failed_task and
// ansible_failed_result), then always. When the block ends, a failure that
// was not rescued goes up to the enclosing block, or fails the host (and only
// then is the host rolled back). A rescued failure counts as `rescued`.

import type { BlockFrame, BlockNode, Task } from '../playbook/types.js';
import { markUnsafe } from '../template/index.js';
import type { HostState } from './host-state.js';
import { registered } from './task-runner.js';
import type { TaskResult } from './types.js';

type Phase = 'block' | 'rescue' | 'always';

interface BlockFailure {
  /** The section the failure happened in. */
  phase: Phase;
  result: TaskResult;
  /** The failure was in a block that has a rescue section and the rescue has not failed (yet). */
  rescuable: boolean;
}

const failures = new WeakMap<HostState, Map<number, BlockFailure>>();

function of(state: HostState): Map<number, BlockFailure> {
  let m = failures.get(state);
  if (!m) failures.set(state, (m = new Map()));
  return m;
}

/** Whether the task runs on this host given how the host fared in the task's blocks. */
export function runsInBlocks(task: Task, state: HostState): boolean {
  const m = failures.get(state);
  for (const f of task.blocks ?? []) {
    const failed = m?.get(f.block.id);
    if (f.section === 'block' && failed) return false;
    if (f.section === 'rescue' && !(failed && failed.phase === 'block')) return false;
  }
  return true;
}

/**
 * A failed (not ignored) result of a task in a block: recorded against the innermost
 * block, and the host goes on. False when the task is in no block (the host fails now).
 */
export function deferFailure(task: Task, state: HostState, result: TaskResult): boolean {
  return recordAt(task.blocks ?? [], state, result);
}

function recordAt(frames: BlockFrame[], state: HostState, result: TaskResult): boolean {
  const f = frames.at(-1);
  if (!f) return false;
  of(state).set(f.block.id, { phase: f.section, result, rescuable: f.section === 'block' && f.block.hasRescue });
  if (f.section === 'block') {
    state.facts.ansible_failed_task = markUnsafe({ name: result.task.name, action: result.task.module, path: result.task.path });
    state.facts.ansible_failed_result = markUnsafe(registered(result));
  }
  return true;
}

/**
 * The block ended (its last task is behind): a rescued failure is marked on its result;
 * another one goes to the enclosing block. Returns the failure the host must fail with, if any.
 */
export function endBlock(block: BlockNode, state: HostState): TaskResult | undefined {
  const m = failures.get(state);
  const failed = m?.get(block.id);
  if (!failed) return undefined;
  m!.delete(block.id);
  if (failed.phase === 'block' && failed.rescuable) {
    failed.result.rescued = true;
    return undefined;
  }
  return recordAt(block.frames, state, failed.result) ? undefined : failed.result;
}

/** The index of each block's first task. */
export function blockStarts(tasks: readonly Task[]): Map<BlockNode, number> {
  const first = new Map<BlockNode, number>();
  tasks.forEach((t, i) => (t.blocks ?? []).forEach((f) => {
    if (!first.has(f.block)) first.set(f.block, i);
  }));
  return first;
}

/** For each index of the list, the blocks whose last task is there, innermost first. */
export function blockEnds(tasks: readonly Task[]): Map<number, BlockNode[]> {
  const last = new Map<BlockNode, number>();
  const depth = new Map<BlockNode, number>();
  tasks.forEach((t, i) => (t.blocks ?? []).forEach((f, d) => {
    last.set(f.block, i);
    depth.set(f.block, d);
  }));
  const out = new Map<number, BlockNode[]>();
  for (const [b, i] of last) {
    const list = out.get(i) ?? [];
    list.push(b);
    out.set(i, list);
  }
  for (const list of out.values()) list.sort((a, b) => depth.get(b)! - depth.get(a)!);
  return out;
}
