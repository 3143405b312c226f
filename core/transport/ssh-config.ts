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

function includeTargets(pattern: string, home: string): string[] {
  const p = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : pattern;
  const abs = isAbsolute(p) ? p : join(home, '.ssh', p);
  if (!/[*?]/.test(basename(abs))) return [abs];
  let names: string[];
  try {
    names = readdirSync(dirname(abs));
  } catch {
    return [];
  }
  return names.filter((n) => globMatch(n, basename(abs))).sort().map((n) => join(dirname(abs), n));
}

const cache = new Map<string, { stamp: string; lines: ConfigLine[] }>();

/** Read a config file with its Includes inlined in place; a missing file is empty. */
export function loadSshConfig(file: string, home: string, depth = 0): ConfigLine[] {
  let stamp: string;
  try {
    const st = statSync(file);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    return [];
  }
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.lines;
  const lines: ConfigLine[] = [];
  for (const l of parseSshConfigText(readFileSync(file, 'utf8'), file)) {
    if (l.keyword.toLowerCase() !== 'include') {
      lines.push(l);
      continue;
    }
    if (depth >= 16) throw configError('Include nested too deeply', l.loc);
    for (const pat of l.args) for (const t of includeTargets(pat, home)) lines.push(...loadSshConfig(t, home, depth + 1));
  }
  cache.set(file, { stamp, lines });
  return lines;
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
