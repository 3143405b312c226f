// file: converges a path's kind and attributes: a directory, an existing
// file's mode/owner, a symbolic link, an empty file (touch) or nothing at all
// (absent). `touch` creates a missing file but leaves an existing one's times
// alone, so a second run changes nothing. `recurse: true` (state: directory)
// also sets owner/group/mode on every path below, symbolic modes resolved per
// path (X: directories and files with an x bit); links are not followed.
//
//   - name: web root
//     file:
//       path: /var/www/html
//       state: directory
//       mode: '0755'

import { defineModule, noop, runFactsQuery, type Change, type FactsQuery, type Plan } from '../core/module.js';
import { CommandError, ModuleError } from '../core/errors.js';
import { fileFactsQuery, type FileFact } from '../core/files/facts.js';
import { attrChanges, groupParam, modeParam, modeProblem, normalizeMode, ownerParam, restoreAttrCommands } from '../core/files/attrs.js';
import { and, argv } from '../core/transport/shell.js';
import { applyTreeChanges, isTreeChange, parseTree, planTreeAttrs, restoreTree, treeCommand, type TreeEntry } from './lib/file-tree.js';

export interface FileParams {
  path: string;
  state?: 'file' | 'directory' | 'absent' | 'touch' | 'link';
  mode?: string | number;
  owner?: string;
  group?: string;
  src?: string;
  force: boolean;
  recurse: boolean;
}

/** The path's facts; with recurse, the paths below it too. */
export type FileFacts = FileFact & { tree?: TreeEntry[] };

export function planFile(p: FileParams, f: FileFacts): Plan {
  const top = planPath(p, f);
  if (!p.recurse || !f.tree?.length) return top;
  const below = planTreeAttrs(p.path, f.tree, { mode: p.mode, owner: p.owner, group: p.group });
  return below.length ? { changes: [...top.changes, ...below] } : top;
}

function planPath(p: FileParams, f: FileFact): Plan {
  const path = p.path;
  const attrs = { mode: normalizeMode(p.mode), owner: p.owner, group: p.group };
  const create = (kind: string, after: string, first: string[]): Plan => {
    const type = p.state === 'link' ? 'link' : p.state === 'directory' ? 'directory' : 'file';
    const more = attrChanges({ path, exists: true, type }, attrs);
    return { changes: [{ kind, resource: path, field: 'state', before: f.exists ? f.type : undefined, after, commands: [...first, ...more.flatMap((c) => c.commands ?? [])] }] };
  };
  const existing = (): Plan => {
    const changes = attrChanges(f, attrs);
    return changes.length ? { changes } : noop(`${path} is a ${f.type}${attrs.mode ? ` with mode ${attrs.mode}` : ''}, as wanted`);
  };
  const wrongType = (want: string) =>
    new ModuleError(`${path} exists and is a ${f.type}, not a ${want}${p.state === 'link' ? ' (set force: true to replace it)' : ''}`);
  switch (p.state) {
    case 'absent':
      if (!f.exists) return noop(`${path} is absent`);
      return { changes: [{ kind: 'remove-path', resource: path, field: 'state', before: f.type, after: undefined, commands: [argv(['rm', '-rf', '--', path])] }] };
    case 'directory':
      if (!f.exists) return create('create-directory', 'directory', [argv(['mkdir', '-p', '--', path])]);
      if (f.type !== 'directory') throw wrongType('directory');
      return existing();
    case undefined:
    case 'file':
      if (!f.exists) throw new ModuleError(`${path} does not exist (state: file never creates; use state: touch, directory, copy or template)`);
      // Without a state, attributes of whatever is there (a directory, say) are managed.
      if (p.state === 'file' && f.type !== 'file') throw wrongType('file');
      return existing();
    case 'touch':
      if (!f.exists) return create('create-file', 'file', [argv(['touch', '--', path])]);
      return existing();
    case 'link': {
      const src = p.src!;
      const ln = argv(['ln', '-sfn', '--', src, path]);
      if (!f.exists) return create('create-link', `link -> ${src}`, [ln]);
      if (f.type !== 'link') {
        if (!p.force) throw wrongType('link');
        return create('create-link', `link -> ${src}`, [argv(['rm', '-rf', '--', path]), ln]);
      }
      if (f.target !== src) {
        const changes: Change[] = [{ kind: 'set-link-target', resource: path, field: 'target', before: f.target, after: src, commands: [ln] }];
        return { changes: [...changes, ...attrChanges(f, attrs)] };
      }
      return existing();
    }
  }
}

