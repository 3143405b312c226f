// Python-style argument binding for filters, tests and globals. nunjucks hands
// keyword arguments over as a trailing object marked `__keywords`.

import { TemplateError } from '../errors.js';

type Spec = ReadonlyArray<readonly [name: string, dflt: unknown]>;

export function isKeywords(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.hasOwn(v, '__keywords');
}

/** Split raw call arguments into positional ones and keyword ones. */
export function splitArgs(args: readonly unknown[]): { pos: unknown[]; kw: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (!isKeywords(last)) return { pos: [...args], kw: {} };
  const { __keywords: _, ...kw } = last;
  return { pos: args.slice(0, -1), kw };
}

/**
 * Bind `args` to the named parameters of `spec` like Python does:
 * positionals first, then keywords; unknown keywords are an error.
 */
export function bindArgs(fname: string, args: readonly unknown[], spec: Spec): Record<string, unknown> {
  const { pos, kw } = splitArgs(args);
  if (pos.length > spec.length) throw new TemplateError(`${fname}() takes at most ${spec.length} argument(s), got ${pos.length}`);
  const out: Record<string, unknown> = {};
  spec.forEach(([name, dflt], i) => {
    out[name] = i < pos.length ? pos[i] : Object.hasOwn(kw, name) ? kw[name] : dflt;
  });
  for (const k of Object.keys(kw)) {
    if (!spec.some(([n]) => n === k)) throw new TemplateError(`${fname}() got an unexpected keyword argument "${k}"`);
  }
  return out;
}
