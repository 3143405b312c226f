// A task's time limit (`timeout:` on the task, else the module's default):
// every command the task runs on the host is bounded by what is left of it
// (the host's `timeout` kills a command that hangs), and the controller stops
// waiting at the limit in any case.

import type { Task } from '../playbook/types.js';
import type { ModuleRegistry } from '../module.js';
import type { ExecOptions, ExecResult, Transport } from '../transport/types.js';

/** How long after the limit the controller still waits for the task to wind down (its commands were killed). */
export const WIND_DOWN_MS = 5000;

export interface TaskLimit {
  seconds: number;
  /** Where it comes from, for the message: `timeout: 5` or `the default of module command`. */
  source: string;
}

export function taskLimit(task: Task, registry: ModuleRegistry): TaskLimit | undefined {
  if (task.timeout !== undefined) return { seconds: task.timeout, source: `timeout: ${task.timeout}` };
  if (task.meta) return undefined;
  const def = registry.has(task.module) ? registry.get(task.module) : undefined;
  return def?.timeout ? { seconds: def.timeout, source: `the ${task.module} module's default` } : undefined;
}

export function timeoutMessage(limit: TaskLimit, detail?: string): string {
  return `timed out after ${limit.seconds} s (${limit.source})${detail ? `: ${detail}` : ''}`;
}

/** A transport whose commands and file transfers end by `deadline` (ms since epoch). */
export class DeadlineTransport implements Transport {
  constructor(private readonly inner: Transport, private readonly deadline: number) {}

  get host(): string {
    return this.inner.host;
  }
  get stats() {
    return this.inner.stats;
  }
  private left(): number {
    return this.deadline - Date.now();
  }
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const left = this.left();
    if (left <= 0) return { code: 124, stdout: '', stderr: 'rb: the task is out of time: command not run', durationMs: 0 };
    return this.inner.exec(command, { ...opts, timeoutMs: Math.max(1, Math.min(opts.timeoutMs ?? Infinity, left)) });
  }
  put(path: string, data: string | Buffer, mode?: number): Promise<void> {
    return this.bounded(`writing ${path}`, () => this.inner.put(path, data, mode));
  }
  get(path: string): Promise<Buffer | null> {
    return this.bounded(`reading ${path}`, () => this.inner.get(path));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  private async bounded<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const left = this.left();
    if (left <= 0) throw new TaskTimeout(`the task is out of time before ${what}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([fn(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TaskTimeout(`still ${what} at the limit`)), left)))]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export class TaskTimeout extends Error {}

/**
 * Run `work` against the limit. At the limit the result is `onTimeout()` unless
 * `work` ends within WIND_DOWN_MS more (its commands were killed at the limit,
 * so it normally does, and its own account of what it left is kept).
 */
export async function withLimit<T>(limitMs: number, work: Promise<T>, onTimeout: () => T): Promise<T> {
  work.catch(() => undefined); // a late failure after the limit is already reported as the timeout
  let timer: NodeJS.Timeout | undefined;
  const expired = Symbol('expired');
  const first = await Promise.race([work, new Promise<typeof expired>((r) => (timer = setTimeout(() => r(expired), limitMs)))]);
  clearTimeout(timer);
  if (first !== expired) return first as T;
  const late = await Promise.race([work, new Promise<typeof expired>((r) => (timer = setTimeout(() => r(expired), WIND_DOWN_MS)))]);
  clearTimeout(timer);
  return late === expired ? onTimeout() : (late as T);
}
