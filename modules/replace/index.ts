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

import { defineModule, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import type { FileFact } from '../../core/files/facts.js';
import { parseTemplate, pythonRegExp } from '../lib/python-regexp.js';
import { editableText, editedFileFields, editedFileRules, editHooks, planEdit, type EditedFileParams } from '../lib/text-edit.js';
import { editReplace } from './edit.js';

export interface ReplaceParams extends EditedFileParams {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

export function planReplace(p: ReplaceParams, f: FileFact): Plan {
  const text = editableText(p, f);
  if (text === undefined) throw new ModuleError(`${p.path} does not exist`);
  const r = editReplace(text, p);
  const unchanged = r.noSection ? `after/before match nothing in ${p.path}` : `nothing to replace in ${p.path}`;
  if (r.replacements === 0) return planEdit(p, f, undefined, undefined, unchanged);
  const what = { kind: 'replace-matches', resource: p.path, field: p.regexp, after: `${r.replacements} replacement${r.replacements === 1 ? '' : 's'}` };
  return planEdit(p, f, r.content, what, unchanged);
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
    ...editedFileFields,
  },
  rules: (p) => {
    const out = editedFileRules(p, ['regexp', 'after', 'before']);
    if (typeof p.replace === 'string') {
      const problem = templateProblem(p.replace, typeof p.regexp === 'string' ? p.regexp : undefined);
      if (problem) out.push(['replace', problem]);
    }
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- replace:
    path: /etc/default/ipvsadm
    regexp: '^AUTO=.*$'
    replace: 'AUTO="true"'`,

  plan: planReplace,
  ...editHooks<ReplaceParams>(['replace-matches']),
});
