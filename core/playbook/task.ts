// One task mapping → Task. Module arguments are validated later (validate.ts),
import type { Location } from '../errors.js';
// so every error of a playbook is collected before anything runs.

import type { ModuleRegistry } from '../module.js';
import { didYouMean } from '../schema/suggest.js';
import { isPlainObject } from '../schema/validate.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import { readKeywords, setKeywordTemplates } from './keyword-values.js';
import { INCLUDE_KEYS, TASK_KEYS, stripPrefix } from './keywords.js';
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

export type ParsedEntry = { task: Task } | { include: string; kind: string; when?: Condition; tags: string[]; loc: Location };

export function parseTask(raw: unknown, src: TaskSource, registry: ModuleRegistry, problems: Problems, isHandler: boolean): ParsedEntry | undefined {
  const loc = src.doc.locate(src.docPath);
  const at = (sub: string) => src.doc.locate(joinPath(src.docPath, sub));
  if (!isPlainObject(raw)) {
    problems.add(`a task must be a mapping, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`, loc, src.displayPath);
    return;
  }
  const moduleKeys: string[] = [];
  for (const key of Object.keys(raw)) {
    if (TASK_KEYS.has(key) || INCLUDE_KEYS.has(key)) continue;
    const name = stripPrefix(key);
    if (registry.has(name) || name === 'meta') moduleKeys.push(key);
    else {
      const hint = didYouMean(name, [...registry.keys(), ...TASK_KEYS]);
      problems.add(`unknown module or task keyword "${key}"${hint.startsWith(' (did') ? hint : ''}`, src.doc.locate(`${joinPath(src.docPath, key)}#key`), joinPath(src.displayPath, key));
      return;
    }
  }
  for (const key of Object.keys(raw)) {
    if (INCLUDE_KEYS.has(key)) {
      const file = raw[key];
      if (typeof file !== 'string') {
        problems.add('expected the path of a task file', at(key), joinPath(src.displayPath, key));
        return;
      }
      // Keywords an include would silently drop are refused (loop, vars, become...).
      for (const other of Object.keys(raw)) {
        if (other !== key && other !== 'name' && other !== 'when' && other !== 'tags') problems.add(`"${other}" on ${key} is not supported (rb applies only name, when and tags to an included file); move it onto the included tasks`, src.doc.locate(`${joinPath(src.docPath, other)}#key`), joinPath(src.displayPath, other));
      }
      return { include: file, kind: key, when: raw.when as Condition | undefined, tags: toList(raw.tags), loc };
    }
  }
  if (moduleKeys.length !== 1) {
    problems.add(moduleKeys.length ? `a task runs one module, found ${moduleKeys.join(', ')}` : `a task needs a module (valid: ${[...registry.keys()].sort().join(', ')})`, loc, src.displayPath);
    return;
  }
  const key = moduleKeys[0];
  const module = stripPrefix(key);
  const value = raw[key];
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
    if (isPlainObject(value)) args = { ...value };
    else if (value === null || value === undefined) args = {};
    else if (typeof value === 'string' || typeof value === 'number') {
      // `debug: msg="hi"` is key=value when every key is a parameter; else free form.
      const kv = typeof value === 'string' ? parseKeyValues(value) : undefined;
      if (kv && Object.keys(kv).every((k) => k in def.params)) args = kv;
      else if (def.freeForm) args = { [def.freeForm]: String(value) };
      else {
        problems.add(`cannot read ${JSON.stringify(value)} as key=value parameters`, at(key), joinPath(src.displayPath, key));
        return;
      }
    }
    else {
      problems.add(`expected the module's parameters as a mapping`, at(key), joinPath(src.displayPath, key));
      return;
    }
    if (isPlainObject(raw.args)) args = { ...raw.args, ...args };
  }
  const kw = readKeywords(raw, at, src.displayPath, problems);
  const name = typeof raw.name === 'string' ? raw.name : module === 'meta' ? `meta: ${meta}` : module;
  const loopControl = isPlainObject(raw.loop_control) ? raw.loop_control : {};
  const task: Task = {
    id: nextId++,
    name,
    module,
    moduleKey: key,
    args,
    meta,
    when: raw.when as Condition | undefined,
    loop: raw.loop ?? raw.with_items ?? raw.with_list,
    loopVar: typeof loopControl.loop_var === 'string' ? loopControl.loop_var : 'item',
    loopLabel: typeof loopControl.label === 'string' ? loopControl.label : undefined,
    register: typeof raw.register === 'string' ? raw.register : undefined,
    notify: toList(raw.notify),
    tags: toList(raw.tags),
    checkMode: kw.values.check_mode as boolean | undefined,
    ignoreErrors: (kw.values.ignore_errors as boolean | undefined) ?? false,
    changedWhen: raw.changed_when as Condition | undefined,
    failedWhen: raw.failed_when as Condition | undefined,
    become: kw.values.become as boolean | undefined,
    becomeUser: kw.values.become_user as string | undefined,
    vars: isPlainObject(raw.vars) ? raw.vars : {},
    // A templated no_log masks until it is rendered.
    noLog: (kw.values.no_log as boolean | undefined) ?? kw.templates.no_log !== undefined,
    timeout: parseTimeout(kw.values.timeout, at('timeout'), joinPath(src.displayPath, 'timeout'), problems),
    listen: isHandler ? toList(raw.listen) : [],
    file: src.doc.file,
    loc,
    path: src.displayPath,
    locate: (sub: string) => src.doc.locate(!sub ? src.docPath : sub.startsWith('[') ? src.docPath + sub : `${src.docPath}.${sub}`),
  };
  setKeywordTemplates(task, kw.templates);
  if (raw.listen !== undefined && !isHandler) problems.add('"listen" is only valid on handlers', at('listen'), joinPath(src.displayPath, 'listen'));
  if (raw.with_items !== undefined && raw.loop !== undefined) problems.add('give either loop or with_items, not both', at('with_items'), src.displayPath);
  return { task };
}

export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}

/** Ansible's `module: key=value key2="quoted value"` short form; undefined if the text is not that. */
function parseKeyValues(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    out[m[1]] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4] !== undefined ? m[4] : m[5];
    end = re.lastIndex;
  }
  return end > 0 && !text.slice(end).trim() ? out : undefined;
}
