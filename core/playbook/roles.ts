// Roles as Ansible defines them: found on the role search path, read from
// tasks/ handlers/ defaults/ vars/ meta/ (main.yml|yaml, or *_from), their
// meta dependencies first (run once per play with the same parameters unless
// allow_duplicates), and their variables layered as Ansible layers them.

import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { Location } from '../errors.js';
import { isPlainObject } from '../schema/validate.js';
import type { PositionedYaml } from '../yaml.js';
import { INHERITED_KEYS } from './keywords.js';
import type { RoleScope } from './types.js';

/** A role as a play, a dependency or an import names it. */
export interface RoleRef {
  name: string;
  /** `vars:` given with the role. */
  vars: Record<string, unknown>;
  /** Role parameters: the other keys of a `roles:` entry or a dependency. */
  params: Record<string, unknown>;
  /** Keywords passed on to every task of the role (when, tags, become...). */
  keywords: Record<string, unknown>;
  from: { tasks?: string; vars?: string; defaults?: string; handlers?: string };
  loc: Location;
  /** Run once per play with the same parameters (roles: and dependencies), unless the role allows duplicates. */
  dedup: boolean;
}

export interface RoleDef {
  ref: RoleRef;
  name: string;
  path: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  deps: RoleDef[];
  allowDuplicates: boolean;
  tasksFile?: string;
  handlersFile?: string;
}

/** Keys of a `roles:` entry that are not role parameters. */
const ENTRY_KEYWORDS = new Set(['role', 'name', 'vars', 'when', 'tags', ...INHERITED_KEYS, 'environment', 'module_defaults', 'any_errors_fatal', 'collections', 'debugger']);

/** `- common` / `- role: x` / `- {name: x, vars: {...}, port: 80, when: ..., tags: ...}` → RoleRef. */
export function roleRef(raw: unknown, loc: Location, dedup: boolean): RoleRef | string {
  if (typeof raw === 'string') return { name: raw, vars: {}, params: {}, keywords: {}, from: {}, loc, dedup };
  if (!isPlainObject(raw)) return 'a role is a name or a mapping with role: (or name:)';
  const name = raw.role ?? raw.name;
  if (typeof name !== 'string' || !name.trim()) return 'expected role: NAME';
  const ref: RoleRef = { name, vars: {}, params: {}, keywords: {}, from: {}, loc, dedup };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'role' || k === 'name') continue;
    if (k === 'vars') {
      if (!isPlainObject(v)) return 'vars: expected a mapping';
      ref.vars = v;
    } else if (ENTRY_KEYWORDS.has(k)) ref.keywords[k] = v;
    else ref.params[k] = v;
  }
  return ref;
}

/** Where roles are looked for, in Ansible's order. */
export function roleSearchDirs(playbookDir: string, rolesPath: string[], parent?: RoleDef): string[] {
  return [join(playbookDir, 'roles'), ...rolesPath, ...(parent ? [resolve(parent.path, '..')] : []), playbookDir];
}

/** The configured roles path: ANSIBLE_ROLES_PATH (colon-separated) or roles_path, else Ansible's default. */
export function defaultRolesPath(configured?: string[]): string[] {
  const env = process.env.ANSIBLE_ROLES_PATH;
  const list = env !== undefined ? env.split(':') : configured ?? ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];
  return list.filter(Boolean).map((p) => (p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p));
}

export function findRole(name: string, dirs: string[], playbookDir: string): { path?: string; tried: string[] } {
  if (isAbsolute(name) || name.includes('/')) {
    const p = resolve(playbookDir, name);
    return { path: isDir(p) ? p : undefined, tried: [p] };
  }
  const tried = dirs.map((d) => resolve(d, name));
  return { path: tried.find(isDir), tried };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A role file: `main` (or the *_from name) with .yml, .yaml, .json or no extension. */
export function roleFile(rolePath: string, sub: string, from?: string): string | undefined {
  const base = from ?? 'main';
  const names = /\.(ya?ml|json)$/.test(base) ? [base] : [`${base}.yml`, `${base}.yaml`, `${base}.json`, base];
  for (const n of names) {
    const p = join(rolePath, sub, n);
    if (existsSync(p) && !isDir(p)) return p;
  }
  return undefined;
}

export function roleName(path: string): string {
  return basename(path);
}

/** Parameters that make a role run again in the same play when they differ. */
export function dedupKey(def: RoleDef): string {
  return JSON.stringify([def.path, def.ref.from, def.ref.params, def.ref.vars]);
}

/** defaults of the role and its dependencies (dependencies first): Ansible's get_default_vars(). */
export function allDefaults(def: RoleDef): Record<string, unknown> {
  return Object.assign({}, ...def.deps.map(allDefaults), def.defaults);
}

/** Exported vars of the role and its dependencies, without parameters: Ansible's get_vars(include_params=False). */
export function allVars(def: RoleDef): Record<string, unknown> {
  return Object.assign({}, ...def.deps.map(allVars), def.ref.vars, def.vars);
}

/** What a task of `def` sees, `chain` being the roles that depend on it (outermost first). */
export function scopeOf(def: RoleDef, chain: RoleDef[]): RoleScope {
  return {
    name: def.name,
    path: def.path,
    defaults: Object.assign({}, ...def.deps.map(allDefaults), ...chain.map((p) => p.defaults), def.defaults),
    vars: Object.assign({}, ...chain.flatMap((p) => [p.ref.vars, p.vars]), ...def.deps.map(allVars), def.ref.vars, def.vars),
    params: Object.assign({}, ...chain.map((p) => p.ref.params), def.ref.params),
  };
}

/** A vars or defaults file's mapping (empty when the file holds nothing). */
export function varsOf(doc: PositionedYaml | undefined): Record<string, unknown> | string {
  if (!doc || doc.value === null || doc.value === undefined) return {};
  return isPlainObject(doc.value) ? doc.value : 'must hold a mapping of variables';
}