const TREE = '@@rb-tree';

/** The facts of one path (stat, link target, hash) as one command and its parser; with recurse, and of the paths below. */
function pathQuery(host: string, path: string, recurse = false): FactsQuery<FileFacts> {
  const q = fileFactsQuery(host, [path]);
  if (!recurse) return { command: q.command, parse: (r) => q.parse(r)[path] };
  const command = `${q.command}; echo ${TREE}; ${treeCommand(path)}`;
  return {
    command,
    parse(r) {
      const at = r.stdout.indexOf(`${TREE}\n`);
      if (at < 0) return q.parse(r)[path];
      const fact = q.parse({ ...r, stdout: r.stdout.slice(0, at) })[path];
      try {
        return { ...fact, tree: parseTree(r.stdout.slice(at + TREE.length + 1)) };
      } catch (e) {
        throw new CommandError({ host, command, ...r }, `cannot read file facts: ${(e as Error).message}`);
      }
    },
  };
}

export default defineModule<FileParams, FileFacts>({
  name: 'file',
  summary: 'A directory, symbolic link, empty file or absent path, with mode and owner',
  params: {
    path: { type: 'string', required: true, aliases: ['dest', 'name'], pattern: /^\//, patternName: 'an absolute path' },
    state: {
      type: 'string',
      enum: ['file', 'directory', 'absent', 'touch', 'link'],
      description: 'file: attributes of an existing file; unset: attributes of whatever exists at path',
    },
    mode: modeParam,
    owner: ownerParam,
    group: groupParam,
    src: { type: 'string', description: 'target of the link (state: link)' },
    force: { type: 'bool', default: false, description: 'state: link replaces a file or directory in the way' },
    recurse: { type: 'bool', default: false, description: 'state: directory: also set owner/group/mode on every path below (links are not followed)' },
  },
  rules: (p) => {
    const out: Array<[string, string]> = [];
    const m = modeProblem(p.mode);
    if (m) out.push(['mode', m]);
    if (p.state === 'link' && !p.src) out.push(['src', 'state: link needs src (the link target)']);
    if (p.state !== 'link' && p.src !== undefined) out.push(['src', 'only used with state: link']);
    if (p.recurse === true && p.state !== 'directory') out.push(['recurse', "needs state: directory (as Ansible's)"]);
    if (p.state === 'absent' && (p.mode !== undefined || p.owner || p.group)) out.push(['state', 'mode/owner/group make no sense with state: absent']);
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- file: { path: /data/www, state: directory, mode: '0755' }
- file: { path: /etc/ha.d/authkeys, mode: '0600' }
- file: { path: /etc/nginx/sites-enabled/site, state: link, src: /etc/nginx/sites-available/site }`,

  factsQuery: (ctx, p) => pathQuery(ctx.host, p.path, p.recurse),
  facts: (ctx, p) => runFactsQuery(ctx, pathQuery(ctx.host, p.path, p.recurse)),
  plan: planFile,
  async apply(ctx, _p, plan) {
    const top = plan.changes.filter((c) => !isTreeChange(c));
    if (top.length) await ctx.run(and(...top.flatMap((c) => c.commands ?? [])));
    await applyTreeChanges(ctx, plan.changes);
  },
  async rollback(ctx, p, snapshot, applied) {
    if (snapshot.tree) await restoreTree(ctx, p.path, snapshot.tree, applied.changes);
    const kinds = new Set(applied.changes.map((c) => c.kind));
    const replaced = kinds.has('create-link') && snapshot.exists && snapshot.type !== 'link';
    if (kinds.has('remove-path') || replaced) throw new ModuleError(`${ctx.host}: ${p.path} was removed; its content cannot be restored`);
    if (!snapshot.exists) {
      await ctx.run(argv(['rm', '-rf', '--', p.path]));
      return;
    }
    const cmds = restoreAttrCommands(snapshot);
    if (snapshot.type === 'link' && snapshot.target !== undefined) cmds.unshift(argv(['ln', '-sfn', '--', snapshot.target, p.path]));
    if (cmds.length) await ctx.run(and(...cmds));
  },
});
