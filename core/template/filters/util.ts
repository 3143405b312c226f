// Shared by the filters: Python iteration of a value and attribute paths.

import { TemplateError } from '../../errors.js';
import { isDict, pyType, unbox } from '../python.js';
import { Undefined } from '../undefined.js';

/** What `for x in value` iterates in Python: list items, string characters, dict keys. */
export function items(value: unknown, fname: string): unknown[] {
  value = unbox(value);
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isDict(value)) return Object.keys(value);
  throw new TemplateError(`${fname} expects a list, got ${pyType(value)}`);
}

export function dict(value: unknown, fname: string): Record<string, unknown> {
  if (!isDict(value)) throw new TemplateError(`${fname} expects a dictionary, got ${pyType(value)}`);
  return value;
}

export function str(value: unknown, fname: string): string {
  value = unbox(value);
  if (typeof value !== 'string') throw new TemplateError(`${fname} expects a string, got ${pyType(value)}`);
  return value;
}

/** Jinja's attribute getter: `a.b.0` walks dicts and lists; a missing part is Undefined. */
export function attrGetter(attribute: unknown): (item: unknown) => unknown {
  const parts = String(attribute).split('.');
  return (item) => {
    let cur: unknown = item;
    for (const p of parts) {
      if (Array.isArray(cur) && /^-?\d+$/.test(p)) cur = cur[Number(p) < 0 ? cur.length + Number(p) : Number(p)];
      else if ((isDict(cur) || Array.isArray(cur)) && Object.hasOwn(cur, p)) cur = (cur as Record<string, unknown>)[p];
      else return new Undefined(String(attribute));
      if (cur === undefined) return new Undefined(String(attribute));
    }
    return cur;
  };
}
