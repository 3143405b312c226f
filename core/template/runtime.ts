// The runtime compiled templates run against: nunjucks' own, with the lookups,
// output and operators replaced by strict, Python-like ones. A missing name or
// key yields an Undefined (undefined.ts), which fails as soon as it is used.

import { TemplateError } from '../errors.js';
import { dictMethod, listMethod, strMethod } from './methods.js';
import { isKeywords } from './args.js';
import { resolveVar } from './lazy.js';
import { isDict, pyAdd, pyCompare, pyIn, pyMul, pyStr, pyTruthy, pyType, unbox } from './python.js';
import { Undefined } from './undefined.js';

interface Frame {
  lookup(name: string): unknown;
}
interface Context {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

function contextOrFrameLookup(context: Context, frame: Frame, name: string): unknown {
  const v = frame.lookup(name);
  if (v !== undefined) return v;
  const ctx = context.ctx;
  if (Object.hasOwn(ctx, name)) return ctx[name] === undefined ? new Undefined(name) : resolveVar(ctx, name, ctx[name]);
  const g = context.env.globals;
  if (Object.hasOwn(g, name)) return g[name];
  return new Undefined(name);
}

function index(len: number, key: unknown): number | undefined {
  if (typeof key !== 'number' || !Number.isInteger(key)) return undefined;
  const i = key < 0 ? len + key : key;
  return i >= 0 && i < len ? i : undefined;
}

function memberLookup(obj: unknown, key: unknown, path: string, dynamic: boolean): unknown {
  obj = unbox(obj);
  if (obj instanceof Undefined) return obj;
  const missing = (why?: string) => new Undefined(path, why ?? (dynamic ? `no key ${JSON.stringify(key)}` : undefined));
  if (obj === null || obj === undefined) return missing(`${path.replace(/(\.[^.[]*|\[[^\]]*\])$/, '')} is none`);
  if (typeof obj === 'string') {
    const i = index(obj.length, key);
    if (i !== undefined) return obj[i];
    return strMethod(obj, String(key)) ?? (key === 'length' ? obj.length : missing());
  }
  if (Array.isArray(obj)) {
    const i = index(obj.length, key);
    if (i !== undefined) return obj[i];
    if (typeof key === 'number') return missing(`index ${key} out of range`);
    if (Object.hasOwn(obj, String(key)) && key !== 'length') return (obj as unknown as Record<string, unknown>)[String(key)]; // groupby's .grouper/.list
    return listMethod(obj, String(key)) ?? (key === 'length' ? obj.length : missing());
  }
  const k = String(key);
  if (isDict(obj)) {
    if (Object.hasOwn(obj, k) && obj[k] !== undefined) return obj[k];
    return dictMethod(obj, k) ?? missing();
  }
  const v = (obj as Record<string, unknown>)[k];
  if (typeof v === 'function') return v.bind(obj);
  return v === undefined ? missing() : v;
}

function failIfUndefined(args: readonly unknown[]): void {
  for (const a of args) {
    if (a instanceof Undefined) a.fail();
    if (isKeywords(a)) failIfUndefined(Object.values(a));
  }
}

function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (fn instanceof Undefined) fn.fail();
  if (typeof fn !== 'function') throw new TemplateError(`"${name}" is not callable (it is a ${pyType(fn)})`);
  failIfUndefined(args);
  return fn.apply(context, args);
}

function rbIter(v: unknown): unknown {
  v = unbox(v);
  if (v instanceof Undefined) v.fail();
  if (typeof v === 'string' || Array.isArray(v)) return v;
  if (isDict(v)) return Object.keys(v);
  if (v === null || v === undefined) throw new TemplateError(`cannot loop over none`);
  throw new TemplateError(`cannot loop over a ${pyType(v)}`);
}

function rbIterPairs(v: unknown): unknown {
  v = unbox(v);
  if (v instanceof Undefined) v.fail();
  if (Array.isArray(v) || isDict(v)) return v;
  throw new TemplateError(`cannot unpack pairs from a ${pyType(v)}`);
}

function rbSlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  obj = unbox(obj);
  if (obj instanceof Undefined) obj.fail();
  if (typeof obj !== 'string' && !Array.isArray(obj)) throw new TemplateError(`cannot slice a ${pyType(obj)}`);
  for (const x of [start, stop, step]) if (x instanceof Undefined) x.fail();
  const len = obj.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (!Number.isInteger(st) || st === 0) throw new TemplateError('slice step must be a non-zero integer');
  const clamp = (x: unknown, dflt: number, lo: number, hi: number) => {
    if (x === null || x === undefined) return dflt;
    const n = Number(x);
    return Math.min(Math.max(n < 0 ? n + len : n, lo), hi);
  };
  const items = typeof obj === 'string' ? [...obj] : obj;
  const out: unknown[] = [];
  if (st > 0) for (let i = clamp(start, 0, 0, len), e = clamp(stop, len, 0, len); i < e; i += st) out.push(items[i]);
  else for (let i = clamp(start, len - 1, -1, len - 1), e = clamp(stop, -1, -1, len - 1); i > e; i += st) out.push(items[i]);
  return typeof obj === 'string' ? out.join('') : out;
}

/** Build rb's runtime on top of nunjucks' (Frame, makeKeywordArgs, ... stay theirs). */
export function makeRuntime(base: Record<string, unknown>): Record<string, unknown> {
  return {
    ...base,
    contextOrFrameLookup,
    memberLookup,
    callWrap,
    suppressValue: (v: unknown) => pyStr(v),
    inOperator: pyIn,
    fromIterator: (v: unknown) => v,
    rbIter,
    rbIterPairs,
    rbSlice,
    rbTruthy: pyTruthy,
    rbOr: (a: unknown, b: () => unknown) => (pyTruthy(a) ? a : b()),
    rbAnd: (a: unknown, b: () => unknown) => (pyTruthy(a) ? b() : a),
    rbCompare: (a: unknown, op: string, b: unknown) => pyCompare(a, op, b),
    rbAdd: pyAdd,
    rbMul: pyMul,
    rbConcat: (a: unknown, b: unknown) => pyStr(a) + pyStr(b),
  };
}
