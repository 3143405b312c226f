// --report-json: machine-readable results; secrets masked.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatLocation } from '../errors.js';
import type { RunSummary, TaskResult } from '../engine/types.js';
import { reportChange } from './format.js';

export interface JsonReport {
  check: boolean;
  durationMs: number;
  hosts: Record<string, { ok: number; changed: number; failed: number; skipped: number; unreachable: number; unknown: number }>;
  tasks: Array<{
    host: string;
    task: string;
    module: string;
    at: string;
    handler: boolean;
    status: string;
    msg?: string;
    durationMs: number;
    changes: ReturnType<typeof reportChange>[];
  }>;
  rollbacks: RunSummary['rollbacks'];
  /** Remote execs and bytes per connected host. */
  transport: NonNullable<RunSummary['transport']>;
}

export function jsonReport(summary: RunSummary): JsonReport {
  return {
    check: summary.check,
    durationMs: summary.durationMs,
    hosts: Object.fromEntries(
      Object.entries(summary.stats).map(([h, s]) => [h, { ok: s.ok, changed: s.changed, failed: s.failed + s.ignored, skipped: s.skipped, unreachable: s.unreachable, unknown: s.unknown }]),
    ),
    tasks: summary.results.map(taskEntry),
    rollbacks: summary.rollbacks.map((r) => ({ ...r, undone: r.undone.map((u) => ({ ...u, changes: u.changes.map((c) => reportChange(c, false)) as never })) })),
    transport: summary.transport ?? {},
  };
}

function taskEntry(r: TaskResult): JsonReport['tasks'][number] {
  return {
    host: r.host,
    task: r.task.name,
    module: r.task.module,
    at: formatLocation(r.task.loc),
    handler: r.handler,
    status: r.status,
    msg: r.task.noLog ? undefined : r.msg,
    durationMs: r.durationMs,
    changes: r.changes.map((c) => reportChange(c, r.task.noLog)),
  };
}

export async function writeJsonReport(file: string, summary: RunSummary): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(jsonReport(summary), null, 2) + '\n');
}
