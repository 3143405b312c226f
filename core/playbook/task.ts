// One task mapping → Task. Module arguments are validated later (validate.ts),
// so every error of a playbook is collected before anything runs.

import type { ModuleRegistry } from '../module.js';
import { didYouMean } from '../schema/suggest.js';
import { isPlainObject } from '../schema/validate.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import { environmentLayers, environmentProblem } from './environment.js';
import { readKeywords, setKeywordTemplates } from './keyword-values.js';
import { TASK_KEYS, stripPrefix } from './keywords.js';
import { parseKeyValueArgs } from './kv-args.js';
import type { Problems } from './problems.js';
import { parseTimeout } from './rollout.js';
import type { Condition, Task } from './types.js';

export interface TaskSource {
  doc: PositionedYaml;
  /** Path of the task node in the document, e.g. `[0].tasks[3]`. */
  docPath: string;
  /** Path shown to users, e.g. `tasks[3]`. */
  displayPath: string;
}

let nextId = 1;

export type ParsedEntry = { task: Task };

export function parseTask(raw: unknown, src: TaskSource, registry: ModuleRegistry, problems: Problems, isHandler: boolean): ParsedEntry | undefined {
  const loc = src.doc.locate(src.docPath);
  const at = (sub: string) => src.doc.locate(joinPath(src.docPath, sub));
  if (!isPlainObject(raw)) {
    problems.add(`a task must be a mapping, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`, loc, src.displayPath);
    return;
  }
  const moduleKeys: string[] = [];
  for (const key of Object.keys(raw)) {
    if (TASK_KEYS.has(key)) continue;
    const name = stripPrefix(key);
    if (registry.has(name) || name === 'meta') moduleKeys.push(key);
    else {
      const hint = didYouMean(name, [...registry.keys(), ...TASK_KEYS]);
      problems.add(`unknown module or task keyword "${key}"${hint.startsWith(' (did') ? hint : ''}`, src.doc.locate(`${joinPath(src.docPath, key)}#key`), joinPath(src.displayPath, key));
      return;
    }
  }
  // `local_action: copy src=a dest=b` / `action: copy src=a`: the module is the first word or the `module` key.
  const actionKey = raw.local_action !== undefined ? 'local_action' : raw.action !== undefined ? 'action' : undefined;
  let key: string;
  let value: unknown;
  if (actionKey) {
    if (moduleKeys.length) {
      problems.add(`a task runs one module, found ${[actionKey, ...moduleKeys].join(', ')}`, loc, src.displayPath);
      return;
    }
    const action = splitAction(raw[actionKey]);
    if (!action || !(registry.has(stripPrefix(action.module)) || stripPrefix(action.module) === 'meta')) {
      problems.add(action ? `unknown module "${action.module}"${didYouMean(stripPrefix(action.module), registry.keys())}` : `expected a module name and its parameters`, at(actionKey), joinPath(src.displayPath, actionKey));
      return;
    }
    key = actionKey;
    value = action.args;
    moduleKeys.push(action.module);
  } else {
    if (moduleKeys.length !== 1) {
      problems.add(moduleKeys.length ? `a task runs one module, found ${moduleKeys.join(', ')}` : `a task needs a module (valid: ${[...registry.keys()].sort().join(', ')})`, loc, src.displayPath);
      return;
    }
    key = moduleKeys[0];
    value = raw[key];
  }
  // An alias (`apt`, `ansible.posix.sysctl`) names the module it stands for.
  let module = stripPrefix(moduleKeys[0]);
  let args: Record<string, unknown> = {};
  let meta: string | undefined;
  if (module === 'meta') {
    if (value !== 'flush_handlers' && value !== 'noop' && value !== 'end_play' && value !== 'end_host') {
      problems.add(`unsupported meta action ${JSON.stringify(value)} (valid: flush_handlers, noop, end_play, end_host)`, at(key), joinPath(src.displayPath, key));
      return;
    }
    meta = value;
  } else {
    const def = registry.get(module)!;
    module = def.name;
    if (isPlainObject(value)) args = { ...value };
    else if (value === null || value === undefined) args = {};
    else if (typeof value === 'string' || typeof value === 'number') {
      // `debug: msg="hi"` is key=value when every key is a parameter; else free form.
      const kv = typeof value === 'string' ? parseKeyValueArgs(value) : undefined;
      const names = paramNames(def);
      const known = kv && Object.keys(kv.params).length > 0 && Object.keys(kv.params).every((k) => names.has(k));
      if (kv && known && kv.freeForm === undefined) args = kv.params;
      else if (kv && known && def.freeForm) args = { ...kv.params, [def.freeForm]: kv.freeForm };
      else if (def.freeForm) args = { [def.freeForm]: String(value) };
      else if (kv && kv.freeForm === undefined && Object.keys(kv.params).length) {
        const unknown = Object.keys(kv.params).filter((k) => !names.has(k));
        problems.add(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"${didYouMean(u, Object.keys(def.params))}`).join(', ')} of ${module}`, at(key), joinPath(src.displayPath, key));
        return;
      } else {
        problems.add(kv ? `${module} takes key=value parameters, not free text: ${JSON.stringify(kv.freeForm)}` : `cannot read ${JSON.stringify(value)} as key=value parameters (a quote or {{ }} does not close)`, at(key), joinPath(src.displayPath, key));
        return;
      }
    }
    else {
      problems.add(`expected the module's parameters as a mapping`, at(key), joinPath(src.displayPath, key));
      return;
    }
    if (isPlainObject(raw.args)) args = { ...raw.args, ...args };
    args = { ...moduleDefaults(raw.module_defaults, [key, stripPrefix(key), module]), ...args };
  }
  // The module's own key is no keyword, though a play keyword may share its name (`user`).
  const kw = readKeywords(Object.fromEntries(Object.entries(raw).filter(([k]) => k !== key)), at, src.displayPath, problems);
  const name = typeof raw.name === 'string' ? raw.name : module === 'meta' ? `meta: ${meta}` : module;
  const loopControl = isPlainObject(raw.loop_control) ? raw.loop_control : {};
  const loops = ['loop', ...Object.keys(raw).filter((k) => k.startsWith('with_'))].filter((k) => raw[k] !== undefined);
  if (loops.length > 1) problems.add(`give one loop, found ${loops.join(', ')}`, at(loops[1]), src.displayPath);
  const withKey = loops.find((k) => k.startsWith('with_'));
  if (loopControl.pause !== undefined && !(Number(loopControl.pause) >= 0)) problems.add('expected a number of seconds', at('loop_control.pause'), joinPath(src.displayPath, 'loop_control.pause'));
  const task: Task = {
    id: nextId++,
    name,
    module,
    moduleKey: key,
    args,
    meta,
    when: raw.when as Condition | undefined,
    loop: withKey ? raw[withKey] : raw.loop,
    loopWith: withKey ? withKey.slice('with_'.length) : undefined,
    loopVar: typeof loopControl.loop_var === 'string' ? loopControl.loop_var : 'item',
    loopLabel: typeof loopControl.label === 'string' ? loopControl.label : undefined,
    indexVar: typeof loopControl.index_var === 'string' ? loopControl.index_var : undefined,
    loopPause: loopControl.pause === undefined ? undefined : Number(loopControl.pause),
    delegateTo: actionKey === 'local_action' ? 'localhost' : typeof raw.delegate_to === 'string' ? raw.delegate_to : undefined,
    delegateFacts: kw.values.delegate_facts as boolean | undefined,
    runOnce: kw.values.run_once as boolean | undefined,
    until: raw.until as Condition | undefined,
    retries: kw.values.retries as number | undefined,
    delay: kw.values.delay as number | undefined,
    register: typeof raw.register === 'string' ? raw.register : undefined,
    notify: toList(raw.notify),
    tags: toList(raw.tags),
    checkMode: kw.values.check_mode as boolean | undefined,
    ignoreErrors: (kw.values.ignore_errors as boolean | undefined) ?? false,
    changedWhen: raw.changed_when as Condition | undefined,
    failedWhen: raw.failed_when as Condition | undefined,
    become: kw.values.become as boolean | undefined,
    becomeUser: kw.values.become_user as string | undefined,
    throttle: kw.values.throttle as number | undefined,
    diff: kw.values.diff as boolean | undefined,
    ignoreUnreachable: kw.values.ignore_unreachable as boolean | undefined,
    anyErrorsFatal: kw.values.any_errors_fatal as boolean | undefined,
    ...(raw.environment !== undefined ? { environment: environmentLayers(raw.environment) } : {}),
    vars: isPlainObject(raw.vars) ? raw.vars : {},
    // A templated no_log masks until it is rendered.
    noLog: (kw.values.no_log as boolean | undefined) ?? kw.templates.no_log !== undefined,
    // async N with polling is a task allowed N seconds, run in the foreground.
    timeout: parseTimeout(kw.values.timeout ?? kw.values.async, at(kw.values.timeout !== undefined ? 'timeout' : 'async'), joinPath(src.displayPath, kw.values.timeout !== undefined ? 'timeout' : 'async'), problems),
    listen: isHandler ? toList(raw.listen) : [],
    file: src.doc.file,
    loc,
    path: src.displayPath,
    locate: (sub: string) => src.doc.locate(!sub ? src.docPath : sub.startsWith('[') ? src.docPath + sub : `${src.docPath}.${sub}`),
  };
  if (typeof raw.name !== 'string') task.action = actionKey ?? key;
  const isCond = (v: unknown) => typeof v === 'string' || typeof v === 'boolean';
  if (raw.until !== undefined && !(isCond(raw.until) || (Array.isArray(raw.until) && raw.until.length > 0 && raw.until.every(isCond)))) {
    problems.add(`until: expected an expression (or a list of them), got ${JSON.stringify(raw.until)}`, at('until'), joinPath(src.displayPath, 'until'));
  }
  setKeywordTemplates(task, kw.templates);
  if (kw.values.async !== undefined && kw.values.poll === 0) {
    problems.add('poll: 0 leaves the task running in the background for async_status, which rb does not have; rb runs it in the foreground within async seconds when poll is not 0', at('poll'), joinPath(src.displayPath, 'poll'));
  }
  if (typeof kw.values.become_method === 'string' && kw.values.become_method !== 'sudo') {
    problems.add(`rb becomes another user with sudo only, not ${JSON.stringify(kw.values.become_method)}`, at('become_method'), joinPath(src.displayPath, 'become_method'));
  }
  environmentLayers(raw.environment).forEach((layer, i) => {
    const problem = environmentProblem(layer);
    if (problem) problems.add(problem, at('environment'), joinPath(src.displayPath, Array.isArray(raw.environment) ? `environment[${i}]` : 'environment'));
  });
  if (raw.listen !== undefined && !isHandler) problems.add('"listen" is only valid on handlers', at('listen'), joinPath(src.displayPath, 'listen'));
  return { task };
}

export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}

