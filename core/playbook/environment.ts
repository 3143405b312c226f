// The `environment` keyword: variables set for the commands a task runs on the
// host. Plays, blocks, roles and includes pass theirs on; the layers merge from
// the outermost to the task's own, so the nearest one wins for a name, as in
// Ansible. A layer may be a template (`environment: "{{ proxy_env }}"`) and is
// rendered per host.

import { ConfigError, type Location } from '../errors.js';
import { renderValue } from '../template/index.js';
import { hasTemplate } from './keyword-types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The keyword's value as layers (Ansible also accepts a list of mappings). */
export function environmentLayers(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** What is wrong with a literal layer at load time (templated ones are checked when rendered). */
export function environmentProblem(layer: unknown): string | undefined {
  if (hasTemplate(layer) && typeof layer === 'string') return undefined;
  return layerProblem(layer);
}

function layerProblem(layer: unknown): string | undefined {
  if (!layer || typeof layer !== 'object' || Array.isArray(layer)) return `expected a mapping of variable names to values, got ${JSON.stringify(layer)}`;
  for (const [k, v] of Object.entries(layer)) {
    if (!NAME.test(k)) return `${JSON.stringify(k)} is not a valid environment variable name (letters, digits, _; not starting with a digit)`;
    if (typeof v === 'string' && hasTemplate(v)) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `${k}: expected a string, a number or a boolean, got ${JSON.stringify(v)}`;
  }
  return undefined;
}

/** The rendered, merged variables of `layers` for one host; a bad layer is an error at `loc`. */
export function resolveEnvironment(layers: readonly unknown[], vars: Record<string, unknown>, loc: Location, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    const rendered = renderValue(layer, vars);
    const problem = layerProblem(rendered);
    if (problem) throw new ConfigError([{ message: `${problem}${hasTemplate(layer) ? ` (after rendering ${JSON.stringify(layer)})` : ''}`, loc, path }]);
    for (const [k, v] of Object.entries(rendered as Record<string, unknown>)) {
      if (typeof v === 'string' && v.includes('\0')) throw new ConfigError([{ message: `${k}: a value cannot hold a NUL byte`, loc, path }]);
      out[k] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    }
  }
  return out;
}
