// What heartbeat looks like on a host, in ONE exec: the three files (parsed)
// and the resource scripts rb manages, `uname -n` (heartbeat's node name),
// the host's IPv4 addresses, the resource scripts heartbeat could find, and
// the running daemon: its pid, when it started, and the ha.cf values it runs
// with (`cl_status hbparameter`), so a file that changed without a reload
// (a hand edit, or an earlier run cut short) shows up.

import { CommandError } from '../../core/errors.js';
import { parseFileFacts, fileFactsCommand, type FileFact } from '../../core/files/facts.js';
import { sh } from '../../core/transport/shell.js';
import type { ExecResult } from '../../core/transport/types.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { AuthkeysSyntaxError, parseAuthkeys, type Authkeys } from './authkeys.js';
import { DIRECTIVES } from './directives.js';
import { parseHaCf, type HaCf } from './hacf.js';
import { parseHaresources, type ResourceGroup } from './haresources.js';

export const PID_FILE = '/var/run/heartbeat.pid';

/** Directives whose running value `cl_status hbparameter` reports. */
export const RUNTIME_KEYS = DIRECTIVES.filter((d) => d.runtime).map((d) => d.name);

export interface FileState {
  exists: boolean;
  mode?: string;
  owner?: string;
  /** The file as it is, for the diff and for rollback (authkeys: holds the secret, never printed). */
  content?: string;
}

export interface DaemonState {
  running: boolean;
  pid?: number;
  /** Epoch seconds the daemon started (a reload keeps the process: only a restart changes it). */
  started?: number;
  /** Running values of RUNTIME_KEYS as heartbeat reports them; absent while its API is not up. */
  params: Record<string, string>;
  /** `cl_status rscstatus`: all, local, foreign, none or transition. */
  resources?: string;
  /**
   * Per haresources line (keyed by its first resource, heartbeat's group key), whether this host
   * holds each of the group's resources, as the resource's own `status` says: '1' held, '0' not,
   * one character per resource.
   */
  groups?: Record<string, string>;
}

export interface HeartbeatFacts {
  path: string;
  nodename: string;
  addresses: string[];
  /** Script names heartbeat can run: resource.d/ and /etc/init.d/. */
  available: string[];
  /** `error`: the file exists but cannot be read as that file (it is then rewritten whole). */
  ha_cf: FileState & { model?: HaCf; error?: string };
  authkeys: FileState & { model?: Authkeys; error?: string };
  haresources: FileState & { model?: ResourceGroup[]; error?: string; mtime?: number };
  scripts: Record<string, FileState>;
  daemon: DaemonState;
}

export interface FactsTarget {
  path: string;
  scripts: string[];
  /** Ask each haresources resource's status (for `rollout: ha`, see groupsPart). */
  groups?: boolean;
}

export const files = (path: string) => ({ haCf: `${path}/ha.cf`, authkeys: `${path}/authkeys`, haresources: `${path}/haresources` });
export const scriptPath = (path: string, name: string) => `${path}/resource.d/${name}`;

function allPaths(t: FactsTarget): string[] {
  const f = files(t.path);
  return [f.haCf, f.authkeys, f.haresources, ...t.scripts.map((s) => scriptPath(t.path, s))];
}

// Which resources of each haresources group this host holds, asked of the resources themselves:
// each one's script (resource.d/, then /etc/init.d/, as heartbeat finds it; a bare address is
// IPaddr's) run with its `::` arguments and `status`. Its words decide as heartbeat's
// ResourceManager decides (`not running`: no; `running` or `OK`: yes), but on stdout and stderr
// both: ldirectord says "is running" on stderr only, so ResourceManager itself counts a running
// ldirectord as stopped. Other words mean not held; a script that prints nothing is judged by
// its LSB exit code (0: running). A perl status (ldirectord's) takes seconds of CPU on a slow
// machine: each script gets 30 s, at the lowest priority, so that reading never slows serving.
// `cl_status rscstatus` is only what heartbeat believes it holds; while a group moves, the two
// nodes' beliefs overlap or are both `transition`.
function groupsPart(path: string): string {
  const { haresources } = files(path);
  return [
    sh`  held() { r=$1; case $r in [0-9]*.[0-9]*.[0-9]*.[0-9]*) r=IPaddr::$r;; esac; n=\${r%%::*}; a=; case $r in *::*) a=$(printf %s "\${r#*::}" | sed 's/::/ /g');; esac; ` +
      sh`s=; for d in ${`${path}/resource.d`} /etc/init.d; do [ -f "$d/$n" ] && [ -x "$d/$n" ] && { s=$d/$n; break; }; done; [ -n "$s" ] || return 1; ` +
      `o=$(set -f; nice -n 19 timeout 30 "$s" $a status 2>&1 </dev/null); c=$?; ` +
      `case $o in *[Nn][Oo][Tt]\\ *[Rr]unning*) return 1;; *[Rr]unning*|*OK*) return 0;; esac; [ -z "$o" ] && [ $c -eq 0 ]; }`,
    sh`  [ -r ${haresources} ] && sed -e 's/#.*//' ${haresources} | sed -e :a -e '/\\\\$/N; s/\\\\\\n//; ta' |`,
    '    while read -r node rest; do [ -n "$rest" ] || continue; st=; set -f; for r in $rest; do set +f',
    '      if held "$r"; then st=${st}1; else st=${st}0; fi; done; echo "group ${rest%% *} $st"; done',
  ].join('\n');
}

