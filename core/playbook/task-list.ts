// A list of task entries → flat Task[]: plain tasks, blocks (their sections
// flattened, each task knowing its block frames), task-file includes and
// imports (every spelling: FQCN, `include:`, `{file:, apply:}`, templated
// paths) and role imports. Keywords of a block, include or role pass on to
// the tasks below it.

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Location } from '../errors.js';
import type { ModuleRegistry } from '../module.js';
import { didYouMean } from '../schema/suggest.js';
import { isPlainObject } from '../schema/validate.js';
import { renderValue } from '../template/index.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import { hasTemplate } from './keyword-types.js';
import { readKeywords } from './keyword-values.js';
import { environmentLayers } from './environment.js';
import { BLOCK_KEYS, INCLUDE_KEYS, INHERITED_KEYS, ROLE_INCLUDE_KEYS, stripPrefix } from './keywords.js';
import { parseKeyValueArgs } from './kv-args.js';
import type { Problems } from './problems.js';
import { readDoc } from './read-doc.js';
import { dedupKey, findRole, roleFile, roleName, roleRef, roleSearchDirs, scopeOf, varsOf, type RoleDef, type RoleRef } from './roles.js';
import { parseTask } from './task.js';
import type { BlockFrame, BlockNode, RoleScope, Task } from './types.js';
import { validateTaskArgs } from './validate.js';

/** What the whole play being loaded shares. */
export interface PlayLoad {
  registry: ModuleRegistry;
  problems: Problems;
  playbookDir: string;
  /** Variables known before any host: play vars, vars_files, extra vars (templated include paths, role names). */
  vars: Record<string, unknown>;
  rolesPath: string[];
  /** Dedup keys of the roles that ran in this play. */
  rolesSeen: Set<string>;
  /** Roles loaded statically (roles:, import_role): their defaults and vars are seen play-wide. */
  staticRoles: RoleDef[];
  /** Handlers of static roles (before the play's own) and of include_role (after them). */
  roleHandlers: Task[];
  lateHandlers: Task[];
}

export interface ListCtx {
  play: PlayLoad;
  isHandler: boolean;
  /** Task files being included, to refuse a loop. */
  chain: string[];
  /** Directory of the file the entries are written in. */
  dir: string;
  role?: RoleScope;
  roleChain: RoleDef[];
  frames: BlockFrame[];
  /** Keywords passed down from blocks, includes and roles. */
  inherit: Record<string, unknown>;
  listedAs?: Task['listedAs'];
  /** Tasks of a role that already ran in the play with the same parameters: listed, never run. */
  repeat?: boolean;
  /** Looped includes the tasks are inside, outermost first. */
  loopFrames?: Task[];
}

let nextBlock = 1;
let nextListed = 1_000_000;

export async function loadTaskList(list: unknown, doc: PositionedYaml, docPath: string, display: string, ctx: ListCtx): Promise<Task[]> {
  const { problems } = ctx.play;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.add('expected a list of tasks', doc.locate(docPath), display);
    return [];
  }
  // The modules these tasks name are imported now, before their params are checked.
  await ctx.play.registry.load?.(list.flatMap(moduleNames));
  const out: Task[] = [];
  for (const [i, raw] of list.entries()) {
    const src = { doc, docPath: `${docPath}[${i}]`, displayPath: `${display}[${i}]` };
    const loc = doc.locate(src.docPath);
    if (isPlainObject(raw) && raw.block !== undefined) {
      out.push(...(await loadBlock(raw, src, ctx)));
      continue;
    }
    const special = isPlainObject(raw) ? Object.keys(raw).find((k) => isSpecial(stripPrefix(k))) : undefined;
    if (special && isPlainObject(raw)) {
      const kind = stripPrefix(special);
      if (kind === 'import_playbook') problems.add('import_playbook is a play, not a task', doc.locate(`${joinPath(src.docPath, special)}#key`), joinPath(src.displayPath, special));
      else if (ROLE_INCLUDE_KEYS.has(kind)) out.push(...(await loadRoleTask(raw, special, src, loc, ctx)));
      else out.push(...(await loadInclude(raw, special, src, loc, ctx)));
      continue;
    }
    const entry = parseTask(isPlainObject(raw) ? inherit(raw, ctx.inherit) : raw, src, ctx.play.registry, problems, ctx.isHandler);
    if (!entry) continue;
    const task = entry.task;
    if (ctx.frames.length && !ctx.isHandler) task.blocks = ctx.frames;
    if (ctx.role) task.role = ctx.role;
    if (ctx.listedAs) task.listedAs = ctx.listedAs;
    if (ctx.repeat) task.roleRepeat = true;
    if (ctx.loopFrames) task.loopFrames = ctx.loopFrames;
    if (!task.meta) problems.list.push(...validateTaskArgs(task, ctx.play.registry.get(task.module)!, task.args, true).problems);
    out.push(task);
  }
  return out;
}

