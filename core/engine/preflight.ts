// Everything that can be known wrong before the first connection is found
// here, for every host: task keywords, `when` and `loop` rendered with the
// host's variables, module parameters rendered and validated against their
// schema (cross-field rules included), connection variables. A task whose
// values depend on what only the run knows (registered results, set_fact,
// facts, loop items of a loop that is itself run-time data) is left to the run.

import { existsSync } from 'node:fs';
import { isAbsolute, join, dirname } from 'node:path';
import { ConfigError, RbError, type ConfigProblem } from '../errors.js';
import type { ModuleRegistry } from '../module.js';
import { hasTemplate } from '../playbook/keyword-types.js';
import { resolveTaskKeywords } from '../playbook/keyword-values.js';
import type { Play, Task } from '../playbook/types.js';
import { compile } from '../template/environment.js';
import { evalCondition } from '../template/index.js';
import { connectionFromVars } from '../transport/connect.js';
import type { HostState } from './host-state.js';
import { renderParams } from './task-context.js';
import type { TaskEnv } from './task-runner.js';
import { controllerSubdir, globDirs, itemVars, loopItems } from './loops.js';
import { VarOrigins } from './var-origins.js';
import { joinPath } from '../yaml.js';

/** Names only a run can define: registered results, what modules say their tasks set (set_fact keys...), loop variables. */
export function runtimeNames(plays: Play[], registry: ModuleRegistry): Set<string> {
  const names = new Set(['ansible_facts', 'ansible_loop', 'item', 'ansible_failed_result', 'ansible_failed_task', 'result', 'ansible_loop_var', 'ansible_index_var']);
  for (const play of plays) {
    for (const t of [...play.tasks, ...play.handlers]) {
      if (t.register) names.add(t.register);
      const defined = t.meta ? undefined : registry.get(t.module)?.definesVars?.(t.args);
      if (defined === 'any') names.add(ANY_NAME);
      else for (const n of defined ?? []) names.add(n);
      for (const l of [t, ...(t.loopFrames ?? [])]) {
        names.add(l.loopVar);
        if (l.indexVar) names.add(l.indexVar);
      }
    }
  }
  return names;
}

const UNDEFINED = /undefined variable "([^"]+)"/;
/** In runtimeNames: a task may define names that cannot be listed before the run. */
const ANY_NAME = '*';
/** Gathered facts (`ansible_<name>`) exist only once a host's facts are read. */
const FACT_NAME = /\bansible_(?!check_mode|diff_mode|play_|loop|index_var|failed_)\w+/;

class Deferred extends Error {}

/** Problems of one play's tasks on its hosts; an empty list when all is well. */
export function preflightPlay(env: TaskEnv, play: Play, states: HostState[], runtime: Set<string>, origins: VarOrigins, skip: ReadonlySet<Task> = new Set()): ConfigProblem[] {
  // One problem per place and message, naming every host it holds for.
  const found = new Map<string, { p: ConfigProblem; hosts: string[] }>();
  const add = (p: ConfigProblem, host: string) => {
    const key = `${p.loc?.file}:${p.loc?.line}:${p.loc?.col}:${p.path}:${p.message}`;
    const hit = found.get(key);
    if (hit) hit.hosts.push(host);
    else found.set(key, { p, hosts: [host] });
  };
  for (const s of states) {
    for (const task of [...play.tasks, ...play.handlers]) {
      if (task.meta || skip.has(task)) continue;
      try {
        checkTask(env, task, s, runtime);
      } catch (e) {
        if (e instanceof Deferred) continue;
        for (const p of asProblems(e, task)) add({ ...p, message: `${p.message}${UNDEFINED.test(p.message) ? '' : origins.explain(s.name, task, p.path)}` }, s.name);
      }
    }
  }
  return [...found.values()].map(({ p, hosts }) => ({ ...p, message: `${p.message} [${hosts.length > 1 ? 'hosts' : 'host'} ${hosts.join(', ')}]` }));
}

