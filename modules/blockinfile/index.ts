// blockinfile: converges a block of lines between two marker lines in a text
// file: inserted (where asked), replaced in place, or removed. The file is
// rewritten through the same safe path as `copy` (temp file, validate, backup,
// rename). Ansible's parameters and semantics (see edit.ts).
//
//   - name: the real servers in /etc/hosts
//     blockinfile:
//       path: /etc/hosts
//       marker: "# {mark} rb real servers"
//       block: |
//         198.18.0.11 rs1
//         198.18.0.12 rs2

import { defineModule, noop, runFactsQuery, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { CONTENT_LIMIT, type FileFact } from '../../core/files/facts.js';
import { attrChanges, groupParam, modeParam, modeProblem, normalizeMode, ownerParam } from '../../core/files/attrs.js';
import { applyContent, destQuery, planContent, rollbackContent, type ContentParams } from '../lib/file-content.js';
import { editBlock, markerLines } from './edit.js';
import { pythonRegExp } from '../lib/python-regexp.js';

export interface BlockinfileParams {
  path: string;
  block: string;
  state: 'present' | 'absent';
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  backup: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  validate?: string;
}

const contentParams = (p: BlockinfileParams): ContentParams => ({ dest: p.path, mode: p.mode, owner: p.owner, group: p.group, backup: p.backup, force: true, validate: p.validate });

export function planBlockinfile(p: BlockinfileParams, f: FileFact): Plan {
  if (!f.exists) {
    if (p.state === 'absent') return noop(`${p.path} does not exist`);
    if (!p.create) throw new ModuleError(`${p.path} does not exist (set create: true to create it)`);
  } else if (f.type !== 'file') {
    throw new ModuleError(`${p.path} is a ${f.type}, not a file`);
  } else if (f.content === undefined) {
    throw new ModuleError(`${p.path} is too large to edit (${f.size} bytes, limit ${CONTENT_LIMIT})`);
  }
  const edit = { block: p.block, marker: p.marker, markerBegin: p.marker_begin, markerEnd: p.marker_end, state: p.state, insertafter: p.insertafter, insertbefore: p.insertbefore };
  const r = editBlock(f.exists ? (f.content ?? '') : undefined, edit);
  const field = `block ${markerLines(edit)[0].trim()}`;
  if (r.action === 'none') {
    const changes = attrChanges(f, { mode: normalizeMode(p.mode), owner: p.owner, group: p.group });
    if (changes.length) return { changes };
    return noop(r.at ? `${p.path} already has the block (line ${r.at})` : `no block to remove in ${p.path}`);
  }
  const plan = planContent(contentParams(p), f, Buffer.from(r.content, 'utf8'));
  const after = r.action === 'removed' ? undefined : p.block.replace(/\n$/, '');
  const what = { kind: r.action === 'removed' ? 'remove-block' : 'set-block', resource: p.path, field, before: r.before, after };
  return { changes: [what, ...plan.changes] };
}

function regexProblem(field: string, v: unknown): [string, string] | undefined {
  if (typeof v !== 'string' || v === 'EOF' || v === 'BOF') return undefined;
  try {
    pythonRegExp(v);
    return undefined;
  } catch (e) {
    return [field, `not a valid regular expression: ${(e as Error).message}`];
  }
}

export default defineModule<BlockinfileParams, FileFact>({
  name: 'blockinfile',
  summary: 'A block of lines between marker lines present (inserted or replaced) or absent',
  params: {
    path: { type: 'string', required: true, aliases: ['dest', 'destfile', 'name'], pattern: /^\//, patternName: 'an absolute path' },
    block: { type: 'string', default: '', aliases: ['content'], description: 'the lines wanted between the markers (empty: remove the block)' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
    marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'the marker line; {mark} becomes marker_begin / marker_end' },
    marker_begin: { type: 'string', default: 'BEGIN' },
    marker_end: { type: 'string', default: 'END' },
    insertafter: { type: 'string', description: 'regexp (last matching line) or EOF: where a new block goes' },
    insertbefore: { type: 'string', description: 'regexp (last matching line) or BOF: where a new block goes' },
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
    if (p.insertafter !== undefined && p.insertbefore !== undefined) out.push(['', 'give insertafter or insertbefore, not both']);
    for (const f of ['marker', 'marker_begin', 'marker_end']) {
      if (typeof p[f] === 'string' && /[\r\n]/.test(p[f] as string)) out.push([f, 'must be a single line']);
    }
    if (typeof p.marker === 'string' && typeof p.marker_begin === 'string' && typeof p.marker_end === 'string') {
      const [a, b] = markerLines({ marker: p.marker, markerBegin: p.marker_begin, markerEnd: p.marker_end });
      if (a === b) out.push(['marker', 'the begin and end markers are the same line (put {mark} in marker, and make marker_begin and marker_end differ)']);
    }
    if (typeof p.validate === 'string' && !p.validate.includes('%s')) out.push(['validate', 'must contain %s (the path of the file to check)']);
    for (const f of ['insertafter', 'insertbefore']) {
      const bad = regexProblem(f, p[f]);
      if (bad) out.push(bad);
    }
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- blockinfile:
    path: /etc/hosts
    marker: "# {mark} real servers"
    block: |
      198.18.0.11 rs1
      198.18.0.12 rs2`,

  factsQuery: (ctx, p) => destQuery(ctx.host, p.path),
  facts: (ctx, p) => runFactsQuery(ctx, destQuery(ctx.host, p.path)),
  plan: planBlockinfile,
  apply: (ctx, p, plan, facts) => applyContent(ctx, contentParams(p), { changes: plan.changes.filter((c) => c.kind !== 'set-block' && c.kind !== 'remove-block') }, facts),
  rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot, applied),
});
