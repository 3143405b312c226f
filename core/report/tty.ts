// Live progress on a terminal: one listr2 list per task, a line per host that
// turns into its result. The recap and diffs are printed like the plain output.

import { Listr } from 'listr2';
import type { Reporter, RollbackReport, RunOptions, RunSummary, TaskResult } from '../engine/types.js';
import type { Play, Task } from '../playbook/types.js';
import { diffLines, statusWord } from './format.js';
import { PlainReporter } from './plain.js';
import { indented, oneLine } from './escape.js';

interface Pending {
  resolve(r: TaskResult): void;
  promise: Promise<TaskResult>;
}

export class TtyReporter implements Reporter {
  private readonly plain: PlainReporter;
  private running?: Promise<void>;
  private pending = new Map<string, Pending>();

  constructor(private readonly options: Pick<RunOptions, 'diff' | 'verbose'>) {
    this.plain = new PlainReporter(options);
  }

  playStart(play: Play, hosts: string[]): void {
    this.plain.playStart(play, hosts);
  }

  taskStart(task: Task, hosts: string[], handler: boolean): void {
    this.pending = new Map(hosts.map((h) => {
      let resolve!: (r: TaskResult) => void;
      const promise = new Promise<TaskResult>((r) => (resolve = r));
      return [h, { resolve, promise }];
    }));
    const list = new Listr(
      [{
        title: `${handler ? 'HANDLER' : 'TASK'} ${oneLine(task.name)}`,
        task: (_ctx, t) => t.newListr(hosts.map((h) => ({
          title: oneLine(h),
          task: async (_c, sub) => {
            const r = await this.pending.get(h)!.promise;
            sub.title = `${oneLine(h)}: ${statusWord(r)}${r.msg && r.status !== 'ok' && !task.noLog ? ` — ${oneLine(r.msg.split('\n')[0])}` : ''}`;
            const details = this.options.diff ? diffLines(r) : [];
            if (details.length) sub.output = details.map((l) => indented(l, '  ')).join('\n');
            if (r.status === 'failed' || r.status === 'unreachable') throw new Error(sub.title);
          },
        })), { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false, persistentOutput: true } as never }),
      }],
      { exitOnError: false, rendererOptions: { collapseSubtasks: false, collapseErrors: false } as never },
    );
    this.running = list.run().catch(() => undefined);
  }

  hostResult(r: TaskResult): void {
    const p = this.pending.get(r.host);
    if (p) p.resolve(r);
    else this.plain.hostResult(r); // rollback handlers arrive outside a task list
  }

  async taskEnd(): Promise<void> {
    await this.running;
    this.running = undefined;
  }

  rollback(report: RollbackReport): void {
    this.plain.rollback(report);
  }

  warn(message: string): void {
    this.plain.warn(message);
  }

  runEnd(summary: RunSummary): void {
    this.plain.runEnd(summary);
  }
}
