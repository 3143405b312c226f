// Validate and convert a value against a ParamSpec. Every problem is collected
// (never stop at the first) with the path of the field it concerns.

import type { ParamSpec, SchemaProblem, ObjectSpec, Fields } from './types.js';
import { didYouMean } from './suggest.js';

export interface ValidateOptions {
  /**
   * Leave strings that still hold a template (`{{ ... }}`) unchecked: they are
   * validated again per host after rendering.
   */
  allowTemplates?: boolean;
}

export interface Validated<T = unknown> {
  value: T;
  problems: SchemaProblem[];
}

export function isTemplate(v: unknown): v is string {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'y']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n']);

export function validate(spec: ParamSpec, value: unknown, path = '', opts: ValidateOptions = {}): Validated {
  const problems: SchemaProblem[] = [];
  const out = check(spec, value, path, opts, problems);
  return { value: out, problems };
}

/** Validate the params object of a module (its `params` fields). */
export function validateFields(fields: Fields, value: unknown, path = '', opts: ValidateOptions = {}, rules?: ObjectSpec['check']): Validated<Record<string, unknown>> {
  return validate({ type: 'object', fields, check: rules }, value ?? {}, path, opts) as Validated<Record<string, unknown>>;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** A rule may name a nested field (`resources[0].node`): append it as a path, not as one key. */
function joinRulePath(path: string, field: string): string {
  if (/^[A-Za-z_]\w*(\[\d+\]|\.[A-Za-z_]\w*)*$/.test(field)) return path ? `${path}.${field}` : field;
  return join(path, field);
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function check(spec: ParamSpec, v: unknown, path: string, opts: ValidateOptions, problems: SchemaProblem[]): unknown {
  const bad = (message: string) => {
    problems.push({ path, message });
    return v;
  };
  if (opts.allowTemplates && isTemplate(v)) return v;
  switch (spec.type) {
    case 'any':
      return v;
    case 'string': {
      if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
      if (typeof v !== 'string') return bad(`expected a string, got ${typeName(v)}`);
      if (spec.enum && !spec.enum.includes(v)) return bad(`expected one of ${spec.enum.join('|')}, got ${JSON.stringify(v)}${didYouMean(v, spec.enum).startsWith(' (did') ? didYouMean(v, spec.enum) : ''}`);
      if (spec.pattern && !spec.pattern.test(v)) return bad(`expected ${spec.patternName ?? `a value matching ${spec.pattern}`}, got ${spec.secret ? '(secret)' : JSON.stringify(v)}`);
      if (spec.maxLength !== undefined && v.length > spec.maxLength) return bad(`at most ${spec.maxLength} characters allowed, got ${v.length}`);
      const refused = spec.check?.(v);
      if (refused) return bad(spec.secret ? refused.replace(JSON.stringify(v), '(secret)') : refused);
      return v;
    }
    case 'int':
    case 'number': {
      let n: unknown = v;
      if (typeof v === 'string' && v.trim() !== '') n = /^0x[0-9a-f]+$/i.test(v.trim()) ? parseInt(v, 16) : Number(v.trim());
      const want = spec.type === 'int' ? 'an integer' : 'a number';
      if (typeof n !== 'number' || Number.isNaN(n)) return bad(`expected ${want}, got ${typeName(v)}`);
      if (spec.type === 'int' && !Number.isInteger(n)) return bad(`expected an integer, got ${n}`);
      if (spec.min !== undefined && n < spec.min) return bad(`must be at least ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) return bad(`must be at most ${spec.max}, got ${n}`);
      return n;
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      const s = String(v).toLowerCase();
      if (typeof v === 'string' || typeof v === 'number') {
        if (TRUE.has(s)) return true;
        if (FALSE.has(s)) return false;
      }
      return bad(`expected a boolean (true/false/yes/no), got ${typeName(v)}`);
    }
    case 'list': {
      let arr = v;
      if (!Array.isArray(arr)) {
        if (spec.single && arr !== null && arr !== undefined) arr = [arr];
        else return bad(`expected a list, got ${typeName(v)}`);
      }
      return (arr as unknown[]).map((item, i) => check(spec.items, item, join(path, i), opts, problems));
    }
    case 'map': {
      if (!isPlainObject(v)) return bad(`expected a mapping, got ${typeName(v)}`);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = check(spec.values, item, join(path, k), opts, problems);
      return out;
    }
    case 'object':
      return checkObject(spec, v, path, opts, problems);
    case 'oneOf': {
      const attempts: SchemaProblem[][] = [];
      for (const option of spec.options) {
        const sub: SchemaProblem[] = [];
        const out = check(option, v, path, opts, sub);
        if (sub.length === 0) return out;
        attempts.push(sub);
      }
      // Report the attempt that got furthest (fewest problems).
      attempts.sort((a, b) => a.length - b.length);
      problems.push(...attempts[0]);
      return v;
    }
  }
}

function checkObject(spec: ObjectSpec, v: unknown, path: string, opts: ValidateOptions, problems: SchemaProblem[]): unknown {
  if (!isPlainObject(v)) {
    problems.push({ path, message: `expected a mapping, got ${typeName(v)}` });
    return v;
  }
  const start = problems.length;
  const aliasOf = new Map<string, string>();
  for (const [name, f] of Object.entries(spec.fields)) for (const a of f.aliases ?? []) aliasOf.set(a, name);
  const out: Record<string, unknown> = {};
  for (const [rawKey, item] of Object.entries(v)) {
    const key = spec.fields[rawKey] ? rawKey : aliasOf.get(rawKey);
    if (!key) {
      problems.push({ path: join(path, rawKey), message: `unknown parameter${didYouMean(rawKey, Object.keys(spec.fields))}` });
      continue;
    }
    if (key in out) {
      problems.push({ path: join(path, rawKey), message: `"${rawKey}" and "${key}" are the same parameter; give it once` });
      continue;
    }
    if (item === null || item === undefined) continue;
    out[key] = check(spec.fields[key], item, join(path, rawKey), opts, problems);
  }
  for (const [name, f] of Object.entries(spec.fields)) {
    if (out[name] !== undefined) continue;
    if (f.default !== undefined) out[name] = structuredClone(f.default);
    else if (f.required) problems.push({ path: join(path, name), message: 'required parameter is missing' });
  }
  if (spec.check && start === problems.length && !hasTemplate(out)) {
    for (const [field, message] of spec.check(out)) problems.push({ path: field ? joinRulePath(path, field) : path, message });
  }
  return out;
}

export function hasTemplate(v: unknown): boolean {
  if (isTemplate(v)) return true;
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (isPlainObject(v)) return Object.values(v).some(hasTemplate);
  return false;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
