// What every reporter, report file and the run journal see: results with
// `no_log` and `secret` honoured. The engine keeps the real values (register,
// rollback); everything that leaves it goes through here, so no output path
// can forget a case.

import type { Change } from '../module.js';
import { MASK, maskDiff, maskSecrets, registerSecret } from '../secrets.js';
import type { Reporter, RollbackReport, RunSummary, TaskResult } from '../engine/types.js';

export const HIDDEN = 'output hidden (no_log)';

function redactChange(c: Change, noLog: boolean): Change {
  // What a secret replaces on the host is secret too, wherever else it shows up.
  if (c.secret) for (const v of [c.before, c.after]) if (typeof v === 'string' && v !== MASK) registerSecret(v);
  if (!c.secret && !noLog) return { ...c, data: undefined, ...(c.diff !== undefined ? { diff: maskDiff(c.diff) } : {}) };
  // no_log: what is changed may itself be the secret (a command line, a file's content).
  const out: Change = { kind: c.kind, resource: noLog ? MASK : c.resource, field: c.field, secret: true };
  if (c.before !== undefined) out.before = MASK;
  if (c.after !== undefined) out.after = MASK;
  return out;
}

/** A result as it may be shown: no_log hides its message, data, label and values; secrets are masked everywhere. */
export function redactResult(r: TaskResult): TaskResult {
  const noLog = r.task.noLog;
  const out: TaskResult = {
    ...r,
    changes: r.changes.map((c) => redactChange(c, noLog)),
    items: r.items?.map(redactResult),
  };
  if (noLog) {
    out.msg = r.msg === undefined ? undefined : HIDDEN;
    out.warnings = r.warnings.length ? [HIDDEN] : [];
    out.label = r.label === undefined ? undefined : MASK;
    out.data = { ...(typeof r.data.rc === 'number' ? { rc: r.data.rc } : {}) };
    out.error = r.error && new Error(HIDDEN);
  }
  const { task, ...rest } = out;
  const name = maskSecrets(task.name);
  return { ...maskSecrets(rest), task: name === task.name ? task : Object.assign(Object.create(Object.getPrototypeOf(task)), task, { name }) };
}

export function redactRollback(r: RollbackReport): RollbackReport {
  return maskSecrets({ ...r, undone: r.undone.map((u) => ({ ...u, changes: u.changes.map((c) => redactChange(c, false)) })) });
}

export function redactSummary(s: RunSummary): RunSummary {
  return { ...s, results: s.results.map(redactResult), rollbacks: s.rollbacks.map(redactRollback) };
}

/** A reporter that only ever sees redacted events. */
export function redactingReporter(inner: Reporter): Reporter {
  return {
    playStart: (play, hosts) => inner.playStart(play, hosts),
    taskStart: (task, hosts, handler) => inner.taskStart(task, hosts, handler),
    hostResult: (r) => inner.hostResult(redactResult(r)),
    taskEnd: (t) => inner.taskEnd(t),
    rollback: (r) => inner.rollback(redactRollback(r)),
    warn: (m) => inner.warn(maskSecrets(m)),
    runEnd: (s) => inner.runEnd(s),
  };
}
