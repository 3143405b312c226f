// Global names: range(), lookup('env'|'file', ...), query()/q(), dict(), omit,
// and Python's True/False/None spellings.

import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { TemplateError } from '../errors.js';
import { splitArgs } from './args.js';
import { now } from './filters/time.js';
import { moreLookups } from './lookups.js';
import { pyStr } from './python.js';

/** Placeholder that `default(omit)` yields; renderValue drops params that equal it. */
export const OMIT = '__omit_place_holder__rb';

function range(...args: unknown[]): number[] {
  const n = args.map(Number);
  if (!n.length || n.length > 3 || n.some((x) => !Number.isInteger(x))) throw new TemplateError('range() takes 1 to 3 integer arguments');
  const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
  if (step === 0) throw new TemplateError('range() step must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > 100000) throw new TemplateError('range() is limited to 100000 items');
  }
  return out;
}

interface LookupContext {
  ctx?: Record<string, unknown>;
}

function readLookupFile(term: string, ctx: LookupContext | undefined, rstrip: boolean): string {
  const base = ctx?.ctx?.playbook_dir;
  const candidates = isAbsolute(term) || typeof base !== 'string' ? [term] : [join(base, 'files', term), join(base, term), term];
  for (const p of candidates) {
    try {
      const text = readFileSync(p, 'utf8');
      return rstrip ? text.replace(/\s+$/, '') : text;
    } catch {
      // try the next place
    }
  }
  throw new TemplateError(`lookup('file'): could not find or read ${JSON.stringify(term)} (looked in ${candidates.join(', ')})`);
}

function runLookup(ctx: LookupContext | undefined, args: unknown[]): { values: unknown[]; wantlist: boolean } {
  const { pos, kw } = splitArgs(args);
  const kind = pyStr(pos[0]);
  const raw = pos.slice(1);
  const terms = raw.map(pyStr);
  let values: unknown[];
  if (kind === 'env') {
    const dflt = kw.default ?? '';
    values = terms.map((t) => process.env[t] ?? dflt);
  } else if (kind === 'file') {
    values = terms.map((t) => readLookupFile(t, ctx, kw.rstrip !== false));
  } else {
    const more = moreLookups(kind, raw, kw, ctx?.ctx);
    if (!more) throw new TemplateError(`lookup('${kind}'): not available (rb has env, file, vars, fileglob, first_found, lines, pipe, template, password, inventory_hostnames)`);
    values = more;
  }
  return { values, wantlist: Boolean(kw.wantlist) };
}

export const GLOBALS: Record<string, unknown> = {
  range,
  lookup(this: LookupContext, ...args: unknown[]) {
    const { values, wantlist } = runLookup(this, args);
    return wantlist ? values : values.map(pyStr).join(',');
  },
  query(this: LookupContext, ...args: unknown[]) {
    return runLookup(this, args).values;
  },
  q(this: LookupContext, ...args: unknown[]) {
    return runLookup(this, args).values;
  },
  dict(...args: unknown[]) {
    const { pos, kw } = splitArgs(args);
    const out: Record<string, unknown> = {};
    for (const p of pos) {
      for (const pair of Array.isArray(p) ? p : Object.entries(p as object)) {
        if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateError('dict(): expects [key, value] pairs');
        out[pyStr(pair[0])] = pair[1];
      }
    }
    return Object.assign(out, kw);
  },
  now,
  omit: OMIT,
  True: true,
  False: false,
  None: null,
};
