// copy with remote_src of a directory: the host's tree `src` merged into
// `dest` as Ansible's copy does it (src/ copies the contents into dest, src
// without the slash copies the directory itself into dest), files whose
// content differs or that are missing copied with
// src's mode, directories made with src's mode, nothing removed; owner/group
// set over the whole destination tree when given. One read of both trees with
// content hashes; apply keeps the files it overwrites in a backup folder on the
// host so a rollback can put them back. Symbolic links in src are not copied
// (Ansible skips them when merging and copies them as links into a new tree).

import { posix } from 'node:path';
import type { Change, FactsQuery, HostContext, Plan } from '../../core/module.js';
import { noop } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import { argv, sh } from '../../core/transport/shell.js';

export interface DirEntry {
  path: string;
  type: 'directory' | 'file' | 'other';
  mode: string;
  owner: string;
  group: string;
  sha256?: string;
}

export interface RemoteDirFacts {
  srcIsDir: boolean;
  src: DirEntry[];
  /** The directory the tree is merged into (dest, or dest/basename(src)). */
  target: string;
  /** dest as given, and whether it was a directory. */
  destPath?: string;
  destExists: boolean;
  /** The target itself, when it exists. */
  top?: DirEntry;
  dest: DirEntry[];
}

/** Where the tree goes: dest for `src/`, dest/basename(src) otherwise (as Ansible). */
export function targetDir(src: string, dest: string): string {
  return src.endsWith('/') ? dest.replace(/\/+$/, '') || '/' : posix.join(dest, posix.basename(src));
}

const KINDS: Record<string, DirEntry['type']> = { d: 'directory', f: 'file' };

function listing(tag: string, root: string): string {
  return (
    sh`printf '\\n@@${tag}\\n'; if [ -d ${root} ]; then (cd -- ${root} && find -P . -mindepth 1 -printf '%y %m %u %g %P\\0' && ` +
    `printf '\\n@@${tag}sum\\n' && find -P . -mindepth 1 -type f -exec sha256sum -z -- {} +); fi`
  );
}

export function remoteDirCommand(src: string, dest: string): string {
  const target = targetDir(src, dest);
  return [
    sh`if [ -d ${src} ]; then echo 'K dir'; else echo 'K other'; fi`,
    sh`if [ -d ${dest} ]; then echo 'D yes'; else echo 'D no'; fi`,
    sh`if [ -d ${target} ]; then stat -L -c 'T %a %U %G' -- ${target}; fi`,
    listing('src', src),
    listing('dest', target),
  ].join('; ');
}

