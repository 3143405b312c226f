// `rb run`, `rb check` and `rb drift`.
//   run:   0 success, 1 bad input or internal error, 3 a host failed or was unreachable
//   drift: 0 no drift, 2 drift, 1 error (bad input, unreachable or failed hosts)

import { existsSync } from 'node:fs';
import { ConfigError, RbError } from '../errors.js';
import { runPlaybooks } from '../engine/run.js';
import type { Reporter, RunSummary } from '../engine/types.js';
import { jsonReport, writeJsonReport } from '../report/json.js';
import { writeJunitReport } from '../report/junit.js';
import { multiReporter } from '../report/multi.js';
import { PlainReporter } from '../report/plain.js';
import { parseRunArgs, type RunArgs } from './args.js';
import { exitCode } from './exit-code.js';
import { listCommand } from './list.js';
import { runHelp } from './run-help.js';
import { loadRegistry } from './registry.js';
import { resolve } from 'node:path';
import { newRunId, pendingFor, readJournal } from '../engine/journal.js';
import { writePrometheusReport } from '../report/prometheus.js';
import { driftLines, saveRunRecord } from './run-record.js';
import { InFlight, onStopSignals } from './signals.js';
import { checkReportPaths } from './report-paths.js';

/** The lab's inventory is the default when -i is not given and a lab is up. */
const LAB_INVENTORY = '/var/lib/rblab/inventory.yml';

export async function runCommand(mode: 'run' | 'check' | 'drift', argv: string[]): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
    if (args.help) {
      process.stdout.write(runHelp(mode));
      return 0;
    }
    if (mode !== 'run') args.check = true;
    else args.unmanaged = false;
    if (!args.playbooks.length) throw new ConfigError([{ message: `rb ${mode}: give at least one playbook` }]);
    if (!args.inventories.length) {
      const dflt = process.env.RB_INVENTORY ?? (existsSync(LAB_INVENTORY) ? LAB_INVENTORY : undefined);
      if (!dflt) throw new ConfigError([{ message: `no inventory: give -i FILE|DIR (or start the lab: rb lab up)` }]);
      args.inventories.push(dflt);
    }
    checkReportPaths([['--report-json', args.reportJson], ['--report-junit', args.reportJunit], ['--report-prometheus', args.reportPrometheus]]);
  } catch (e) {
    return badInput(e);
  }
  if (args.list) {
    try {
      return await listCommand(args, await loadRegistry(args.playbooks));
    } catch (e) {
      return badInput(e);
    }
  }
  const inflight = new InFlight();
  const reporter = inflight.wrap(await makeReporter(args));
  let summary: RunSummary;
  args.runId = newRunId();
  const books = args.playbooks.map((p) => resolve(p));
  // Handlers earlier runs left pending are fired first (a check shows them too).
  args.owed = pendingFor(await readJournal(), books);
  args.stop = {};
  const signals = onStopSignals(args.stop, inflight);
  try {
    summary = await runPlaybooks({
      playbooks: args.playbooks,
      inventories: args.inventories,
      registry: await loadRegistry(args.playbooks),
      reporter,
      options: args,
    });
  } catch (e) {
    signals.dispose();
    return badInput(e);
  }
  // The journal first; a report that cannot be written is said, and the run's exit code kept.
  if (!args.check) await saveRunRecord(summary, books, args.inventories.map((i) => resolve(i))).catch((e) => process.stderr.write(`rb: could not save the run journal: ${e.message}\n`));
  let reportFailed = false;
  const report = async (flag: string, file: string | undefined, write: (f: string) => Promise<void>) => {
    if (!file) return;
    await write(file).catch((e: Error) => {
      reportFailed = true;
      process.stderr.write(`rb: ${flag} ${file}: could not write the report: ${e.message.split('\n')[0]}\n`);
    });
  };
  const json = jsonReport(summary, mode);
  await report('--report-json', args.reportJson, (f) => writeJsonReport(f, json));
  await report('--report-junit', args.reportJunit, (f) => writeJunitReport(f, json));
  await report('--report-prometheus', args.reportPrometheus, (f) => writePrometheusReport(f, json, mode));
  signals.dispose();
  if (mode === 'drift') for (const line of driftLines(json)) process.stdout.write(`${line}\n`);
  const unmanaged = Object.entries(summary.unmanaged ?? {});
  for (const [h, lines] of unmanaged) for (const l of lines) process.stdout.write(`UNMANAGED ${h}: ${l}\n`);
  if (summary.interrupted) return summary.interrupted === 'SIGTERM' ? 143 : 130;
  const code = mode === 'drift' && exitCode(mode, summary) === 0 && unmanaged.length ? 2 : exitCode(mode, summary);
  return code === 0 && reportFailed ? 1 : code;
}

function badInput(e: unknown): number {
  if (e instanceof RbError) {
    const lines = e.message.split('\n');
    process.stderr.write(`rb: ${lines.length > 1 ? `${lines.length} problems:\n  ` : ''}${lines.join('\n  ')}\n`);
    return 1;
  }
  throw e;
}

async function makeReporter(args: RunArgs): Promise<Reporter> {
  const tty = args.output === 'tty' || (args.output === 'auto' && process.stdout.isTTY && !process.env.CI);
  if (tty) {
    const { TtyReporter } = await import('../report/tty.js');
    return multiReporter([new TtyReporter(args)]);
  }
  return new PlainReporter(args);
}
