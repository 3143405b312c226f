// Host patterns (`hosts:` of a play, `--limit`), evaluated as Ansible does:
//
//   lvs:realservers   lvs,realservers   union
//   realservers:&web                    intersection
//   realservers:!canary                 exclusion
//   rs0*  lb0?  *.example.com           shell wildcards on group and host names
//   ~rs0[13]                            regular expression (anchored at the start)
//   realservers[0]  [1:]  [-1]  [1:3]   subscripts (the range is inclusive)
//
// All plain parts are applied first, in the order written, then every `&`
// part, then every `!` part; a pattern of only `&`/`!` parts starts from
// `all`. Hosts come out in the order the parts produce them, without
// duplicates. A plain name that is neither a group nor a host is an error
// (Ansible only warns), naming the closest names that do exist.
//
// `localhost`, `127.0.0.1` and `::1` match Ansible's implicit localhost when
// the inventory lists no such host: it is added to `inv.hosts` when first
// selected (connection local, in no group, so never part of `all`).

import { ConfigError, type ConfigProblem } from '../errors.js';
import { editDistance } from '../schema/suggest.js';
import { groupHosts } from './group-hosts.js';
import { parseAddress } from './host-range.js';
import { patternProblems, SUBSCRIPT } from './pattern-check.js';
import type { Inventory, InventoryHost } from './types.js';

export const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Implicit localhost candidates, kept beside an inventory without becoming part of its API. */
const implicitLocalhosts = new WeakMap<Inventory, Map<string, InventoryHost>>();

export function setImplicitLocalhost(inv: Inventory, hosts: InventoryHost[]): void {
  implicitLocalhosts.set(inv, new Map(hosts.map((h) => [h.name, h])));
}

