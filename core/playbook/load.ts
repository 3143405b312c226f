// Playbook files → Playbook[]: every file parsed, every task's module args
// validated against its schema, and ALL problems reported at once (file:line:col
// and field path) before any host is contacted.

import { dirname, resolve } from 'node:path';
import type { ModuleRegistry } from '../module.js';
import { didYouMean } from '../schema/suggest.js';
import { isPlainObject } from '../schema/validate.js';
import type { Location } from '../errors.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import { environmentLayers, environmentProblem } from './environment.js';
import { promptedVars } from './vars-prompt.js';
import { readKeywords, setKeywordTemplates } from './keyword-values.js';
import { PLAY_KEYS, stripPrefix } from './keywords.js';
import { playPatterns } from './play-hosts.js';
import { Problems } from './problems.js';
import { parseRollout } from './rollout.js';
import { readDoc } from './read-doc.js';
import { allDefaults, allVars, defaultRolesPath } from './roles.js';
import { toList } from './task.js';
import { loadRolesSection, loadTaskList, type ListCtx, type PlayLoad } from './task-list.js';
import type { Play, Playbook, Task } from './types.js';

export interface LoadOptions {
  registry: ModuleRegistry;
  /** Extra vars (-e): known before any host, so templated include paths and role names may use them. */
  extraVars?: Record<string, unknown>;
  /** roles_path from ansible.cfg (ANSIBLE_ROLES_PATH wins). */
  rolesPath?: string[];
}

export async function loadPlaybooks(files: string[], opts: LoadOptions): Promise<Playbook[]> {
  const problems = new Problems();
  const books: Playbook[] = [];
  for (const f of files) {
    const book = await loadOne(resolve(f), opts, problems, new Set());
    if (book) books.push(book);
  }
  problems.throwIfAny();
  return books;
}

async function loadOne(file: string, opts: LoadOptions, problems: Problems, seen: Set<string>, from?: Location): Promise<Playbook | undefined> {
  if (seen.has(file)) {
    problems.add(`playbook imports itself: ${[...seen, file].join(' → ')}`);
    return;
  }
  seen.add(file);
  const doc = await readDoc(file, problems, from);
  if (!doc) return;
  const dir = dirname(file);
  const book: Playbook = { file, dir, plays: [] };
  if (!Array.isArray(doc.value)) {
    problems.add('a playbook is a list of plays', doc.locate(''));
    return book;
  }
  for (const [i, raw] of doc.value.entries()) {
    const path = `[${i}]`;
    const ipKey = isPlainObject(raw) ? Object.keys(raw).find((k) => stripPrefix(k) === 'import_playbook') : undefined;
    if (isPlainObject(raw) && ipKey) {
      for (const other of Object.keys(raw)) {
        if (other !== ipKey && other !== 'name') problems.add(`"${other}" on import_playbook is not supported (it would be dropped); put it on the imported plays`, doc.locate(`${joinPath(path, other)}#key`), `plays${path}.${other}`);
      }
      const target = raw[ipKey];
      if (typeof target !== 'string' || !target.trim() || target.includes('{{')) {
        problems.add('expected the path of a playbook file', doc.locate(joinPath(path, ipKey)), `plays${path}.${ipKey}`);
        continue;
      }
      const sub = await loadOne(resolve(dir, target), opts, problems, new Set(seen), doc.locate(joinPath(path, ipKey)));
      if (sub) book.plays.push(...sub.plays);
      continue;
    }
    const play = await loadPlay(raw, doc, path, dir, opts, problems);
    if (play) book.plays.push(play);
  }
  return book;
}

