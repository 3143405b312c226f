// The content-file path shared by `copy` and `template`: facts of the
// destination (with its content, for the diff and the rollback), a pure plan
// comparing hashes and attributes, installFile to write, and a rollback that
// puts back the old bytes.

import { posix } from 'node:path';
import type { Change, FactsQuery, HostContext, Plan } from '../../core/module.js';
import { noop } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import type { Fields } from '../../core/schema/types.js';
import { fileFactsCommand, fileFactsQuery, parseFileFacts, type FileFact } from '../../core/files/facts.js';
import { installFile, restoreFile, sha256 } from '../../core/files/write.js';
import { attrChanges, groupParam, modeParam, modeProblem, ownerParam, resolveMode, restoreAttrCommands } from '../../core/files/attrs.js';
import { unifiedDiff } from '../../core/files/diff.js';
import { quote } from '../../core/transport/shell.js';

export interface ContentParams {
  dest: string;
  mode?: string | number;
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  validate?: string;
}

/** Desired content, read on the controller (src file, rendered template). */
export interface SourceContent {
  path?: string;
  content: string;
  /** 'base64' for bytes that are not UTF-8 text. */
  encoding?: 'utf8' | 'base64';
}

export interface ContentFacts {
  dest: FileFact;
  source?: SourceContent;
}

