// `rb run`, `rb check` and `rb drift`.
//   run:   0 success, 1 bad input or internal error, 3 a host failed or was unreachable
//   drift: 0 no drift, 2 drift, 1 error (bad input, unreachable or failed hosts)

import { existsSync } from 'node:fs';
import { ConfigError, RbError } from '../errors.js';
import { runPlaybooks } from '../engine/run.js';
import type { Reporter, RunSummary } from '../engine/types.js';
import { writeJsonReport } from '../report/json.js';
import { writeJunitReport } from '../report/junit.js';
import { multiReporter } from '../report/multi.js';
import { PlainReporter } from '../report/plain.js';
import { parseRunArgs, type RunArgs } from './args.js';
import { exitCode } from './exit-code.js';
import { loadRegistry } from './registry.js';
import { resolve } from 'node:path';
import { newRunId, pendingFor, readJournal } from '../engine/journal.js';
import { writePrometheusReport } from '../report/prometheus.js';
import { driftLines, saveRunRecord } from './run-record.js';
import { InFlight, onStopSignals } from './signals.js';

/** The lab's inventory is the default when -i is not given and a lab is up. */
const LAB_INVENTORY = '/var/lib/rblab/inventory.yml';

export async function runCommand(mode: 'run' | 'check' | 'drift', argv: string[]): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
    if (mode !== 'run') args.check = true;
    if (!args.playbooks.length) throw new ConfigError([{ message: `rb ${mode}: give at least one playbook` }]);
    if (!args.inventories.length) {
      const dflt = process.env.RB_INVENTORY ?? (existsSync(LAB_INVENTORY) ? LAB_INVENTORY : undefined);
      if (!dflt) throw new ConfigError([{ message: `no inventory: give -i FILE|DIR (or start the lab: rb lab up)` }]);
      args.inventories.push(dflt);
    }
  } catch (e) {
    return badInput(e);
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
  if (args.reportJson) await writeJsonReport(args.reportJson, summary);
  if (args.reportJunit) await writeJunitReport(args.reportJunit, summary);
  if (args.reportPrometheus) await writePrometheusReport(args.reportPrometheus, summary, mode);
  if (!args.check) await saveRunRecord(summary, books).catch((e) => process.stderr.write(`rb: could not save the run journal: ${e.message}\n`));
  signals.dispose();
  if (mode === 'drift') for (const line of driftLines(summary)) process.stdout.write(`${line}\n`);
  if (summary.interrupted) return summary.interrupted === 'SIGTERM' ? 143 : 130;
  return exitCode(mode, summary);
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
