// ~/.ssh/config: read it (with Include), then resolve the options for one host
// the way OpenSSH does: blocks in file order, `Host` patterns with `*`, `?`,
// `!`, first value wins. `Match` blocks other than `Match all` are skipped:
// rb cannot evaluate exec/localuser criteria the same way ssh does.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { configError, type Location } from '../errors.js';
import { globMatch, patternListMatch } from './host-patterns.js';
import { emptyOptions, setOption, type SshOptions } from './ssh-options.js';

export interface ConfigLine {
  keyword: string;
  args: string[];
  loc: Location;
}

/** Split an option line into its keyword and arguments (`Key value`, `Key=value`, "quoted"). */
export function splitConfigLine(text: string, loc: Location): { keyword: string; args: string[] } | null {
  const s = text.trim();
  if (s === '' || s.startsWith('#')) return null;
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(s);
  if (!m) throw configError(`cannot read "${s}"`, loc);
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let w: RegExpExecArray | null;
  while ((w = re.exec(m[2])) !== null) {
    if (w[2]?.startsWith('#')) break;
    args.push(w[1] ?? w[2]);
  }
  if (m[2].split('"').length % 2 === 0) throw configError(`unbalanced quote in "${s}"`, loc);
  return { keyword: m[1], args };
}

export function parseSshConfigText(text: string, file: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const loc = { file, line: i + 1, col: 1 };
    const parts = splitConfigLine(raw, loc);
    if (parts) out.push({ ...parts, loc });
  });
  return out;
}

/** Relative Include paths are taken from ~/.ssh in a user's file, /etc/ssh in the system one. */
function includeTargets(pattern: string, home: string, relDir: string): string[] {
  const p = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : pattern;
  const abs = isAbsolute(p) ? p : join(relDir, p);
  if (!/[*?]/.test(basename(abs))) return [abs];
  let names: string[];
  try {
    names = readdirSync(dirname(abs));
  } catch {
    return [];
  }
  return names.filter((n) => globMatch(n, basename(abs))).sort().map((n) => join(dirname(abs), n));
}

// Parsed files by path, re-read when their mtime or size changes.
const parsed = new Map<string, { stamp: string; lines: ConfigLine[] }>();

function parseFile(file: string): ConfigLine[] | null {
  let stamp: string;
  try {
    const st = statSync(file);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
  const hit = parsed.get(file);
  if (hit && hit.stamp === stamp) return hit.lines;
  const lines = parseSshConfigText(readFileSync(file, 'utf8'), file);
  parsed.set(file, { stamp, lines });
  return lines;
}

/** Read a config file with its Includes inlined in place; a missing file is empty. */
export function loadSshConfig(file: string, home: string, relDir = join(home, '.ssh'), depth = 0): ConfigLine[] {
  const out: ConfigLine[] = [];
  for (const l of parseFile(file) ?? []) {
    if (l.keyword.toLowerCase() !== 'include') {
      out.push(l);
      continue;
    }
    if (depth >= 16) throw configError('Include nested too deeply', l.loc);
    for (const pat of l.args) {
      for (const t of includeTargets(pat, home, relDir)) out.push(...loadSshConfig(t, home, relDir, depth + 1));
    }
  }
  return out;
}

/** The options that apply to `host` (the name given on the command line, before HostName). */
export function resolveSshConfig(lines: readonly ConfigLine[], host: string, into: SshOptions = emptyOptions()): SshOptions {
  let active = true;
  for (const l of lines) {
    const key = l.keyword.toLowerCase();
    if (key === 'host') {
      active = patternListMatch(host, l.args);
    } else if (key === 'match') {
      active = l.args.length === 1 && l.args[0].toLowerCase() === 'all';
    } else if (active) {
      setOption(into, l.keyword, l.args, l.loc);
    }
  }
  return into;
}
