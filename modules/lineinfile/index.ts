// lineinfile: converges one line of a text file: present (replacing the line
// a regexp finds, or inserted where asked) or absent. The file is rewritten
// through the same safe path as `copy` (temp file, validate, backup, rename).
//
//   - name: forwarding on at boot
//     lineinfile:
//       path: /etc/sysctl.conf
//       regexp: '^#?\s*net\.ipv4\.ip_forward\s*='
//       line: net.ipv4.ip_forward = 1

import { defineModule, noop, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import type { FileFact } from '../../core/files/facts.js';
import { parseTemplate } from '../lib/python-regexp.js';
import { editableText, editedFileFields, editedFileRules, editHooks, planEdit, type EditedFileParams } from '../lib/text-edit.js';
import { editLines, type LineEdit } from './edit.js';

export interface LineinfileParams extends LineEdit, EditedFileParams {
  create: boolean;
}

export function planLineinfile(p: LineinfileParams, f: FileFact): Plan {
  const text = editableText(p, f);
  if (text === undefined) {
    if (p.state === 'absent') return noop(`${p.path} does not exist`);
    if (!p.create) throw new ModuleError(`${p.path} does not exist (set create: true to create it)`);
  }
  const r = editLines(text ?? '', p);
  const unchanged = p.state === 'absent' ? `no line to remove in ${p.path}` : `${p.path} already has the line${r.at ? ` (line ${r.at})` : ''}`;
  if (r.action === 'none' && f.exists) return planEdit(p, f, undefined, undefined, unchanged);
  // The line itself is what a reader wants to see; the hashes stay in the content change.
  const what = { kind: r.action === 'removed' ? 'remove-line' : 'set-line', resource: p.path, field: `line ${r.at}`, before: r.before, after: r.action === 'removed' ? undefined : p.line };
  return planEdit(p, f, r.content, what, unchanged);
}

export default defineModule<LineinfileParams, FileFact>({
  name: 'lineinfile',
  summary: 'One line of a text file present (replaced or inserted) or absent',
  params: {
    path: { type: 'string', required: true, aliases: ['dest'], pattern: /^\//, patternName: 'an absolute path' },
    line: { type: 'string', description: 'the line wanted (state: present)' },
    regexp: { type: 'string', description: 'finds the line to replace (its last match) or to remove' },
    search_string: { type: 'string', description: 'finds the line containing this literal string (instead of regexp)' },
    backrefs: { type: 'bool', default: false, description: 'line is a template of the regexp\'s groups (\\1, \\g<name>); nothing changes when regexp finds nothing' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
    insertafter: { type: 'string', description: 'regexp (last match) or EOF: where a new line goes' },
    insertbefore: { type: 'string', description: 'regexp (last match) or BOF: where a new line goes' },
    create: { type: 'bool', default: false, description: 'create the file when it does not exist' },
    ...editedFileFields,
  },
  rules: (p) => {
    const out = editedFileRules(p, ['regexp', 'insertafter', 'insertbefore']);
    if (p.state === 'present' && p.line === undefined) out.push(['line', 'state: present needs line']);
    if (p.state === 'absent' && p.line === undefined && p.regexp === undefined && p.search_string === undefined) out.push(['', 'state: absent needs regexp, search_string or line']);
    if (p.regexp !== undefined && p.search_string !== undefined) out.push(['', 'give regexp or search_string, not both']);
    if (p.backrefs === true && p.regexp === undefined) out.push(['backrefs', 'needs regexp (its groups fill the line)']);
    if (p.backrefs === true && typeof p.line === 'string') {
      try {
        parseTemplate(p.line);
      } catch (e) {
        out.push(['line', (e as Error).message]);
      }
    }
    if (p.insertafter !== undefined && p.insertbefore !== undefined) out.push(['', 'give insertafter or insertbefore, not both']);
    if (typeof p.line === 'string' && p.line.includes('\n')) out.push(['line', 'must be a single line']);
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- lineinfile:
    path: /etc/hosts
    regexp: '\\srs1$'
    line: 198.18.0.11 rs1`,

  plan: planLineinfile,
  ...editHooks<LineinfileParams>(['set-line', 'remove-line']),
});
