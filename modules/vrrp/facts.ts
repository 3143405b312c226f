// What keepalived looks like on a host: the config file parsed into the model
// (with the files it includes), whether the daemon runs, and which instances
// hold their VIPs here. One exec for the file, the daemon and the addresses;
// one more per level of `include`, only when the file has includes.

import type { FactsContext } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { fileFactsCommand, parseFileFacts } from '../../core/files/facts.js';
import { parseServiceFacts, serviceFactsCommand } from '../../core/services/index.js';
import { quote } from '../../core/transport/shell.js';
import { ConfSyntaxError } from '../lib/keepalived-conf/lexer.js';
import { fromTree, type KeepalivedConfig } from './model.js';
import { parseLines, type ConfNode, type IncludedFiles } from '../lib/keepalived-conf/parser.js';
import { expandConfig } from './preprocess.js';

export interface VrrpFacts {
  path: string;
  exists: boolean;
  /** The main file as it is, for rollback. Holds secrets: never print it. */
  content?: string;
  /** The current config (empty when the file is absent or unreadable). */
  config: KeepalivedConfig;
  /** Why the current file could not be read as keepalived syntax. */
  parseError?: string;
  /** Included files that were read. */
  included: string[];
  running: boolean;
  pid?: number;
  /** Instances whose every VIP is on this host right now (it is their MASTER). */
  masterOf: string[];
}

export interface FactsTarget {
  path: string;
  service: string;
  pidFile: string;
}

/** `ip -j addr show`, reduced to what VIP checks need. */
export interface HostAddress {
  ifname: string;
  local: string;
  prefixlen: number;
  label?: string;
}

export function factsCommand(t: FactsTarget): string {
  return [
    "echo '@@vrrp file'",
    fileFactsCommand([t.path], { withContent: true }),
    "echo '@@vrrp service'",
    serviceFactsCommand([{ name: t.service, pidFile: t.pidFile, process: 'keepalived' }]),
    "echo '@@vrrp addr'",
    "ip -j addr show 2>/dev/null || echo '[]'",
    // keepalived's default config-id, for `@ID` lines.
    "echo '@@vrrp node'",
    'uname -n',
  ].join('\n');
}

function sections(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  let name = '';
  for (const line of stdout.split('\n')) {
    const m = /^@@vrrp (\w+)$/.exec(line);
    if (m) name = m[1];
    else if (name) out[name] = (out[name] ?? '') + line + '\n';
  }
  return out;
}

export interface RawFacts {
  /** keepalived's default config-id: the node name up to its first dot. */
  configId?: string;
  exists: boolean;
  content?: string;
  running: boolean;
  pid?: number;
  addresses: HostAddress[];
}

/** Parse factsCommand output. Throws on output it does not recognise. */
export function parseFactsOutput(t: FactsTarget, stdout: string): RawFacts {
  const s = sections(stdout);
  for (const want of ['file', 'service', 'addr']) {
    if (s[want] === undefined) throw new Error(`vrrp facts: no "${want}" section in the output`);
  }
  const file = parseFileFacts([t.path], s.file)[t.path];
  const svc = parseServiceFacts([t.service], s.service)[t.service];
  const node = s.node?.trim().split('.')[0];
  return { ...(node ? { configId: node } : {}), exists: file.exists, content: file.content, running: svc.running, pid: svc.pid, addresses: parseAddresses(s.addr) };
}

export function parseAddresses(json: string): HostAddress[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new Error(`vrrp facts: ip -j addr printed something that is not JSON: ${JSON.stringify(json.slice(0, 80))}`);
  }
  if (!Array.isArray(data)) throw new Error('vrrp facts: ip -j addr did not print a list');
  const out: HostAddress[] = [];
  for (const link of data as Array<Record<string, unknown>>) {
    for (const a of (link.addr_info as Array<Record<string, unknown>> | undefined) ?? []) {
      if (typeof a.local !== 'string') continue;
      out.push({ ifname: String(link.ifname), local: a.local, prefixlen: Number(a.prefixlen), ...(typeof a.label === 'string' ? { label: a.label } : {}) });
    }
  }
  return out;
}

