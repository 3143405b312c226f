// The saved rules file (iptables-save format, all tables): Debian's
// /etc/iptables/rules.v4, RHEL's /etc/sysconfig/iptables. rb edits only the
// lines carrying its own comment inside one table section; every other line
// (foreign rules, counters, other tables) is kept as it is.

import { parseRuleLine, type Rule, type SavedRule } from './rule.js';

export const SAVED_HEADER = '# Rules file partly managed by rb (iptables_mark): rb edits only rules carrying its comments.';

const BUILTIN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** [first line after `*table`, index of its COMMIT), or null when the table has no section. */
function section(ls: string[], table: string): [number, number] | null {
  const start = ls.findIndex((l) => l.trim() === `*${table}`);
  if (start === -1) return null;
  let end = start + 1;
  while (end < ls.length && ls[end].trim() !== 'COMMIT') end++;
  return [start + 1, end];
}

export interface SavedLine {
  index: number;
  rule: SavedRule;
}

/** The rules of one table in a saved file, in order. Throws on a rule line it cannot read. */
export function savedRules(text: string | null, table: string): SavedLine[] {
  if (text === null) return [];
  const ls = lines(text);
  const s = section(ls, table);
  if (!s) return [];
  const out: SavedLine[] = [];
  for (let i = s[0]; i < s[1]; i++) {
    if (/^(\[\d+:\d+\]\s+)?-A\s/.test(ls[i].trim())) {
      try {
        out.push({ index: i, rule: parseRuleLine(ls[i].trim()) });
      } catch (e) {
        throw new Error(`line ${i + 1}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

/**
 * Remove the lines of `table` carrying `comment` (or those `ours` picks), then (unless `line` is null)
 * put `line` at the head (insert) or tail (append) of its chain.
 */
export function updateSaved(text: string | null, table: string, comment: string | ((r: Rule) => boolean), line: string | null, chain: string, position: 'insert' | 'append'): string {
  const ls = text === null ? [SAVED_HEADER] : lines(text);
  let s = section(ls, table);
  if (!s) {
    if (line === null) return text ?? '';
    ls.push(`*${table}`, ...(BUILTIN[table] ?? []).map((c) => `:${c} ACCEPT [0:0]`), 'COMMIT');
    s = section(ls, table)!;
  }
  const ours = new Set(savedRules(`${ls.join('\n')}\n`, table).filter((l) => (typeof comment === 'string' ? l.rule.comment === comment : comment(l.rule))).map((l) => l.index));
  const body = ls.slice(s[0], s[1]).filter((_, i) => !ours.has(s![0] + i));
  if (line !== null) {
    if (!body.some((l) => l.startsWith(`:${chain} `))) {
      const lastDecl = body.reduce((at, l, i) => (l.startsWith(':') ? i + 1 : at), 0);
      body.splice(lastDecl, 0, `:${chain} - [0:0]`);
    }
    const inChain = body.map((l, i) => (l.replace(/^\[\d+:\d+\]\s+/, '').startsWith(`-A ${chain} `) ? i : -1)).filter((i) => i >= 0);
    const at = inChain.length === 0 ? body.length : position === 'insert' ? inChain[0] : inChain[inChain.length - 1] + 1;
    body.splice(at, 0, line);
  }
  return `${[...ls.slice(0, s[0]), ...body, ...ls.slice(s[1])].join('\n')}\n`;
}
