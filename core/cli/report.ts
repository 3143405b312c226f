// rb report merge [--json F] [--junit F] [--prometheus F] REPORT.json...
// One report (and one exit code) from the JSON reports of a run's shards.

import { readFile } from 'node:fs/promises';
import { configError, RbError } from '../errors.js';
import { writeJsonReport } from '../report/json.js';
import { writeJunitReport } from '../report/junit.js';
import { asReport, mergeReports, reportExitCode, type ReportInput } from '../report/merge.js';
import { writePrometheusReport } from '../report/prometheus.js';
import { checkReportPaths } from './report-paths.js';
import { driftLines } from './run-record.js';

const HELP = `usage: rb report merge [--json F] [--junit F] [--prometheus F] REPORT.json...

Merges the --report-json files of the shards of one run (rb run|drift --shard K/N)
into one JSON, JUnit and/or Prometheus report. Exit code: the one the whole run
would have had (drift: 0 none, 2 drift, 1 a host failed; run: 0, 3 a host failed),
or 1 when a shard's report is missing, given twice, or two reports share a host.
`;

export async function reportCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '-h' || sub === '--help' || sub === undefined) {
    process.stdout.write(HELP);
    return sub === undefined ? 1 : 0;
  }
  try {
    if (sub !== 'merge') throw configError(`rb report: unknown sub-command "${sub}" (rb report merge ...)`);
    const out: Record<'json' | 'junit' | 'prometheus', string | undefined> = { json: undefined, junit: undefined, prometheus: undefined };
    const files: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const m = /^--(json|junit|prometheus)(?:=(.*))?$/.exec(rest[i]);
      if (rest[i] === '-h' || rest[i] === '--help') {
        process.stdout.write(HELP);
        return 0;
      }
      if (m) {
        const value = m[2] ?? rest[++i];
        if (value === undefined || value === '') throw configError(`--${m[1]} needs a file`);
        out[m[1] as keyof typeof out] = value;
      } else if (rest[i].startsWith('-')) throw configError(`rb report merge: unknown option ${rest[i]}`);
      else files.push(rest[i]);
    }
    checkReportPaths([['--json', out.json], ['--junit', out.junit], ['--prometheus', out.prometheus]]);
    const inputs: ReportInput[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw configError(`${file}: cannot read: ${(e as Error).message.split('\n')[0]}`);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw configError(`${file}: not JSON`);
      }
      inputs.push({ file, report: asReport(file, value) });
    }
    const merged = mergeReports(inputs);
    const mode = merged.mode ?? 'run';
    if (out.json) await writeJsonReport(out.json, merged);
    if (out.junit) await writeJunitReport(out.junit, merged);
    if (out.prometheus) await writePrometheusReport(out.prometheus, merged, mode);
    if (mode === 'drift') for (const line of driftLines(merged)) process.stdout.write(`${line}\n`);
    const hosts = Object.keys(merged.hosts).length;
    process.stdout.write(`merged ${inputs.length} report${inputs.length === 1 ? '' : 's'}: ${hosts} host${hosts === 1 ? '' : 's'}, ${merged.summary.hostsDrifted} drifted\n`);
    return reportExitCode(merged);
  } catch (e) {
    if (!(e instanceof RbError)) throw e;
    const lines = e.message.split('\n');
    process.stderr.write(`rb report: ${lines.length > 1 ? `${lines.length} problems:\n  ` : ''}${lines.join('\n  ')}\n`);
    return 1;
  }
}