function isSpecial(k: string): boolean {
  return INCLUDE_KEYS.has(k) || ROLE_INCLUDE_KEYS.has(k) || k === 'import_playbook';
}

function moduleNames(raw: unknown): string[] {
  if (!isPlainObject(raw)) return [];
  const names = Object.keys(raw).map(stripPrefix);
  for (const k of ['local_action', 'action']) {
    const v = raw[k];
    if (typeof v === 'string') names.push(stripPrefix(v.trim().split(/\s+/)[0]));
    else if (isPlainObject(v) && typeof v.module === 'string') names.push(stripPrefix(v.module));
  }
  return names;
}

/** `raw` with the keywords of what encloses it: conditions and tags added, vars merged, others defaulted. */
export function inherit(raw: Record<string, unknown>, parent: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(parent).length) return raw;
  const out: Record<string, unknown> = { ...raw };
  if (parent.when !== undefined) out.when = raw.when === undefined ? parent.when : [...asList(parent.when), ...asList(raw.when)];
  if (parent.tags !== undefined) out.tags = [...new Set([...tagList(parent.tags), ...tagList(raw.tags)])];
  if (parent.vars !== undefined && isPlainObject(parent.vars)) out.vars = { ...parent.vars, ...(isPlainObject(raw.vars) ? raw.vars : {}) };
  for (const k of INHERITED_KEYS) if (parent[k] !== undefined && raw[k] === undefined) out[k] = parent[k];
  // Environments layer: what encloses the task first, its own last (its variables win).
  if (parent.environment !== undefined) out.environment = [...environmentLayers(parent.environment), ...environmentLayers(raw.environment)];
  if (isPlainObject(parent.module_defaults)) out.module_defaults = mergeDefaults(parent.module_defaults, raw.module_defaults);
  return out;
}

/** Nearer module_defaults win, parameter by parameter. */
function mergeDefaults(outer: Record<string, unknown>, inner: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...outer };
  if (isPlainObject(inner)) for (const [m, p] of Object.entries(inner)) out[m] = isPlainObject(out[m]) && isPlainObject(p) ? { ...out[m], ...p } : p;
  return out;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function tagList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The keywords of a block/include/role entry that pass on to what it holds, typed
 * where they are written: a value of the wrong type is reported there, and not passed on.
 */
function passedOn(raw: Record<string, unknown>, src?: Src, problems?: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['when', 'tags', 'vars', 'environment', 'module_defaults', ...INHERITED_KEYS]) if (raw[k] !== undefined) out[k] = raw[k];
  if (src && problems) {
    const before = problems.list.length;
    readKeywords(out, (k) => src.doc.locate(joinPath(src.docPath, k)), src.displayPath, problems);
    for (const p of problems.list.slice(before)) {
      const key = p.path?.slice(src.displayPath.length + 1);
      if (key) delete out[key];
    }
  }
  return out;
}

interface Src {
  doc: PositionedYaml;
  docPath: string;
  displayPath: string;
}

