// --report-json: machine-readable results; secrets masked.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatLocation } from '../errors.js';
import type { RunSummary, TaskResult } from '../engine/types.js';
import { version } from '../cli/version.js';
import { reportChange } from './format.js';

export type RunMode = 'run' | 'check' | 'drift';

export interface JsonReport {
  /** A check found changes to make (rb drift's exit 2). */
  drift: boolean;
  /** The command that made the report. */
  mode?: RunMode;
  /** `--shard K/N` of the run ("2/4"). */
  shard?: string;
  /** rb report merge: the runs merged, in input order. */
  runIds?: string[];
  runId?: string;
  rbVersion: string;
  startedAt?: string;
  summary: DriftSummary;
  check: boolean;
  /** The signal that stopped the run early. */
  interrupted?: string;
  /** rb drift --unmanaged: per host, state no task declares. */
  unmanaged?: Record<string, string[]>;
  durationMs: number;
  /** `failed` counts ignored failures too; `ignored` says how many of them were. */
  hosts: Record<string, { ok: number; changed: number; failed: number; ignored?: number; skipped: number; unreachable: number; unknown: number }>;
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

export interface DriftSummary {
  hostsChecked: number;
  hostsDrifted: number;
  /** Per host: how many changes a check found (or a run made). */
  changes: Record<string, number>;
}

/** Hosts and their changes: drift when the run was a check. */
export function driftSummary(summary: RunSummary): DriftSummary {
  const changes: Record<string, number> = {};
  for (const h of Object.keys(summary.stats)) changes[h] = 0;
  for (const r of summary.results) if (r.status === 'changed' && !r.handler) changes[r.host] = (changes[r.host] ?? 0) + Math.max(1, r.changes.length);
  const drifted = summary.check ? Object.values(changes).filter((n) => n > 0).length : 0;
  return { hostsChecked: Object.keys(summary.stats).length, hostsDrifted: drifted, changes };
}

export function jsonReport(summary: RunSummary, mode?: RunMode): JsonReport {
  const drift = driftSummary(summary);
  return {
    drift: drift.hostsDrifted > 0 || Object.keys(summary.unmanaged ?? {}).length > 0,
    ...(mode ? { mode } : {}),
    ...(summary.shard ? { shard: `${summary.shard.index}/${summary.shard.count}` } : {}),
    runId: summary.runId,
    rbVersion: version(),
    startedAt: summary.startedAt,
    summary: drift,
    check: summary.check,
    ...(summary.interrupted ? { interrupted: summary.interrupted } : {}),
    ...(summary.unmanaged ? { unmanaged: summary.unmanaged } : {}),
    durationMs: summary.durationMs,
    hosts: Object.fromEntries(
      Object.entries(summary.stats).map(([h, s]) => [h, { ok: s.ok, changed: s.changed, failed: s.failed + s.ignored, ignored: s.ignored, skipped: s.skipped, unreachable: s.unreachable, unknown: s.unknown }]),
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

export async function writeJsonReport(file: string, report: JsonReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
}
