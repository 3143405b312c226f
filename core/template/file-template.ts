// Template files as Ansible's template module renders them: the `#jinja2:`
// header (trim_blocks, lstrip_blocks, *_start_string/_end_string,
// keep_trailing_newline), `{% include %}` / `{% import %}` from a search path
// (the template's own folder, role and playbook `templates/`), and the
// variables ansible_managed and template_*.

import { statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import { readInputFile } from '../input-file.js';
import { compile, env } from './environment.js';
import { markExported } from './runtime.js';

export interface FileOptions {
  /** Folders `{% include %}` / `{% import %}` names are looked up in, in order. */
  searchPath?: string[];
}

/** Lexer options of a `#jinja2:` header line; the header is removed from the text. */
export function jinjaHeader(text: string, name: string): { text: string; opts: Record<string, unknown>; keepTrailingNewline: boolean } {
  const opts: Record<string, unknown> = {};
  let keepTrailingNewline = true;
  if (!text.startsWith('#jinja2:')) return { text, opts, keepTrailingNewline };
  const eol = text.indexOf('\n');
  const line = text.slice('#jinja2:'.length, eol < 0 ? undefined : eol);
  const tags: Record<string, string> = {};
  const TAGS: Record<string, string> = { block_start_string: 'blockStart', block_end_string: 'blockEnd', variable_start_string: 'variableStart', variable_end_string: 'variableEnd', comment_start_string: 'commentStart', comment_end_string: 'commentEnd' };
  for (const pair of line.split(',')) {
    if (!pair.trim()) continue;
    const colon = pair.indexOf(':');
    if (colon < 0) throw new TemplateError(`${name}:1: #jinja2 header: expected key: value, got ${JSON.stringify(pair.trim())}`);
    const key = pair.slice(0, colon).trim();
    const raw = pair.slice(colon + 1).trim();
    const value: unknown = /^(True|False)$/.test(raw) ? raw === 'True' : /^(['"])(.*)\1$/.test(raw) ? raw.slice(1, -1) : raw;
    if (key === 'trim_blocks') opts.trimBlocks = value === true;
    else if (key === 'lstrip_blocks') opts.lstripBlocks = value === true;
    else if (key === 'keep_trailing_newline') keepTrailingNewline = value === true;
    else if (key === 'newline_sequence') continue;
    else if (TAGS[key] && typeof value === 'string' && value) tags[TAGS[key]] = value;
    else throw new TemplateError(`${name}:1: #jinja2 header: unknown or invalid option ${key}: ${raw}`);
  }
  if (Object.keys(tags).length) opts.tags = tags;
  return { text: eol < 0 ? '' : text.slice(eol + 1), opts, keepTrailingNewline };
}

/** The default search path of a template file rendered with `vars`. */
export function defaultSearchPath(name: string, vars: Record<string, unknown>): string[] {
  const dirs: string[] = [];
  if (isAbsolute(name)) dirs.push(dirname(name));
  for (const key of ['role_path', 'playbook_dir']) {
    const base = vars[key];
    if (typeof base === 'string' && base) dirs.push(join(base, 'templates'), base);
  }
  return [...new Set(dirs)];
}

let searchPath: string[] = [];

/** Run `fn` with `dirs` as the include/import search path. */
export function withSearchPath<T>(dirs: string[], fn: () => T): T {
  const saved = searchPath;
  searchPath = dirs;
  try {
    return fn();
  } finally {
    searchPath = saved;
  }
}

type Callback = (err: unknown, tpl?: unknown) => void;

// Included and imported templates are compiled by rb's compiler (the sandbox
// holds for them too), found only under the search path.
env.getTemplate = (name: unknown, _eager: unknown, _parent: unknown, ignoreMissing: unknown, cb: Callback) => {
  try {
    if (typeof name !== 'string' || !name) throw new TemplateError(`include/import: the template name must be a string, got ${JSON.stringify(name)}`);
    if (isAbsolute(name) || name.split(/[/\\]/).includes('..')) throw new TemplateError(`include/import: "${name}" must be a path inside the template search path (no absolute path, no "..")`);
    const file = searchPath.map((d) => resolve(d, name)).find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (!file) {
      if (ignoreMissing) return cb(null, { render: (_c: unknown, _f: unknown, done: Callback) => done(null, '') });
      throw new TemplateError(`include/import: template "${name}" not found (looked in ${searchPath.join(', ') || 'no folder'})`);
    }
    const { text, opts } = jinjaHeader(readInputFile(file, 'template'), file);
    // As Jinja (keep_trailing_newline off): an included file's last newline is not part of it.
    const tpl = compile(text.replace(/\n$/, ''), 'text', { name: file, always: true }, opts).tpl as { getExported?: (...a: unknown[]) => void; rbMarked?: boolean };
    if (!tpl.rbMarked && tpl.getExported) {
      const orig = tpl.getExported.bind(tpl);
      tpl.getExported = (...args: unknown[]) => {
        const done = args.pop() as Callback;
        orig(...args, (err: unknown, exported: object) => done(err, exported && markExported(exported)));
      };
      tpl.rbMarked = true;
    }
    cb(null, tpl);
  } catch (e) {
    cb(e);
  }
};

/** The variables Ansible's template module adds: ansible_managed and template_*. */
export function templateFileVars(path: string, dest?: string): Record<string, unknown> {
  const full = resolve(path);
  let uid = '';
  try {
    const id = statSync(full).uid;
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(id));
    uid = entry ? entry.split(':')[0] : String(id);
  } catch {
    // unknown owner
  }
  const now = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const runDate = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds() * 1000, 6)}`;
  return {
    ansible_managed: 'Ansible managed',
    template_host: hostname(),
    template_path: path,
    template_fullpath: full,
    template_uid: uid,
    template_run_date: runDate,
    ...(dest !== undefined ? { template_destpath: dest } : {}),
  };
}
