// --report-prometheus FILE: node_exporter textfile-collector metrics, so an
// existing Prometheus alerts on drift. Written to a temp file beside FILE and
// renamed: the collector never reads half a file.

import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { JsonReport } from './json.js';

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Hosts that failed (an ignored failure is not one) or were unreachable. */
export function brokenHosts(report: JsonReport): string[] {
  return Object.entries(report.hosts)
    .filter(([, s]) => s.failed - (s.ignored ?? 0) > 0 || s.unreachable > 0)
    .map(([h]) => h);
}

export function prometheusText(report: JsonReport, mode: string, now = Date.now()): string {
  const d = report.summary;
  const out: string[] = [];
  const metric = (name: string, help: string, type: string, rows: Array<[Record<string, string>, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of rows) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${label(x)}"`).join(',');
      out.push(`${name}${l ? `{${l}}` : ''} ${v}`);
    }
  };
  const perTask = new Map<string, [Record<string, string>, number]>();
  for (const r of report.tasks) {
    if (r.status !== 'changed' || r.handler) continue;
    const key = `${r.host}\0${r.task}`;
    const row = perTask.get(key) ?? [{ host: r.host, task: r.task }, 0];
    row[1] += Math.max(1, r.changes.length);
    perTask.set(key, row);
  }
  const check = report.check;
  metric('rb_drift_changes', 'Changes a check found to make, per host and task (0 rows: no drift).', 'gauge', check ? [...perTask.values()] : []);
  metric('rb_host_drifted', 'Whether a check found drift on the host.', 'gauge', check ? Object.entries(d.changes).map(([h, n]) => [{ host: h }, n > 0 ? 1 : 0]) : []);
  const broken = brokenHosts(report).length;
  metric('rb_hosts_failed', 'Hosts that failed or were unreachable.', 'gauge', [[{ mode }, broken]]);
  metric('rb_last_run_success', 'Whether the last run reached every host without error (drift is not an error).', 'gauge', [[{ mode }, broken || report.interrupted ? 0 : 1]]);
  metric('rb_last_run_timestamp_seconds', 'When the last run ended (Unix time).', 'gauge', [[{ mode }, Math.floor(now / 1000)]]);
  metric('rb_last_run_duration_seconds', 'How long the last run took.', 'gauge', [[{ mode }, report.durationMs / 1000]]);
  return out.join('\n') + '\n';
}

export async function writePrometheusReport(file: string, report: JsonReport, mode: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, prometheusText(report, mode), { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