async function loadBlock(raw: Record<string, unknown>, src: Src, ctx: ListCtx): Promise<Task[]> {
  const { problems } = ctx.play;
  for (const k of Object.keys(raw)) {
    if (!BLOCK_KEYS.has(k)) problems.add(`unknown block keyword${didYouMean(k, BLOCK_KEYS)}`, src.doc.locate(`${joinPath(src.docPath, k)}#key`), joinPath(src.displayPath, k));
  }
  const block: BlockNode = { id: nextBlock++, name: typeof raw.name === 'string' ? raw.name : undefined, hasRescue: Array.isArray(raw.rescue) && raw.rescue.length > 0, frames: ctx.frames };
  const inner = { ...ctx, inherit: inherit(passedOn(raw, src, problems), ctx.inherit) };
  const out: Task[] = [];
  for (const section of ['block', 'rescue', 'always'] as const) {
    if (raw[section] === undefined) continue;
    const frames = [...ctx.frames, { block, section }];
    out.push(...(await loadTaskList(raw[section], src.doc, joinPath(src.docPath, section), joinPath(src.displayPath, section), { ...inner, frames })));
  }
  return out;
}

/** Variables known at load time for rendering an include path or role name here. */
function loadVars(ctx: ListCtx): Record<string, unknown> {
  const r = ctx.role;
  return {
    ...(r?.defaults ?? {}),
    ...ctx.play.vars,
    ...(r?.vars ?? {}),
    ...(isPlainObject(ctx.inherit.vars) ? ctx.inherit.vars : {}),
    ...(r?.params ?? {}),
    playbook_dir: ctx.play.playbookDir,
    ...(r ? { role_path: r.path, role_name: r.name } : {}),
  };
}

function renderAtLoad(v: string, ctx: ListCtx, loc: Location, path: string): string | undefined {
  if (!hasTemplate(v)) return v;
  try {
    return String(renderValue(v, loadVars(ctx)));
  } catch (e) {
    ctx.play.problems.add(`${(e as Error).message}: this path is resolved before any host is contacted, from play vars, vars_files, role variables and extra vars (not host variables or facts)`, loc, path);
    return undefined;
  }
}

async function loadInclude(raw: Record<string, unknown>, key: string, src: Src, loc: Location, ctx: ListCtx): Promise<Task[]> {
  const { problems } = ctx.play;
  const kind = stripPrefix(key);
  const at = (k: string) => src.doc.locate(joinPath(src.docPath, k));
  const spec = raw[key];
  let file: unknown;
  let apply: Record<string, unknown> = {};
  let params: Record<string, unknown> = {};
  if (typeof spec === 'string') {
    const kv = parseKeyValueArgs(spec);
    file = kv?.freeForm;
    params = kv?.params ?? {};
  } else if (isPlainObject(spec)) {
    file = spec.file ?? spec._raw_params;
    if (spec.apply !== undefined) {
      if (kind !== 'include_tasks' || !isPlainObject(spec.apply)) problems.add(kind === 'include_tasks' ? 'apply: expected a mapping of keywords' : `apply is only valid on include_tasks`, at(`${key}.apply`), joinPath(src.displayPath, `${key}.apply`));
      else apply = spec.apply;
    }
    for (const k of Object.keys(spec)) if (!['file', '_raw_params', 'apply'].includes(k)) problems.add(`unknown ${kind} option${didYouMean(k, ['file', 'apply'])}`, src.doc.locate(`${joinPath(src.docPath, key)}.${k}#key`), joinPath(src.displayPath, `${key}.${k}`));
  }
  if (typeof file !== 'string' || !file.trim()) {
    problems.add('expected the path of a task file', at(key), joinPath(src.displayPath, key));
    return [];
  }
  const looped = kind !== 'import_tasks';
  for (const other of Object.keys(raw)) {
    if (other === key || other === 'name' || other === 'when' || other === 'tags' || other === 'vars' || other === 'environment' || other === 'module_defaults' || INHERITED_KEYS.includes(other)) continue;
    if (looped && isLoopKey(other)) continue;
    const hint = isLoopKey(other) ? 'a loop needs include_tasks, which includes the file once per item' : 'move it onto the included tasks';
    problems.add(`"${other}" on ${kind} is not supported (rb applies name, when, tags, vars, ${INHERITED_KEYS.join(', ')}${looped ? ', loop' : ''}); ${hint}`, src.doc.locate(`${joinPath(src.docPath, other)}#key`), joinPath(src.displayPath, other));
  }
  const frame = looped ? loopFrame(raw, src, ctx) : undefined;
  const rendered = renderAtLoad(file, ctx, at(key), joinPath(src.displayPath, key));
  if (rendered === undefined) return [];
  const path = resolveTaskFile(rendered, ctx);
  if (ctx.chain.includes(path)) {
    problems.add(`task file includes itself: ${[...ctx.chain, path].join(' → ')}`, loc);
    return [];
  }
  const sub = await readDoc(path, problems, loc);
  if (!sub) return [];
  const own = passedOn(raw, src, problems);
  if (Object.keys(params).length) own.vars = { ...params, ...(isPlainObject(own.vars) ? own.vars : {}) };
  const listedAs = kind === 'include_tasks' ? (ctx.listedAs ?? { id: nextListed++, name: listedName(raw, key, ctx), tags: tagList(inherit(raw, ctx.inherit).tags) }) : ctx.listedAs;
  const inner: ListCtx = { ...ctx, dir: dirname(path), chain: [...ctx.chain, path], inherit: inherit(inherit(apply, own), ctx.inherit), listedAs, ...(frame ? { loopFrames: [...(ctx.loopFrames ?? []), frame] } : {}) };
  return loadTaskList(sub.value, sub, '', `${src.displayPath} → ${rendered}`, inner);
}