/** `copy src=a dest=b` or `{module: copy, src: a}` → the module and its parameters. */
function splitAction(v: unknown): { module: string; args: unknown } | undefined {
  if (isPlainObject(v) && typeof v.module === 'string') {
    const { module, ...rest } = v;
    return { module, args: rest };
  }
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(v);
  return m ? { module: m[1], args: m[2] || null } : undefined;
}

/** A module's parameter names and their aliases (`lineinfile: dest=/etc/hosts ...`). */
function paramNames(def: { params: Record<string, { aliases?: string[] }> }): Set<string> {
  return new Set(Object.entries(def.params).flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])]));
}

/**
 * `module_defaults` (play, block, role or task): parameters a module gets when the task does not
 * give them, found under any of the module's names (`shell`, `ansible.builtin.shell`).
 * Action groups (`group/...`) name other tools' modules and are ignored.
 */
function moduleDefaults(spec: unknown, names: string[]): Record<string, unknown> {
  if (!isPlainObject(spec)) return {};
  const out: Record<string, unknown> = {};
  for (const [name, params] of Object.entries(spec)) {
    if (!name.startsWith('group/') && isPlainObject(params) && (names.includes(name) || names.includes(stripPrefix(name)))) Object.assign(out, params);
  }
  return out;
}
