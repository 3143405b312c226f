// Jinja and Ansible tests (`x is defined`, `result is changed`, `v is version('2.0', '>=')`).

import { existsSync, lstatSync, statSync } from 'node:fs';
import { TemplateError } from '../errors.js';
import { bindArgs } from './args.js';
import { pyRegex } from './filters/regex.js';
import type { Test } from './filters/registry.js';
import { isDict, pyCmp, pyEq, pyIn, pyStr, pyTruthy, pyType, unbox } from './python.js';
import { Undefined } from './undefined.js';

const isUndef = (v: unknown) => v instanceof Undefined || v === undefined;

function result(v: unknown, test: string): Record<string, unknown> {
  if (!isDict(v)) throw new TemplateError(`the "${test}" test expects a registered result (a dictionary), got ${pyType(v)}`);
  return v;
}

function failed(v: unknown): boolean {
  return pyTruthy(result(v, 'failed').failed ?? false);
}

function changed(v: unknown): boolean {
  const r = result(v, 'changed');
  if (Object.hasOwn(r, 'changed')) return pyTruthy(r.changed);
  // A loop's result: changed if any item changed.
  if (Array.isArray(r.results)) return r.results.some((x) => isDict(x) && pyTruthy(x.changed ?? false));
  return false;
}

/** Loose version comparison: numeric parts numerically, words as text (1.10 > 1.9, 2.0rc1 < 2.0.1). */
export function compareVersions(a: string, b: string): number {
  const parts = (s: string) => s.match(/\d+|[a-z]+/gi) ?? [];
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    const c = nx && ny ? Number(x) - Number(y) : nx ? 1 : ny ? -1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, eq: (c) => c === 0, '=': (c) => c === 0,
  '!=': (c) => c !== 0, ne: (c) => c !== 0, '<>': (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

function version(value: unknown, ...args: unknown[]): boolean {
  const a = bindArgs('version', args, [['version', undefined], ['operator', 'eq'], ['strict', false], ['version_type', null]]);
  if (a.version === undefined) throw new TemplateError('version: needs a version to compare with');
  const op = VERSION_OPS[pyStr(a.operator)];
  if (!op) throw new TemplateError(`version: unknown operator "${pyStr(a.operator)}"`);
  return op(compareVersions(pyStr(value), pyStr(a.version)));
}

function regexTest(mode: 'match' | 'search' | 'fullmatch') {
  return (value: unknown, pattern: unknown, ...args: unknown[]) => {
    const a = bindArgs(mode, args, [['ignorecase', false], ['multiline', false]]);
    const flags = (a.ignorecase ? 'i' : '') + (a.multiline ? 'm' : '');
    const src = mode === 'fullmatch' ? `(?:${pyStr(pattern)})$` : pyStr(pattern);
    const re = pyRegex(src, mode === 'search' ? flags : `${flags}y`);
    return re.test(pyStr(value));
  };
}

const sub = (a: unknown, b: unknown) => Array.isArray(a) && Array.isArray(b) && a.every((x) => b.some((y) => pyEq(x, y)));

export const TESTS: Record<string, Test> = {
  defined: (v) => !isUndef(v),
  undefined: (v) => isUndef(v),
  none: (v) => v === null,
  string: (v) => typeof unbox(v) === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isDict(v),
  sequence: (v) => typeof unbox(v) === 'string' || Array.isArray(v) || isDict(v),
  iterable: (v) => typeof unbox(v) === 'string' || Array.isArray(v) || isDict(v),
  callable: (v) => typeof v === 'function',
  true: (v) => v === true,
  false: (v) => v === false,
  truthy: (v) => pyTruthy(v),
  falsy: (v) => !pyTruthy(v),
  equalto: (v, o) => pyEq(v, o),
  eq: (v, o) => pyEq(v, o),
  '==': (v, o) => pyEq(v, o),
  ne: (v, o) => !pyEq(v, o),
  '!=': (v, o) => !pyEq(v, o),
  lt: (v, o) => pyCmp(v, o) < 0,
  '<': (v, o) => pyCmp(v, o) < 0,
  le: (v, o) => pyCmp(v, o) <= 0,
  '<=': (v, o) => pyCmp(v, o) <= 0,
  gt: (v, o) => pyCmp(v, o) > 0,
  '>': (v, o) => pyCmp(v, o) > 0,
  ge: (v, o) => pyCmp(v, o) >= 0,
  '>=': (v, o) => pyCmp(v, o) >= 0,
  in: (v, seq) => pyIn(v, seq),
  contains: (seq, v) => pyIn(v, seq),
  sameas: (v, o) => v === o,
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  lower: (v) => pyStr(v) === pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v) === pyStr(v).toUpperCase(),
  match: regexTest('match'),
  search: regexTest('search'),
  regex(value, pattern, ...args) {
    const a = bindArgs('regex', args, [['ignorecase', false], ['multiline', false], ['match_type', 'search']]);
    const mt = pyStr(a.match_type);
    if (mt !== 'match' && mt !== 'search' && mt !== 'fullmatch') throw new TemplateError(`regex: match_type must be match, search or fullmatch`);
    return regexTest(mt)(value, pattern, a.ignorecase, a.multiline);
  },
  version,
  version_compare: version,
  subset: (a, b) => sub(a, b),
  superset: (a, b) => sub(b, a),
  any: (v) => Array.isArray(v) && v.some(pyTruthy),
  all: (v) => Array.isArray(v) && v.every(pyTruthy),
  failed,
  failure: failed,
  succeeded: (v) => !failed(v),
  success: (v) => !failed(v),
  successful: (v) => !failed(v),
  changed,
  change: changed,
  skipped: (v) => pyTruthy(result(v, 'skipped').skipped ?? false),
  skip: (v) => pyTruthy(result(v, 'skipped').skipped ?? false),
  unreachable: (v) => pyTruthy(result(v, 'unreachable').unreachable ?? false),
  reachable: (v) => !pyTruthy(result(v, 'reachable').unreachable ?? false),
  // Paths on the controller, as in Ansible.
  exists: (v) => existsSync(pyStr(v)),
  file: (v) => existsSync(pyStr(v)) && statSync(pyStr(v)).isFile(),
  directory: (v) => existsSync(pyStr(v)) && statSync(pyStr(v)).isDirectory(),
  link: (v) => {
    try {
      return lstatSync(pyStr(v)).isSymbolicLink();
    } catch {
      return false;
    }
  },
};
