// What the sync side looks like on a host, in one exec: which engines are
// installed (sersync2, lsyncd), both engines' config files, the password
// file (stat and hash only), the watched directory, and both daemons, so a
// switch of engine can stop the other one.

import type { FactsQuery, FactsContext } from '../../core/module.js';
import { runFactsQuery, stdoutFactsQuery } from '../../core/module.js';
import { fileFactsCommand, parseFileFacts, type FileFact } from '../../core/files/facts.js';
import { sh } from '../../core/transport/shell.js';
import { daemonFactsPart, parseDaemonFacts, type DaemonFact, type DaemonSpec } from '../lib/daemon-process.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { LSYNCD_CONFIG, SERSYNC_CONFIG, type SersyncParams } from './params.js';

export type Engine = 'lsyncd' | 'sersync';

export interface SersyncFacts {
  /** Installed engines and their binaries. */
  bins: Partial<Record<Engine, string>>;
  /** Config file of each engine. */
  configs: Record<Engine, FileFact>;
  password?: FileFact;
  /** The watched path is a directory. */
  watch: boolean;
  daemons: Record<Engine, DaemonFact>;
}

export function configPath(p: SersyncParams, engine: Engine): string {
  return p.config ?? (engine === 'lsyncd' ? LSYNCD_CONFIG : SERSYNC_CONFIG);
}

export function daemonSpec(p: SersyncParams, engine: Engine, bin?: string): DaemonSpec {
  const config = configPath(p, engine);
  if (engine === 'lsyncd') return { label: 'lsyncd', start: [bin ?? 'lsyncd', config], comm: 'lsyncd', match: config, pidFile: p.pid_file, logFile: p.log_file };
  const exe = bin ?? p.sersync_bin;
  // -d: background; -r: one full push before watching; -o: the config file.
  const start = [exe, '-d', ...(p.initial_sync ? ['-r'] : []), '-o', config];
  return { label: 'sersync2', start, comm: exe.slice(exe.lastIndexOf('/') + 1), match: config };
}

const BINS_PART = (p: SersyncParams) =>
  sh`b=$(command -v sersync2 || { [ -x ${p.sersync_bin} ] && echo ${p.sersync_bin}; }) && echo "sersync $b"; ` + 'b=$(command -v lsyncd) && echo "lsyncd $b"; true';

export function sersyncFactsCommand(p: SersyncParams): string {
  const configs = [configPath(p, 'lsyncd'), configPath(p, 'sersync')];
  return partsScript([
    BINS_PART(p),
    fileFactsCommand(configs, { withContent: true }),
    fileFactsCommand([p.watch, ...(p.auth ? [p.auth.password_file] : [])]),
    daemonFactsPart(daemonSpec(p, 'lsyncd')),
    daemonFactsPart(daemonSpec(p, 'sersync')),
  ]);
}

export function parseSersyncFacts(p: SersyncParams, stdout: string): SersyncFacts {
  const [bins, text, stat, lsyncd, sersync] = splitParts(stdout, 5);
  const found: SersyncFacts['bins'] = {};
  for (const line of bins.out.split('\n')) {
    const m = /^(sersync|lsyncd) (\/\S+)$/.exec(line);
    if (m) found[m[1] as Engine] = m[2];
    else if (line.trim()) throw new Error(`engines: unexpected ${JSON.stringify(line.slice(0, 80))}`);
  }
  const lc = configPath(p, 'lsyncd');
  const sc = configPath(p, 'sersync');
  const files = parseFileFacts([...new Set([lc, sc])], text.out);
  const stats = parseFileFacts([...new Set([p.watch, ...(p.auth ? [p.auth.password_file] : [])])], stat.out);
  return {
    bins: found,
    configs: { lsyncd: files[lc], sersync: files[sc] },
    ...(p.auth ? { password: stats[p.auth.password_file] } : {}),
    watch: stats[p.watch].type === 'directory',
    daemons: { lsyncd: parseDaemonFacts(lsyncd.out), sersync: parseDaemonFacts(sersync.out) },
  };
}

export function sersyncFactsQuery(host: string, p: SersyncParams): FactsQuery<SersyncFacts> {
  return stdoutFactsQuery(host, 'sersync', sersyncFactsCommand(p), (stdout) => parseSersyncFacts(p, stdout));
}

export function gatherSersyncFacts(ctx: FactsContext, p: SersyncParams): Promise<SersyncFacts> {
  return runFactsQuery(ctx, sersyncFactsQuery(ctx.host, p));
}
