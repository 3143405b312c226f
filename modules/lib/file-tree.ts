// A directory tree on a host, read in one command (find, links not followed),
// for `file` with recurse and `copy` of a directory: the paths below a root
// with their kind, mode, owner and group; the pure planning of owner/group/mode
// over them (symbolic modes resolved per path, X for directories and
// executables), and the commands applying or undoing it, the path lists going
// through stdin (NUL-separated) so a large tree is not one huge command line.

import type { Change, HostContext } from '../../core/module.js';
import { resolveMode } from '../../core/files/attrs.js';
import { argv, sh } from '../../core/transport/shell.js';

export interface TreeEntry {
  /** Relative to the root, never empty. */
  path: string;
  type: 'directory' | 'file' | 'link' | 'other';
  mode: string;
  owner: string;
  group: string;
}

const KINDS: Record<string, TreeEntry['type']> = { d: 'directory', f: 'file', l: 'link' };

/** Every path below `root` (a missing root or a non-directory lists nothing), one NUL-terminated record each. */
export function treeCommand(root: string): string {
  return sh`if [ -d ${root} ] && [ ! -L ${root} ]; then find -P ${root} -mindepth 1 -printf '%y %m %u %g %P\\0'; fi`;
}

/** treeCommand's output; throws on a record it cannot read. */
export function parseTree(stdout: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const rec of stdout.split('\0')) {
    if (rec === '' || rec === '\n') continue;
    const m = /^(\S) ([0-7]{1,5}) (\S+) (\S+) ([\s\S]+)$/.exec(rec);
    if (!m) throw new Error(`cannot read the tree record ${JSON.stringify(rec.slice(0, 100))}`);
    out.push({ path: m[5], type: KINDS[m[1]] ?? 'other', mode: m[2].padStart(4, '0'), owner: m[3], group: m[4] });
  }
  return out;
}

export interface TreeAttrs {
  mode?: string | number;
  owner?: string;
  group?: string;
}

interface TreeData {
  paths: string[];
}

/**
 * The changes bringing every path below `root` to `want`: one change per
 * attribute and wanted value (mode, owner, group; then by value), listing its
 * paths in order. A link keeps its own mode
 * (meaningless on Linux) and gets owner/group itself (chown -h), never its target's.
 */
export function planTreeAttrs(root: string, entries: readonly TreeEntry[], want: TreeAttrs): Change[] {
  const groups = new Map<string, { field: 'mode' | 'owner' | 'group'; after: string; before: Set<string>; paths: string[] }>();
  const add = (field: 'mode' | 'owner' | 'group', before: string, after: string, path: string) => {
    const key = `${field}\0${after}`;
    const g = groups.get(key) ?? { field, after, before: new Set<string>(), paths: [] };
    g.before.add(before);
    g.paths.push(path);
    groups.set(key, g);
  };
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (e.type !== 'link' && want.mode !== undefined) {
      const mode = resolveMode(want.mode, e.mode, e.type === 'directory');
      if (mode && mode !== e.mode) add('mode', e.mode, mode, e.path);
    }
    if (want.owner && e.owner !== want.owner) add('owner', e.owner, want.owner, e.path);
    if (want.group && e.group !== want.group) add('group', e.group, want.group, e.path);
  }
  const tool = { mode: ['chmod'], owner: ['chown', '-h'], group: ['chgrp', '-h'] };
  const order = { mode: 0, owner: 1, group: 2 };
  const sorted = [...groups.values()].sort((a, b) => order[a.field] - order[b.field] || (a.after < b.after ? -1 : a.after > b.after ? 1 : 0));
  return sorted.map((g) => ({
    kind: `set-tree-${g.field}`,
    resource: `${root.replace(/\/$/, '')}/ (${g.paths.length} path${g.paths.length === 1 ? '' : 's'} below)`,
    field: g.field,
    before: [...g.before].sort().join(', '),
    after: g.after,
    commands: [`cd -- ${argv([root])} && xargs -0r ${argv([...tool[g.field], g.after])} --`],
    data: { paths: g.paths } satisfies TreeData,
  }));
}

const isTree = (c: Change) => c.kind.startsWith('set-tree-');

/** Run the tree changes of a plan, each with its paths on stdin. */
export async function applyTreeChanges(ctx: HostContext, changes: readonly Change[]): Promise<void> {
  for (const c of changes.filter(isTree)) {
    await ctx.run(c.commands![0], { stdin: pathList((c.data as TreeData).paths) });
  }
}

/** Put back the attributes `snapshot` had on the paths the applied tree changes touched. */
export async function restoreTree(ctx: HostContext, root: string, snapshot: readonly TreeEntry[], applied: readonly Change[]): Promise<void> {
  const byPath = new Map(snapshot.map((e) => [e.path, e]));
  const restore = new Map<string, string[]>();
  for (const c of applied.filter(isTree)) {
    for (const path of (c.data as TreeData).paths) {
      const old = byPath.get(path);
      if (!old) continue;
      const value = c.field === 'mode' ? old.mode : c.field === 'owner' ? old.owner : old.group;
      const cmd = `cd -- ${argv([root])} && xargs -0r ${argv([...(c.field === 'mode' ? ['chmod'] : c.field === 'owner' ? ['chown', '-h'] : ['chgrp', '-h']), value])} --`;
      restore.set(cmd, [...(restore.get(cmd) ?? []), path]);
    }
  }
  for (const [cmd, paths] of restore) await ctx.run(cmd, { stdin: pathList(paths) });
}

function pathList(paths: readonly string[]): string {
  return paths.map((p) => `${p}\0`).join('');
}

export { isTree as isTreeChange };
