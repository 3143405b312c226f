// The value a lookup of something missing yields. It is not an error yet:
// `default(...)`, `is defined` and `x if x is defined` may still accept it.
// Anything else that touches it (output, arithmetic, comparison, iteration,
// a filter, a call, JSON) throws a TemplateError naming what was missing.

import { TemplateError } from '../errors.js';

export class Undefined {
  /**
   * @param name  the expression as written, e.g. `hostvars.rb3` (the first missing part)
   * @param detail extra context for the message, e.g. `key "rb9"`
   */
  constructor(
    readonly name: string,
    readonly detail?: string,
  ) {}

  error(): TemplateError {
    return new TemplateError(`undefined variable "${this.name}"${this.detail ? ` (${this.detail})` : ''}`);
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

export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined || v === undefined;
}

/** Throws for the sentinel; a bare JS `undefined` (a missing loop item) is named by `what`. */
export function mustBeDefined<T>(v: T, what: string): Exclude<T, Undefined | undefined> {
  if (v instanceof Undefined) v.fail();
  if (v === undefined) throw new TemplateError(`undefined variable "${what}"`);
  return v as Exclude<T, Undefined | undefined>;
}

/** Deep check of a native result, so a list or dict never carries a hidden undefined out. */
export function assertNoUndefined(v: unknown, depth = 0): void {
  if (v instanceof Undefined) v.fail();
  if (depth > 64 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) for (const x of v) assertNoUndefined(x, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) assertNoUndefined(x, depth + 1);
}
