// Which hosts each play runs on, decided before any connection. A pattern or a
// --limit that is blank, malformed or matches no host is bad input (exit 1),
// located where it is written: selection never widens to `all`.

import { statSync, readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem, type Location } from '../errors.js';
import { patternProblems, subscriptHint } from '../inventory/pattern-check.js';
import { randomInt } from 'node:crypto';
import { selectParts, splitHostPattern } from '../inventory/patterns.js';
import type { Inventory } from '../inventory/types.js';
import { resolvePlayKeywords } from '../playbook/keyword-values.js';
import type { Play } from '../playbook/types.js';
import { renderValue } from '../template/index.js';
import { hasTemplate } from '../playbook/keyword-types.js';

export interface PlayHosts {
  play: Play;
  hosts: string[];
}

interface Part {
  text: string;
  loc?: Location;
  path: string;
}

/** Every play's hosts, filtered by --limit; all problems are thrown together. */
export function selectPlayHosts(inv: Inventory, plays: Play[], limit: string | undefined, extraVars: Record<string, unknown>): PlayHosts[] {
  const problems: ConfigProblem[] = [];
  const limited = limit === undefined ? undefined : limitHosts(inv, limit, problems);
  const out: PlayHosts[] = [];
  plays.forEach((play, i) => {
    const path = `plays[${i}].hosts`;
    const loc = play.locate?.('hosts') ?? play.loc;
    try {
      resolvePlayKeywords(play, { ...play.vars, ...extraVars }, (key) => play.locate?.(key) ?? play.loc, `plays[${i}]`);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
    const patterns = play.patterns ?? [play.hosts];
    const parts: string[] = [];
    let bad = false;
    for (const raw of patterns) {
      let p = raw;
      if (hasTemplate(p)) {
        try {
          p = String(renderValue(p, { ...play.vars, ...extraVars }));
        } catch (e) {
          problems.push({ message: `hosts: ${(e as Error).message}`, loc, path });
          bad = true;
          continue;
        }
      }
      const msgs = patternProblems(p);
      for (const m of msgs) problems.push({ message: `host pattern ${JSON.stringify(p)}${p !== raw ? ` (rendered from ${JSON.stringify(raw)})` : ''}: ${m}`, loc, path });
      if (msgs.length) bad = true;
      else parts.push(...splitHostPattern(p));
    }
    if (!patterns.length) bad = true;
    if (bad) return;
    const hosts = located(() => selectParts(inv, parts, patterns.join(',')), loc, path, problems);
    if (!hosts) return;
    if (!hosts.length) {
      problems.push({ message: `host pattern "${patterns.join(',')}": no hosts matched${parts.map(subscriptHint).join('')}`, loc, path });
      return;
    }
    out.push({ play, hosts: ordered(limited ? hosts.filter((h) => limited.has(h)) : hosts, play.order) });
  });
  if (!problems.length && limited && out.length && out.every((p) => !p.hosts.length)) {
    problems.push({ message: `--limit "${limit}" leaves no host in any play`, path: '--limit' });
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

function located<T>(fn: () => T, loc: Location | undefined, path: string, problems: ConfigProblem[]): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems.map((p) => ({ ...p, loc: p.loc ?? loc, path: p.path ?? path })));
    return undefined;
  }
}

/** --limit: a pattern whose `@FILE` parts (retry files) are read one pattern a line. */
function limitHosts(inv: Inventory, limit: string, problems: ConfigProblem[]): Set<string> | undefined {
  const before = problems.length;
  for (const m of patternProblems(limit)) problems.push({ message: `host pattern "${limit}": ${m}`, path: '--limit' });
  if (problems.length > before) return undefined;
  const parts: Part[] = [];
  for (const text of splitHostPattern(limit)) {
    if (text[0] !== '@') parts.push({ text, path: '--limit' });
    else parts.push(...limitFile(text.slice(1), problems));
  }
  if (problems.length > before) return undefined;
  if (!parts.length) {
    problems.push({ message: `"${limit}" lists no host`, path: '--limit' });
    return undefined;
  }
  const selected = new Set<string>();
  for (const part of parts) {
    const hosts = located(() => selectParts(inv, [part.text], part.text), part.loc, part.path, problems);
    if (hosts && !hosts.length) problems.push({ message: `host pattern "${part.text}": no hosts matched${subscriptHint(part.text)}`, loc: part.loc, path: part.path });
  }
  if (problems.length > before) return undefined;
  // Parts apply together (`a:!b` over several lines of a file works as in Ansible).
  for (const h of selectParts(inv, parts.map((p) => p.text), limit)) selected.add(h);
  if (!selected.size) problems.push({ message: `"${limit}": no hosts matched`, path: '--limit' });
  return selected;
}

function limitFile(file: string, problems: ConfigProblem[]): Part[] {
  const here = { path: `--limit @${file}` };
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      problems.push({ message: `${file}: a limit file must be a regular file`, ...here });
      return [];
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ message: `cannot read the limit file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, ...here });
    return [];
  }
  const parts: Part[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const loc = { file, line: i + 1, col: line.indexOf(t) + 1 };
    const msgs = patternProblems(t);
    for (const m of msgs) problems.push({ message: `host pattern "${t}": ${m}`, loc, path: here.path });
    if (!msgs.length) for (const p of splitHostPattern(t)) parts.push({ text: p, loc, path: here.path });
  });
  if (!parts.length && !problems.length) problems.push({ message: `${file} lists no host`, ...here });
  return parts;
}

/** The play's `order:` of its hosts (inventory order is how they were selected). */
function ordered(hosts: string[], order: Play['order']): string[] {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort(byName);
    case 'reverse_sorted':
      return [...hosts].sort(byName).reverse();
    case 'shuffle': {
      const out = [...hosts];
      for (let i = out.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    }
    default:
      return hosts;
  }
}