function entries(records: string, sums: string): DirEntry[] {
  const hash = new Map<string, string>();
  for (const rec of sums.split('\0')) {
    const m = /^\n?([0-9a-f]{64}) {2}\.\/([\s\S]+)$/.exec(rec);
    if (m) hash.set(m[2], m[1]);
  }
  const out: DirEntry[] = [];
  for (const rec of records.split('\0')) {
    if (rec === '' || rec === '\n') continue;
    const m = /^(\S) ([0-7]{1,5}) (\S+) (\S+) ([\s\S]+)$/.exec(rec);
    if (!m) throw new Error(`cannot read the tree record ${JSON.stringify(rec.slice(0, 100))}`);
    out.push({ path: m[5], type: KINDS[m[1]] ?? 'other', mode: m[2].padStart(4, '0'), owner: m[3], group: m[4], ...(hash.has(m[5]) ? { sha256: hash.get(m[5]) } : {}) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function parseRemoteDir(src: string, dest: string, stdout: string): RemoteDirFacts {
  const section = (tag: string) => {
    const start = stdout.indexOf(`\n@@${tag}\n`);
    if (start < 0) return '';
    const from = start + tag.length + 4;
    const next = stdout.slice(from).search(/\n@@(src|srcsum|dest|destsum)\n/);
    return next < 0 ? stdout.slice(from) : stdout.slice(from, from + next);
  };
  const head = stdout.slice(0, stdout.indexOf('\n@@src\n') + 1).split('\n');
  const top = head.find((l) => l.startsWith('T '))?.split(' ');
  return {
    srcIsDir: head.includes('K dir'),
    target: targetDir(src, dest),
    destPath: dest,
    destExists: head.includes('D yes'),
    ...(top ? { top: { path: '.', type: 'directory' as const, mode: top[1].padStart(4, '0'), owner: top[2], group: top[3] } } : {}),
    src: entries(section('src'), section('srcsum')),
    dest: entries(section('dest'), section('destsum')),
  };
}

export function remoteDirQuery(host: string, src: string, dest: string): FactsQuery<RemoteDirFacts> {
  const command = remoteDirCommand(src, dest);
  return {
    command,
    parse(r) {
      try {
        return parseRemoteDir(src, dest, r.stdout);
      } catch (e) {
        throw new CommandError({ host, command, ...r }, `cannot read copy facts: ${(e as Error).message}`);
      }
    },
  };
}

interface CopyData {
  /** mode + path of each directory to make, files to copy (relative to the target). */
  dirs: Array<[string, string]>;
  files: Array<[string, string]>;
  /** Files overwritten (their old bytes are kept in `backupDir` by apply). */
  overwritten: string[];
  createTarget?: string;
  backupDir?: string;
}

/** The plan: make the target and missing directories, copy missing or different files, then owner/group over the tree. */
export function planRemoteDir(src: string, p: { owner?: string; group?: string }, f: RemoteDirFacts): Plan {
  const target = f.target;
  const byPath = new Map(f.dest.map((e) => [e.path, e]));
  const dirs: Array<[string, string]> = [];
  const files: Array<[string, string]> = [];
  const overwritten: string[] = [];
  for (const e of f.src) {
    const d = byPath.get(e.path);
    if (e.type === 'directory') {
      if (!d) dirs.push([e.mode, e.path]);
      else if (d.type !== 'directory') throw new ModuleError(`${posix.join(target, e.path)} is a ${d.type}, not a directory as in ${src}`);
    } else if (e.type === 'file') {
      if (!d) files.push([e.mode, e.path]);
      else if (d.type !== 'file') throw new ModuleError(`${posix.join(target, e.path)} is a ${d.type}, not a file as in ${src}`);
      else if (d.sha256 !== e.sha256) {
        files.push([e.mode, e.path]);
        overwritten.push(e.path);
      }
    }
  }
  const changes: Change[] = [];
  // copytree gives a new target src's mode; a missing dest is made (0755) before the copy when src names the directory itself.
  const topMode = !src.endsWith('/') && !f.destExists ? '0755' : undefined;
  const createTarget = f.top ? undefined : topMode ?? 'src';
  if (createTarget) changes.push({ kind: 'create-directory', resource: target, field: 'state', before: undefined, after: 'directory' });
  if (dirs.length) changes.push({ kind: 'create-directories', resource: `${target}/ (${dirs.length} below)`, field: 'state', after: dirs.map(([, d]) => d).join(', ') });
  if (files.length) {
    changes.push({ kind: 'copy-files', resource: `${target}/ (${files.length} file${files.length === 1 ? '' : 's'})`, field: 'content', before: overwritten.length ? `${overwritten.length} differ` : undefined, after: files.map(([, x]) => x).join(', ') });
  }
  // Owner/group over the whole destination (as Ansible's chown_recursive), new paths included.
  const want = (cur: string | undefined, v: string | undefined) => v !== undefined && cur !== v;
  const attrs: Array<[string, string, string]> = [];
  const newPaths = [...dirs, ...files].map(([, x]) => x);
  for (const [field, v] of [['owner', p.owner], ['group', p.group]] as const) {
    if (v === undefined) continue;
    const stale = [...(f.top && want(f.top[field], v) ? ['.'] : createTarget ? ['.'] : []), ...f.dest.filter((e) => want(e[field], v) && e.type !== 'other').map((e) => e.path), ...newPaths.filter((x) => !byPath.has(x))];
    if (stale.length) attrs.push([field, v, [...new Set(stale)].join('\0')]);
  }
  for (const [field, v, paths] of attrs) {
    changes.push({ kind: `set-tree-${field}`, resource: `${target}/ (${paths.split('\0').length} paths)`, field, after: v });
  }
  if (!changes.length) return noop(`${target} has every file of ${src}`);
  const data: CopyData = { dirs, files, overwritten, ...(createTarget ? { createTarget } : {}) };
  changes[0].data = { copy: data, attrs };
  return { changes };
}

/** A POSIX shell over NUL-separated stdin: `per` words at a time become $1.., `zero` is $0 (xargs fails when one call fails). */
const each = (per: number, zero: string, body: string) => `xargs -0r -n${per} sh -c ${argv([body])} ${zero}`;

export async function applyRemoteDir(ctx: HostContext, src: string, f: RemoteDirFacts, plan: Plan): Promise<void> {
  const { copy, attrs } = plan.changes[0].data as { copy: CopyData; attrs: Array<[string, string, string]> };
  const t = argv([f.target]);
  const s = argv([src.replace(/\/+$/, '') || '/']);
  if (copy.createTarget) {
    const mode = copy.createTarget === 'src' ? `"$(stat -L -c %a -- ${s})"` : copy.createTarget;
    await ctx.run(`mkdir -p -- ${t} && chmod ${mode} -- ${t}`);
  }
  if (copy.overwritten.length) {
    const r = await ctx.run(`mktemp -d /var/tmp/rb-copy.XXXXXXXX`);
    copy.backupDir = r.stdout.trim();
    const keep = each(1, argv([copy.backupDir]), 'mkdir -p -- "$0/$(dirname -- "$1")" && cp -p -- "$1" "$0/$1"');
    await ctx.run(`cd -- ${t} && ${keep}`, { stdin: nul(copy.overwritten) });
  }
  const pairs = (list: Array<[string, string]>) => nul(list.flat());
  if (copy.dirs.length) await ctx.run(`cd -- ${t} && ${each(2, '_', 'mkdir -p -- "$2" && chmod "$1" -- "$2"')}`, { stdin: pairs(copy.dirs) });
  if (copy.files.length) await ctx.run(`cd -- ${t} && ${each(2, s, 'cp -L -- "$0/$2" "$2" && chmod "$1" -- "$2"')}`, { stdin: pairs(copy.files) });
  for (const [field, v, paths] of attrs) {
    await ctx.run(`cd -- ${t} && xargs -0r ${argv([field === 'owner' ? 'chown' : 'chgrp', v])} --`, { stdin: `${paths}\0` });
  }
}

/** Remove what the copy made, put the overwritten files and the old owners back. */
export async function rollbackRemoteDir(ctx: HostContext, snapshot: RemoteDirFacts, applied: Plan): Promise<void> {
  const data = applied.changes[0]?.data as { copy: CopyData } | undefined;
  if (!data) return;
  const { copy } = data;
  const t = argv([snapshot.target]);
  if (copy.createTarget) {
    // A missing dest was made around the target: it goes too.
    await ctx.run(argv(['rm', '-rf', '--', !snapshot.destExists && snapshot.destPath ? snapshot.destPath : snapshot.target]));
    return;
  }
  if (copy.backupDir) {
    await ctx.run(`cd -- ${argv([copy.backupDir])} && ${each(1, t, 'cp -p -- "$1" "$0/$1"')}`, { stdin: nul(copy.overwritten) });
  }
  const existed = new Set(snapshot.dest.map((e) => e.path));
  const made = [...copy.files.map(([, x]) => x).filter((x) => !existed.has(x)), ...copy.dirs.map(([, x]) => x).reverse()];
  if (made.length) await ctx.run(`cd -- ${t} && xargs -0r rm -rf --`, { stdin: nul(made) });
  const restore = new Map<string, string[]>();
  for (const e of [...snapshot.dest, ...(snapshot.top ? [{ ...snapshot.top, path: '.' }] : [])]) {
    const cmd = argv(['chown', `${e.owner}:${e.group}`]);
    restore.set(cmd, [...(restore.get(cmd) ?? []), e.path]);
  }
  for (const [cmd, paths] of restore) await ctx.run(`cd -- ${t} && xargs -0r ${cmd} --`, { stdin: nul(paths) });
  if (copy.backupDir) await ctx.run(argv(['rm', '-rf', '--', copy.backupDir]));
}

function nul(list: readonly string[]): string {
  return list.map((x) => `${x}\0`).join('');
}
