// lineinfile: converges one line of a text file: present (replacing the line
// a regexp finds, or inserted where asked) or absent. The file is rewritten
// through the same safe path as `copy` (temp file, validate, backup, rename).
//
//   - name: forwarding on at boot
//     lineinfile:
//       path: /etc/sysctl.conf
//       regexp: '^#?\s*net\.ipv4\.ip_forward\s*='
//       line: net.ipv4.ip_forward = 1

import { defineModule, noop, runFactsQuery, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { CONTENT_LIMIT, type FileFact } from '../../core/files/facts.js';
import { attrChanges, groupParam, modeParam, modeProblem, normalizeMode, ownerParam } from '../../core/files/attrs.js';
import { applyContent, destQuery, planContent, rollbackContent, type ContentParams } from '../lib/file-content.js';
import { parseTemplate, pythonRegExp } from '../lib/python-regexp.js';
import { editLines, type LineEdit } from './edit.js';

export interface LineinfileParams extends LineEdit {
  path: string;
  create: boolean;
  backup: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  validate?: string;
}

const contentParams = (p: LineinfileParams): ContentParams => ({ dest: p.path, mode: p.mode, owner: p.owner, group: p.group, backup: p.backup, force: true, validate: p.validate });

function regexProblem(field: string, v: unknown): [string, string] | undefined {
  if (typeof v !== 'string' || v === 'EOF' || v === 'BOF') return undefined;
  try {
    pythonRegExp(v);
    return undefined;
  } catch (e) {
    return [field, `not a valid regular expression: ${(e as Error).message}`];
  }
}

export function planLineinfile(p: LineinfileParams, f: FileFact): Plan {
  if (!f.exists) {
    if (p.state === 'absent') return noop(`${p.path} does not exist`);
    if (!p.create) throw new ModuleError(`${p.path} does not exist (set create: true to create it)`);
  } else if (f.type !== 'file') {
    throw new ModuleError(`${p.path} is a ${f.type}, not a file`);
  } else if (f.content === undefined) {
    throw new ModuleError(`${p.path} is too large to edit (${f.size} bytes, limit ${CONTENT_LIMIT})`);
  }
  const r = editLines(f.content ?? '', p);
  if (r.action === 'none' && f.exists) {
    const changes = attrChanges(f, { mode: normalizeMode(p.mode), owner: p.owner, group: p.group });
    if (changes.length) return { changes };
    return noop(p.state === 'absent' ? `no line to remove in ${p.path}` : `${p.path} already has the line${r.at ? ` (line ${r.at})` : ''}`);
  }
  const plan = planContent(contentParams(p), f, Buffer.from(r.content, 'utf8'));
  // The line itself is what a reader wants to see; the hashes stay in the content change.
  const what = { kind: r.action === 'removed' ? 'remove-line' : 'set-line', resource: p.path, field: `line ${r.at}`, before: r.before, after: r.action === 'removed' ? undefined : p.line };
  return { changes: [what, ...plan.changes] };
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
    if (typeof p.validate === 'string' && !p.validate.includes('%s')) out.push(['validate', 'must contain %s (the path of the file to check)']);
    for (const f of ['regexp', 'insertafter', 'insertbefore']) {
      const bad = regexProblem(f, p[f]);
      if (bad) out.push(bad);
    }
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- lineinfile:
    path: /etc/hosts
    regexp: '\\srs1$'
    line: 198.18.0.11 rs1`,

  factsQuery: (ctx, p) => destQuery(ctx.host, p.path),
  facts: (ctx, p) => runFactsQuery(ctx, destQuery(ctx.host, p.path)),
  plan: planLineinfile,
  apply: (ctx, p, plan, facts) => applyContent(ctx, contentParams(p), { changes: plan.changes.filter((c) => c.kind !== 'set-line' && c.kind !== 'remove-line') }, facts),
  rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot, applied),
});
