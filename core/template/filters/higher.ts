// Filters that apply other filters or tests: map, select, reject, selectattr, rejectattr.

import { TemplateError } from '../../errors.js';
import { splitArgs } from '../args.js';
import { pyStr, pyTruthy } from '../python.js';
import { getItem } from '../runtime.js';
import { Undefined } from '../undefined.js';
import { registry } from './registry.js';
import { attrGetter, items } from './util.js';

function test(name: unknown): (this: unknown, x: unknown, ...args: unknown[]) => boolean {
  const t = registry.tests[pyStr(name)];
  if (!t) throw new TemplateError(`unknown test "${pyStr(name)}"`);
  return t;
}

function selector(fname: string, byAttr: boolean, keep: boolean) {
  return function (this: unknown, value: unknown, ...args: unknown[]): unknown[] {
    const list = items(value, fname);
    let get = (x: unknown) => x;
    let rest = args;
    if (byAttr) {
      if (!rest.length) throw new TemplateError(`${fname}: missing the attribute name`);
      get = attrGetter(rest[0]);
      rest = rest.slice(1);
    }
    if (!rest.length) return list.filter((x) => pyTruthy(get(x)) === keep);
    const t = test(rest[0]);
    const targs = rest.slice(1);
    return list.filter((x) => t.call(this, get(x), ...targs) === keep);
  };
}

function map(this: unknown, value: unknown, ...args: unknown[]): unknown[] {
  const list = items(value, 'map');
  const { pos, kw } = splitArgs(args);
  if (kw.attribute !== undefined) {
    const get = attrGetter(kw.attribute);
    const hasDefault = Object.hasOwn(kw, 'default');
    return list.map((x) => {
      const v = get(x);
      return hasDefault && v instanceof Undefined ? kw.default : v;
    });
  }
  if (!pos.length) throw new TemplateError('map: needs a filter name or attribute=');
  const name = pyStr(pos[0]);
  const f = registry.filters[name];
  if (!f) throw new TemplateError(`map: unknown filter "${name}"`);
  return list.map((x) => f.call(this, x, ...args.slice(1)));
}

/**
 * Ansible's extract: `container[item]`, then each of `morekeys` in turn
 * (`groups.lb | map('extract', hostvars, ['ansible_default_ipv4', 'address'])`).
 */
function extract(item: unknown, container: unknown, morekeys?: unknown): unknown {
  let path = `[${JSON.stringify(item)}]`;
  let value = getItem(container, item, path);
  const more = morekeys === undefined || morekeys === null || morekeys instanceof Undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
  for (const k of more) {
    path += `[${JSON.stringify(k)}]`;
    value = getItem(value, k, path);
  }
  return value;
}

export const higherFilters = {
  map,
  extract,
  select: selector('select', false, true),
  reject: selector('reject', false, false),
  selectattr: selector('selectattr', true, true),
  rejectattr: selector('rejectattr', true, false),
};