function isLoopKey(k: string): boolean {
  return k === 'loop' || k === 'loop_control' || k.startsWith('with_');
}

/** The loop of an include (`loop`, `with_*`, `loop_control`) as a `meta: noop` task the engine iterates; undefined without one. */
function loopFrame(raw: Record<string, unknown>, src: Src, ctx: ListCtx): Task | undefined {
  const keys = Object.keys(raw).filter(isLoopKey);
  if (!keys.some((k) => k !== 'loop_control')) return undefined;
  const spec: Record<string, unknown> = { meta: 'noop', ...(typeof raw.name === 'string' ? { name: raw.name } : {}) };
  for (const k of keys) spec[k] = raw[k];
  const entry = parseTask(spec, src, ctx.play.registry, ctx.play.problems, false);
  if (!entry) return undefined;
  if (ctx.role) entry.task.role = ctx.role;
  if (ctx.frames.length) entry.task.blocks = ctx.frames;
  return entry.task;
}

/** How --list-tasks shows a dynamic include: `role : name`, or the action as written when unnamed. */
function listedName(raw: Record<string, unknown>, key: string, ctx: ListCtx): string {
  if (typeof raw.name !== 'string') return key;
  return ctx.role ? `${ctx.role.name} : ${raw.name}` : raw.name;
}

/** A task file path: absolute, beside the including file, in the role's tasks/, or beside the playbook. */
function resolveTaskFile(file: string, ctx: ListCtx): string {
  if (isAbsolute(file)) return file;
  const tried = [resolve(ctx.dir, file), ...(ctx.role ? [resolve(ctx.role.path, 'tasks', file)] : []), resolve(ctx.play.playbookDir, file)];
  return tried.find((p) => existsFile(p)) ?? tried[0];
}

function existsFile(p: string): boolean {
  return existsSync(p);
}

