// The runtime compiled templates run against: nunjucks' own, with the lookups,
// output and operators replaced by strict, Python-like ones. A missing name or
// key yields an Undefined (undefined.ts), which fails as soon as it is used.

import { TemplateError } from '../errors.js';
import { dictMethod, listMethod, strMethod } from './methods.js';
import { isKeywords } from './args.js';
import { resolveVar } from './lazy.js';
import { isDict, pyAdd, pyCompare, pyIn, pyMul, pyStr, pyTruthy, pyType, unbox } from './python.js';
import { Undefined } from './undefined.js';
import { allowCall, internalNameError, isAllowedCall, isInternalName, valueOnly } from './sandbox.js';

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
    if (key === 'length') return obj.length;
    return missing(strMethod(obj, String(key)) ? `a method: call it as ${path}()` : undefined);
  }
  if (Array.isArray(obj)) {
    const i = index(obj.length, key);
    if (i !== undefined) return obj[i];
    if (typeof key === 'number') return missing(`index ${key} out of range`);
    if (key !== 'length') {
      const own = ownData(obj, String(key)); // groupby's .grouper/.list
      if (own !== undefined) return own;
    }
    return key === 'length' ? obj.length : missing(listMethod(obj, String(key)) ? `a method: call it as ${path}()` : undefined);
  }
  const k = String(key);
  if (isDict(obj)) {
    const own = ownData(obj, k);
    if (own !== undefined) return own;
    return missing(dictMethod(obj, k) ? `a method: call it as ${path}()` : undefined);
  }
  return ownData(obj, k) ?? missing();
}

/** `obj[key]` as a template reads it (Undefined when missing), for filters that index (extract). */
export function getItem(obj: unknown, key: unknown, path: string): unknown {
  return memberLookup(obj, key, path, true);
}

/** An own data property that is not a function, of a non-dict object (a groupby group, an imported template); else undefined. */
function ownData(obj: unknown, k: string): unknown {
  if (obj === null || typeof obj !== 'object' || isInternalName(k)) return undefined;
  const d = Object.getOwnPropertyDescriptor(obj, k);
  if (!d || !('value' in d) || typeof d.value === 'function' || d.value === undefined) return undefined;
  return d.value;
}

/** `x.split(',')`, `d.get(k)`, `l.index(x)`, `ns.macro()`: a method of a value, called. */
function rbCallMethod(obj: unknown, key: string, path: string, context: unknown, args: unknown[]): unknown {
  obj = unbox(obj);
  if (obj instanceof Undefined) obj.fail();
  if (isInternalName(key)) throw new TemplateError(internalNameError(path));
  let fn: ((...a: unknown[]) => unknown) | undefined;
  if (obj !== null && typeof obj === 'object' && exported.has(obj)) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (d && 'value' in d && isAllowedCall(d.value)) fn = d.value as (...a: unknown[]) => unknown;
  } else if (typeof obj === 'string') fn = strMethod(obj, key);
  else if (Array.isArray(obj)) fn = listMethod(obj, key);
  else if (isDict(obj)) fn = dictMethod(obj, key);
  if (!fn) {
    if (obj === null || obj === undefined) new Undefined(path, `${path.replace(/(\.[^.[]*)$/, '')} is none`).fail();
    throw new TemplateError(`"${path}" is not a method of a ${pyType(obj)}`);
  }
  failIfUndefined(args);
  return fn.apply(context, args);
}

/** Objects a template exported (`{% import %}`): their macros may be called as methods. */
const exported = new WeakSet<object>();
export function markExported<T extends object>(o: T): T {
  exported.add(o);
  return o;
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
  if (!isAllowedCall(fn)) throw new TemplateError(`refused: "${name}" is not one of rb's functions or a macro of this template`);
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
    rbCallMethod,
    rbValue: valueOnly,
    rbUnknown: (kind: string, name: string) => {
      throw new TemplateError(`unknown ${kind} "${name}"`);
    },
    makeMacro: (...a: unknown[]) => allowCall((base.makeMacro as (...x: unknown[]) => object)(...a)),
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
