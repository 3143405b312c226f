// Undo a failed host's changes of this run, newest first, then run the
// handlers of what was restored so the old configuration is live again.

import { dirname } from 'node:path';
import { HIDDEN } from '../report/redact.js';
import { ConnectError } from '../errors.js';
import { hostContext } from './context.js';
import { becomeOf, becomeUserOf, environmentOf } from './task-context.js';
import type { HostState } from './host-state.js';
import type { TaskEnv } from './task-runner.js';
import type { RollbackReport } from './types.js';

export async function rollbackHost(env: TaskEnv, state: HostState, cause: string): Promise<{ report: RollbackReport; notify: Set<string> }> {
  const report: RollbackReport = { host: state.name, cause, undone: [], notRollbackable: [] };
  const notify = new Set<string>();
  const entries = state.journal.splice(0).reverse();
  state.epoch++;
  let unreachable: string | undefined;
  for (const e of entries) {
    if (unreachable) {
      // One failed connect says it for all: the rest are not tried (each would wait for its own timeout).
      report.undone.push({ task: e.task.name, module: e.def.name, ok: false, error: `not restored: ${unreachable}`, changes: e.changes });
      continue;
    }
    if (!e.def.supports.rollback || !e.def.rollback) {
      report.notRollbackable.push(`${e.task.name} (${e.def.name} cannot roll back)`);
      continue;
    }
    const vars = env.vars(state, e.task);
    const ctx = hostContext({
      transport: env.transport(e.via ?? state),
      vars,
      check: false,
      become: becomeOf(env, e.task),
      becomeUser: becomeUserOf(env, e.task),
      environment: environmentOf(env, e.task, vars),
      playbookDir: env.play.dir,
      taskDir: dirname(e.task.file),
      rolePath: e.task.role?.path,
      log: (m) => env.log(state.name, m),
    });
    try {
      await e.def.rollback(ctx, e.params, e.snapshot, e.plan);
      report.undone.push({ task: e.task.name, module: e.def.name, ok: true, changes: e.changes });
      for (const n of e.task.notify) notify.add(n);
    } catch (err) {
      if (err instanceof ConnectError) unreachable = `the host cannot be reached (${err.message})`;
      report.undone.push({ task: e.task.name, module: e.def.name, ok: false, error: e.task.noLog ? HIDDEN : err instanceof Error ? err.message : String(err), changes: e.changes });
    }
  }
  return { report, notify };
}
