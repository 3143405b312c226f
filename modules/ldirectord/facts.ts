// What ldirectord looks like on a host, in one exec: its config file, the
// running daemon (by the pid files ldirectord writes: one per config name,
// `ldirectord.ldirectord.pid` when started without a config argument as
// heartbeat does, `ldirectord.<file name>.pid` with one), and the live IPVS
// table the running daemon should have built from the file.

import type { FactsContext } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { fileFactsCommand, parseFileFacts } from '../../core/files/facts.js';
import { sh } from '../../core/transport/shell.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { LdSyntaxError, parseLdirectord, type LdDocument } from '../lib/ldirectord-conf/config.js';

export interface LdirectordFacts {
  path: string;
  exists: boolean;
  /** The file as it is (for rollback; may hold passwords: never printed). */
  content?: string;
  /** Why the file could not be read the way ldirectord reads it. */
  parseError?: string;
  running: boolean;
  pid?: number;
  /** `ipvsadm -Sn` ('' without an IPVS table or without ipvsadm). */
  live: string;
}

/** Pid files ldirectord may have written for `path`. */
export function pidFiles(path: string): string[] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return [...new Set([`/var/run/ldirectord.${base}.pid`, '/var/run/ldirectord.ldirectord.pid'])];
}

/** The first pid file naming a live ldirectord process. */
export function pidPart(path: string): string {
  return (
    sh`for f in ${pidFiles(path)}; do ` +
    '[ -r "$f" ] || continue; read -r p < "$f" || continue; case $p in ""|*[!0-9]*) continue;; esac; ' +
    'if grep -q ldirectord /proc/"$p"/cmdline 2>/dev/null; then echo "pid $p"; break; fi; done; true'
  );
}

const LIVE_PART = 'if [ -e /proc/net/ip_vs ] && command -v ipvsadm >/dev/null; then ipvsadm -Sn; fi';

export function ldirectordFactsCommand(path: string): string {
  return partsScript([fileFactsCommand([path], { withContent: true }), pidPart(path), LIVE_PART]);
}

export function parseLdirectordFacts(path: string, stdout: string): LdirectordFacts {
  const [file, pid, live] = splitParts(stdout, 3);
  if (live.code !== 0) throw new Error(`ipvsadm -Sn failed (exit ${live.code})`);
  const f = parseFileFacts([path], file.out)[path];
  const m = /^pid (\d+)$/m.exec(pid.out);
  const facts: LdirectordFacts = { path, exists: f.exists, running: Boolean(m), live: live.out };
  if (m) facts.pid = Number(m[1]);
  if (f.exists && f.content === undefined) facts.parseError = `${path} is not a readable regular file under 1 MiB`;
  else if (f.content !== undefined) {
    facts.content = f.content;
    try {
      parseLdirectord(f.content, path);
    } catch (e) {
      if (!(e instanceof LdSyntaxError)) throw e;
      facts.parseError = e.message;
    }
  }
  return facts;
}

/** The parsed file, or an empty document when absent or unreadable. */
export function documentOf(f: LdirectordFacts): LdDocument {
  if (f.content === undefined || f.parseError) return { lines: [], globals: [], sections: [] };
  return parseLdirectord(f.content, f.path);
}

export async function gatherLdirectordFacts(ctx: FactsContext, path: string): Promise<LdirectordFacts> {
  const cmd = ldirectordFactsCommand(path);
  const r = await ctx.exec(cmd);
  try {
    return parseLdirectordFacts(path, r.stdout);
  } catch (e) {
    throw new CommandError({ host: ctx.host, command: cmd, ...r }, `cannot read ldirectord facts: ${(e as Error).message}`);
  }
}
