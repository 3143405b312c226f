// The one nunjucks Environment: autoescape off, trim_blocks on (as Ansible),
// no loaders (a template cannot include files), rb's filters, tests and
// globals, compiled templates cached by source text.

import { TemplateError } from '../errors.js';
import { LruCache } from './cache.js';
import { compileAst, isSingleExpression, type KnownNames } from './compiler.js';
import { parse } from './parser.js';
import { coreFilters } from './filters/core.js';
import { collectionFilters } from './filters/collections.js';
import { encodeFilters } from './filters/encode.js';
import { higherFilters } from './filters/higher.js';
import { passwordHash } from './filters/password-hash.js';
import { random } from './filters/random.js';
import { strftimeFilter } from './filters/time.js';
import { ipFilters } from './filters/ipaddr.js';
import { regexFilters } from './filters/regex.js';
import { textFilters } from './filters/text.js';
import { registry, type Filter, type Test } from './filters/registry.js';
import { GLOBALS } from './globals.js';
import { nj } from './nunjucks.js';
import { unbox } from './python.js';
import { makeRuntime } from './runtime.js';
import { TESTS } from './tests.js';
import { Undefined } from './undefined.js';
import { allowCall, valueOnly } from './sandbox.js';

export const env = new nj.Environment([], { autoescape: false, trimBlocks: true, lstripBlocks: false, throwOnUndefined: false, dev: true });
const runtime = makeRuntime(nj.runtime);

/** These may receive an undefined value; every other filter or test fails on one. */
const ACCEPTS_UNDEFINED = new Set(['default', 'd', 'mandatory', 'defined', 'undefined']);

function guard<F extends Filter | Test>(name: string, f: F): F {
  if (ACCEPTS_UNDEFINED.has(name)) return f;
  return function (this: unknown, value: unknown, ...args: unknown[]) {
    if (value instanceof Undefined) value.fail();
    for (const a of args) if (a instanceof Undefined) a.fail();
    return valueOnly(f.call(this, unbox(value), ...args.map(unbox)), name);
  } as F;
}

Object.assign(env.filters, { ...coreFilters, ...regexFilters, ...encodeFilters, ...collectionFilters, ...higherFilters, ...ipFilters, ...textFilters, random, password_hash: passwordHash, strftime: strftimeFilter });
// Autoescape is off, so `safe` has nothing to do (nunjucks' would box the string).
env.filters.safe = (v: unknown) => v;
env.filters.tojson = encodeFilters.to_json;
for (const [name, f] of Object.entries(env.filters as Record<string, Filter>)) env.filters[name] = guard(name, f);
env.tests = {};
for (const [name, t] of Object.entries(TESTS)) env.tests[name] = guard(name, t);
// Only rb's globals: nunjucks' own (cycler, joiner) hand out JavaScript objects.
for (const k of Object.keys(env.globals)) delete env.globals[k];
Object.assign(env.globals, GLOBALS);
for (const v of Object.values(GLOBALS)) if (typeof v === 'function') allowCall(v);

// Fully-qualified names as Ansible playbooks write them.
for (const name of Object.keys(env.filters)) env.filters[`ansible.builtin.${name}`] = env.filters[name];
for (const name of Object.keys(ipFilters)) env.filters[`ansible.utils.${name}`] = env.filters[`ansible.netcommon.${name}`] = env.filters[name];
env.filters['community.general.dict'] = env.filters.dict;
for (const name of Object.keys(env.tests)) env.tests[`ansible.builtin.${name}`] = env.tests[name];
// For filters that apply other filters or tests by name (map, select, ...).
Object.assign(registry.filters, env.filters);
Object.assign(registry.tests, env.tests);

const known: KnownNames = { filters: new Set(Object.keys(env.filters)), tests: new Set(Object.keys(env.tests)) };

export type Mode = 'text' | 'value' | 'expr';

export interface Compiled {
  /** True when render returns the expression's own value rather than text. */
  native: boolean;
  tpl: { render(ctx: object): unknown };
}

