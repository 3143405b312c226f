// Variables whose values are templates are rendered when a template uses them,
// with the same vars (Ansible's lazy templating): `vip_cidr: "{{ vip }}/24"` then
// `{{ vip_cidr | ipaddr('address') }}` sees "198.18.0.100/24", not the template.
// A value that uses an undefined variable is itself undefined (so `default` and
// `is defined` work), naming the real culprit. Values marked unsafe (registered
// results, facts: text from hosts) are never rendered.

import { TemplateError } from '../errors.js';
import { isDict } from './python.js';
import { Undefined, UndefinedError } from './undefined.js';

/** Filled by index.ts (renderValue); kept as a hook to avoid an import cycle. */
export const hooks = { render: (v: unknown, _vars: Record<string, unknown>): unknown => v };

/** Engine-provided, large, and never templates: not worth scanning on every lookup. */
const SKIP = new Set(['hostvars', 'groups', 'group_names', 'omit']);

const unsafe = new WeakSet<object>();

/** Mark a value (an object: a registered result, facts) as data that must never be rendered. */
export function markUnsafe<T>(value: T): T {
  if (value !== null && typeof value === 'object') unsafe.add(value);
  return value;
}

function hasTemplate(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%');
  if (v === null || typeof v !== 'object' || unsafe.has(v) || depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => hasTemplate(x, depth + 1));
  return isDict(v) && Object.values(v).some((x) => hasTemplate(x, depth + 1));
}

// Per render context (a fresh copy of the vars each render): name → raw value and its rendering.
const caches = new WeakMap<object, Map<string, { raw: unknown; value: unknown }>>();
// Names being rendered right now (rendering is synchronous), to catch a → b → a.
const resolving: string[] = [];

export function resolveVar(ctx: Record<string, unknown>, name: string, raw: unknown): unknown {
  if (typeof raw === 'string' && !raw.includes('{{') && !raw.includes('{%')) return raw;
  if (typeof raw !== 'string' && (raw === null || typeof raw !== 'object' || SKIP.has(name) || unsafe.has(raw))) return raw;
  let cache = caches.get(ctx);
  const hit = cache?.get(name);
  if (hit && hit.raw === raw) return hit.value;
  let value: unknown = raw;
  if (hasTemplate(raw)) {
    if (resolving.includes(name)) throw new TemplateError(`variable "${name}" refers to itself (${[...resolving.slice(resolving.indexOf(name)), name].join(' → ')})`);
    resolving.push(name);
    try {
      value = hooks.render(raw, ctx);
    } catch (e) {
      if (e instanceof UndefinedError) value = new Undefined(e.varName, e.detail ?? `in the value of "${name}"`);
      else if (e instanceof TemplateError && !/\(in the value of "|refers to itself/.test(e.message)) throw new TemplateError(`${e.message} (in the value of "${name}")`);
      else throw e;
    } finally {
      resolving.pop();
    }
  }
  if (!cache) caches.set(ctx, (cache = new Map()));
  cache.set(name, { raw, value });
  return value;
}