async function loadRoleTask(raw: Record<string, unknown>, key: string, src: Src, loc: Location, ctx: ListCtx): Promise<Task[]> {
  const { problems } = ctx.play;
  const kind = stripPrefix(key);
  const at = (k: string) => src.doc.locate(joinPath(src.docPath, k));
  const spec = typeof raw[key] === 'string' ? { name: raw[key] } : raw[key];
  if (!isPlainObject(spec) || typeof spec.name !== 'string') {
    problems.add(`${kind}: expected name: ROLE`, at(key), joinPath(src.displayPath, key));
    return [];
  }
  const OPTIONS = ['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'apply', 'public', 'allow_duplicates', 'rolespec_validate'];
  for (const k of Object.keys(spec)) if (!OPTIONS.includes(k)) problems.add(`unknown ${kind} option${didYouMean(k, OPTIONS)}`, src.doc.locate(`${joinPath(src.docPath, key)}.${k}#key`), joinPath(src.displayPath, `${key}.${k}`));
  const looped = kind === 'include_role';
  for (const other of Object.keys(raw)) {
    if (other === key || other === 'name' || other === 'when' || other === 'tags' || other === 'vars' || other === 'environment' || other === 'module_defaults' || INHERITED_KEYS.includes(other)) continue;
    if (looped && isLoopKey(other)) continue;
    problems.add(`"${other}" on ${kind} is not supported (rb applies name, when, tags, vars, ${INHERITED_KEYS.join(', ')}${looped ? ', loop' : ''})${isLoopKey(other) ? '; a loop needs include_role, which runs the role once per item' : ''}`, src.doc.locate(`${joinPath(src.docPath, other)}#key`), joinPath(src.displayPath, other));
  }
  const frame = looped ? loopFrame(raw, src, ctx) : undefined;
  if (spec.apply !== undefined && (kind !== 'include_role' || !isPlainObject(spec.apply))) problems.add(kind === 'include_role' ? 'apply: expected a mapping of keywords' : 'apply is only valid on include_role', at(`${key}.apply`), joinPath(src.displayPath, `${key}.apply`));
  const from: RoleRef['from'] = {};
  for (const f of ['tasks', 'vars', 'defaults', 'handlers'] as const) {
    const v = spec[`${f}_from`];
    if (typeof v === 'string') from[f] = renderAtLoad(v, ctx, at(`${key}.${f}_from`), joinPath(src.displayPath, `${key}.${f}_from`));
  }
  const own = passedOn(raw, src, problems);
  const ref: RoleRef = { name: spec.name, vars: isPlainObject(own.vars) ? own.vars : {}, params: {}, keywords: { ...own, vars: undefined }, from, loc, dedup: spec.allow_duplicates === false };
  delete ref.keywords.vars;
  const dynamic = kind === 'include_role';
  if (dynamic && isPlainObject(spec.apply)) ref.keywords = inherit(spec.apply, ref.keywords);
  const listedAs = dynamic ? (ctx.listedAs ?? { id: nextListed++, name: listedName(raw, key, ctx), tags: tagList(inherit(raw, ctx.inherit).tags) }) : ctx.listedAs;
  return expandRole(ref, { ...ctx, listedAs, ...(frame ? { loopFrames: [...(ctx.loopFrames ?? []), frame] } : {}) }, !dynamic || spec.public === true, dynamic);
}

/** The tasks of the play's `roles:` section. */
export async function loadRolesSection(list: unknown, doc: PositionedYaml, path: string, ctx: ListCtx): Promise<Task[]> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    ctx.play.problems.add('expected a list of roles', doc.locate(path), 'roles');
    return [];
  }
  const out: Task[] = [];
  for (const [i, raw] of list.entries()) {
    const loc = doc.locate(`${path}[${i}]`);
    const ref = roleRef(raw, loc, true);
    if (typeof ref === 'string') ctx.play.problems.add(ref, loc, `roles[${i}]`);
    else out.push(...(await expandRole(ref, ctx, true, false)));
  }
  return out;
}

/** A role's tasks (its dependencies' first); its handlers go to the play. */
async function expandRole(ref: RoleRef, ctx: ListCtx, isStatic: boolean, late: boolean): Promise<Task[]> {
  const def = await loadRoleDef(ref, ctx, ctx.roleChain.at(-1), new Set());
  if (!def) return [];
  if (isStatic) ctx.play.staticRoles.push(def);
  return emit(def, ctx.roleChain, { ...ctx, frames: ctx.frames }, late);
}

async function emit(def: RoleDef, chain: RoleDef[], ctx: ListCtx, late: boolean): Promise<Task[]> {
  const key = dedupKey(def);
  // A role already run in this play with the same parameters is listed again but not run (as Ansible).
  const repeat = ctx.repeat || (def.ref.dedup && !def.allowDuplicates && ctx.play.rolesSeen.has(key));
  ctx.play.rolesSeen.add(key);
  if (repeat) ctx = { ...ctx, repeat: true };
  const base: ListCtx = { ...ctx, inherit: inherit(def.ref.keywords, ctx.inherit), roleChain: [...chain, def] };
  const out: Task[] = [];
  for (const dep of def.deps) out.push(...(await emit(dep, [...chain, def], base, late)));
  const scope = scopeOf(def, chain);
  const inner: ListCtx = { ...base, role: scope, chain: [], dir: resolve(def.path, 'tasks') };
  if (def.tasksFile) {
    const doc = await readDoc(def.tasksFile, ctx.play.problems, def.ref.loc);
    if (doc) out.push(...(await loadTaskList(doc.value, doc, '', `${def.name} : tasks`, { ...inner, chain: [def.tasksFile], dir: dirname(def.tasksFile) })));
  }
  if (def.handlersFile && !repeat) {
    const doc = await readDoc(def.handlersFile, ctx.play.problems, def.ref.loc);
    if (doc) {
      const handlers = await loadTaskList(doc.value, doc, '', `${def.name} : handlers`, { ...inner, isHandler: true, frames: [], listedAs: undefined, loopFrames: undefined, chain: [def.handlersFile], dir: dirname(def.handlersFile) });
      (late ? ctx.play.lateHandlers : ctx.play.roleHandlers).push(...handlers);
    }
  }
  return out;
}

