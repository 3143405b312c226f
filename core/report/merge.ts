// rb report merge: the JSON reports of the shards of one run (--shard K/N on
// several controllers or CI jobs) as one report, with one exit code. A shard
// whose report is missing, a shard given twice, a host in two shards or
// reports of different commands are errors: a merged report never looks
// greener than the estate.

import { configError, ConfigError, type ConfigProblem } from '../errors.js';
import { isPlainObject } from '../schema/validate.js';
import type { JsonReport } from './json.js';
import { brokenHosts } from './prometheus.js';

export interface ReportInput {
  file: string;
  report: JsonReport;
}

/** A parsed file that has the shape of an rb JSON report, or a problem naming the file. */
export function asReport(file: string, value: unknown): JsonReport {
  const ok =
    isPlainObject(value) && typeof value.rbVersion === 'string' && isPlainObject(value.hosts) && Array.isArray(value.tasks) && isPlainObject(value.summary) && typeof value.check === 'boolean';
  if (!ok) throw configError(`${file}: not an rb JSON report (--report-json)`);
  return value as unknown as JsonReport;
}

export function mergeReports(inputs: readonly ReportInput[]): JsonReport {
  if (!inputs.length) throw configError('rb report merge: give the JSON reports of the shards');
  const problems: ConfigProblem[] = [];
  const first = inputs[0].report;
  const modeOf = (r: JsonReport) => r.mode ?? (r.check ? 'check' : 'run');
  for (const { file, report } of inputs.slice(1)) {
    if (modeOf(report) !== modeOf(first) || report.check !== first.check) {
      problems.push({ message: `${file}: a report of rb ${modeOf(report)}, but ${inputs[0].file} is of rb ${modeOf(first)}` });
    }
  }
  problems.push(...shardProblems(inputs));
  const owner = new Map<string, string>();
  for (const { file, report } of inputs) {
    for (const h of Object.keys(report.hosts)) {
      const other = owner.get(h);
      if (other !== undefined) problems.push({ message: `host ${h} is in two reports: ${other} and ${file} (overlapping shards or the same report twice)` });
      else owner.set(h, file);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return combine(inputs.map((i) => i.report), modeOf(first));
}

function shardProblems(inputs: readonly ReportInput[]): ConfigProblem[] {
  const sharded = inputs.filter((i) => i.report.shard !== undefined);
  if (!sharded.length) return [];
  const problems: ConfigProblem[] = [];
  for (const i of inputs) if (i.report.shard === undefined) problems.push({ message: `${i.file}: not a shard's report (no --shard), but others are` });
  const counts = new Set(sharded.map((i) => i.report.shard!.split('/')[1]));
  if (counts.size > 1) return [...problems, { message: `the reports split the estate differently: ${[...counts].map((n) => `N=${n}`).join(', ')}` }];
  const n = Number([...counts][0]);
  const seen = new Map<number, string>();
  for (const i of sharded) {
    const k = Number(i.report.shard!.split('/')[0]);
    if (seen.has(k)) problems.push({ message: `shard ${k}/${n} given twice: ${seen.get(k)} and ${i.file}` });
    else seen.set(k, i.file);
  }
  for (let k = 1; k <= n; k++) if (!seen.has(k)) problems.push({ message: `shard ${k}/${n} is missing: no report of it was given (did that job run?)` });
  return problems;
}

function combine(reports: JsonReport[], mode: NonNullable<JsonReport['mode']>): JsonReport {
  const starts = reports.map((r) => (r.startedAt ? Date.parse(r.startedAt) : NaN));
  const known = starts.every((t) => !Number.isNaN(t));
  const start = known ? Math.min(...starts) : undefined;
  const end = known ? Math.max(...reports.map((r, i) => starts[i] + r.durationMs)) : undefined;
  const unmanaged = Object.assign({}, ...reports.map((r) => r.unmanaged ?? {})) as Record<string, string[]>;
  const changes = Object.assign({}, ...reports.map((r) => r.summary.changes)) as Record<string, number>;
  return {
    drift: reports.some((r) => r.drift),
    mode,
    runIds: reports.map((r) => r.runId ?? ''),
    rbVersion: [...new Set(reports.map((r) => r.rbVersion))].join(', '),
    ...(start !== undefined ? { startedAt: new Date(start).toISOString() } : {}),
    summary: {
      hostsChecked: reports.reduce((n, r) => n + r.summary.hostsChecked, 0),
      hostsDrifted: reports.reduce((n, r) => n + r.summary.hostsDrifted, 0),
      changes,
    },
    check: reports[0].check,
    ...(reports.some((r) => r.interrupted) ? { interrupted: reports.find((r) => r.interrupted)!.interrupted } : {}),
    ...(reports.some((r) => r.unmanaged) ? { unmanaged } : {}),
    durationMs: start !== undefined && end !== undefined ? end - start : Math.max(...reports.map((r) => r.durationMs)),
    hosts: Object.assign({}, ...reports.map((r) => r.hosts)) as JsonReport['hosts'],
    tasks: reports.flatMap((r) => r.tasks),
    rollbacks: reports.flatMap((r) => r.rollbacks ?? []),
    transport: Object.assign({}, ...reports.map((r) => r.transport ?? {})) as JsonReport['transport'],
  };
}

/** The exit code the run would have had: run/check 0 or 3; drift 0, 2 (drift) or 1 (a host failed); 130/143 interrupted. */
export function reportExitCode(r: JsonReport): number {
  if (r.interrupted) return r.interrupted === 'SIGTERM' ? 143 : 130;
  const broken = brokenHosts(r).length > 0;
  if ((r.mode ?? (r.check ? 'check' : 'run')) === 'drift') return broken ? 1 : r.drift ? 2 : 0;
  return broken ? 3 : 0;
}