// `cl_status` talks to heartbeat's API: bounded, since a wedged daemon must not hang the facts.
function daemonPart(t: FactsTarget): string {
  return [
    sh`pid=; [ -r ${PID_FILE} ] && read -r pid < ${PID_FILE}`,
    'case $pid in ""|*[!0-9]*) pid=;; esac',
    '[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = heartbeat ] || pid=',
    // A ps without etimes (busybox) leaves `started` out rather than break the whole script.
    'if [ -n "$pid" ]; then echo "pid $pid"',
    '  e=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d " "); case $e in ""|*[!0-9]*) ;; *) echo "started $(( $(date +%s) - e ))";; esac',
    sh`  for k in ${RUNTIME_KEYS}; do v=$(timeout 5 cl_status hbparameter -p "$k" 2>/dev/null) && echo "param $k $v"; done`,
    '  r=$(timeout 5 cl_status rscstatus 2>/dev/null) && echo "resources $r"',
    ...(t.groups ? [groupsPart(t.path)] : []),
    'fi',
    sh`[ -f ${files(t.path).haresources} ] && echo "mtime $(stat -c %Y ${files(t.path).haresources})"; true`,
  ].join('\n');
}

export function heartbeatFactsCommand(t: FactsTarget): string {
  return partsScript([
    fileFactsCommand(allPaths(t), { withContent: true }),
    'uname -n',
    "ip -o -4 addr show 2>/dev/null; true",
    sh`for d in ${`${t.path}/resource.d`} /etc/init.d; do [ -d "$d" ] && ls -1 "$d"; done; true`,
    daemonPart(t),
  ]);
}

function fileState(f: FileFact): FileState {
  const s: FileState = { exists: f.exists };
  if (f.mode !== undefined) s.mode = f.mode;
  if (f.owner !== undefined) s.owner = f.owner;
  if (f.content !== undefined) s.content = f.content;
  return s;
}

export function parseAddresses(text: string): string[] {
  return [...text.matchAll(/\sinet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]);
}

export function parseDaemon(text: string): { daemon: DaemonState; mtime?: number } {
  const daemon: DaemonState = { running: false, params: {} };
  let mtime: number | undefined;
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = /^(pid|started|mtime|param|resources|group) (.*)$/.exec(line);
    if (!m) throw new Error(`heartbeat facts: daemon line ${i + 1}: unexpected ${JSON.stringify(line.slice(0, 80))}`);
    const [, tag, rest] = m;
    if (tag === 'param') {
      const [k, ...v] = rest.split(' ');
      daemon.params[k] = v.join(' ').trim();
    } else if (tag === 'resources') daemon.resources = rest.trim();
    else if (tag === 'group') {
      const g = /^(\S+) ([01]+)$/.exec(rest);
      if (!g) throw new Error(`heartbeat facts: daemon line ${i + 1}: a group line is key and 0/1 per resource`);
      (daemon.groups ??= {})[g[1]] = g[2];
    }
    else {
      if (!/^\d+$/.test(rest.trim())) throw new Error(`heartbeat facts: daemon line ${i + 1}: ${tag} is not a number`);
      if (tag === 'pid') Object.assign(daemon, { running: true, pid: Number(rest) });
      else if (tag === 'started') daemon.started = Number(rest);
      else mtime = Number(rest);
    }
  });
  return { daemon, mtime };
}

/** Parse heartbeatFactsCommand output. Throws on output it does not recognise. */
export function parseHeartbeatFacts(t: FactsTarget, stdout: string): HeartbeatFacts {
  const [fileOut, uname, addr, avail, daemonOut] = splitParts(stdout, 5);
  if (fileOut.code !== 0) throw new Error(`heartbeat facts: reading the files failed (exit ${fileOut.code})`);
  const nodename = uname.out.trim();
  if (uname.code !== 0 || nodename === '') throw new Error('heartbeat facts: `uname -n` printed no node name');
  const f = files(t.path);
  const ff = parseFileFacts(allPaths(t), fileOut.out);
  const { daemon, mtime } = parseDaemon(daemonOut.out);
  const facts: HeartbeatFacts = {
    path: t.path,
    nodename,
    addresses: parseAddresses(addr.out),
    available: [...new Set(avail.out.split('\n').filter(Boolean))].sort(),
    ha_cf: fileState(ff[f.haCf]),
    authkeys: fileState(ff[f.authkeys]),
    haresources: { ...fileState(ff[f.haresources]), ...(mtime !== undefined ? { mtime } : {}) },
    scripts: Object.fromEntries(t.scripts.map((s) => [s, fileState(ff[scriptPath(t.path, s)])])),
    daemon,
  };
  for (const file of [facts.ha_cf, facts.authkeys, facts.haresources]) {
    if (file.exists && file.content === undefined) file.error = 'not a readable regular file under 1 MiB';
  }
  if (facts.ha_cf.content !== undefined) facts.ha_cf.model = parseHaCf(facts.ha_cf.content);
  if (facts.haresources.content !== undefined) facts.haresources.model = parseHaresources(facts.haresources.content);
  if (facts.authkeys.content !== undefined) {
    try {
      facts.authkeys.model = parseAuthkeys(facts.authkeys.content);
    } catch (e) {
      if (!(e instanceof AuthkeysSyntaxError)) throw e;
      facts.authkeys.error = e.message;
    }
  }
  return facts;
}

export function heartbeatFactsQuery(host: string, t: FactsTarget): { command: string; parse(r: ExecResult): HeartbeatFacts } {
  const command = heartbeatFactsCommand(t);
  return {
    command,
    parse(r) {
      try {
        return parseHeartbeatFacts(t, r.stdout);
      } catch (e) {
        throw new CommandError({ host, command, ...r }, (e as Error).message);
      }
    },
  };
}