function checkTask(env: TaskEnv, task0: Task, s: HostState, runtime: Set<string>): void {
  const vars = guard(() => env.vars(s, task0), runtime);
  const task = guard(() => resolveTaskKeywords(task0, vars), runtime);
  if (task.loop === undefined) {
    if (task.when !== undefined && !guard(() => evalCondition(task.when!, vars), runtime)) return;
    guard(() => renderParams(task, env.registry.get(task.module)!, vars), runtime);
    // `until` reads the registered result (known only at run time); any other undefined name is a mistake now.
    if (task.until !== undefined) guard(() => evalCondition(task.until!, vars), runtime);
    return;
  }
  const items = guard(() => loopItems(task, vars, globDirs(task, env.play.dir), controllerSubdir(env.registry.get(task.module))), runtime);
  // A bounded number of items: enough to catch a bad value, never a long pause.
  for (const [index, item] of items.slice(0, 200).entries()) {
    const scope = itemVars(task, vars, item, index, items.length);
    if (task.when !== undefined && !guard(() => evalCondition(task.when!, scope), runtime)) continue;
    guard(() => renderParams(task, env.registry.get(task.module)!, scope), runtime);
  }
}

/** Run `fn`; an undefined variable that only the run can define defers the task to the run. */
function guard<T>(fn: () => T, runtime: Set<string>): T {
  try {
    return fn();
  } catch (e) {
    const m = e instanceof Error ? UNDEFINED.exec(e.message) : null;
    if (m && (runtime.has(ANY_NAME) || runtime.has(m[1].split(/[.[]/)[0]) || FACT_NAME.test(m[1]))) throw new Deferred();
    if (e instanceof RbError && !(e instanceof ConfigError) && /has no attribute|no element|undefined/.test(e.message) && mentionsRuntime(e.message, runtime)) throw new Deferred();
    throw e;
  }
}

function mentionsRuntime(message: string, runtime: Set<string>): boolean {
  if (FACT_NAME.test(message)) return true;
  for (const n of runtime) if (new RegExp(`\\b${n.replace(/[^\w]/g, '')}\\b`).test(message)) return true;
  return false;
}

function asProblems(e: unknown, task: Task): ConfigProblem[] {
  if (e instanceof ConfigError) return e.problems.map((p) => ({ ...p, loc: p.loc ?? task.loc, path: p.path ?? task.path }));
  const message = e instanceof Error ? e.message : String(e);
  return [{ message, loc: task.loc, path: task.path }];
}

/** Connection variables of every selected host, located where they are set. */
export function preflightConnections(hosts: Iterable<HostState>, opts: Parameters<typeof connectionFromVars>[2], origins: VarOrigins, extraVars: Record<string, unknown> = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const s of hosts) {
    try {
      connectionFromVars(s.name, s.merged(extraVars), opts);
    } catch (e) {
      if (!(e instanceof RbError)) throw e;
      const list = e instanceof ConfigError ? e.problems : [{ message: e.message }];
      for (const p of list) {
        const key = p.path?.split('.').slice(1).join('.').split(' ')[0];
        const at = key ? origins.find(s.name, key) : undefined;
        problems.push({ ...p, loc: p.loc ?? at, path: p.path ?? s.name });
      }
    }
  }
  return problems;
}

