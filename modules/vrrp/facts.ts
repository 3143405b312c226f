// What keepalived looks like on a host: the config file parsed into the model
// (with the files it includes), whether the daemon runs, and which instances
// hold their VIPs here. One read-only command for the file, the daemon, the
// addresses and the files its `include` lines name (followed on the host, level
// by level), so the engine batches it with other tasks' facts. Only an include
// the host-side walk could not follow (a pattern built from a $VARIABLE or under
// an @ID) costs one more exec per level.

import { posix } from 'node:path';
import { runFactsQuery, type FactsContext, type FactsQuery } from '../../core/module.js';
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

/** Levels of nested includes the host follows; keepalived's own limit is lower. */
const INCLUDE_DEPTH = 8;

/**
 * The files that `include PATTERN` lines (two words, comments aside) of the file
 * at `path` and of the files they include match, as includeCommand prints them.
 * A relative pattern is taken from the including file's folder, as keepalived
 * does. Patterns are globbed by the shell, never evaluated.
 */
export function includeScanCommand(path: string): string {
  return [
    "IFS='\n'",
    `rb_q=${quote(path)}; rb_d=0`,
    `while [ -n "$rb_q" ] && [ $rb_d -lt ${INCLUDE_DEPTH} ]; do rb_d=$((rb_d+1)); rb_n=`,
    'for rb_f in $rb_q; do [ -f "$rb_f" ] || continue',
    `while IFS=' 	' read -r rb_w rb_pat rb_x; do`,
    '[ "$rb_w" = include ] && [ -n "$rb_pat" ] || continue',
    'case $rb_x in ""|"#"*|"!"*) ;; *) continue;; esac',
    'case $rb_pat in /*) ;; *) rb_pat=${rb_f%/*}/$rb_pat;; esac',
    'echo "@@vrrp pattern $rb_pat"',
    'for rb_g in $rb_pat; do [ -f "$rb_g" ] || continue; echo "@@vrrp file $rb_g"; base64 -w0 < "$rb_g"; echo; rb_n="$rb_n$rb_g\n"; done',
    'done < "$rb_f"; done; rb_q=$rb_n; done; :',
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
export async function readConfigTree(
  content: string,
  path: string,
  configId: string | undefined,
  fetch: (patterns: string[]) => Promise<IncludedFiles>,
  known: IncludedFiles = {},
): Promise<{ nodes: ConfNode[]; included: string[] }> {
  const files: IncludedFiles = { ...known };
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

/** Patterns and paths as the controller names them (`conf.d/../nested/*.conf` is `nested/*.conf`). */
function normalisedIncludes(files: IncludedFiles): IncludedFiles {
  const out: IncludedFiles = {};
  for (const [pattern, list] of Object.entries(files)) out[posix.normalize(pattern)] = list.map((f) => ({ ...f, path: posix.normalize(f.path) }));
  return out;
}

/** The facts built from one read; `pending` when includes remain that the host-side walk did not follow. */
function buildFacts(t: FactsTarget, raw: RawFacts, files: IncludedFiles): { facts: VrrpFacts; pending: boolean } {
  const facts: VrrpFacts = { path: t.path, exists: raw.exists, content: raw.content, config: {}, included: [], running: raw.running, pid: raw.pid, masterOf: [] };
  let pending = false;
  if (raw.exists && raw.content !== undefined) {
    try {
      const ex = expandConfig(raw.content, t.path, { configId: raw.configId, files });
      if (ex.missing.length) pending = true;
      else {
        facts.included = [...new Set(ex.included)];
        facts.config = fromTree(parseLines(ex.lines, t.path));
      }
    } catch (e) {
      if (!(e instanceof ConfSyntaxError)) throw e;
      facts.parseError = e.message;
    }
  } else if (raw.exists) {
    facts.parseError = `${t.path} is not a readable regular file under 1 MiB`;
  }
  facts.masterOf = mastersOf(facts.config, raw.addresses);
  return { facts, pending };
}

/** The facts as one command and its parser, so the engine batches them with other tasks'. */
export function vrrpFactsQuery(host: string, t: FactsTarget): FactsQuery<VrrpFacts> {
  const command = `${factsCommand(t)}\necho '@@vrrp includes'\n${includeScanCommand(t.path)}`;
  // What a parse could not finish without another read, per facts object.
  const unfinished = new WeakMap<VrrpFacts, { raw: RawFacts; files: IncludedFiles }>();
  return {
    command,
    parse(r) {
      if (r.code !== 0) throw new CommandError({ host, command, ...r }, 'cannot read keepalived facts');
      let raw: RawFacts;
      let files: IncludedFiles;
      try {
        raw = parseFactsOutput(t, r.stdout);
        files = normalisedIncludes(parseIncludeOutput(sections(r.stdout).includes ?? ''));
      } catch (e) {
        throw new CommandError({ host, command, ...r }, `cannot read keepalived facts: ${(e as Error).message}`);
      }
      const { facts, pending } = buildFacts(t, raw, files);
      if (pending) unfinished.set(facts, { raw, files });
      return facts;
    },
    async refine(facts, ctx) {
      const left = unfinished.get(facts);
      if (!left) return facts;
      const { raw, files } = left;
      try {
        const read = await readConfigTree(raw.content!, t.path, raw.configId, (patterns) => fetchIncludes(ctx, patterns), files);
        const config = fromTree(read.nodes);
        return { ...facts, included: read.included, config, masterOf: mastersOf(config, raw.addresses) };
      } catch (e) {
        if (!(e instanceof ConfSyntaxError)) throw e;
        return { ...facts, parseError: e.message };
      }
    },
  };
}

export async function gatherFacts(ctx: FactsContext, t: FactsTarget): Promise<VrrpFacts> {
  return runFactsQuery(ctx, vrrpFactsQuery(ctx.host, t));
}
