#!/usr/bin/env node
// rb — entry point. Sub-commands are loaded lazily so `rb --version` stays fast.

const USAGE = `rb — agentless runbooks for Linux load-balancer and HA stacks

usage:
  rb run PLAYBOOK... -i INVENTORY [--check] [--diff] [--limit P] [--tags T] [-e k=v] [--forks N]
  rb check PLAYBOOK... -i INVENTORY      same as run --check
  rb drift PLAYBOOK... -i INVENTORY      check; exit 0 no drift, 2 drift, 1 error
      [--report-json F] [--report-junit F] [--report-prometheus F]
  run options: --force-handlers  --lock-timeout SECONDS (default 5)  --no-rollback
      [--shard K/N]                      run one of N stable parts of the hosts (HA peers together)
  rb lint PLAYBOOK... -i INVENTORY [--facts] [--json]   cross-host mistakes; exit 0 clean, 2 findings, 1 error
  rb report merge [--json F] [--junit F] [--prometheus F] REPORT.json...   one report from the shards'
  rb adopt -i INVENTORY [--limit P] --out DIR [--force]
                                         write a playbook and vars that reproduce what hand-built hosts run
  rb runs [-n N] [--json]                recent runs from the journal
  rb rollback RUN-ID [--check] [--diff] [--limit P] [--force] [-i INV] [-e VARS] [--lock-timeout S]   undo a finished run (connection options as rb run)
  rb inventory -i INVENTORY --list|--graph|--host NAME
  rb lab up [N] [--ipvs] | down | status | exec HOST -- CMD | inventory | deps
  rb modules [NAME]
  rb --version
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case '--version':
    case '-V':
    case 'version': {
      const { version } = await import('./version.js');
      process.stdout.write(`rb ${version()}\n`);
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return cmd === undefined ? 1 : 0;
    case 'run':
    case 'check':
    case 'drift':
      return (await import('./run.js')).runCommand(cmd, rest);
    case 'lint':
      return (await import('./lint.js')).lintCommand(rest);
    case 'report':
      return (await import('./report.js')).reportCommand(rest);
    case 'adopt':
      return (await import('./adopt.js')).adoptCommand(rest);
    case 'runs':
      return (await import('./runs.js')).runsCommand(rest);
    case 'rollback':
      return (await import('./rollback.js')).rollbackCommand(rest);
    case 'inventory':
      return (await import('../inventory/cli.js')).inventoryCommand(rest);
    case 'lab':
      return (await import('../lab/cli.js')).labCommand(rest);
    case 'modules':
      return (await import('./modules.js')).modulesCommand(rest);
    default:
      process.stderr.write(`rb: unknown command "${cmd}"\n\n${USAGE}`);
      return 1;
  }
}

// A reader that goes away (`rb run ... | head`) must not kill a run halfway
// through a host's changes: output stops, the run and its rollback go on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

// Whatever escapes asynchronously is still one line on stderr and exit 1, never a stack trace.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    void import('./fatal.js').then(({ reportFatal }) => process.exit(reportFatal(err)));
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const { reportFatal } = await import('./fatal.js');
    process.exitCode = reportFatal(err);
  },
);
