// What a template may touch: the values it is given (own data properties of
// plain dicts and lists, strings, numbers), the filters, tests, lookups and
// globals rb registers, Python-style methods of str/list/dict, and macros it
// defines itself. Nothing else: no constructor, prototype or JavaScript
// internal, and a function is never a value (it can only be called by name).
// The compiler refuses what is static (`x.constructor`, `(expr)()`); the
// runtime refuses what only shows at render time (`x[name]`, a variable that
// names a function).

import { TemplateError } from '../errors.js';

/** Attribute and variable names that lead to JavaScript or Python internals. */
export function isInternalName(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  return name === 'constructor' || name === 'prototype' || name.startsWith('__');
}

export function internalNameError(what: string): string {
  return `refused: "${what}" reaches interpreter internals; a template can only read data and call rb's filters, tests, lookups and methods`;
}

/** Functions a template may call by name: rb's globals and the template's own macros. */
const callable = new WeakSet<object>();

export function allowCall<T extends object>(fn: T): T {
  callable.add(fn);
  return fn;
}

export function isAllowedCall(fn: unknown): boolean {
  return typeof fn === 'function' && callable.has(fn);
}

/** A function reached as a value (`{{ range }}`, `{% set f = lookup %}`) is refused. */
export function valueOnly<T>(v: T, name: string): T {
  if (typeof v === 'function') throw new TemplateError(`refused: "${name}" is a function; it can be called, not used as a value`);
  return v;
}
