// The value a lookup of something missing yields. It is not an error yet:
// `default(...)`, `is defined` and `x if x is defined` may still accept it.
// Anything else that touches it (output, arithmetic, comparison, iteration,
// a filter, a call, JSON) throws a TemplateError naming what was missing.

import { TemplateError } from '../errors.js';

/** The error an Undefined raises; it keeps the name so a caller can re-wrap it. */
export class UndefinedError extends TemplateError {
  constructor(
    readonly varName: string,
    readonly detail?: string,
  ) {
    super(`undefined variable "${varName}"${detail ? ` (${detail})` : ''}`);
  }
}

export class Undefined {
  /**
   * @param name  the expression as written, e.g. `hostvars.rb3` (the first missing part)
   * @param detail extra context for the message, e.g. `key "rb9"`
   */
  constructor(
    readonly name: string,
    readonly detail?: string,
  ) {}

  error(): UndefinedError {
    return new UndefinedError(this.name, this.detail);
  }

  fail(): never {
    throw this.error();
  }

  [Symbol.toPrimitive](): never {
    return this.fail();
  }

  toString(): never {
    return this.fail();
  }

  toJSON(): never {
    return this.fail();
  }
}

/**
 * A native result, detached from the vars it came from (a module that edits its
 * params must not edit the inventory), and checked to hold no undefined inside.
 */
export function detach(v: unknown, depth = 0): unknown {
  if (v instanceof Undefined) v.fail();
  if (v === null || typeof v !== 'object' || depth > 100) return v;
  if (Array.isArray(v)) return v.map((x) => detach(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = detach(x, depth + 1);
  return out;
}
