// Where a module's params hold secrets, by their schema (`secret: true`): the
// paths (`authentication.auth_pass`, `instances[0]...`) that `rb adopt` turns
// into vault-marked variables instead of writing them into the playbook.

import type { ParamSpec } from '../schema/types.js';

export type Path = Array<string | number>;

export const pathKey = (p: Path): string => JSON.stringify(p);

/** The paths of every secret value in validated params. */
export function secretPaths(fields: Record<string, ParamSpec>, params: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const [k, spec] of Object.entries(fields)) if (params[k] !== undefined) walk(spec, params[k], [k], out);
  return out;
}

function walk(spec: ParamSpec, v: unknown, path: Path, out: Set<string>): void {
  if (v === undefined || v === null) return;
  if (spec.secret) {
    out.add(pathKey(path));
    return;
  }
  if (spec.type === 'list' && Array.isArray(v)) v.forEach((x, i) => walk(spec.items, x, [...path, i], out));
  else if (spec.type === 'list' && spec.single) walk(spec.items, v, path, out);
  else if (spec.type === 'map' && isDict(v)) for (const [k, x] of Object.entries(v)) walk(spec.values, x, [...path, k], out);
  else if (spec.type === 'object' && isDict(v)) {
    for (const [k, s] of Object.entries(spec.fields)) if (v[k] !== undefined) walk(s, v[k], [...path, k], out);
  } else if (spec.type === 'oneOf') for (const o of spec.options) walk(o, v, path, out);
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