/** Load-time checks across a play: handlers, notify, literal loops, controller files. */
export function checkPlayStructure(play: Play, registry: ModuleRegistry, failed: Set<Task> = new Set()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const handlerNames = new Map<string, Task>();
  const topics = new Set<string>();
  for (const h of play.handlers) {
    const prev = handlerNames.get(h.name);
    // The same handler twice: a role that runs twice in the play (allow_duplicates, other parameters).
    if (prev && prev.file === h.file && prev.loc.line === h.loc.line && prev.loc.col === h.loc.col) continue;
    if (prev) problems.push({ message: `two handlers are named "${h.name}" (the other at ${prev.loc.file}:${prev.loc.line}:${prev.loc.col})`, loc: h.locate('name'), path: `${h.path}.name` });
    else handlerNames.set(h.name, h);
    for (const l of h.listen) topics.add(l);
  }
  for (const t of [...play.tasks, ...play.handlers]) {
    const syntax = syntaxProblems(t);
    if (syntax.length) failed.add(t);
    problems.push(...syntax);
    for (const [i, n] of t.notify.entries()) {
      if (!handlerNames.has(n) && !topics.has(n) && !hasTemplate(n)) {
        problems.push({ message: `notifies "${n}", but the play has no handler of that name or listen topic${handlerNames.size ? ` (handlers: ${[...handlerNames.keys()].map((x) => `"${x}"`).join(', ')})` : ''}`, loc: t.locate(Array.isArray(t.notify) && t.notify.length > 1 ? `notify[${i}]` : 'notify'), path: `${t.path}.notify` });
      }
    }
    if (t.loop !== undefined && t.loopWith === undefined && !Array.isArray(t.loop) && !hasTemplate(t.loop)) {
      problems.push({ message: `loop must be a list (or a template that gives one), got ${t.loop === null ? 'nothing' : typeof t.loop === 'object' ? 'a mapping' : `${typeof t.loop} ${JSON.stringify(t.loop)}`}`, loc: t.locate('loop'), path: `${t.path}.loop` });
    }
    const def = t.meta ? undefined : registry.get(t.module);
    // Files a task reads on the controller (a schema's controllerFile), when written literally; not a
    // src the host itself holds (remote_src), nor one a loop names (with_first_found looks further).
    for (const [name, spec] of Object.entries(def?.params ?? {})) {
      const kind = spec.type === 'string' ? spec.controllerFile : undefined;
      const value = t.args[name];
      if (!kind || typeof value !== 'string' || !value || hasTemplate(value) || t.args.remote_src === true || t.loop !== undefined) continue;
      const roleDirs = t.role ? [join(t.role.path, kind, value), join(t.role.path, value)] : [];
      const tried = isAbsolute(value) ? [value] : [...roleDirs, join(dirname(t.file), kind, value), join(play.dir, kind, value), join(dirname(t.file), value), join(play.dir, value)];
      if (!tried.some((p) => existsSync(p))) {
        problems.push({ message: `${value}: no such file on the controller (looked in ${[...new Set(tried)].join(', ')})`, loc: t.locate(`${joinPath('', t.moduleKey)}.${name}`), path: `${t.path}.${t.module}.${name}` });
      }
    }
  }
  return problems;
}

/** Template and expression syntax of everything a task will render, parsed now. */
function syntaxProblems(t: Task): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const tryCompile = (src: string, mode: 'value' | 'expr', field: string) => {
    try {
      if (mode === 'expr') compile(`{{ ${src} }}`, 'expr', { offset: 3 });
      else compile(src, 'value', {});
    } catch (e) {
      if (!(e instanceof RbError)) throw e;
      problems.push({ message: e.message, loc: t.locate(field), path: `${t.path}${field.startsWith('[') ? '' : '.'}${field}` });
    }
  };
  const walk = (v: unknown, field: string) => {
    if (typeof v === 'string') {
      if (hasTemplate(v)) tryCompile(v, 'value', field);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${field}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, joinPath(field, k));
  };
  walk(t.args, joinPath('', t.moduleKey));
  walk(t.loop, 'loop');
  for (const key of ['when', 'changed_when', 'failed_when'] as const) {
    const c = key === 'when' ? t.when : key === 'changed_when' ? t.changedWhen : t.failedWhen;
    for (const [i, e] of (Array.isArray(c) ? c : c === undefined ? [] : [c]).entries()) {
      if (typeof e !== 'string' || !e.trim()) continue;
      const field = Array.isArray(c) ? `${key}[${i}]` : key;
      if (hasTemplate(e)) tryCompile(e.trim(), 'value', field);
      else tryCompile(e, 'expr', field);
    }
  }
  return problems;
}
