// Python `re` patterns and replacement templates, translated to JS RegExp.
// Playbooks are written for Python: `(?P<name>...)`, `\1` / `\g<name>` in
// replacements, inline flags like `(?i)`, `\A` / `\Z` anchors.

import { TemplateError } from '../../errors.js';
import { bindArgs } from '../args.js';
import { pyStr } from '../python.js';
import type { Filter } from './registry.js';

const cache = new Map<string, RegExp>();

/** A JS RegExp for a Python pattern. `flags` are JS flags ('i', 'm', 's', 'g', 'y'). */
export function pyRegex(pattern: string, flags = ''): RegExp {
  const key = `${flags}\0${pattern}`;
  const hit = cache.get(key);
  if (hit) return new RegExp(hit);
  let src = pattern;
  let f = flags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const c of inline[1]) {
      if (c === 'x') throw new TemplateError(`regex: verbose flag (?x) is not supported: ${pattern}`);
      if ('ims'.includes(c) && !f.includes(c)) f += c;
    }
  }
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\Z/g, '$1$(?![\\s\\S])');
  let re: RegExp;
  try {
    re = new RegExp(src, f);
  } catch (e) {
    throw new TemplateError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`);
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return new RegExp(re);
}

type Match = { groups: (string | undefined)[]; named: Record<string, string | undefined> };

/** Expand a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`) for one match. */
export function expandTemplate(template: string, m: Match): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (all, g: string | undefined, num: string | undefined, ch: string | undefined) => {
    const ref = g ?? num;
    if (ref !== undefined) {
      if (/^\d+$/.test(ref)) {
        const i = Number(ref);
        if (i >= m.groups.length) throw new TemplateError(`regex: invalid group reference ${ref}`);
        return m.groups[i] ?? '';
      }
      if (!Object.hasOwn(m.named, ref)) throw new TemplateError(`regex: unknown group name ${ref}`);
      return m.named[ref] ?? '';
    }
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[ch!] ?? all;
  });
}

function flagsOf(a: Record<string, unknown>): string {
  return (a.ignorecase ? 'i' : '') + (a.multiline ? 'm' : '');
}

function toMatch(m: RegExpExecArray): Match {
  return { groups: [...m], named: m.groups ?? {} };
}

/** re.sub */
function regexReplace(value: unknown, ...args: unknown[]): string {
  const a = bindArgs('regex_replace', args, [['pattern', ''], ['replacement', ''], ['ignorecase', false], ['multiline', false], ['count', 0]]);
  const re = pyRegex(pyStr(a.pattern), `g${flagsOf(a)}`);
  const limit = Number(a.count) > 0 ? Number(a.count) : Infinity;
  let done = 0;
  const repl = pyStr(a.replacement);
  return pyStr(value).replace(re, (...m: unknown[]) => {
    const hasNamed = typeof m[m.length - 1] === 'object';
    const groups = m.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
    if (done++ >= limit) return groups[0] as string;
    return expandTemplate(repl, { groups, named: (hasNamed ? m[m.length - 1] : {}) as Record<string, string | undefined> });
  });
}

/** re.search; with '\\1' / '\\g<name>' arguments returns those groups as a list. */
function regexSearch(value: unknown, pattern: unknown, ...rest: unknown[]): unknown {
  const refs = rest.filter((r) => typeof r === 'string') as string[];
  const a = bindArgs('regex_search', rest.filter((r) => typeof r !== 'string'), [['ignorecase', false], ['multiline', false]]);
  const m = pyRegex(pyStr(pattern), flagsOf(a)).exec(pyStr(value));
  if (!m) return null;
  if (!refs.length) return m[0];
  return refs.map((r) => {
    if (!/^\\(\d+|g<\w+>)$/.test(r)) throw new TemplateError(`regex_search: unknown argument ${JSON.stringify(r)}`);
    return expandTemplate(r, toMatch(m));
  });
}

/** re.findall: whole matches, the one group, or tuples of groups. */
function regexFindall(value: unknown, pattern: unknown, ...args: unknown[]): unknown[] {
  const a = bindArgs('regex_findall', args, [['ignorecase', false], ['multiline', false]]);
  const out: unknown[] = [];
  for (const m of pyStr(value).matchAll(pyRegex(pyStr(pattern), `g${flagsOf(a)}`))) {
    if (m.length === 1) out.push(m[0]);
    else if (m.length === 2) out.push(m[1] ?? '');
    else out.push(m.slice(1).map((g) => g ?? ''));
  }
  return out;
}

export const regexFilters: Record<string, Filter> = {
  regex_replace: regexReplace,
  regex_search: regexSearch,
  regex_findall: regexFindall,
  regex_escape: (v: unknown) => pyStr(v).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
};
