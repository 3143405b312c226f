// Lookups beyond env and file, run on the controller as Ansible runs them:
// vars, fileglob, first_found, lines, pipe, template, password. Relative paths
// are searched under role_path (when a role sets it), then playbook_dir, in
// their `files/` (or `templates/`) folder first, as Ansible's search path does.

import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import { markSecret } from '../vault/secrets.js';
import { resolveVar } from './lazy.js';
import { isDict, pyStr } from './python.js';

type Ctx = Record<string, unknown> | undefined;

/** Folders a relative path is looked up in, for files of `kind` ('files' or 'templates'). */
export function searchDirs(ctx: Ctx, kind: string): string[] {
  const dirs: string[] = [];
  for (const key of ['role_path', 'playbook_dir']) {
    const base = ctx?.[key];
    if (typeof base === 'string' && base) dirs.push(join(base, kind), base);
  }
  dirs.push(process.cwd());
  return [...new Set(dirs)];
}

function findFile(term: string, ctx: Ctx, kind: string): string | undefined {
  if (isAbsolute(term)) return existsSync(term) ? term : undefined;
  for (const d of searchDirs(ctx, kind)) {
    const p = join(d, term);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end);
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** fileglob: files (not directories) whose name matches; the wildcard is in the last path component. */
function fileglob(term: string, ctx: Ctx): string[] {
  const dirPart = dirname(term);
  const re = globRegex(basename(term));
  const dirs = isAbsolute(term) ? [dirPart] : searchDirs(ctx, 'files').map((d) => join(d, dirPart));
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    const hits = names.filter((n) => re.test(n) && !n.startsWith('.') === !basename(term).startsWith('.')).map((n) => join(d, n)).filter((p) => statSync(p).isFile()).sort();
    if (hits.length) return hits;
  }
  return [];
}

function runShell(cmd: string, ctx: Ctx, what: string): string {
  const cwd = typeof ctx?.playbook_dir === 'string' && existsSync(ctx.playbook_dir) ? ctx.playbook_dir : process.cwd();
  try {
    return execFileSync('/bin/sh', ['-c', cmd], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 16 << 20 }).toString('utf8');
  } catch (e) {
    const err = e as { status?: number; signal?: string };
    throw new TemplateError(`lookup('${what}'): the command ${JSON.stringify(cmd)} failed (${err.signal ? `signal ${err.signal}` : `exit ${err.status}`})`);
  }
}

const CHARSETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** password: `path [length=N] [chars=set,...]`; stored on the controller, reused when the file exists. */
function password(term: string, kw: Record<string, unknown>, ctx: Ctx): string {
  const words = term.trim().split(/\s+/);
  const opts: Record<string, string> = {};
  let path = words.shift() ?? '';
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq < 0) path += ` ${w}`;
    else opts[w.slice(0, eq)] = w.slice(eq + 1);
  }
  for (const [k, v] of Object.entries(kw)) opts[k] = pyStr(v);
  const length = Number(opts.length ?? 20);
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new TemplateError(`lookup('password'): length must be 1..4096, got ${opts.length}`);
  const chars = (opts.chars ?? 'ascii_letters,digits,.,:-_').split(',').map((c) => CHARSETS[c] ?? c).join('') || CHARSETS.ascii_letters;
  const file = path === '/dev/null' ? undefined : isAbsolute(path) ? path : resolve(typeof ctx?.playbook_dir === 'string' ? ctx.playbook_dir : '.', path);
  if (file && existsSync(file)) return markSecret(readFileSync(file, 'utf8').split('\n')[0].split(' salt=')[0]);
  const pw = Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
  if (file) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${pw}\n`, { mode: 0o600, flag: 'wx' });
  }
  return markSecret(pw);
}

/** Hook to render a template file with the current vars (filled by index.ts). */
export const lookupHooks = {
  renderFile: (_text: string, _vars: Record<string, unknown>, _name: string): string => '',
  /** The inventory's hosts a pattern selects (set by the run that loaded the inventory). */
  hosts: undefined as ((pattern: string) => string[]) | undefined,
};

/** Values for one lookup; undefined when `kind` is not one of these. */
export function moreLookups(kind: string, terms: unknown[], kw: Record<string, unknown>, ctx: Ctx): unknown[] | undefined {
  const strs = () => terms.flatMap((t) => (Array.isArray(t) ? t : [t])).map(pyStr);
  switch (kind) {
    case 'vars':
      return strs().map((name) => {
        if (ctx && Object.hasOwn(ctx, name) && ctx[name] !== undefined) return resolveVar(ctx, name, ctx[name]);
        if (Object.hasOwn(kw, 'default')) return kw.default;
        throw new TemplateError(`lookup('vars'): no variable named "${name}"`);
      });
    case 'fileglob':
      return strs().flatMap((t) => fileglob(t, ctx));
    case 'pipe':
      return strs().map((cmd) => runShell(cmd, ctx, 'pipe').replace(/\s+$/, ''));
    case 'lines':
      return strs().flatMap((cmd) => runShell(cmd, ctx, 'lines').split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''));
    case 'template':
      return strs().map((t) => {
        const p = findFile(t, ctx, 'templates');
        if (!p) throw new TemplateError(`lookup('template'): could not find ${JSON.stringify(t)} (looked in ${searchDirs(ctx, 'templates').join(', ')})`);
        return lookupHooks.renderFile(readFileSync(p, 'utf8'), { ...(ctx ?? {}), template_path: p }, p);
      });
    case 'password':
      return strs().map((t) => password(t, kw, ctx));
    case 'inventory_hostnames': {
      const select = lookupHooks.hosts;
      if (!select) throw new TemplateError("lookup('inventory_hostnames'): no inventory is loaded here");
      // Ansible joins the terms into one pattern, and returns the hosts in inventory order.
      return select(strs().join(','));
    }
    case 'first_found': {
      const files: string[] = [];
      const paths: string[] = [];
      let skip = kw.skip === true;
      const add = (t: unknown) => {
        if (Array.isArray(t)) t.forEach(add);
        else if (isDict(t)) {
          for (const f of [t.files ?? []].flat()) files.push(...pyStr(f).split(/[,;]/).filter(Boolean));
          for (const p of [t.paths ?? []].flat()) paths.push(...pyStr(p).split(/[,;:]/).filter(Boolean));
          if (t.skip === true) skip = true;
        } else files.push(pyStr(t));
      };
      terms.forEach(add);
      for (const f of [kw.files ?? []].flat()) files.push(pyStr(f));
      for (const p of [kw.paths ?? []].flat()) paths.push(pyStr(p));
      for (const f of files) {
        // with_first_found on include_vars looks in vars/, on template in templates/ (as Ansible's task executor sets it).
        const subdir = typeof kw._subdir === 'string' ? kw._subdir : 'files';
        const candidates = isAbsolute(f) ? [f] : paths.length ? paths.map((p) => (isAbsolute(p) ? join(p, f) : join(typeof ctx?.playbook_dir === 'string' ? ctx.playbook_dir : '.', p, f))) : [findFile(f, ctx, subdir)].filter((x): x is string => !!x);
        for (const c of candidates) if (existsSync(c)) return [c];
      }
      if (skip) return [];
      throw new TemplateError(`lookup('first_found'): none of ${JSON.stringify(files)} was found`);
    }
    default:
      return undefined;
  }
}