async function loadPlay(raw: unknown, doc: PositionedYaml, path: string, dir: string, opts: LoadOptions, problems: Problems): Promise<Play | undefined> {
  const loc = doc.locate(path);
  if (!isPlainObject(raw)) {
    problems.add('a play must be a mapping', loc, `plays${path}`);
    return;
  }
  for (const key of Object.keys(raw)) {
    if (!PLAY_KEYS.has(key)) problems.add(`unknown play keyword${didYouMean(key, PLAY_KEYS)}`, doc.locate(`${joinPath(path, key)}#key`), key);
  }
  const kw = readKeywords(raw, (key) => doc.locate(joinPath(path, key)), `plays${path}`, problems);
  if (typeof kw.values.connection === 'string' && !CONNECTIONS.includes(kw.values.connection)) {
    problems.add(`rb connects with ${CONNECTIONS.join(', ')} (smart is ssh), not ${JSON.stringify(kw.values.connection)}`, doc.locate(joinPath(path, 'connection')), 'connection');
  }
  if (typeof kw.values.order === 'string' && !ORDERS.includes(kw.values.order)) {
    problems.add(`unknown order (valid: ${ORDERS.join(', ')})`, doc.locate(joinPath(path, 'order')), 'order');
  }
  if (typeof kw.values.strategy === 'string' && !STRATEGIES.includes(kw.values.strategy)) {
    problems.add(`unknown strategy (valid: ${STRATEGIES.join(', ')})`, doc.locate(joinPath(path, 'strategy')), 'strategy');
  }
  for (const layer of environmentLayers(raw.environment)) {
    const problem = environmentProblem(layer);
    if (problem) problems.add(problem, doc.locate(joinPath(path, 'environment')), 'environment');
  }
  const patterns = playPatterns(raw.hosts, doc, path, problems);
  const vars: Record<string, unknown> = {};
  if (raw.vars !== undefined) {
    if (isPlainObject(raw.vars)) Object.assign(vars, raw.vars);
    else problems.add('expected a mapping of variables', doc.locate(joinPath(path, 'vars')), 'vars');
  }
  const varsFiles = toList(raw.vars_files);
  for (const [i, vf] of varsFiles.entries()) {
    if (vf.includes('{{')) {
      problems.add('vars_files paths cannot be templates', doc.locate(`${joinPath(path, 'vars_files')}[${i}]`), `vars_files[${i}]`);
      continue;
    }
    const vdoc = await readDoc(resolve(dir, vf), problems, doc.locate(`${joinPath(path, 'vars_files')}[${i}]`));
    if (vdoc && isPlainObject(vdoc.value)) {
      const bad = Object.keys(vdoc.value).filter((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
      for (const k of bad) problems.add(`${JSON.stringify(k)} is not a valid variable name (letters, digits, _; not starting with a digit)`, vdoc.locate(joinPath('', k)));
      Object.assign(vars, vdoc.value);
    } else if (vdoc) problems.add(vdoc.value == null ? 'a vars file must hold a mapping, the file is empty' : 'a vars file must hold a mapping', vdoc.locate(''));
  }
  Object.assign(vars, promptedVars(raw.vars_prompt, opts.extraVars ?? {}, doc, path, problems));
  const rollout = parseRollout(raw.rollout, doc, path, problems);
  if (rollout && raw.serial !== undefined && raw.serial !== null) problems.add('rollout: ha orders the hosts itself: give either rollout or serial, not both', rollout.loc, 'rollout');
  const load: PlayLoad = {
    registry: opts.registry, problems, playbookDir: dir, vars: { ...vars, ...(opts.extraVars ?? {}) }, rolesPath: defaultRolesPath(opts.rolesPath),
    rolesSeen: new Set(), staticRoles: [], roleHandlers: [], lateHandlers: [],
  };
  const ctx = (section: string): ListCtx => ({ play: load, isHandler: section === 'handlers', chain: [], dir, roleChain: [], frames: [], inherit: isPlainObject(raw.module_defaults) ? { module_defaults: raw.module_defaults } : {} });
  const sections: Task[][] = [];
  sections.push(await loadTaskList(raw.pre_tasks, doc, joinPath(path, 'pre_tasks'), 'pre_tasks', ctx('pre_tasks')));
  sections.push([
    ...(await loadRolesSection(raw.roles, doc, joinPath(path, 'roles'), ctx('roles'))),
    ...(await loadTaskList(raw.tasks, doc, joinPath(path, 'tasks'), 'tasks', ctx('tasks'))),
  ]);
  sections.push(await loadTaskList(raw.post_tasks, doc, joinPath(path, 'post_tasks'), 'post_tasks', ctx('post_tasks')));
  // As in Ansible, notified handlers run after pre_tasks, after roles and tasks, and at the end.
  const tasks: Task[] = [];
  sections.forEach((list, i) => {
    if (i > 0 && tasks.length && list.length) tasks.push(flushHandlers(doc, loc));
    tasks.push(...list);
  });
  const own = await loadTaskList(raw.handlers, doc, joinPath(path, 'handlers'), 'handlers', ctx('handlers'));
  const handlers = [...load.roleHandlers, ...own, ...load.lateHandlers];
  const play: Play = {
    name: typeof raw.name === 'string' ? raw.name : patterns.join(','),
    hosts: patterns.join(','),
    patterns,
    vars,
    varsFiles,
    tasks,
    handlers,
    serial: (kw.values.serial as Array<number | string> | undefined) ?? [],
    anyErrorsFatal: (kw.values.any_errors_fatal as boolean | undefined) ?? false,
    maxFailPercentage: kw.values.max_fail_percentage as number | undefined,
    become: kw.values.become as boolean | undefined,
    becomeUser: kw.values.become_user as string | undefined,
    connection: playConnection(kw.values.connection),
    strategy: kw.values.strategy as string | undefined,
    order: kw.values.order as Play['order'],
    ignoreUnreachable: kw.values.ignore_unreachable as boolean | undefined,
    throttle: kw.values.throttle as number | undefined,
    ...(raw.environment !== undefined ? { environment: environmentLayers(raw.environment) } : {}),
    remoteUser: (kw.values.remote_user ?? kw.values.user) as string | undefined,
    roleDefaults: Object.assign({}, ...load.staticRoles.map(allDefaults)),
    roleVars: Object.assign({}, ...load.staticRoles.map(allVars)),
    roleNames: load.staticRoles.map((r) => r.name),
    checkMode: kw.values.check_mode as boolean | undefined,
    gatherFacts: kw.values.gather_facts as boolean | undefined,
    ...(kw.values.gather_subset !== undefined ? { gatherSubset: (kw.values.gather_subset as unknown[]).map(String) } : {}),
    ...(rollout ? { rollout } : {}),
    forceHandlers: kw.values.force_handlers as boolean | undefined,
    tags: toList(raw.tags),
    file: doc.file,
    dir,
    loc,
    locate: (key: string) => doc.locate(key ? joinPath(path, key) : path),
  };
  setKeywordTemplates(play, kw.templates);
  return play;
}

let flushIds = 2_000_000;

/** The handler flush Ansible runs between a play's sections (never listed). */
function flushHandlers(doc: PositionedYaml, loc: Location): Task {
  return {
    id: flushIds++, name: 'meta: flush_handlers', module: 'meta', moduleKey: 'meta', args: {}, meta: 'flush_handlers', loopVar: 'item', notify: [], tags: ['always'],
    ignoreErrors: false, vars: {}, noLog: false, listen: [], file: doc.file, loc, path: 'flush_handlers', locate: () => loc, implicit: true,
  };
}

const CONNECTIONS = ['ssh', 'smart', 'local'];
const STRATEGIES = ['linear', 'free', 'host_pinned', 'debug'];
const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'];

/** `smart` is Ansible's name for ssh. */
function playConnection(v: unknown): string | undefined {
  return v === 'smart' ? 'ssh' : typeof v === 'string' ? v : undefined;
}
