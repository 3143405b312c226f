// What the modules that edit a text file in place (lineinfile, blockinfile,
// replace) share: the file's attribute parameters and their checks, Python
// regexps checked before any host is touched, and the content path of `copy`
// (facts with the file's content, temp file, validate, backup, rename, restore).

import { noop, runFactsQuery, type ModuleDef, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { CONTENT_LIMIT, type FileFact } from '../../core/files/facts.js';
import { attrChanges, groupParam, modeParam, modeProblem, normalizeMode, ownerParam } from '../../core/files/attrs.js';
import type { Fields } from '../../core/schema/types.js';
import { applyContent, destQuery, planContent, rollbackContent, type ContentParams } from './file-content.js';
import { pythonRegExp } from './python-regexp.js';

export interface EditedFileParams {
  path: string;
  backup: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  validate?: string;
}

/** backup, mode, owner, group, validate. */
export const editedFileFields: Fields = {
  backup: { type: 'bool', default: false },
  mode: modeParam,
  owner: ownerParam,
  group: groupParam,
  validate: { type: 'string', description: 'command checking the new file; %s is its temporary path' },
};

/** The checks of those fields, and of the named fields that hold a Python regexp (EOF/BOF are words, not regexps). */
export function editedFileRules(p: Record<string, unknown>, regexpFields: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const m = modeProblem(p.mode);
  if (m) out.push(['mode', m]);
  if (typeof p.validate === 'string' && !p.validate.includes('%s')) out.push(['validate', 'must contain %s (the path of the file to check)']);
  for (const f of regexpFields) {
    const v = p[f];
    if (typeof v !== 'string' || v === 'EOF' || v === 'BOF') continue;
    try {
      pythonRegExp(v);
    } catch (e) {
      out.push([f, `not a valid regular expression: ${(e as Error).message}`]);
    }
  }
  return out;
}

const contentParams = (p: EditedFileParams): ContentParams => ({ dest: p.path, mode: p.mode, owner: p.owner, group: p.group, backup: p.backup, force: true, validate: p.validate });

/** The file's text to edit: refuses what is not a file, or too large; undefined when it does not exist. */
export function editableText(p: Pick<EditedFileParams, 'path'>, f: FileFact): string | undefined {
  if (!f.exists) return undefined;
  if (f.type !== 'file') throw new ModuleError(`${p.path} is a ${f.type}, not a file`);
  if (f.content === undefined) throw new ModuleError(`${p.path} is too large to edit (${f.size} bytes, limit ${CONTENT_LIMIT})`);
  return f.content;
}

/**
 * The plan of an edit: `what` (the edit as a reader wants to see it) then the content change;
 * with no new content, only the attributes the file lacks, else nothing with `unchanged` as the reason.
 */
export function planEdit(p: EditedFileParams, f: FileFact, content: string | undefined, what: Plan['changes'][number] | undefined, unchanged: string): Plan {
  if (content === undefined || !what) {
    const changes = attrChanges(f, { mode: normalizeMode(p.mode), owner: p.owner, group: p.group });
    return changes.length ? { changes } : noop(unchanged);
  }
  return { changes: [what, ...planContent(contentParams(p), f, Buffer.from(content, 'utf8')).changes] };
}

/** facts, apply and rollback of an edit module; `ownKinds` are its descriptive changes, which apply skips. */
export function editHooks<P extends EditedFileParams>(ownKinds: readonly string[]): Pick<ModuleDef<P, FileFact>, 'factsQuery' | 'facts' | 'apply' | 'rollback'> {
  return {
    factsQuery: (ctx, p) => destQuery(ctx.host, p.path),
    facts: (ctx, p) => runFactsQuery(ctx, destQuery(ctx.host, p.path)),
    apply: (ctx, p, plan, facts) => applyContent(ctx, contentParams(p), { changes: plan.changes.filter((c) => !ownKinds.includes(c.kind)) }, facts),
    rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot, applied),
  };
}
