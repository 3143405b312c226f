// The pure edit behind `replace`, with Ansible's semantics (2.14): every match
// of `regexp` (a Python regexp in MULTILINE mode) is replaced by `replace`, a
// Python replacement template (\1, \g<1>, \g<name>, \n...); `after`/`before`
// (DOTALL regexps) limit the edit to the text between their first matches, and
// when they match nothing the file is left alone.

import { expandTemplate, parseTemplate, pythonRegExp } from '../lib/python-regexp.js';

export interface ReplaceEdit {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

export interface ReplaceResult {
  content: string;
  /** How many matches were replaced (0 when the content did not change). */
  replacements: number;
  /** Set when after/before matched nothing. */
  noSection?: string;
}

export function editReplace(text: string, e: ReplaceEdit): ReplaceResult {
  let start = 0;
  let end = text.length;
  const wrap = (s: string) => pythonRegExp(s).re.source;
  if (e.after || e.before) {
    const source = e.after && e.before ? `${wrap(e.after)}(?<subsection>.*?)${wrap(e.before)}` : e.after ? `${wrap(e.after)}(?<subsection>.*)` : `(?<subsection>.*)${wrap(e.before!)}`;
    const m = new RegExp(source, 'sd').exec(text);
    const at = m?.indices?.groups?.subsection;
    if (!at) return { content: text, replacements: 0, noSection: source };
    [start, end] = at;
  }
  const section = text.slice(start, end);
  const { re } = pythonRegExp(e.regexp);
  const global = new RegExp(re.source, `${re.flags.replace('m', '')}gm`);
  const parts = parseTemplate(e.replace);
  let out = '';
  let last = 0;
  let count = 0;
  for (const m of section.matchAll(global)) {
    out += section.slice(last, m.index) + expandTemplate(parts, m);
    last = m.index! + m[0].length;
    count++;
  }
  out += section.slice(last);
  if (count === 0 || out === section) return { content: text, replacements: 0 };
  return { content: text.slice(0, start) + out + text.slice(end), replacements: count };
}
