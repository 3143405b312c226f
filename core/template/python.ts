// Python value semantics the Jinja expressions in playbooks are written for:
// str(), repr(), truthiness, ==, ordering, + and *. Ansible users expect
// `[] == []`, `{{ true }}` → "True", `groups.a + groups.b` to concatenate lists.

import { TemplateError } from '../errors.js';
import { Undefined } from './undefined.js';

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Strings from nunjucks' `safe` filter are String objects; treat them as strings. */
export function unbox(v: unknown): unknown {
  return v instanceof String ? v.valueOf() : v;
}

export function pyType(v: unknown): string {
  v = unbox(v);
  if (v instanceof Undefined) return 'undefined';
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (typeof v === 'function') return 'function';
  return typeof v;
}

function numStr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Python's str(): what `{{ x }}` prints. */
export function pyStr(v: unknown): string {
  v = unbox(v);
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) v.fail();
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return numStr(v);
  if (Array.isArray(v) || isDict(v)) return pyRepr(v);
  if (typeof v === 'function') throw new TemplateError('refused: a function is not a value');
  return String(v);
}

function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return q + out + q;
}

/** Python's repr(): how a list or dict prints inside a string. */
export function pyRepr(v: unknown): string {
  v = unbox(v);
  if (typeof v === 'string') return strRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return pyStr(v);
}

export function pyTruthy(v: unknown): boolean {
  v = unbox(v);
  if (v instanceof Undefined) v.fail();
  if (v === null || v === undefined) return false;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return Boolean(v) || Number.isNaN(v);
}

const isNum = (v: unknown): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';

export function pyEq(a: unknown, b: unknown): boolean {
  a = unbox(a);
  b = unbox(b);
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (isNum(a) && isNum(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && pyEq(a[k], b[k]));
  }
  return false;
}

/** Ordering for <, >, sort, min, max. Mixed types are an error, as in Python 3. */
export function pyCmp(a: unknown, b: unknown, op = '<'): number {
  a = unbox(a);
  b = unbox(b);
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCmp(a[i], b[i], op);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TemplateError(`'${op}' not supported between ${pyType(a)} and ${pyType(b)}`);
}

export function pyCompare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEq(a, b);
    case '!=':
    case '!==':
      return !pyEq(a, b);
    case '<':
      return pyCmp(a, b, op) < 0;
    case '>':
      return pyCmp(a, b, op) > 0;
    case '<=':
      return pyCmp(a, b, op) <= 0;
    case '>=':
      return pyCmp(a, b, op) >= 0;
    default:
      throw new TemplateError(`unknown comparison ${op}`);
  }
}

export function pyAdd(a: unknown, b: unknown): unknown {
  a = unbox(a);
  b = unbox(b);
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  if (isNum(a) && isNum(b)) return Number(a) + Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  throw new TemplateError(`cannot add ${pyType(a)} and ${pyType(b)} (use ~ to join as text)`);
}

export function pyMul(a: unknown, b: unknown): unknown {
  a = unbox(a);
  b = unbox(b);
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  if (isNum(a) && isNum(b)) return Number(a) * Number(b);
  const [seq, n] = typeof b === 'number' ? [a, b] : [b, a];
  if (typeof n === 'number' && Number.isInteger(n)) {
    if (typeof seq === 'string') return seq.repeat(Math.max(0, n));
    if (Array.isArray(seq)) return Array.from({ length: Math.max(0, n) }, () => seq).flat();
  }
  throw new TemplateError(`cannot multiply ${pyType(a)} and ${pyType(b)}`);
}

/** Python's `x in y`. */
export function pyIn(key: unknown, container: unknown): boolean {
  key = unbox(key);
  container = unbox(container);
  if (key instanceof Undefined) key.fail();
  if (container instanceof Undefined) container.fail();
  if (typeof container === 'string') {
    if (typeof key !== 'string') throw new TemplateError(`'in <string>' requires string as left operand, not ${pyType(key)}`);
    return container.includes(key);
  }
  if (Array.isArray(container)) return container.some((x) => pyEq(x, key));
  if (isDict(container)) return Object.hasOwn(container, pyStr(key));
  throw new TemplateError(`argument of type '${pyType(container)}' is not iterable`);
}
