// The items of a task's loop: `loop:` as rendered, or a `with_<lookup>` term
// turned into items the way Ansible's lookup of that name does.

import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ModuleDef } from '../module.js';
import type { Task } from '../playbook/types.js';
import { renderValue } from '../template/index.js';
import { moreLookups } from '../template/lookups.js';

function bad(task: Task, message: string): ConfigError {
  const key = task.loopWith ? `with_${task.loopWith}` : 'loop';
  return new ConfigError([{ message, loc: task.locate(key), path: `${task.path}.${key}` }]);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The folder a module's controller files live in (its schema's controllerFile: template's
 * templates/, include_vars' vars/), where with_first_found looks, as Ansible's task executor sets it.
 */
export function controllerSubdir(def: ModuleDef | undefined): string {
  for (const spec of Object.values(def?.params ?? {})) if (spec.type === 'string' && spec.controllerFile) return spec.controllerFile;
  return 'files';
}

/** The loop's items for this host; `dirs` are the controller folders with_fileglob searches, `subdir` the one with_first_found does. */
export function loopItems(task: Task, vars: Record<string, unknown>, dirs: string[] = [], subdir = 'files'): unknown[] {
  const terms = renderValue(task.loop, vars);
  const kind = task.loopWith;
  if (kind === undefined || kind === 'list') {
    if (!Array.isArray(terms)) throw bad(task, `${kind ? 'with_list' : 'loop'} must give a list, got ${terms === null ? 'nothing' : typeof terms === 'object' ? 'a mapping' : typeof terms}`);
    return terms;
  }
  const list = Array.isArray(terms) ? terms : [terms];
  switch (kind) {
    case 'items':
      return list.flatMap((t) => (Array.isArray(t) ? t : [t]));
    case 'flattened':
      return (list as unknown[]).flat(Infinity);
    case 'indexed_items':
      return list.flatMap((t) => (Array.isArray(t) ? t : [t])).map((x, i) => [i, x]);
    case 'dict': {
      if (!isMap(terms)) throw bad(task, `with_dict expects a mapping, got ${Array.isArray(terms) ? 'a list' : typeof terms}`);
      return Object.entries(terms).map(([key, value]) => ({ key, value }));
    }
    case 'together': {
      if (!list.every(Array.isArray)) throw bad(task, 'with_together expects a list of lists');
      const n = Math.max(0, ...list.map((l) => (l as unknown[]).length));
      return Array.from({ length: n }, (_, i) => list.map((l) => ((l as unknown[])[i] === undefined ? null : (l as unknown[])[i])));
    }
    case 'nested':
    case 'cartesian': {
      const lists = list.map((l) => (Array.isArray(l) ? l : [l]));
      return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((prefix) => l.map((x) => [...prefix, x])), [[]]);
    }
    case 'subelements':
      return subelements(task, list);
    case 'fileglob': {
      const out: string[] = [];
      for (const pattern of list.map(String)) {
        const bases = isAbsolute(pattern) ? [''] : dirs;
        for (const base of bases) {
          const found = fileGlob(base ? join(base, pattern) : pattern);
          if (found.length) {
            out.push(...found);
            break;
          }
        }
      }
      return out;
    }
    case 'sequence':
      return list.flatMap((t) => sequence(task, String(t)));
    case 'first_found': {
      const ctx = task.role ? { ...vars, role_path: task.role.path } : vars;
      try {
        return moreLookups('first_found', list, { _subdir: subdir }, ctx) ?? [];
      } catch (e) {
        throw bad(task, (e as Error).message);
      }
    }
    default:
      throw bad(task, `with_${kind} is not supported`);
  }
}

function subelements(task: Task, list: unknown[]): unknown[] {
  const [items, key, flags] = list;
  if (typeof key !== 'string') throw bad(task, 'with_subelements expects [list, "subkey"]');
  const skipMissing = isMap(flags) && flags.skip_missing === true;
  const rows = Array.isArray(items) ? items : isMap(items) ? Object.values(items) : undefined;
  if (!rows) throw bad(task, 'with_subelements expects a list (or mapping) of mappings first');
  const out: unknown[] = [];
  for (const row of rows) {
    let sub: unknown = row;
    for (const k of key.split('.')) sub = isMap(sub) ? sub[k] : undefined;
    if (sub === undefined) {
      if (skipMissing) continue;
      throw bad(task, `with_subelements: an item has no key "${key}"`);
    }
    if (!Array.isArray(sub)) throw bad(task, `with_subelements: "${key}" of an item is not a list`);
    for (const s of sub) out.push([row, s]);
  }
  return out;
}

/** `start=1 end=5 stride=1 format=x%02d` or `count=3`, as the sequence lookup reads them. */
function sequence(task: Task, spec: string): string[] {
  const kv: Record<string, string> = {};
  const short = /^\s*(\d+)-(\d+)(?:\/(\d+))?(?::(.+))?\s*$/.exec(spec);
  if (short) Object.assign(kv, { start: short[1], end: short[2], ...(short[3] ? { stride: short[3] } : {}), ...(short[4] ? { format: short[4] } : {}) });
  else for (const m of spec.matchAll(/(\w+)=(\S+)/g)) kv[m[1]] = m[2];
  const start = Number(kv.start ?? 1);
  const stride = Number(kv.stride ?? 1);
  const end = kv.count !== undefined ? start + (Number(kv.count) - 1) * stride : Number(kv.end);
  if (![start, stride, end].every(Number.isFinite) || stride === 0) throw bad(task, `with_sequence: cannot read "${spec}"`);
  const fmt = kv.format ?? '%d';
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    if (out.length > 10000) throw bad(task, 'with_sequence: more than 10000 items');
    out.push(fmt.replace(/%(0?)(\d*)d/, (_, z: string, w: string) => String(i).padStart(Number(w || 0), z ? '0' : ' ')));
  }
  return out;
}

/** Files (not folders) matching a pattern whose wildcards (* ? [..]) are in the last part, sorted. */
function fileGlob(pattern: string): string[] {
  const dir = dirname(pattern);
  const re = new RegExp(`^${basename(pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n) && !n.startsWith('.')).map((n) => join(dir, n)).filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  }).sort();
}

/** The variables of one loop item: the loop var, `ansible_loop`, and loop_control.index_var. */
export function itemVars(task: Task, vars: Record<string, unknown>, item: unknown, index: number, length: number): Record<string, unknown> {
  return {
    ...vars,
    [task.loopVar]: item,
    ansible_loop: { index: index + 1, index0: index, revindex: length - index, revindex0: length - index - 1, first: index === 0, last: index === length - 1, length },
    ansible_loop_var: task.loopVar,
    ...(task.indexVar ? { [task.indexVar]: index, ansible_index_var: task.indexVar } : {}),
  };
}

/** Controller folders with_fileglob patterns are relative to: the role's files/, the task file's, the playbook's. */
export function globDirs(task: Task, playbookDir: string): string[] {
  const taskDir = dirname(task.file);
  return [...new Set([...(task.role ? [join(task.role.path, 'files'), task.role.path] : []), join(taskDir, 'files'), taskDir, join(playbookDir, 'files'), playbookDir])];
}
