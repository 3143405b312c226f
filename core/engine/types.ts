// What the engine produces: one result per task per host, and the run summary.

import type { Change } from '../module.js';
import type { Play, Task } from '../playbook/types.js';
import type { TransportStats } from '../transport/types.js';
import type { PendingHandlers } from './journal.js';

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unknown' | 'unreachable';

export interface TaskResult {
  host: string;
  task: Task;
  status: Status;
  changes: Change[];
  /** No-op reason, skip reason or failure message. */
  msg?: string;
  warnings: string[];
  /** Values for `register` (rc, stdout, ...). */
  data: Record<string, unknown>;
  /** Per-item results of a loop. */
  items?: TaskResult[];
  /** Loop item label. */
  label?: string;
  /** Whether the task ran as a check (run in --check, or check_mode: true). */
  checked: boolean;
  handler: boolean;
  durationMs: number;
  error?: Error;
  /** A failure inside a block that its rescue section handled. */
  rescued?: boolean;
  /** An unreachable result under ignore_unreachable: counted as ignored, the host goes on. */
  ignored?: boolean;
}

export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  unknown: number;
  rescued: number;
  ignored: number;
}

export interface RollbackReport {
  host: string;
  /** Task whose failure triggered the rollback. */
  cause: string;
  undone: Array<{ task: string; module: string; ok: boolean; error?: string; changes: Change[] }>;
  notRollbackable: string[];
}

export interface RunSummary {
  stats: Record<string, HostStats>;
  results: TaskResult[];
  rollbacks: RollbackReport[];
  check: boolean;
  durationMs: number;
  /** Per host that was connected: remote execs and bytes moved (benchmarks and -v read them). */
  transport?: Record<string, TransportStats>;
  runId?: string;
  startedAt?: string;
  /** Per host: handlers notified and never run (the run failed, stopped or lost the host). */
  pending?: Record<string, PendingHandlers[]>;
  /** The signal that stopped the run early. */
  interrupted?: string;
  /** rb drift --unmanaged: per host, state no task declares (one line each). */
  unmanaged?: Record<string, string[]>;
  /** Per host: what `rb rollback RUN` needs to undo the run's changes (undo.ts). */
  undo?: Record<string, import('./undo.js').UndoEntry[]>;
  /** Per host: the lock the run took (rb_lock_path, become), so `rb rollback RUN` takes the same one. */
  locks?: Record<string, import('./host-locks.js').HostLockUse>;
  /** --shard K/N of this run. */
  shard?: import('./shard.js').Shard;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: Record<string, unknown>;
  forks: number;
  startAtTask?: string;
  rollback: boolean;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  timeoutMs?: number;
  verbose: number;
  /** -u / ansible.cfg remote_user: below the play's remote_user and the host's ansible_user. */
  remoteUser?: string;
  /** -b / ansible.cfg become: below the play's and the task's become. */
  become?: boolean;
  /** Connection variables from the CLI and ansible.cfg (--private-key, --become-user...), below every inventory variable. */
  connectionDefaults?: Record<string, unknown>;
  /** Where roles are looked for after roles/ beside the playbook (ansible.cfg roles_path). */
  rolesPath?: string[];
  /** ansible.cfg `gathering`: whether plays without gather_facts gather (implicit, the default). */
  gathering?: 'implicit' | 'explicit' | 'smart';
  /** Identifies the run in the journal, host locks and reports. */
  runId?: string;
  /** --force-handlers: every play behaves as if it said `force_handlers: true`. */
  forceHandlers?: boolean;
  /** Handlers earlier runs left pending, per host: fired first in the play they belong to. */
  owed?: Map<string, PendingHandlers[]>;
  /** How long to wait for another run's lock on a host (default 5 s). */
  lockTimeoutMs?: number;
  /** rb drift --unmanaged: modules report state on the host that no task declares. */
  unmanaged?: boolean;
  /** Set by a signal handler: no new task starts. */
  stop?: { signal?: string };
  /** --shard K/N: run only this controller's part of the selected hosts (shard.ts). */
  shard?: import('./shard.js').Shard;
}

export interface Reporter {
  playStart(play: Play, hosts: string[]): void;
  taskStart(task: Task, hosts: string[], handler: boolean): void;
  hostResult(result: TaskResult): void;
  taskEnd(task: Task): void | Promise<void>;
  rollback(report: RollbackReport): void;
  warn(message: string): void;
  runEnd(summary: RunSummary): void | Promise<void>;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, unknown: 0, rescued: 0, ignored: 0 };
}
