// Every real run leaves its record in the journal on the controller — what
// changed, what was rolled back, which handlers never ran — so `rb runs` and
// the next run can say exactly what happened.

import { controllerIdentity, writeJournal, type JournalHost, type JournalRecord } from '../engine/journal.js';
import type { RunSummary } from '../engine/types.js';
import { jsonReport, type JsonReport } from '../report/json.js';
import { version } from './version.js';

export function journalRecord(summary: RunSummary, playbooks: string[], inventories: string[] = []): JournalRecord {
  const hosts: Record<string, JournalHost> = {};
  const rolledBack = new Set(summary.rollbacks.map((r) => r.host));
  const names = new Set([...Object.keys(summary.stats), ...Object.keys(summary.pending ?? {})]);
  for (const h of names) {
    const st = summary.stats[h];
    hosts[h] = {
      changed: st?.changed ?? 0,
      failed: (st?.failed ?? 0) > 0,
      unreachable: (st?.unreachable ?? 0) > 0,
      rolledBack: rolledBack.has(h),
      pendingHandlers: summary.pending?.[h] ?? [],
      ...(summary.undo?.[h] ? { undo: summary.undo[h] } : {}),
      ...(summary.locks?.[h] ? { lock: summary.locks[h] } : {}),
    };
  }
  return {
    runId: summary.runId ?? '',
    rbVersion: version(),
    startedAt: summary.startedAt ?? new Date(Date.now() - summary.durationMs).toISOString(),
    finishedAt: new Date().toISOString(),
    ...controllerIdentity(),
    playbooks,
    inventories,
    check: summary.check,
    ...(summary.interrupted ? { interrupted: summary.interrupted } : {}),
    hosts,
    report: jsonReport(summary),
  };
}

export async function saveRunRecord(summary: RunSummary, playbooks: string[], inventories: string[] = []): Promise<string> {
  return writeJournal(journalRecord(summary, playbooks, inventories));
}

/** The last lines of `rb drift`: one per drifted host, for a cron mail or a log grep. */
export function driftLines(report: JsonReport): string[] {
  return Object.entries(report.summary.changes)
    .filter(([, n]) => n > 0)
    .map(([h, n]) => {
      const tasks = [...new Set(report.tasks.filter((r) => r.host === h && r.status === 'changed' && !r.handler).map((r) => r.task))];
      return `DRIFT ${h}: ${n} change${n === 1 ? '' : 's'} (${tasks.join('; ')})`;
    });
}
