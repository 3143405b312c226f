// List, dict and set filters (Jinja's and Ansible's).

import { TemplateError } from '../../errors.js';
import { bindArgs, splitArgs } from '../args.js';
import { isDict, pyAdd, pyCmp, pyEq, pyStr, pyType, unbox } from '../python.js';
import { Undefined } from '../undefined.js';
import type { Filter } from './registry.js';
import { attrGetter, dict, items } from './util.js';

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!out.some((y) => pyEq(x, y))) out.push(x);
  return out;
}

const has = (list: unknown[], x: unknown) => list.some((y) => pyEq(x, y));

/** A sort key: the attribute(s), lowercased unless case_sensitive. */
function keyFn(attribute: unknown, caseSensitive: unknown): (x: unknown) => unknown {
  const getters = attribute === null || attribute === undefined ? [(x: unknown) => x] : String(attribute).split(',').map((a) => attrGetter(a.trim()));
  const fold = (v: unknown) => (!caseSensitive && typeof v === 'string' ? v.toLowerCase() : v);
  return getters.length === 1 ? (x) => fold(getters[0](x)) : (x) => getters.map((g) => fold(g(x)));
}

function extreme(name: string, sign: number): Filter {
  return (value: unknown, ...args: unknown[]) => {
    const a = bindArgs(name, args, [['case_sensitive', false], ['attribute', null]]);
    const list = items(value, name);
    if (!list.length) return new Undefined(`${name} of an empty list`);
    const key = keyFn(a.attribute, a.case_sensitive);
    return list.reduce((best, x) => (sign * pyCmp(key(x), key(best)) > 0 ? x : best));
  };
}

function flatten(list: unknown[], levels: number, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of list) {
    if (skipNulls && (x === null || x === 'None')) continue;
    if (Array.isArray(x) && levels !== 0) out.push(...flatten(x, levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    if (recursive && isDict(old) && isDict(v)) out[k] = merge(old, v, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(v)) out[k] = mergeLists(old, v, listMerge);
    else out[k] = v;
  }
  return out;
}

function mergeLists(a: unknown[], b: unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'replace':
      return b;
    case 'keep':
      return a;
    case 'append':
      return [...a, ...b];
    case 'prepend':
      return [...b, ...a];
    case 'append_rp':
      return [...a.filter((x) => !has(b, x)), ...b];
    case 'prepend_rp':
      return [...b, ...a.filter((x) => !has(b, x))];
    default:
      throw new TemplateError(`combine: list_merge must be replace, keep, append, prepend, append_rp or prepend_rp, got "${mode}"`);
  }
}

function zipLists(lists: unknown[][], longest: boolean, fill: unknown): unknown[][] {
  const n = lists.length ? (longest ? Math.max(...lists.map((l) => l.length)) : Math.min(...lists.map((l) => l.length))) : 0;
  return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
}

