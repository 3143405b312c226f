// What an rsync daemon looks like on a host, in one exec: rsyncd.conf (parsed),
// the secrets file (stat and hash only: its content never leaves the host),
// Debian's /etc/default/rsync, the module paths, and the running daemon.

import type { FactsQuery, FactsContext } from '../../core/module.js';
import { runFactsQuery, stdoutFactsQuery } from '../../core/module.js';
import { fileFactsCommand, parseFileFacts, type FileFact } from '../../core/files/facts.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { parseRsyncd, RsyncdSyntaxError } from './conf.js';
import { daemonFactsPart, parseDaemonFacts, type DaemonFact, type DaemonSpec } from '../lib/daemon-process.js';
import type { RsyncdParams } from './params.js';

export const DEFAULTS_FILE = '/etc/default/rsync';

export interface RsyncdFacts {
  config: FileFact & { parseError?: string };
  secrets: FileFact;
  /** /etc/default/rsync with the two values rb manages. */
  defaults: FileFact & { enable?: string; configFile?: string };
  /** Module path → it is a directory. */
  paths: Record<string, boolean>;
  daemon: DaemonFact;
  /** rsync is installed. */
  rsync: boolean;
}

export function daemonSpec(p: Pick<RsyncdParams, 'config' | 'pid_file'> & { log_file?: unknown }): DaemonSpec {
  return {
    label: 'rsync daemon',
    start: ['rsync', '--daemon', `--config=${p.config}`],
    comm: 'rsync',
    match: p.config,
    pidFile: p.pid_file,
    ...(typeof p.log_file === 'string' ? { logFile: p.log_file } : {}),
  };
}

export function modulePaths(p: RsyncdParams): string[] {
  return [...new Set(Object.values(p.modules).map((m) => String(m.path)))];
}

/** `KEY=value` of a shell defaults file, quotes removed (the last assignment wins, as when sourced). */
export function shellVar(content: string, name: string): string | undefined {
  let out: string | undefined;
  for (const line of content.split('\n')) {
    const m = new RegExp(`^\\s*(?:export\\s+)?${name}=(.*?)\\s*$`).exec(line);
    if (m) out = m[1].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export function rsyncdFactsCommand(p: RsyncdParams): string {
  return partsScript([
    fileFactsCommand([p.config, DEFAULTS_FILE], { withContent: true }),
    fileFactsCommand([p.secrets_file, ...modulePaths(p)]),
    daemonFactsPart(daemonSpec(p)),
    'command -v rsync >/dev/null && echo rsync; true',
  ]);
}

export function parseRsyncdFacts(p: RsyncdParams, stdout: string): RsyncdFacts {
  const [text, stat, daemon, tool] = splitParts(stdout, 4);
  const files = parseFileFacts([p.config, DEFAULTS_FILE], text.out);
  const paths = modulePaths(p);
  const stats = parseFileFacts([p.secrets_file, ...paths], stat.out);
  const config: RsyncdFacts['config'] = { ...files[p.config] };
  if (config.exists && config.content === undefined) config.parseError = `${p.config} is not a readable regular file under 1 MiB`;
  else if (config.content !== undefined) {
    try {
      parseRsyncd(config.content, p.config);
    } catch (e) {
      if (!(e instanceof RsyncdSyntaxError)) throw e;
      config.parseError = e.message;
    }
  }
  const defaults: RsyncdFacts['defaults'] = { ...files[DEFAULTS_FILE] };
  if (defaults.content !== undefined) {
    const enable = shellVar(defaults.content, 'RSYNC_ENABLE');
    const configFile = shellVar(defaults.content, 'RSYNC_CONFIG_FILE');
    if (enable !== undefined) defaults.enable = enable;
    if (configFile !== undefined) defaults.configFile = configFile;
  }
  return {
    config,
    secrets: stats[p.secrets_file],
    defaults,
    paths: Object.fromEntries(paths.map((x) => [x, stats[x].type === 'directory'])),
    daemon: parseDaemonFacts(daemon.out),
    rsync: tool.out.trim() === 'rsync',
  };
}

export function rsyncdFactsQuery(host: string, p: RsyncdParams): FactsQuery<RsyncdFacts> {
  return stdoutFactsQuery(host, 'rsyncd', rsyncdFactsCommand(p), (stdout) => parseRsyncdFacts(p, stdout));
}

export function gatherRsyncdFacts(ctx: FactsContext, p: RsyncdParams): Promise<RsyncdFacts> {
  return runFactsQuery(ctx, rsyncdFactsQuery(ctx.host, p));
}
