// Reading typed keywords off a play or task mapping, and rendering the
// templated ones (`ignore_errors: "{{ flag }}"`) when their variables are known:
// play keywords with the play's vars and extra vars, task keywords per host.

import { ConfigError, type ConfigProblem, type Location } from '../errors.js';
import { renderValue } from '../template/index.js';
import { joinPath } from '../yaml.js';
import { KEYWORD_TYPES, RENDERED_TYPES, hasTemplate, typeKeyword } from './keyword-types.js';
import type { Problems } from './problems.js';
import type { Play, Task } from './types.js';

export interface Keywords {
  /** Literal values, converted to their types. */
  values: Record<string, unknown>;
  /** Templated values, rendered and converted later. */
  templates: Record<string, unknown>;
}

/** Type every known keyword of `raw`; problems name the keyword's file:line:col and path. */
export function readKeywords(raw: Record<string, unknown>, at: (key: string) => Location, path: string, problems: Problems): Keywords {
  const out: Keywords = { values: {}, templates: {} };
  for (const [key, v] of Object.entries(raw)) {
    const type = KEYWORD_TYPES[key];
    if (!type || v === null || v === undefined) continue;
    if (RENDERED_TYPES.has(type) && hasTemplate(v)) {
      out.templates[key] = v;
      continue;
    }
    const typed = typeKeyword(key, v);
    if (typed.ok) out.values[key] = typed.value;
    else problems.add(typed.message, at(key), joinPath(path, key));
  }
  return out;
}

const TASK_FIELDS: Record<string, keyof Task> = {
  ignore_errors: 'ignoreErrors', check_mode: 'checkMode', become: 'become', no_log: 'noLog', become_user: 'becomeUser',
  throttle: 'throttle',
};
const PLAY_FIELDS: Record<string, keyof Play> = {
  any_errors_fatal: 'anyErrorsFatal', max_fail_percentage: 'maxFailPercentage', serial: 'serial', become: 'become',
  check_mode: 'checkMode', become_user: 'becomeUser', remote_user: 'remoteUser', force_handlers: 'forceHandlers',
  connection: 'connection', throttle: 'throttle', strategy: 'strategy',
};

/** Templated keywords still to render, kept beside the play or task they belong to. */
const pending = new WeakMap<object, Record<string, unknown>>();

export function setKeywordTemplates(owner: Play | Task, templates: Record<string, unknown>): void {
  if (Object.keys(templates).length) pending.set(owner, templates);
}

function renderKeywords(templates: Record<string, unknown>, vars: Record<string, unknown>, where: (key: string) => { loc: Location; path: string }): Record<string, unknown> {
  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(templates)) {
    let rendered: unknown;
    try {
      rendered = renderValue(v, vars);
    } catch (e) {
      problems.push({ message: (e as Error).message, ...where(key) });
      continue;
    }
    const typed = typeKeyword(key, rendered);
    if (typed.ok) out[key] = typed.value;
    else problems.push({ message: `${typed.message} (after rendering ${JSON.stringify(v)})`, ...where(key) });
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** The task with its templated keywords rendered for one host (the task itself when it has none). */
export function resolveTaskKeywords(task: Task, vars: Record<string, unknown>): Task {
  const templates = pending.get(task);
  if (!templates) return task;
  const values = renderKeywords(templates, vars, (key) => ({ loc: task.locate(key), path: joinPath(task.path, key) }));
  const copy: Task = { ...task };
  for (const [key, v] of Object.entries(values)) if (TASK_FIELDS[key]) (copy as unknown as Record<string, unknown>)[TASK_FIELDS[key]] = v;
  return copy;
}

/** Render a play's templated keywords in place, with its vars and the extra vars. */
export function resolvePlayKeywords(play: Play, vars: Record<string, unknown>, locate: (key: string) => Location, path = ''): void {
  const templates = pending.get(play);
  if (!templates) return;
  const values = renderKeywords(templates, vars, (key) => ({ loc: locate(key), path: joinPath(path, key) }));
  for (const [key, v] of Object.entries(values)) if (PLAY_FIELDS[key]) (play as unknown as Record<string, unknown>)[PLAY_FIELDS[key]] = v;
  pending.delete(play);
}
