// Line output for logs and CI: Ansible's shape, one line per host result.

import type { Reporter, RollbackReport, RunOptions, RunSummary, TaskResult } from '../engine/types.js';
import type { Play, Task } from '../playbook/types.js';
import { diffLines, statusWord } from './format.js';
import { indented, oneLine } from './escape.js';

type Write = (s: string) => void;

export class PlainReporter implements Reporter {
  constructor(private readonly options: Pick<RunOptions, 'diff' | 'verbose'>, private readonly write: Write = (s) => process.stdout.write(s)) {}

  private line(s: string): void {
    this.write(`${s}\n`);
  }
  private banner(s: string): void {
    this.line(`\n${s} ${'*'.repeat(Math.max(3, 72 - s.length))}`);
  }
  playStart(play: Play, hosts: string[]): void {
    this.banner(`PLAY [${oneLine(play.name)}]`);
    if (!hosts.length) this.line('skipping: no hosts matched');
  }
  taskStart(task: Task, _hosts: string[], handler: boolean): void {
    this.banner(`${handler ? 'RUNNING HANDLER' : 'TASK'} [${oneLine(task.name)}]`);
  }
  hostResult(r: TaskResult): void {
    const items = r.items?.length ? r.items : [r];
    for (const it of items) {
      const label = it.label !== undefined ? ` => (item=${oneLine(it.label)})` : '';
      const msg = it.msg && (it.status !== 'ok' || this.options.verbose > 0) && !r.task.noLog ? ` ${it.msg}` : '';
      this.line(`${statusWord(it)}: [${oneLine(r.host)}]${label}${msg ? ` —${indented(msg, '    ')}` : ''}`);
      for (const w of it.warnings) this.line(`  [WARNING] ${indented(w, '    ')}`);
      if ((this.options.diff || this.options.verbose > 0) && it.changes.length) for (const l of diffLines(it)) this.line(`  ${indented(l, '    ')}`);
      if (this.options.verbose > 1) for (const c of it.changes) for (const cmd of c.commands ?? []) this.line(`    $ ${r.task.noLog || c.secret ? '(hidden)' : indented(cmd, '      ')}`);
      if (this.options.verbose > 0 && it.data.msg !== undefined && it.task.module === 'debug') this.line(`  ${JSON.stringify(it.data.msg)}`);
    }
    if (r.task.module === 'debug' && this.options.verbose === 0 && r.data.msg !== undefined) this.line(`  ${indented(typeof r.data.msg === 'string' ? r.data.msg : JSON.stringify(r.data.msg, null, 2))}`);
  }
  taskEnd(): void {}
  rollback(rb: RollbackReport): void {
    this.line(`ROLLBACK [${oneLine(rb.host)}] after: ${indented(rb.cause, '    ')}`);
    for (const u of rb.undone) this.line(`  ${u.ok ? 'restored' : 'FAILED to restore'}: ${oneLine(u.task)} (${u.module})${u.error ? ` — ${indented(u.error, '    ')}` : ''}`);
    for (const n of rb.notRollbackable) this.line(`  not restored: ${indented(n, '    ')}`);
  }
  warn(message: string): void {
    this.line(`[WARNING] ${indented(message)}`);
  }
  runEnd(summary: RunSummary): void {
    this.banner(`PLAY RECAP${summary.check ? ' (check mode)' : ''}`);
    const names = Object.keys(summary.stats);
    const w = Math.max(10, ...names.map((n) => n.length));
    for (const n of names) {
      const s = summary.stats[n];
      this.line(`${oneLine(n).padEnd(w)} : ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failed} skipped=${s.skipped} unknown=${s.unknown} ignored=${s.ignored}`);
    }
    this.line(`\n${(summary.durationMs / 1000).toFixed(2)} s`);
  }
}