const cache = new LruCache<Compiled>(2000);

/** How many times a template was compiled (not found in the cache). */
export const compileStats = { compiles: 0 };

/** Where an error happened, for the message. `offset` undoes the `{{ ` an expression was wrapped in. */
export interface Where {
  name?: string;
  offset?: number;
  /** Add the position to runtime errors too (template files), not only to syntax errors. */
  always?: boolean;
}

function position(line: number | undefined, col: number | undefined, w: Where): string {
  if (line === undefined) return w.name ? `${w.name}: ` : '';
  const c = col === undefined ? undefined : col - (line === 1 ? w.offset ?? 0 : 0);
  return w.name ? `${w.name}:${line}${c !== undefined ? `:${c}` : ''}: ` : `line ${line}${c !== undefined ? `, col ${c}` : ''}: `;
}

function syntaxError(e: unknown, w: Where): TemplateError {
  if (e instanceof TemplateError) return e;
  const err = e as { message?: string; lineno?: number; colno?: number };
  let msg = String(err.message ?? e).replace(/^(parse|compile)[A-Za-z]*: /, '');
  if (w.offset) {
    // An expression compiled as `{{ expr }}`: speak of the expression, not of the braces.
    msg = msg.replace(/^unexpected token: }}$/, 'unexpected end of expression').replace(/^expected variable end$/, 'expected the end of the expression');
  }
  return new TemplateError(`${position(err.lineno, err.colno, w)}${msg.startsWith('refused:') ? '' : 'template syntax error: '}${msg}`);
}

/** Compile (or fetch from the cache) `src`. 'value' mode is native when src is one expression. */
export function compile(src: string, mode: Mode, w: Where, lexOpts?: Record<string, unknown>): Compiled {
  const key = `${mode}\0${lexOpts ? JSON.stringify(lexOpts) : ''}\0${src}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let compiled: Compiled;
  compileStats.compiles++;
  try {
    const ast = parse(src, lexOpts ? { ...env.opts, ...lexOpts } : env.opts, mode === 'value' ? 'verbatim' : 'jinja');
    const native = mode === 'expr' || (mode === 'value' && isSingleExpression(ast));
    const obj = compileAst(ast, w.name ?? 'template', known, native);
    // nunjucks' Template passes its own runtime to the root function; swap in rb's.
    const root = obj.root as (env: unknown, ctx: unknown, frame: unknown, rt: unknown, cb: unknown) => void;
    obj.root = (e: unknown, ctx: unknown, frame: unknown, _rt: unknown, cb: unknown) => root(e, ctx, frame, runtime, cb);
    compiled = { native, tpl: new nj.Template({ type: 'code', obj }, env, w.name) };
  } catch (e) {
    throw syntaxError(e, w);
  }
  cache.set(key, compiled);
  return compiled;
}

export function run(c: Compiled, vars: Record<string, unknown>, w: Where): unknown {
  try {
    return c.tpl.render(vars);
  } catch (e) {
    const err = e as { cause?: unknown; lineno?: number; colno?: number; message?: string };
    const cause = err.cause ?? e;
    // nunjucks' runtime line numbers are 0-based.
    const where = w.always ? position(err.lineno === undefined ? undefined : err.lineno + 1, err.colno === undefined ? undefined : err.colno + 1, w) : '';
    if (cause instanceof TemplateError) return rethrow(where ? new TemplateError(where + cause.message) : cause);
    const msg = cause instanceof Error ? cause.message : String(cause);
    // nunjucks wraps errors of included templates once per level: keep the innermost message.
    const inner = msg.includes('Template render error') ? msg.split('\n').pop()!.trim().replace(/^[A-Za-z]*Error: /, '') : msg.replace(/^\(.*?\)( \[Line \d+, Column \d+\])?\n\s*/, '');
    throw new TemplateError(`${where}${inner.replace(/^TemplateError: /, '')}`);
  }
}

function rethrow(e: TemplateError): never {
  throw e;
}