const WILDCARD = /[*?[]/;

/** Hosts a pattern selects; a blank or malformed pattern is an error, never `all`. */
export function selectHosts(inv: Inventory, pattern: string): string[] {
  const bad = patternProblems(pattern);
  if (bad.length) throw new ConfigError(bad.map((m) => ({ message: `host pattern "${pattern}": ${m}` })));
  return selectParts(inv, splitHostPattern(pattern), pattern);
}

/** Hosts selected by already split parts (a list of patterns, a limit file's lines). */
export function selectParts(inv: Inventory, parts: string[], pattern = parts.join(',')): string[] {
  const problems: ConfigProblem[] = [];
  const cache = new Map<string, string[]>();
  let hosts: string[] = [];
  for (const p of orderPatterns(parts)) {
    if (inv.hosts.has(p)) {
      hosts.push(p);
      continue;
    }
    const bare = p[0] === '!' || p[0] === '&' ? p.slice(1) : p;
    let that = cache.get(bare);
    if (!that) {
      that = matchOne(inv, bare, pattern, problems);
      cache.set(bare, that);
    }
    if (p[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      hosts.push(...that.filter((h) => !have.has(h)));
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return [...new Set(hosts)];
}

/** `a,b` splits on commas; otherwise on colons, except inside [x:y] and in a host:port or IPv6 address. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function orderPatterns(parts: string[]): string[] {
  const regular = parts.filter((p) => p[0] !== '!' && p[0] !== '&');
  const and = parts.filter((p) => p[0] === '&');
  const not = parts.filter((p) => p[0] === '!');
  return [...(regular.length ? regular : ['all']), ...and, ...not];
}

function matchOne(inv: Inventory, part: string, whole: string, problems: ConfigProblem[]): string[] {
  if (!part) return [];
  const [expr, subscript] = splitSubscript(part);
  const matched = enumerate(inv, expr, whole, problems);
  if (!subscript || !matched.length) return matched;
  const [start, end] = subscript;
  if (end) return matched.slice(start, (end === -1 ? matched.length - 1 : end) + 1);
  const one = matched[start < 0 ? matched.length + start : start];
  if (one === undefined) {
    problems.push({ message: `host pattern "${whole}": no host at index ${start} of "${expr}" (${matched.length} hosts)` });
    return [];
  }
  return [one];
}

function splitSubscript(part: string): [string, [number, number | undefined] | undefined] {
  if (part[0] === '~') return [part, undefined];
  const m = SUBSCRIPT.exec(part);
  if (!m) return [part, undefined];
  if (m[2] !== undefined) return [m[1], [Number(m[2]), undefined]];
  return [m[1], [Number(m[3]), m[5] ? Number(m[5]) : -1]];
}

function enumerate(inv: Inventory, expr: string, whole: string, problems: ConfigProblem[]): string[] {
  const re = compile(expr, whole, problems);
  if (!re) return [];
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => test(re, g));
  for (const g of groups) results.push(...groupHosts(inv, g));
  const implicit = implicitLocalhosts.get(inv);
  if (!groups.length || expr[0] === '~' || /[.?*[]/.test(expr)) {
    // An implicit localhost is only ever matched by its exact name, as in Ansible.
    for (const h of inv.hosts.keys()) if (test(re, h) && !(implicit?.has(h) && h !== expr)) results.push(h);
  }
  if (!results.length && implicit?.has(expr)) {
    // Ansible reuses the one implicit localhost whatever name reached it first.
    const existing = [...implicit.keys()].find((n) => inv.hosts.get(n) === implicit.get(n));
    if (existing) return [existing];
    inv.hosts.set(expr, implicit.get(expr)!);
    return [expr];
  }
  if (!results.length && !groups.length && expr !== 'all' && isPlainName(expr)) {
    problems.push({ message: `host pattern "${whole}": no group or host is named "${expr}"${closeNames(inv, expr)}` });
  }
  return [...new Set(results)];
}

function isPlainName(expr: string): boolean {
  return expr[0] !== '~' && !WILDCARD.test(expr);
}

function closeNames(inv: Inventory, name: string): string {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored = [...inv.groups.keys(), ...inv.hosts.keys()]
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, 5)
    .map((x) => x.c);
  return scored.length ? ` (did you mean ${scored.map((c) => `"${c}"`).join(', ')}?)` : '';
}

function compile(expr: string, whole: string, problems: ConfigProblem[]): RegExp | undefined {
  try {
    // Python's re.match anchors at the start only; the sticky flag does the same.
    return expr[0] === '~' ? new RegExp(expr.slice(1), 'y') : new RegExp(`^${fnmatchToRegex(expr)}$`, 's');
  } catch (e) {
    problems.push({ message: `host pattern "${whole}": invalid regular expression "${expr}": ${(e as Error).message}` });
    return undefined;
  }
}

function test(re: RegExp, name: string): boolean {
  re.lastIndex = 0;
  return re.test(name);
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; everything else literal, case-sensitive. */
export function fnmatchToRegex(pat: string): string {
  let out = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) {
        out += '\\[';
        continue;
      }
      let body = pat.slice(i + 1, j);
      i = j;
      const negate = body[0] === '!';
      if (negate) body = body.slice(1);
      if (!body) {
        out += negate ? '.' : '(?!)';
        continue;
      }
      const cls = classBody(body);
      out += cls ? `[${negate ? '^' : ''}${cls}]` : negate ? '.' : '(?!)';
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** A class body; reversed ranges (`[1:-1]` holds `:-1`) match nothing, as Python's fnmatch drops them. */
function classBody(body: string): string {
  let cls = '';
  for (let k = 0; k < body.length; k++) {
    if (body[k + 1] === '-' && k + 2 < body.length) {
      if (body[k] <= body[k + 2]) cls += `${escapeClassChar(body[k])}-${escapeClassChar(body[k + 2])}`;
      k += 2;
    } else cls += escapeClassChar(body[k]);
  }
  return cls;
}

function escapeClassChar(ch: string): string {
  return /[\]\\^[-]/.test(ch) ? `\\${ch}` : ch;
}