async function loadRoleDef(ref: RoleRef, ctx: ListCtx, parent: RoleDef | undefined, loading: Set<string>): Promise<RoleDef | undefined> {
  const { problems } = ctx.play;
  const name = renderAtLoad(ref.name, ctx, ref.loc, 'role');
  if (name === undefined) return;
  if (/^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$/i.test(name)) {
    problems.add(`role "${name}" is a collection role: rb reads roles from role directories only (roles/, roles_path, ANSIBLE_ROLES_PATH)`, ref.loc);
    return;
  }
  const found = findRole(name, roleSearchDirs(ctx.play.playbookDir, ctx.play.rolesPath, parent), ctx.play.playbookDir);
  if (!found.path) {
    problems.add(`role "${name}" not found (looked in ${found.tried.join(', ')})`, ref.loc);
    return;
  }
  const path = found.path;
  if (loading.has(path)) {
    problems.add(`role dependencies loop: ${[...loading, path].join(' → ')}`, ref.loc);
    return;
  }
  const def: RoleDef = { ref, name: name.includes('/') ? roleName(path) : name, path, defaults: {}, vars: {}, deps: [], allowDuplicates: false };
  for (const [sub, field] of [['defaults', 'defaults'], ['vars', 'vars']] as const) {
    const f = roleFile(path, sub, ref.from[sub]);
    if (!f) {
      if (ref.from[sub]) problems.add(`role ${def.name}: no ${sub}/${ref.from[sub]} file`, ref.loc);
      continue;
    }
    const doc = await readDoc(f, problems, ref.loc);
    const v = varsOf(doc);
    if (typeof v === 'string') problems.add(`role ${def.name}: ${sub} file ${v}`, doc!.locate(''));
    else def[field] = v;
  }
  def.tasksFile = roleFile(path, 'tasks', ref.from.tasks);
  if (!def.tasksFile && ref.from.tasks) problems.add(`role ${def.name}: no tasks/${ref.from.tasks} file`, ref.loc);
  def.handlersFile = roleFile(path, 'handlers', ref.from.handlers);
  if (!def.handlersFile && ref.from.handlers) problems.add(`role ${def.name}: no handlers/${ref.from.handlers} file`, ref.loc);
  const metaFile = roleFile(path, 'meta');
  if (metaFile) {
    const meta = await readDoc(metaFile, problems, ref.loc);
    const m = meta?.value;
    if (meta && isPlainObject(m)) {
      def.allowDuplicates = m.allow_duplicates === true || m.allow_duplicates === 'yes' || m.allow_duplicates === 'true';
      const deps = m.dependencies ?? [];
      if (!Array.isArray(deps)) problems.add('dependencies: expected a list of roles', meta.locate('dependencies'), 'dependencies');
      else {
        for (const [i, d] of deps.entries()) {
          const dref = roleRef(d, meta.locate(`dependencies[${i}]`), true);
          if (typeof dref === 'string') {
            problems.add(dref, meta.locate(`dependencies[${i}]`), `dependencies[${i}]`);
            continue;
          }
          const dep = await loadRoleDef(dref, ctx, def, new Set([...loading, path]));
          if (dep) def.deps.push(dep);
        }
      }
    } else if (meta && m !== null && m !== undefined) problems.add('meta/main.yml: expected a mapping', meta.locate(''));
  }
  if (ref.dedup === false && !def.allowDuplicates) def.allowDuplicates = true;
  return def;
}
