// Python methods people call in expressions: `x.split(',')`, `x.startswith('10.')`,
// `d.get('k', 0)`, `d.items()`. A dict's own key wins over a method of the same
// name (`result.items` can be data); for strings the Python method wins, because
// JS `split`/`replace` differ from Python's.

import { TemplateError } from '../errors.js';
import { pyEq, pyStr, type Dict } from './python.js';

type Method = (...args: unknown[]) => unknown;

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : pyStr(chars);
  const strip = (c: string) => (set === null ? /\s/.test(c) : set.includes(c));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s[a])) a++;
  if (right) while (b > a && strip(s[b - 1])) b--;
  return s.slice(a, b);
}

function pySplit(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  const max = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const words = s.trim().split(/\s+/).filter(Boolean);
    if (words.length <= max + 1) return words;
    // Keep the remainder unsplit, like Python.
    const re = /\S+/g;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = re.exec(s)) && n < max) n++;
    return [...words.slice(0, max), s.slice(m ? m.index : s.length).trimEnd()];
  }
  const d = pyStr(sep);
  if (d === '') throw new TemplateError('split(): empty separator');
  const parts = s.split(d);
  return parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(d)];
}

const strMethods: Record<string, (s: string) => Method> = {
  split: (s) => (sep, max) => pySplit(s, sep, max),
  rsplit: (s) => (sep, max) => {
    const n = typeof max === 'number' && max >= 0 ? max : Infinity;
    const d = sep === undefined || sep === null ? null : pyStr(sep);
    const parts = d === null ? s.trim().split(/\s+/).filter(Boolean) : s.split(d);
    if (parts.length - 1 <= n) return parts;
    const cut = parts.length - n;
    return [parts.slice(0, cut).join(d ?? ' '), ...parts.slice(cut)];
  },
  splitlines: (s) => () => s.split(/\r\n|\r|\n/).filter((l, i, a) => i < a.length - 1 || l !== ''),
  strip: (s) => (chars) => stripChars(s, chars, true, true),
  lstrip: (s) => (chars) => stripChars(s, chars, true, false),
  rstrip: (s) => (chars) => stripChars(s, chars, false, true),
  startswith: (s) => (p) => (Array.isArray(p) ? p : [p]).some((x) => s.startsWith(pyStr(x))),
  endswith: (s) => (p) => (Array.isArray(p) ? p : [p]).some((x) => s.endsWith(pyStr(x))),
  upper: (s) => () => s.toUpperCase(),
  lower: (s) => () => s.toLowerCase(),
  capitalize: (s) => () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s) => () => s.replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  replace: (s) => (a, b, count) => {
    const parts = s.split(pyStr(a));
    const n = typeof count === 'number' && count >= 0 ? count : Infinity;
    return parts.length - 1 <= n ? parts.join(pyStr(b)) : parts.slice(0, n + 1).join(pyStr(b)) + pyStr(a) + parts.slice(n + 1).join(pyStr(a));
  },
  find: (s) => (sub) => s.indexOf(pyStr(sub)),
  index: (s) => (sub) => {
    const i = s.indexOf(pyStr(sub));
    if (i < 0) throw new TemplateError('index(): substring not found');
    return i;
  },
  count: (s) => (sub) => s.split(pyStr(sub)).length - 1,
  join: (s) => (items) => (Array.isArray(items) ? items.map(pyStr).join(s) : pyStr(items)),
  isdigit: (s) => () => /^[0-9]+$/.test(s),
  isalpha: (s) => () => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => () => /^[A-Za-z0-9]+$/.test(s),
  zfill: (s) => (w) => s.padStart(Number(w), '0'),
  format: (s) => (...args) => {
    let auto = 0;
    return s.replace(/\{(\d*)\}/g, (_, i: string) => pyStr(args[i === '' ? auto++ : Number(i)]));
  },
};

const listMethods: Record<string, (l: unknown[]) => Method> = {
  index: (l) => (x) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i < 0) throw new TemplateError('index(): value is not in the list');
    return i;
  },
  count: (l) => (x) => l.filter((y) => pyEq(x, y)).length,
  append: (l) => (x) => void l.push(x),
  extend: (l) => (xs) => void l.push(...(Array.isArray(xs) ? xs : [xs])),
  insert: (l) => (i, x) => void l.splice(Number(i), 0, x),
  pop: (l) => (i) => (i === undefined ? l.pop() : l.splice(Number(i), 1)[0]),
  remove: (l) => (x) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i >= 0) l.splice(i, 1);
  },
};

const dictMethods: Record<string, (d: Dict) => Method> = {
  keys: (d) => () => Object.keys(d),
  values: (d) => () => Object.values(d),
  items: (d) => () => Object.entries(d),
  get: (d) => (k, dflt = null) => (Object.hasOwn(d, pyStr(k)) && d[pyStr(k)] !== undefined ? d[pyStr(k)] : dflt),
  update: (d) => (other) => void Object.assign(d, other),
  copy: (d) => () => ({ ...d }),
};

export function strMethod(s: string, name: string): Method | undefined {
  return Object.hasOwn(strMethods, name) ? strMethods[name](s) : undefined;
}

export function listMethod(l: unknown[], name: string): Method | undefined {
  return Object.hasOwn(listMethods, name) ? listMethods[name](l) : undefined;
}

export function dictMethod(d: Dict, name: string): Method | undefined {
  return Object.hasOwn(dictMethods, name) ? dictMethods[name](d) : undefined;
}
