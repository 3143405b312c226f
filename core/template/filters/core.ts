// Defaults, type conversions and string filters, with Ansible's semantics.

import { TemplateError } from '../../errors.js';
import { bindArgs } from '../args.js';
import { isDict, pyStr, pyTruthy, pyType, unbox } from '../python.js';
import { Undefined } from '../undefined.js';
import type { Filter } from './registry.js';
import { attrGetter, items } from './util.js';

function byDefault(value: unknown, ...args: unknown[]): unknown {
  const a = bindArgs('default', args, [['default_value', ''], ['boolean', false]]);
  if (value instanceof Undefined || value === undefined) return a.default_value;
  if (a.boolean && !pyTruthy(value)) return a.default_value;
  return value;
}

const INT_RE: Record<number, RegExp> = { 2: /^[+-]?(0b)?[01_]+$/i, 8: /^[+-]?(0o)?[0-7_]+$/i, 10: /^[+-]?\d[\d_]*$/, 16: /^[+-]?(0x)?[0-9a-f_]+$/i };

/** Python int(str, base) for the usual bases; undefined when it does not parse. */
export function parseInt_(s: string, base: number): number | undefined {
  const t = s.trim();
  const re = INT_RE[base];
  if (!re || !re.test(t) || /__|_$|^[+-]?_/.test(t)) return undefined;
  const neg = t.startsWith('-');
  const digits = t.replace(/^[+-]/, '').replace(/^0[box]/i, '').replace(/_/g, '');
  const n = Number.parseInt(digits, base);
  return Number.isNaN(n) ? undefined : neg ? -n : n;
}

function toFloat(v: unknown): number | undefined {
  v = unbox(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (t === 'nan') return NaN;
  return /^[+-]?(\d[\d_]*\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t.replace(/_/g, '')) : undefined;
}

function toInt(value: unknown, ...args: unknown[]): unknown {
  const a = bindArgs('int', args, [['default', 0], ['base', 10]]);
  const v = unbox(value);
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : a.default;
  if (typeof v === 'string') {
    const n = parseInt_(v, Number(a.base));
    if (n !== undefined) return n;
    const f = toFloat(v);
    return f !== undefined && Number.isFinite(f) ? Math.trunc(f) : a.default;
  }
  return a.default;
}

/** Ansible's `bool`: yes/on/1/true (any case) are true, everything else false; None stays None. */
export function ansibleBool(value: unknown): boolean | null {
  const v = unbox(value);
  if (v === null || typeof v === 'boolean') return v;
  if (v === 1) return true;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.trim().toLowerCase());
  return false;
}

function stripChars(s: string, chars: unknown): string {
  if (chars === undefined || chars === null) return s.trim();
  const set = pyStr(chars);
  let a = 0;
  let b = s.length;
  while (a < b && set.includes(s[a])) a++;
  while (b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** Python %-formatting for the `format` filter: %s %d %i %f %.Nf %x %%. */
function percentFormat(fmt: string, args: unknown[]): string {
  let i = 0;
  const out = fmt.replace(/%(-?\d*)(?:\.(\d+))?([sdifrx%])/g, (_, width: string, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (i >= args.length) throw new TemplateError('format: not enough arguments for format string');
    const v = args[i++];
    let s: string;
    if (conv === 's') s = pyStr(v);
    else if (conv === 'r') s = pyStr(v);
    else if (conv === 'x') s = Math.trunc(Number(v)).toString(16);
    else if (conv === 'f') s = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
    else s = String(Math.trunc(Number(v)));
    const w = Number(width || 0);
    return w < 0 ? s.padEnd(-w) : s.padStart(w);
  });
  if (i < args.length) throw new TemplateError('format: not all arguments converted');
  return out;
}

function length(value: unknown): number {
  const v = unbox(value);
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  throw new TemplateError(`object of type '${pyType(v)}' has no len()`);
}

/** Python's round(): halves go to the even neighbour (Jinja's 'common' method). */
function pyRound(value: unknown, ...args: unknown[]): number {
  const a = bindArgs('round', args, [['precision', 0], ['method', 'common']]);
  const f = 10 ** Number(a.precision);
  const x = Number(value) * f;
  if (a.method === 'ceil') return Math.ceil(x) / f;
  if (a.method === 'floor') return Math.floor(x) / f;
  if (a.method !== 'common') throw new TemplateError('round: method must be common, ceil or floor');
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) / f;
}

/** Jinja's truncate, with its leeway of 5: a slightly longer text is left whole. */
function truncate(value: unknown, ...args: unknown[]): string {
  const a = bindArgs('truncate', args, [['length', 255], ['killwords', false], ['end', '...'], ['leeway', 5]]);
  const s = pyStr(value);
  const length = Number(a.length);
  const end = pyStr(a.end);
  if (s.length <= length + Number(a.leeway)) return s;
  if (a.killwords) return s.slice(0, length - end.length) + end;
  const cut = s.slice(0, length - end.length);
  const space = cut.lastIndexOf(' ');
  return (space < 0 ? cut : cut.slice(0, space)) + end;
}

export const coreFilters: Record<string, Filter> = {
  round: pyRound,
  truncate,
  default: byDefault,
  d: byDefault,
  mandatory(value: unknown, msg?: unknown) {
    if (value instanceof Undefined || value === undefined) {
      throw new TemplateError(msg !== undefined ? pyStr(msg) : `mandatory variable "${value instanceof Undefined ? value.name : '?'}" is not defined`);
    }
    return value;
  },
  bool: ansibleBool,
  int: toInt,
  float(value: unknown, dflt: unknown = 0.0) {
    return toFloat(value) ?? dflt;
  },
  string: (v: unknown) => pyStr(v),
  lower: (v: unknown) => pyStr(v).toLowerCase(),
  upper: (v: unknown) => pyStr(v).toUpperCase(),
  capitalize: (v: unknown) => {
    const s = pyStr(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  title: (v: unknown) => pyStr(v).replace(/[A-Za-z0-9']+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  trim: (v: unknown, chars?: unknown) => stripChars(pyStr(v), chars),
  replace(v: unknown, old: unknown, repl: unknown, count?: unknown) {
    const parts = pyStr(v).split(pyStr(old));
    const n = typeof count === 'number' && count >= 0 ? count : Infinity;
    if (parts.length - 1 <= n) return parts.join(pyStr(repl));
    return parts.slice(0, n + 1).join(pyStr(repl)) + pyStr(old) + parts.slice(n + 1).join(pyStr(old));
  },
  ternary(value: unknown, ...args: unknown[]) {
    const a = bindArgs('ternary', args, [['true_val', true], ['false_val', false], ['none_val', undefined]]);
    if ((value === null || value === undefined) && a.none_val !== undefined) return a.none_val;
    return pyTruthy(value) ? a.true_val : a.false_val;
  },
  length,
  count: length,
  join(value: unknown, ...args: unknown[]) {
    const a = bindArgs('join', args, [['d', ''], ['attribute', null]]);
    let list = items(value, 'join');
    if (a.attribute !== null) list = list.map(attrGetter(a.attribute));
    return list.map(pyStr).join(pyStr(a.d));
  },
  format: (fmt: unknown, ...args: unknown[]) => percentFormat(pyStr(fmt), args),
  type_debug: (v: unknown) => pyType(v),
};