export const collectionFilters: Record<string, Filter> = {
  first(value: unknown) {
    const list = items(value, 'first');
    return list.length ? list[0] : new Undefined('first of an empty list');
  },
  last(value: unknown) {
    const list = items(value, 'last');
    return list.length ? list[list.length - 1] : new Undefined('last of an empty list');
  },
  unique(value: unknown, ...args: unknown[]) {
    // Jinja's unique (which Ansible uses): case-insensitive unless told otherwise.
    const a = bindArgs('unique', args, [['case_sensitive', false], ['attribute', null]]);
    const key = keyFn(a.attribute, a.case_sensitive);
    const seen: unknown[] = [];
    return items(value, 'unique').filter((x) => {
      const k = key(x);
      if (has(seen, k)) return false;
      seen.push(k);
      return true;
    });
  },
  sort(value: unknown, ...args: unknown[]) {
    const a = bindArgs('sort', args, [['reverse', false], ['case_sensitive', false], ['attribute', null]]);
    const key = keyFn(a.attribute, a.case_sensitive);
    const sorted = [...items(value, 'sort')].sort((x, y) => pyCmp(key(x), key(y)));
    return a.reverse ? sorted.reverse() : sorted;
  },
  reverse(value: unknown) {
    const v = unbox(value);
    if (typeof v === 'string') return [...v].reverse().join('');
    return [...items(v, 'reverse')].reverse();
  },
  min: extreme('min', -1),
  max: extreme('max', 1),
  sum(value: unknown, ...args: unknown[]) {
    const a = bindArgs('sum', args, [['attribute', null], ['start', 0]]);
    const get = a.attribute === null ? (x: unknown) => x : attrGetter(a.attribute);
    return items(value, 'sum').reduce((acc: unknown, x) => pyAdd(acc, get(x)), a.start);
  },
  dict2items(value: unknown, ...args: unknown[]) {
    const a = bindArgs('dict2items', args, [['key_name', 'key'], ['value_name', 'value']]);
    const d = dict(value, 'dict2items');
    return Object.entries(d).map(([k, v]) => ({ [pyStr(a.key_name)]: k, [pyStr(a.value_name)]: v }));
  },
  items2dict(value: unknown, ...args: unknown[]) {
    const a = bindArgs('items2dict', args, [['key_name', 'key'], ['value_name', 'value']]);
    const out: Record<string, unknown> = {};
    // Messages name the position, never the value: it may be a secret.
    for (const [i, it] of items(value, 'items2dict').entries()) {
      if (!isDict(it) || !Object.hasOwn(it, pyStr(a.key_name)) || !Object.hasOwn(it, pyStr(a.value_name))) {
        throw new TemplateError(`items2dict: item ${i} needs "${pyStr(a.key_name)}" and "${pyStr(a.value_name)}" keys`);
      }
      out[pyStr(it[pyStr(a.key_name)])] = it[pyStr(a.value_name)];
    }
    return out;
  },
  list: (value: unknown) => [...items(value, 'list')],
  dict(value: unknown) {
    const out: Record<string, unknown> = {};
    for (const [i, pair] of items(value, 'dict').entries()) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateError(`dict: item ${i} is not a [key, value] pair`);
      out[pyStr(pair[0])] = pair[1];
    }
    return out;
  },
  zip: (value: unknown, ...others: unknown[]) => zipLists([value, ...others].map((l) => items(l, 'zip')), false, null),
  zip_longest(value: unknown, ...args: unknown[]) {
    const { pos, kw } = splitArgs(args);
    return zipLists([value, ...pos].map((l) => items(l, 'zip_longest')), true, kw.fillvalue ?? null);
  },
  flatten(value: unknown, ...args: unknown[]) {
    const a = bindArgs('flatten', args, [['levels', null], ['skip_nulls', true]]);
    return flatten(items(value, 'flatten'), a.levels === null ? -1 : Number(a.levels), Boolean(a.skip_nulls));
  },
  union: (a: unknown, b: unknown) => uniq([...items(a, 'union'), ...items(b, 'union')]),
  intersect: (a: unknown, b: unknown) => uniq(items(a, 'intersect').filter((x) => has(items(b, 'intersect'), x))),
  difference: (a: unknown, b: unknown) => uniq(items(a, 'difference').filter((x) => !has(items(b, 'difference'), x))),
  symmetric_difference(a: unknown, b: unknown) {
    const la = items(a, 'symmetric_difference');
    const lb = items(b, 'symmetric_difference');
    return uniq([...la.filter((x) => !has(lb, x)), ...lb.filter((x) => !has(la, x))]);
  },
  combine(value: unknown, ...args: unknown[]) {
    const { pos, kw } = splitArgs(args);
    for (const k of Object.keys(kw)) if (k !== 'recursive' && k !== 'list_merge') throw new TemplateError(`combine() got an unexpected keyword argument "${k}"`);
    const dicts = [value, ...pos].flatMap((d) => (Array.isArray(d) ? d : [d]));
    dicts.forEach((d) => dict(d, 'combine'));
    const listMerge = pyStr(kw.list_merge ?? 'replace');
    return (dicts as Record<string, unknown>[]).reduce((acc, d) => merge(acc, d, Boolean(kw.recursive), listMerge), {});
  },
  /** Jinja's groupby: sorted [grouper, items] pairs, also readable as `.grouper` / `.list`. */
  groupby(value: unknown, attribute: unknown) {
    const get = attrGetter(attribute);
    const groups: Array<unknown[] & { grouper?: unknown; list?: unknown[] }> = [];
    const sorted = [...items(value, 'groupby')].sort((x, y) => pyCmp(get(x), get(y)));
    for (const item of sorted) {
      const key = get(item);
      const last = groups[groups.length - 1];
      if (last && pyEq(last.grouper, key)) last.list!.push(item);
      else {
        const list = [item];
        groups.push(Object.assign([key, list], { grouper: key, list }));
      }
    }
    return groups;
  },
  subelements(value: unknown, path: unknown) {
    const get = attrGetter(path);
    return items(value, 'subelements').flatMap((item) => {
      const sub = get(item);
      if (!Array.isArray(sub)) throw new TemplateError(`subelements: "${pyStr(path)}" is not a list in ${pyType(item)}`);
      return sub.map((s) => [item, s]);
    });
  },
};