/** Instances whose VIPs are all present on their interface. */
export function mastersOf(config: KeepalivedConfig, addrs: HostAddress[]): string[] {
  return (config.instances ?? [])
    .filter((i) => (i.virtual_ipaddress ?? []).length > 0)
    .filter((i) =>
      i.virtual_ipaddress!.every((v) => {
        const dev = v.dev ?? i.interface;
        const ip = v.address.split('/')[0];
        return addrs.some((a) => a.local === ip && (!dev || a.ifname === dev));
      }),
    )
    .map((i) => i.name);
}

/** Prints every file matching each pattern (expanded by the host's shell, never evaluated). */
export function includeCommand(patterns: string[]): string {
  // `for f in $pat` globs and splits (IFS = newline) but runs no substitution.
  return [
    "IFS='\n'",
    `for pat in ${patterns.map(quote).join(' ')}; do echo "@@vrrp pattern $pat"`,
    'for f in $pat; do [ -f "$f" ] || continue; echo "@@vrrp file $f"; base64 -w0 < "$f"; echo; done; done',
  ].join('\n');
}

export function parseIncludeOutput(stdout: string): IncludedFiles {
  const out: IncludedFiles = {};
  let pattern: string | undefined;
  let file: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('@@vrrp pattern ')) {
      pattern = line.slice('@@vrrp pattern '.length);
      out[pattern] = [];
    } else if (line.startsWith('@@vrrp file ')) {
      file = line.slice('@@vrrp file '.length);
    } else if (line !== '' && pattern !== undefined && file !== undefined) {
      out[pattern].push({ path: file, text: Buffer.from(line, 'base64').toString('utf8') });
      file = undefined;
    } else if (line !== '') {
      throw new Error(`vrrp facts: unexpected include output ${JSON.stringify(line.slice(0, 80))}`);
    }
  }
  return out;
}

/**
 * The file's statements as keepalived reads them (preprocess.ts): included
 * files are fetched as the reading meets their patterns, one exec per level.
 */
export async function readConfigTree(content: string, path: string, configId: string | undefined, fetch: (patterns: string[]) => Promise<IncludedFiles>): Promise<{ nodes: ConfNode[]; included: string[] }> {
  const files: IncludedFiles = {};
  for (let round = 0; ; round++) {
    const ex = expandConfig(content, path, { configId, files });
    if (ex.missing.length === 0 || round >= 8) return { nodes: parseLines(ex.lines, path), included: [...new Set(ex.included)] };
    Object.assign(files, await fetch(ex.missing));
  }
}

async function fetchIncludes(ctx: FactsContext, patterns: string[]): Promise<IncludedFiles> {
  const cmd = includeCommand(patterns);
  const r = await ctx.exec(cmd);
  if (r.code !== 0) throw new CommandError({ host: ctx.host, command: cmd, ...r }, 'cannot read included keepalived files');
  return parseIncludeOutput(r.stdout);
}

export async function gatherFacts(ctx: FactsContext, t: FactsTarget): Promise<VrrpFacts> {
  const cmd = factsCommand(t);
  const r = await ctx.exec(cmd);
  if (r.code !== 0) throw new CommandError({ host: ctx.host, command: cmd, ...r }, 'cannot read keepalived facts');
  const raw = parseFactsOutput(t, r.stdout);
  const facts: VrrpFacts = { path: t.path, exists: raw.exists, content: raw.content, config: {}, included: [], running: raw.running, pid: raw.pid, masterOf: [] };
  if (raw.exists && raw.content !== undefined) {
    try {
      const read = await readConfigTree(raw.content, t.path, raw.configId, (patterns) => fetchIncludes(ctx, patterns));
      facts.included = read.included;
      facts.config = fromTree(read.nodes);
    } catch (e) {
      if (!(e instanceof ConfSyntaxError)) throw e;
      facts.parseError = e.message;
    }
  } else if (raw.exists) {
    facts.parseError = `${t.path} is not a readable regular file under 1 MiB`;
  }
  facts.masterOf = mastersOf(facts.config, raw.addresses);
  return facts;
}
