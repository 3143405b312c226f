// The pure line edit behind `lineinfile`, with Ansible's semantics:
// - present + regexp: the LAST matching line is replaced by `line`; with no
//   match, a line equal to `line` counts as present; else `line` is inserted.
// - present without regexp: an equal line means nothing to do; else insert.
// - insertafter/insertbefore: a regexp (its last match) or EOF/BOF; when the
//   regexp matches nothing the line goes at the end.
// - absent: every line matching regexp (or equal to `line`) is removed.
// - search_string: like regexp, matching lines that contain the string.
// - backrefs: `line` is expanded with the last match's groups; no match, no change.

import { expandTemplate, parseTemplate, pythonRegExp } from '../lib/python-regexp.js';

export interface LineEdit {
  line?: string;
  regexp?: string;
  /** A literal string the line contains (instead of regexp). */
  search_string?: string;
  /** `line` is a template of the regexp's groups (\1, \g<name>); nothing happens when regexp finds nothing. */
  backrefs?: boolean;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
}

export interface EditResult {
  content: string;
  /** What happened, for the plan's reason or change. */
  action: 'none' | 'replaced' | 'inserted' | 'removed';
  /** The replaced line, or the removed lines. */
  before?: string;
  /** 1-based line number of the replaced/inserted line, or of the first removed one. */
  at?: number;
  removed?: number;
}

function toLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lastIndex(lines: string[], test: (l: string) => boolean): number {
  for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i])) return i;
  return -1;
}

export function editLines(text: string, e: LineEdit): EditResult {
  const lines = toLines(text);
  const re = e.regexp !== undefined ? pythonRegExp(e.regexp).re : e.search_string !== undefined ? literal(e.search_string) : undefined;
  const matches = (l: string) => (re ? re.test(l) : l === e.line);
  const join = (ls: string[]) => (ls.length ? `${ls.join('\n')}\n` : '');
  if (e.state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    if (kept.length === lines.length) return { content: text, action: 'none' };
    const first = lines.findIndex(matches);
    return { content: join(kept), action: 'removed', before: lines.filter(matches).join('\n'), at: first + 1, removed: lines.length - kept.length };
  }
  let line = e.line!;
  if (re) {
    const i = lastIndex(lines, (l) => re.test(l));
    if (i >= 0 && e.backrefs) line = expandTemplate(parseTemplate(line), lines[i].match(re)!);
    // With backrefs, a line the regexp does not find cannot be written (its groups are unknown).
    if (i < 0 && e.backrefs) return { content: text, action: 'none' };
    if (i >= 0) {
      if (lines[i] === line) return { content: text, action: 'none', at: i + 1 };
      const out = [...lines];
      out[i] = line;
      return { content: join(out), action: 'replaced', before: lines[i], at: i + 1 };
    }
  }
  const same = lines.indexOf(line);
  if (same >= 0) return { content: text, action: 'none', at: same + 1 };
  const pos = insertPosition(lines, e);
  const out = [...lines.slice(0, pos), line, ...lines.slice(pos)];
  return { content: join(out), action: 'inserted', at: pos + 1 };
}

function insertPosition(lines: string[], e: LineEdit): number {
  if (e.insertbefore === 'BOF') return 0;
  if (e.insertbefore !== undefined) {
    const re = pythonRegExp(e.insertbefore).re;
    const i = lastIndex(lines, (l) => re.test(l));
    return i >= 0 ? i : lines.length;
  }
  if (e.insertafter !== undefined && e.insertafter !== 'EOF') {
    const re = pythonRegExp(e.insertafter).re;
    const i = lastIndex(lines, (l) => re.test(l));
    return i >= 0 ? i + 1 : lines.length;
  }
  return lines.length;
}

/** A regexp matching lines that contain `s` literally. */
function literal(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