export const contentFields: Fields = {
  dest: { type: 'string', required: true, description: 'absolute path of the file on the host', pattern: /^\//, patternName: 'an absolute path' },
  mode: modeParam,
  owner: ownerParam,
  group: groupParam,
  backup: { type: 'bool', default: false, description: 'keep the replaced file as DEST.<timestamp>.rb-bak (5 newest kept)' },
  force: { type: 'bool', default: true, description: 'replace a file whose content differs; false = only create a missing file' },
  validate: { type: 'string', description: 'command checking the new file before it is put in place; %s is its temporary path' },
};

export function contentRules(p: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const m = modeProblem(p.mode);
  if (m) out.push(['mode', m]);
  if (typeof p.validate === 'string' && !p.validate.includes('%s')) out.push(['validate', 'must contain %s (the path of the file to check)']);
  return out;
}

export function sourceBytes(s: SourceContent): Buffer {
  return Buffer.from(s.content, s.encoding === 'base64' ? 'base64' : 'utf8');
}

/** Bytes read from a controller file, kept as text when they are UTF-8. */
export function sourceFromBytes(path: string, bytes: Buffer): SourceContent {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { path, content: text } : { path, content: bytes.toString('base64'), encoding: 'base64' };
}

/** The facts of one destination file (with its content) as one command and its parser. */
export function destQuery(host: string, dest: string): FactsQuery<FileFact> {
  const q = fileFactsQuery(host, [dest], { withContent: true });
  return { command: q.command, parse: (r) => q.parse(r)[dest] };
}

/** The facts of `dest` as one command and its parser (what destFacts runs), with the wanted source. */
export function contentQuery(host: string, dest: string, source?: SourceContent): FactsQuery<ContentFacts> {
  const command = fileFactsCommand([dest], { withContent: true });
  return {
    command,
    parse(r) {
      if (r.code !== 0 && !r.stdout.includes('@@rb')) throw new CommandError({ host, command, ...r }, 'cannot read file facts');
      const facts = parseFileFacts([dest], r.stdout)[dest];
      return source ? { dest: facts, source } : { dest: facts };
    },
  };
}

const short = (sha?: string) => (sha ? `sha256:${sha.slice(0, 16)}` : undefined);

/** Plan writing `want` at p.dest. */
export function planContent(p: ContentParams, dest: FileFact, want: Buffer): Plan {
  const path = p.dest;
  if (dest.exists && dest.type === 'directory') throw new ModuleError(`${path} is a directory`);
  const wantSha = sha256(want);
  // A symbolic mode applies to the mode the file has (a new one: 0644).
  const attrs = { mode: resolveMode(p.mode, dest.exists ? dest.mode : undefined, false), owner: p.owner, group: p.group };
  if (dest.exists && !p.force) return noop(`${path} exists and force is false`);
  const same = dest.exists && dest.type === 'file' && dest.sha256 === wantSha;
  if (same) {
    const changes = attrChanges(dest, attrs);
    return changes.length ? { changes } : noop(`${path} is up to date (${short(wantSha)})`);
  }
  const text = want.toString('utf8');
  const textual = Buffer.from(text, 'utf8').equals(want) && !want.includes(0);
  const diff = dest.content !== undefined && textual ? unifiedDiff(dest.content, text, { fromLabel: `${path} (before)`, toLabel: `${path} (after)` }) : undefined;
  const data: WriteData = { content: want.toString('base64'), diff };
  const kind = dest.exists ? 'write-file' : 'create-file';
  const changes: Change[] = [{ kind, resource: path, field: 'content', before: dest.exists ? (short(dest.sha256) ?? dest.type) : undefined, after: short(wantSha), diff, data }];
  // Attributes travel with the new file; listed for the diff, applied by installFile.
  if (dest.exists) for (const c of attrChanges(dest, attrs)) changes.push({ ...c, kind, commands: undefined });
  else for (const [field, after] of Object.entries(attrs)) if (after) changes.push({ kind, resource: path, field, after });
  return { changes };
}

/** What apply records on the plan's first change so rollback finds the backup. */
interface WriteData {
  content: string;
  diff?: string;
  backup?: string;
}

export async function applyContent(ctx: HostContext, p: ContentParams, plan: Plan, dest: FileFact): Promise<Record<string, unknown>> {
  const write = plan.changes.find((c) => c.field === 'content');
  if (!write) {
    await ctx.run(plan.changes.flatMap((c) => c.commands ?? []).join(' && '));
    return { dest: p.dest, changed: true };
  }
  const data = write.data as WriteData;
  const content = Buffer.from(data.content, 'base64');
  // Rollback needs the old bytes: from the facts when they were read exactly, else a backup.
  const exactOld = dest.content !== undefined && sha256(dest.content) === dest.sha256;
  const r = await installFile(ctx, {
    path: p.dest,
    content,
    mode: resolveMode(p.mode, dest.exists ? dest.mode : undefined, false),
    owner: p.owner,
    group: p.group,
    backup: p.backup || (dest.exists && !exactOld),
    validate: p.validate ? (tmp) => p.validate!.replaceAll('%s', quote(tmp)) : undefined,
  });
  // The engine journals this same plan object; rollback reads the backup from it.
  data.backup = r.backup;
  return { dest: p.dest, checksum: sha256(content), changed: true, ...(r.backup ? { backup_file: r.backup } : {}) };
}

export async function rollbackContent(ctx: HostContext, snapshot: FileFact, applied: Plan): Promise<void> {
  const write = applied.changes.find((c) => c.field === 'content');
  if (!write) {
    const cmds = restoreAttrCommands(snapshot);
    if (cmds.length) await ctx.run(cmds.join(' && '));
    return;
  }
  if (!snapshot.exists) return restoreFile(ctx, snapshot.path, null);
  if (snapshot.content !== undefined && sha256(snapshot.content) === snapshot.sha256) {
    await installFile(ctx, { path: snapshot.path, content: snapshot.content, mode: snapshot.mode, owner: snapshot.owner, group: snapshot.group, backup: false });
    return;
  }
  const backup = (write.data as WriteData).backup;
  if (!backup) throw new ModuleError(`${ctx.host}: no backup of ${snapshot.path} to restore`);
  await restoreFile(ctx, snapshot.path, backup);
}

/** `dest/` or an existing directory with `src` given: the file goes inside, named like src. */
export function targetPath(dest: string, src: string | undefined): string {
  if (dest.endsWith('/') && src) return posix.join(dest, posix.basename(src));
  return dest;
}
