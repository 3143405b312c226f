// replace: every match of a regexp in a text file replaced (Ansible's
// `replace`, see edit.ts), optionally only between `after` and `before`. The
// file is rewritten through the same safe path as `copy` (temp file, validate,
// backup, rename); a missing file is an error, as in Ansible.
//
//   - name: keepalived talks unicast
//     replace:
//       path: /etc/keepalived/keepalived.conf
//       regexp: '^(\s*)#\s*unicast_src_ip\s+.*$'
//       replace: '\1unicast_src_ip {{ ansible_default_ipv4.address }}'

import { defineModule, noop, runFactsQuery, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { CONTENT_LIMIT, type FileFact } from '../../core/files/facts.js';
import { attrChanges, groupParam, modeParam, modeProblem, normalizeMode, ownerParam } from '../../core/files/attrs.js';
import { applyContent, destQuery, planContent, rollbackContent, type ContentParams } from '../lib/file-content.js';
import { parseTemplate, pythonRegExp } from '../lib/python-regexp.js';
import { editReplace } from './edit.js';

export interface ReplaceParams {
  path: string;
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  backup: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  validate?: string;
}

const contentParams = (p: ReplaceParams): ContentParams => ({ dest: p.path, mode: p.mode, owner: p.owner, group: p.group, backup: p.backup, force: true, validate: p.validate });

export function planReplace(p: ReplaceParams, f: FileFact): Plan {
  if (!f.exists) throw new ModuleError(`${p.path} does not exist`);
  if (f.type !== 'file') throw new ModuleError(`${p.path} is a ${f.type}, not a file`);
  if (f.content === undefined) throw new ModuleError(`${p.path} is too large to edit (${f.size} bytes, limit ${CONTENT_LIMIT})`);
  const r = editReplace(f.content, p);
  if (r.replacements === 0) {
    const changes = attrChanges(f, { mode: normalizeMode(p.mode), owner: p.owner, group: p.group });
    if (changes.length) return { changes };
    return noop(r.noSection ? `after/before match nothing in ${p.path}` : `nothing to replace in ${p.path}`);
  }
  const plan = planContent(contentParams(p), f, Buffer.from(r.content, 'utf8'));
  const what = { kind: 'replace-matches', resource: p.path, field: p.regexp, after: `${r.replacements} replacement${r.replacements === 1 ? '' : 's'}` };
  return { changes: [what, ...plan.changes] };
}

function regexProblem(field: string, v: unknown): [string, string] | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    pythonRegExp(v);
    return undefined;
  } catch (e) {
    return [field, `not a valid regular expression: ${(e as Error).message}`];
  }
}

/** What Python would refuse in the replacement: a bad escape, a group the regexp does not have. */
function templateProblem(template: string, regexp: string | undefined): string | undefined {
  let parts;
  try {
    parts = parseTemplate(template);
  } catch (e) {
    return (e as Error).message;
  }
  let re: RegExp;
  try {
    re = pythonRegExp(regexp ?? '').re;
  } catch {
    return undefined;
  }
  // Matching the empty alternative gives every group, unset: their count and names.
  const probe = new RegExp(`${re.source}|`).exec('')!;
  for (const part of parts) {
    if (typeof part === 'string') continue;
    const ok = typeof part.group === 'number' ? part.group < probe.length : probe.groups !== undefined && part.group in probe.groups;
    if (!ok) return `refers to group ${part.group}, which the regexp does not have`;
  }
  return undefined;
}

export default defineModule<ReplaceParams, FileFact>({
  name: 'replace',
  summary: 'Every match of a regexp in a file replaced',
  params: {
    path: { type: 'string', required: true, aliases: ['dest', 'destfile', 'name'], pattern: /^\//, patternName: 'an absolute path' },
    regexp: { type: 'string', required: true, description: 'what to replace (a Python regexp; ^ and $ match at each line)' },
    replace: { type: 'string', default: '', description: 'the replacement; \\1, \\g<1> and \\g<name> insert groups' },
    after: { type: 'string', description: 'only replace after the first match of this regexp' },
    before: { type: 'string', description: 'only replace before the first match of this regexp' },
    backup: { type: 'bool', default: false },
    mode: modeParam,
    owner: ownerParam,
    group: groupParam,
    validate: { type: 'string', description: 'command checking the new file; %s is its temporary path' },
  },
  rules: (p) => {
    const out: Array<[string, string]> = [];
    const m = modeProblem(p.mode);
    if (m) out.push(['mode', m]);
    for (const f of ['regexp', 'after', 'before']) {
      const bad = regexProblem(f, p[f]);
      if (bad) out.push(bad);
    }
    if (typeof p.replace === 'string') {
      const problem = templateProblem(p.replace, typeof p.regexp === 'string' ? p.regexp : undefined);
      if (problem) out.push(['replace', problem]);
    }
    if (typeof p.validate === 'string' && !p.validate.includes('%s')) out.push(['validate', 'must contain %s (the path of the file to check)']);
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- replace:
    path: /etc/default/ipvsadm
    regexp: '^AUTO=.*$'
    replace: 'AUTO="true"'`,

  factsQuery: (ctx, p) => destQuery(ctx.host, p.path),
  facts: (ctx, p) => runFactsQuery(ctx, destQuery(ctx.host, p.path)),
  plan: planReplace,
  apply: (ctx, p, plan, facts) => applyContent(ctx, contentParams(p), { changes: plan.changes.filter((c) => c.kind !== 'replace-matches') }, facts),
  rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot, applied),
});
