// Playbook files → Playbook[]: every file parsed, every task's module args
// validated against its schema, and ALL problems reported at once (file:line:col
// and field path) before any host is contacted.

import { readInputFile } from '../input-file.js';
import { dirname, resolve } from 'node:path';
import { ConfigError, type Location } from '../errors.js';
import type { ModuleRegistry } from '../module.js';
import { didYouMean } from '../schema/suggest.js';
import { isPlainObject } from '../schema/validate.js';
import { joinPath, parseYamlPositioned, type PositionedYaml } from '../yaml.js';
import { readKeywords, setKeywordTemplates } from './keyword-values.js';
import { PLAY_KEYS, stripPrefix } from './keywords.js';
import { playPatterns } from './play-hosts.js';
import { Problems } from './problems.js';
import { parseRollout } from './rollout.js';
import { parseTask, toList } from './task.js';
import type { Play, Playbook, Task } from './types.js';
import { validateTaskArgs } from './validate.js';

export interface LoadOptions {
  registry: ModuleRegistry;
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

async function readDoc(file: string, problems: Problems, from?: { file: string; line: number; col: number }): Promise<PositionedYaml | undefined> {
  let text: string;
  try {
    text = readInputFile(file, 'playbook');
  } catch (e) {
    if (e instanceof ConfigError && from) problems.add(e.problems.map((p) => p.message).join('; '), from);
    else problems.absorb(e);
    return;
  }
  try {
    return parseYamlPositioned(text, file);
  } catch (e) {
    problems.absorb(e);
  }
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
    if (isPlainObject(raw) && raw.import_playbook !== undefined) {
      for (const other of Object.keys(raw)) {
        if (other !== 'import_playbook' && other !== 'name') problems.add(`"${other}" on import_playbook is not supported (it would be dropped); put it on the imported plays`, doc.locate(`${joinPath(path, other)}#key`), `plays${path}.${other}`);
      }
      if (typeof raw.import_playbook !== 'string' || !raw.import_playbook.trim() || raw.import_playbook.includes('{{')) {
        problems.add('expected the path of a playbook file', doc.locate(joinPath(path, 'import_playbook')), `plays${path}.import_playbook`);
        continue;
      }
      const sub = await loadOne(resolve(dir, raw.import_playbook), opts, problems, new Set(seen), doc.locate(joinPath(path, 'import_playbook')));
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
    if (vdoc && isPlainObject(vdoc.value)) Object.assign(vars, vdoc.value);
    else if (vdoc && vdoc.value != null) problems.add('a vars file must hold a mapping', vdoc.locate(''));
  }
  const rollout = parseRollout(raw.rollout, doc, path, problems);
  if (rollout && raw.serial !== undefined && raw.serial !== null) problems.add('rollout: ha orders the hosts itself: give either rollout or serial, not both', rollout.loc, 'rollout');
  const tasks: Task[] = [];
  for (const section of ['pre_tasks', 'tasks', 'post_tasks'] as const) {
    tasks.push(...(await loadTaskList(raw[section], doc, joinPath(path, section), section, dir, opts, problems, false, [])));
  }
  const handlers = await loadTaskList(raw.handlers, doc, joinPath(path, 'handlers'), 'handlers', dir, opts, problems, true, []);
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
    remoteUser: kw.values.remote_user as string | undefined,
    checkMode: kw.values.check_mode as boolean | undefined,
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

async function loadTaskList(list: unknown, doc: PositionedYaml, docPath: string, display: string, dir: string, opts: LoadOptions, problems: Problems, isHandler: boolean, chain: string[]): Promise<Task[]> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.add('expected a list of tasks', doc.locate(docPath), display);
    return [];
  }
  // The modules these tasks name are imported now, before their params are checked.
  await opts.registry.load?.(list.flatMap((raw) => (isPlainObject(raw) ? Object.keys(raw).map(stripPrefix) : [])));
  const out: Task[] = [];
  for (const [i, raw] of list.entries()) {
    const src = { doc, docPath: `${docPath}[${i}]`, displayPath: `${display}[${i}]` };
    const entry = parseTask(raw, src, opts.registry, problems, isHandler);
    if (!entry) continue;
    if ('task' in entry) {
      checkArgs(entry.task, opts, problems);
      out.push(entry.task);
      continue;
    }
    const file = resolve(dir, entry.include);
    if (chain.includes(file)) {
      problems.add(`task file includes itself: ${[...chain, file].join(' → ')}`, entry.loc);
      continue;
    }
    const sub = await readDoc(file, problems, entry.loc);
    if (!sub) continue;
    const included = await loadTaskList(sub.value, sub, '', `${src.displayPath} → ${entry.include}`, dirname(file), opts, problems, isHandler, [...chain, file]);
    for (const t of included) {
      // when/tags on the include apply to every included task.
      if (entry.when !== undefined) t.when = t.when === undefined ? entry.when : [...asList(entry.when), ...asList(t.when)];
      t.tags = [...new Set([...entry.tags, ...t.tags])];
    }
    out.push(...included);
  }
  return out;
}

function asList<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

function checkArgs(task: Task, opts: LoadOptions, problems: Problems): void {
  if (task.meta) return;
  const def = opts.registry.get(task.module)!;
  const res = validateTaskArgs(task, def, task.args, true);
  problems.list.push(...res.problems);
}
