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

import { defineModule, noop, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import type { FileFact } from '../../core/files/facts.js';
import { editableText, editedFileFields, editedFileRules, editHooks, planEdit, type EditedFileParams } from '../lib/text-edit.js';
import { editBlock, markerLines } from './edit.js';

export interface BlockinfileParams extends EditedFileParams {
  block: string;
  state: 'present' | 'absent';
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
}

export function planBlockinfile(p: BlockinfileParams, f: FileFact): Plan {
  const text = editableText(p, f);
  if (text === undefined) {
    if (p.state === 'absent') return noop(`${p.path} does not exist`);
    if (!p.create) throw new ModuleError(`${p.path} does not exist (set create: true to create it)`);
  }
  const edit = { block: p.block, marker: p.marker, markerBegin: p.marker_begin, markerEnd: p.marker_end, state: p.state, insertafter: p.insertafter, insertbefore: p.insertbefore };
  const r = editBlock(text, edit);
  const unchanged = r.at ? `${p.path} already has the block (line ${r.at})` : `no block to remove in ${p.path}`;
  if (r.action === 'none') return planEdit(p, f, undefined, undefined, unchanged);
  const after = r.action === 'removed' ? undefined : p.block.replace(/\n$/, '');
  const what = { kind: r.action === 'removed' ? 'remove-block' : 'set-block', resource: p.path, field: `block ${markerLines(edit)[0].trim()}`, before: r.before, after };
  return planEdit(p, f, r.content, what, unchanged);
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
    ...editedFileFields,
  },
  rules: (p) => {
    const out = editedFileRules(p, ['insertafter', 'insertbefore']);
    if (p.insertafter !== undefined && p.insertbefore !== undefined) out.push(['', 'give insertafter or insertbefore, not both']);
    for (const f of ['marker', 'marker_begin', 'marker_end']) {
      if (typeof p[f] === 'string' && /[\r\n]/.test(p[f] as string)) out.push([f, 'must be a single line']);
    }
    if (typeof p.marker === 'string' && typeof p.marker_begin === 'string' && typeof p.marker_end === 'string') {
      const [a, b] = markerLines({ marker: p.marker, markerBegin: p.marker_begin, markerEnd: p.marker_end });
      if (a === b) out.push(['marker', 'the begin and end markers are the same line (put {mark} in marker, and make marker_begin and marker_end differ)']);
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

  plan: planBlockinfile,
  ...editHooks<BlockinfileParams>(['set-block', 'remove-block']),
});
